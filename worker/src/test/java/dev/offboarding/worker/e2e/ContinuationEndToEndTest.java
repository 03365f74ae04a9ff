package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.Faults;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.testkit.servicebus.EntityStats;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.config.Tuning;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Events that do not finish in one delivery, end to end: an outage in the middle of a big event,
 * and an event longer than the delivery bound, finished in chunks by two workers. Each ends with
 * one final summary, exactly one final result per user, and an empty queue.
 */
class ContinuationEndToEndTest {
  private static final ServiceBusIntake.Options INTAKE =
      new ServiceBusIntake.Options(
          4, Duration.ofMinutes(5), Duration.ofSeconds(20), Duration.ofSeconds(5));

  /**
   * The production recovery with its waits shortened (rounds 0.5 s apart doubling to 2 s, the
   * breaker probing after 1 s instead of 30 s), so an outage and its recovery fit in a test. The
   * ten rounds still outlast the outage below.
   */
  private static final Tuning.Recovery QUICK_RECOVERY =
      new Tuning.Recovery(10, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(1));

  private WorkerHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void finishesEveryUserOnceAfterAGraphOutageInTheMiddleOfABigEvent() {
    Outage outage = runThroughAnOutage(2_000);

    SummaryAudit last = awaitFinalSummary(outage.event(), Duration.ofSeconds(50));
    assertEquals(SummaryStatus.COMPLETED, last.status());
    assertEquals(2_000, last.counts().get(TargetOutcome.SUCCEEDED));
    List<SummaryAudit> summaries = harness.summaries(outage.event().id());
    assertEquals(1, summaries.stream().filter(SummaryAudit::finalSummary).count());
    assertTrue(
        summaries.stream()
            .filter(s -> !s.finalSummary())
            .allMatch(s -> s.status() == SummaryStatus.CONTINUING));
    assertTrue(summaries.size() >= 2, "the outage left no user for a follow-up");
    assertEveryUserFinishedOnceAndSucceeded(outage.event(), 2_000);
    assertEquals(
        2_000, publishedTargets(outage.worker()), "final results published, duplicates included");
    List<WriteRecord> since =
        harness.graph.writeLog().subList(outage.writesBefore(), harness.graph.writeLog().size());
    assertEquals(
        List.of(),
        since.stream().filter(w -> outage.finishedBefore().contains(w.userId())).toList(),
        "writes to users that had their final result before the outage");
    assertQueueEmpty();
  }

  /**
   * A user whose disable succeeded and whose revoke gave up is handed on with its disable marked
   * done (Continuation.Pending#done): the follow-up sends only the revoke, so no action is ever
   * written again after Graph accepted it.
   */
  @Test
  void neverSendsAnActionAgainOnceItSucceededAcrossAGraphOutage() {
    Outage outage = runThroughAnOutage(2_000);

    awaitFinalSummary(outage.event(), Duration.ofSeconds(50));
    List<WriteRecord> again = writesAfterSuccess();
    assertTrue(
        again.isEmpty(),
        again.size()
            + " writes after a success of the same action, of "
            + again.stream().map(WriteRecord::userId).distinct().count()
            + " users; first: "
            + again.stream().limit(3).toList());
  }

  /**
   * @param finishedBefore users with a final result on the topic when the outage began
   * @param writesBefore writes in the tenant's log when the outage began
   */
  private record Outage(
      OffboardingEvent event, WorkerService worker, Set<String> finishedBefore, int writesBefore) {}

  /**
   * Starts an event of {@code users} users; once some are finished, every write answers 503; once
   * the event has handed its unfinished users on, reads fail too (the follow-up cannot even be
   * planned); then Graph recovers.
   */
  private Outage runThroughAnOutage(int users) {
    FakeTenant tenant = new FakeTenant();
    FakeGroup everyone = tenant.addLargeGroup("Everyone", users, 10, 11);
    harness =
        new WorkerHarness(
            tenant, o -> o.unlimitedWrites().latency(Duration.ofMillis(5), Duration.ZERO));
    WorkerService worker =
        harness.startWorker(
            INTAKE,
            Map.of(
                "MAX_TARGETS_PER_EVENT",
                Integer.toString(2 * users),
                "GRAPH_WRITES_PER_SECOND",
                "1000"),
            QUICK_RECOVERY);
    OffboardingEvent event = WorkerHarness.event(EventType.LEAVER, new Target.Group(everyone.id()));
    harness.send(event);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> !harness.targets(event.id()).isEmpty());

