package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Cancellation;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.config.Tuning;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A running 2,000-user event cancelled midway, end to end: it stops, and every user is audited
 * exactly once (SUCCEEDED if written before the cancel took effect, SKIPPED with {@code Cancelled}
 * after). The cancel reaches the event wherever it is: running in the worker that takes the cancel,
 * running on another replica, or between two of its chunks with its follow-up waiting in the queue.
 */
class CancellationEndToEndTest {
  private static final int USERS = 2_000;
  private static final ServiceBusIntake.Options INTAKE =
      new ServiceBusIntake.Options(
          4, Duration.ofMinutes(5), Duration.ofSeconds(20), Duration.ofSeconds(5));

  /**
   * 100 writes a second: the whole event would take about 40 s, so a cancel sent early lands
   * mid-run.
   */
  private static final Map<String, String> SLOW =
      Map.of(
          "MAX_TARGETS_PER_EVENT", Integer.toString(2 * USERS), "GRAPH_WRITES_PER_SECOND", "100");

  private WorkerHarness harness;
  private FakeGroup everyone;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private void tenant() {
    FakeTenant tenant = new FakeTenant();
    everyone = tenant.addLargeGroup("Everyone", USERS, 10, 17);
    harness =
        new WorkerHarness(
            tenant, o -> o.unlimitedWrites().latency(Duration.ofMillis(5), Duration.ZERO));
  }

  private static Map<String, String> with(Map<String, String> base, String... more) {
    Map<String, String> all = new HashMap<>(base);
    for (int i = 0; i < more.length; i += 2) {
      all.put(more[i], more[i + 1]);
    }
    return all;
  }

  private WorkerService worker(Map<String, String> settings) {
    return harness.startWorker(INTAKE, settings, Tuning.Recovery.defaults());
  }

  private static OffboardingEvent cancelOf(OffboardingEvent event) {
    return OffboardingEvent.cancel(
        UUID.randomUUID().toString(),
        "/test/e2e",
        Instant.now(),
        new Cancellation(event.id(), "wrong group", "hr-ops@contoso.com"));
  }

  private void awaitSomeUsersFinal(OffboardingEvent event, int atLeast) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> harness.targets(event.id()).size() >= atLeast);
  }

  @Test
  void aRunningEventCancelledInTheWorkerRunningItStopsWithEveryUserAuditedOnce() {
    tenant();
    worker(SLOW);
    OffboardingEvent event = WorkerHarness.event(EventType.LEAVER, new Target.Group(everyone.id()));
    harness.send(event);
    awaitSomeUsersFinal(event, 100);
    OffboardingEvent cancel = cancelOf(event);

    harness.sendOps(cancel);

    SummaryAudit answer = awaitCancelAnswer(cancel);
    assertTrue(
        answer.detail().startsWith("event " + event.id() + " is running in this worker"),
        answer.detail());
    assertStoppedWithEveryUserOnce(
        event, cancel, "cancelled while running, by cancel event " + cancel.id());
  }

  /**
   * The worker running the event does not take cancels (its ops queue is one nobody sends to); the
   * one that does finds the event neither scheduled nor running there and leaves a marker, which
   * the first worker reads between users.
   */
  @Test
  void aRunningEventCancelledThroughAnotherReplicaStopsWithEveryUserAuditedOnce() {
    tenant();
    worker(with(SLOW, "SERVICEBUS_OPS_QUEUE", WorkerHarness.REPLIES));
    OffboardingEvent event = WorkerHarness.event(EventType.LEAVER, new Target.Group(everyone.id()));
    harness.send(event);
    awaitSomeUsersFinal(event, 100);
    worker(SLOW);
    OffboardingEvent cancel = cancelOf(event);

    harness.sendOps(cancel);

    SummaryAudit answer = awaitCancelAnswer(cancel);
    assertTrue(
        answer
            .detail()
            .startsWith(
                "event "
                    + event.id()
                    + " is not scheduled on the worker's own queue and not"
                    + " running in this worker; marked cancelled until"),
        answer.detail());
    assertStoppedWithEveryUserOnce(
        event, cancel, "cancelled while running, by cancel event " + cancel.id());
  }

  /**
   * An event split into chunks of 200, stopped between two of them: its follow-up waits on the
   * worker's own queue, running nowhere (held here under a lock, as a busy replica would hold it),
   * when another replica takes the cancel. The worker that takes the follow-up later has read the
   * marker at start-up and finishes the event as cancelled without writing.
   */
  @Test
  void anEventCancelledBetweenTwoOfItsChunksIsFinishedAsCancelledByTheReplicaTakingItsFollowUp() {
    tenant();
    Map<String, String> chunked = with(SLOW, "DELIVERY_MAX_USERS", "200");
    WorkerService first = worker(chunked);
    OffboardingEvent event = WorkerHarness.event(EventType.LEAVER, new Target.Group(everyone.id()));
    harness.send(event);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                harness.summaries(event.id()).stream()
                    .anyMatch(s -> s.status() == SummaryStatus.CONTINUING));
    // Stopped, it hands the rest of its chunk on: the event now waits in a follow-up on the queue.
    first.close();
    int writesBetweenChunks = harness.graph.writeLog().size();
    OffboardingEvent cancel = cancelOf(event);
    try (com.azure.messaging.servicebus.ServiceBusReceiverClient holder =
        harness.clients().receiver().queueName(WorkerHarness.INTERNAL_QUEUE).buildClient()) {
      com.azure.messaging.servicebus.ServiceBusReceivedMessage followUp =
          holder.receiveMessages(1, Duration.ofSeconds(30)).stream().findFirst().orElseThrow();
      WorkerService canceller = worker(chunked);

      harness.sendOps(cancel);

      SummaryAudit answer = awaitCancelAnswer(cancel);
      assertTrue(
          answer
              .detail()
              .startsWith(
                  "event "
                      + event.id()
                      + " is not scheduled on the worker's own queue and"
                      + " not running in this worker; marked cancelled until"),
          answer.detail());
      assertTrue(harness.summaries(event.id()).stream().noneMatch(SummaryAudit::finalSummary));
      canceller.close();
      holder.abandon(followUp);
    }
    // A replica started now reads the marker before it takes any message.
    worker(chunked);
    SummaryAudit last =
        assertStoppedWithEveryUserOnce(
            event, cancel, "cancelled between deliveries, by cancel event " + cancel.id());
    assertEquals(
        writesBetweenChunks, harness.graph.writeLog().size(), "nothing written after the cancel");
    assertTrue(last.step() >= 1, "finished by a follow-up");
  }

  /**
   * A marker's life ends when the broker delivers it: the worker completes it and audits nothing.
   */
  @Test
  void aMarkerThatComesDueIsCompletedAndDropped() {
    tenant();
    WorkerService worker = worker(SLOW);
    dev.offboarding.worker.scheduling.CancellationMarkers.Marker marker =
        new dev.offboarding.worker.scheduling.CancellationMarkers.Marker(
            "evt-gone",
            "cancel-gone",
            "hr-ops@contoso.com",
            "wrong group",
            Instant.now().plusSeconds(2),
            null);
    com.azure.messaging.servicebus.ServiceBusMessage message =
        new com.azure.messaging.servicebus.ServiceBusMessage(
            new dev.offboarding.worker.codec.CancellationMarkerCodec().encode(marker));
    message.setSubject(dev.offboarding.worker.codec.CancellationMarkerCodec.FORMAT);
    message.setScheduledEnqueueTime(marker.until().atOffset(java.time.ZoneOffset.UTC));
    try (var sender =
        harness.clients().sender().queueName(WorkerHarness.INTERNAL_QUEUE).buildClient()) {
      sender.sendMessage(message);
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                worker
                        .metrics()
                        .count(
                            dev.offboarding.worker.metrics.Metrics.EVENTS,
                            "type",
                            "marker",
                            "outcome",
                            "COMPLETED")
                    == 1);
    assertEquals(
        new dev.offboarding.testkit.servicebus.EntityStats(0, 0, 0, 0, 0),
        harness.emulator.stats(WorkerHarness.INTERNAL_QUEUE));
    assertEquals(List.of(), harness.summaries("evt-gone"));
    assertEquals(0, harness.emulator.deadLetterMessageCount(WorkerHarness.INTERNAL_QUEUE));
  }

  private SummaryAudit awaitCancelAnswer(OffboardingEvent cancel) {
    harness.awaitSummaries(cancel.id(), Duration.ofSeconds(30));
    List<SummaryAudit> answers = harness.summaries(cancel.id());
    assertEquals(1, answers.size());
    SummaryAudit answer = answers.get(0);
    assertEquals(SummaryStatus.COMPLETED, answer.status());
    assertTrue(
        answer.detail().endsWith("requested by hr-ops@contoso.com: wrong group"), answer.detail());
    return answer;
  }

  /**
   * The event has one final summary naming the cancel; each of its users exactly one final result,
   * SUCCEEDED for those written, SKIPPED (Cancelled) for the others; a skipped user was written to
   * only for actions its result names as already done (a user caught between its disable and its
   * revoke); and nothing is written once the final summary is out.
   */
  private SummaryAudit assertStoppedWithEveryUserOnce(
      OffboardingEvent event, OffboardingEvent cancel, String detailStart) {
    harness.awaitFinalSummary(event.id(), Duration.ofSeconds(60));
    List<SummaryAudit> finals =
        harness.summaries(event.id()).stream().filter(SummaryAudit::finalSummary).toList();
    assertEquals(1, finals.size());
    SummaryAudit last = finals.get(0);
    assertTrue(last.detail() != null && last.detail().startsWith(detailStart), last.detail());
    assertTrue(
        last.detail().contains("requested by hr-ops@contoso.com: wrong group"), last.detail());
    int writesAtEnd = harness.graph.writeLog().size();
    int skipped = last.counts().getOrDefault(TargetOutcome.SKIPPED, 0);
    int succeeded = last.counts().getOrDefault(TargetOutcome.SUCCEEDED, 0);
    assertEquals(USERS, skipped + succeeded, "counts: " + last.counts());
    assertTrue(skipped > 0 && succeeded > 0, "stopped midway: " + last.counts());

    await().atMost(Duration.ofSeconds(30)).until(() -> harness.targets(event.id()).size() >= USERS);
    List<TargetAudit> targets = harness.targets(event.id());
    Map<String, List<TargetAudit>> perUser =
        targets.stream().collect(Collectors.groupingBy(TargetAudit::userId));
    assertEquals(USERS, perUser.size());
    assertEquals(
        List.of(),
        perUser.values().stream().filter(r -> r.size() != 1).toList(),
        "users with more than one final result");
    assertEquals(
        Map.of(TargetOutcome.SUCCEEDED, (long) succeeded, TargetOutcome.SKIPPED, (long) skipped),
        targets.stream()
            .collect(Collectors.groupingBy(TargetAudit::outcome, Collectors.counting())));
    Map<String, Set<WriteRecord.Kind>> written =
        harness.graph.writeLog().stream()
            .collect(
                Collectors.groupingBy(
                    WriteRecord::userId,
                    Collectors.mapping(WriteRecord::kind, Collectors.toSet())));
    for (TargetAudit t : targets) {
      if (t.outcome() == TargetOutcome.SKIPPED) {
        assertTrue(
            t.actions().stream().allMatch(a -> "Cancelled".equals(a.errorCode())), t::toString);
        assertTrue(t.detail().contains("by cancel event " + cancel.id()), t.detail());
        Set<WriteRecord.Kind> kinds = written.getOrDefault(t.userId(), Set.of());
        assertTrue(
            kinds.isEmpty() || t.detail().contains("already done: disableAccount"),
            () -> "a skipped user was written to: " + t + " " + kinds);
      } else {
        assertEquals(
            Set.of(WriteRecord.Kind.DISABLE, WriteRecord.Kind.REVOKE), written.get(t.userId()));
      }
    }
    assertEquals(
        writesAtEnd, harness.graph.writeLog().size(), "a write after the event's final summary");
    return last;
  }
}