    harness.graph.faults().serviceUnavailable(Integer.MAX_VALUE, null, Faults.Scope.WRITES);
    Set<String> finishedBefore =
        harness.targets(event.id()).stream().map(TargetAudit::userId).collect(Collectors.toSet());
    int writesBefore = harness.graph.writeLog().size();
    harness.awaitSummary(
        event.id(), Duration.ofSeconds(30), s -> s.status() == SummaryStatus.CONTINUING);
    harness.graph.faults().serviceUnavailable(Integer.MAX_VALUE, null, Faults.Scope.ALL_REQUESTS);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> worker.metrics().count(Metrics.EVENT_RETRIES, "reason", "transient") >= 1);
    harness.graph.faults().clear();
    return new Outage(event, worker, finishedBefore, writesBefore);
  }

  @Test
  void finishesAnEventLongerThanTheDeliveryBoundInChunksTakenByTwoWorkers() {
    FakeTenant tenant = new FakeTenant();
    FakeGroup everyone = tenant.addLargeGroup("Everyone", 400, 4, 13);
    // Latency makes each 50-user chunk take a while, so the event is still running when the
    // first worker is stopped below.
    harness =
        new WorkerHarness(
            tenant, o -> o.unlimitedWrites().latency(Duration.ofMillis(40), Duration.ZERO));
    Map<String, String> settings =
        Map.of("DELIVERY_MAX_USERS", "50", "GRAPH_WRITES_PER_SECOND", "1000");
    List<WorkerService> workers =
        List.of(
            harness.startWorker(INTAKE, settings, Tuning.Recovery.defaults()),
            harness.startWorker(INTAKE, settings, Tuning.Recovery.defaults()));
    OffboardingEvent event = WorkerHarness.event(EventType.LEAVER, new Target.Group(everyone.id()));

    harness.send(event);

    // Which worker the broker hands each chunk to is its choice, so "both took part" would be
    // left to chance. Instead: whichever worker settles a chunk first is stopped (it hands the
    // rest of its chunk on as shutdown does), and the other one must finish the event.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> workers.stream().anyMatch(w -> settled(w) >= 1));
    WorkerService first = workers.stream().filter(w -> settled(w) >= 1).findFirst().orElseThrow();
    WorkerService second = workers.get(0) == first ? workers.get(1) : workers.get(0);
    first.close();
    assertTrue(
        harness.summaries(event.id()).stream().noneMatch(SummaryAudit::finalSummary),
        "the event finished before the first worker was stopped; the second had nothing to do");

    SummaryAudit last = awaitFinalSummary(event, Duration.ofSeconds(50));
    assertEquals(SummaryStatus.COMPLETED, last.status());
    assertEquals(400, last.counts().get(TargetOutcome.SUCCEEDED));
    assertEveryUserFinishedOnceAndSucceeded(event, 400);
    List<SummaryAudit> summaries = harness.summaries(event.id());
    int chunks = summaries.size();
    assertTrue(chunks >= 400 / 50, "chunks: " + chunks);
    assertEquals(chunks - 1, last.step());
    assertEquals(
        Set.copyOf(range(chunks)),
        summaries.stream().map(SummaryAudit::step).collect(Collectors.toSet()),
        "every step summarised once");
    assertTrue(settled(first) >= 1);
    assertTrue(settled(second) >= 1);
    assertEquals(chunks, settled(first) + settled(second), "deliveries settled with a summary");
    assertEquals(
        400,
        publishedTargets(first) + publishedTargets(second),
        "final results published, duplicates included");
    assertTrue(
        doneByStep(summaries).stream().allMatch(n -> n <= 50),
        "users per chunk: " + doneByStep(summaries));
    assertEquals(List.of(), writesAfterSuccess());
    assertQueueEmpty();
  }

  private SummaryAudit awaitFinalSummary(OffboardingEvent event, Duration atMost) {
    harness.awaitFinalSummary(event.id(), atMost);
    return harness.summaries(event.id()).stream()
        .filter(SummaryAudit::finalSummary)
        .findFirst()
        .orElseThrow();
  }

  /** Every user of the event has exactly one final result on the topic, and it is SUCCEEDED. */
  private void assertEveryUserFinishedOnceAndSucceeded(OffboardingEvent event, int users) {
    await().atMost(Duration.ofSeconds(20)).until(() -> harness.targets(event.id()).size() >= users);
    List<TargetAudit> targets = harness.targets(event.id());
    Map<String, Long> perUser =
        targets.stream().collect(Collectors.groupingBy(TargetAudit::userId, Collectors.counting()));
    assertEquals(users, perUser.size());
    assertEquals(
        Map.of(),
        perUser.entrySet().stream()
            .filter(e -> e.getValue() != 1)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
        "users with more than one final result");
    assertEquals(
        Map.of(TargetOutcome.SUCCEEDED, (long) users),
        targets.stream()
            .collect(Collectors.groupingBy(TargetAudit::outcome, Collectors.counting())));
  }

  /**
   * Writes sent for an action of a user after one of that user's writes for it had been accepted.
   */
  private List<WriteRecord> writesAfterSuccess() {
    Set<String> succeeded = new HashSet<>();
    List<WriteRecord> after = new ArrayList<>();
    for (WriteRecord w : harness.graph.writeLog()) {
      String key = w.userId() + "/" + w.kind();
      if (succeeded.contains(key)) {
        after.add(w);
      } else if (w.accepted()) {
        succeeded.add(key);
      }
    }
    return after;
  }

  private void assertQueueEmpty() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> harness.emulator.stats(WorkerHarness.QUEUE).active() == 0);
    EntityStats queue = harness.emulator.stats(WorkerHarness.QUEUE);
    assertEquals(new EntityStats(0, 0, 0, 0, 0), queue);
  }

  /** Deliveries of a leaver event this worker settled with a summary (continuing or final). */
  private static int settled(WorkerService worker) {
    Function<String, Double> count =
        outcome -> worker.metrics().count(Metrics.EVENTS, "type", "leaver", "outcome", outcome);
    return (int) (count.apply("CONTINUING") + count.apply("COMPLETED"));
  }

  private static int publishedTargets(WorkerService worker) {
    return (int)
        worker.metrics().count(Metrics.AUDIT_MESSAGES, "type", "target", "entity", "topic");
  }

  /** Users finished by each step, from the running counts of consecutive summaries. */
  private static List<Integer> doneByStep(List<SummaryAudit> summaries) {
    List<SummaryAudit> inOrder =
        summaries.stream().sorted(java.util.Comparator.comparingInt(SummaryAudit::step)).toList();
    List<Integer> done = new ArrayList<>();
    int before = 0;
    for (SummaryAudit s : inOrder) {
      int total = s.counts().values().stream().mapToInt(Integer::intValue).sum();
      done.add(total - before);
      before = total;
    }
    return done;
  }

  private static List<Integer> range(int n) {
    List<Integer> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    return all;
  }
}
