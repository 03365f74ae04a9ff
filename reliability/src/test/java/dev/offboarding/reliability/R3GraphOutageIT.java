package dev.offboarding.reliability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.Faults;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.config.Tuning;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * R3: in the middle of bulk work Graph fails for a while, in three phases: every request answers
 * 503, then every write answers 500, then every connection is reset; then it recovers. Compromise
 * events arrive during the outage. Goals: no event dead-lettered, every event one final summary,
 * every user exactly one final result and that result {@code SUCCEEDED} (no user is given up on
 * because of a passing outage). The time from recovery to the last final summary is printed.
 */
class R3GraphOutageIT {
  /** The production recovery's shape with short waits, and rounds enough to outlast the outage. */
  private static final Tuning.Recovery RECOVERY =
      new Tuning.Recovery(40, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(1));

  @Test
  void deadLettersNothingAndFinishesEveryUserAfterAGraphOutageInTheMiddleOfBulkWork() {
    boolean full = Runs.full();
    int bulkUsers = full ? 10_000 : 1_500;
    Duration phase = full ? Duration.ofSeconds(20) : Duration.ofSeconds(3);
    long seed = Runs.seed("R3");
    Random random = new Random(seed);
    FakeTenant tenant = new FakeTenant();
    FakeGroup big = tenant.addLargeGroup("Everyone", bulkUsers, 10, seed);
    FakeGroup small = tenant.addLargeGroup("Sales", bulkUsers / 3, 5, seed + 1);
    List<FakeUser> compromised = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      compromised.add(tenant.addUser("compromised" + i + "@contoso.example"));
    }
    try (Rig rig =
        new Rig(
            "R3",
            tenant,
            o -> o.unlimitedWrites().latency(Duration.ofMillis(5), Duration.ZERO),
            Map.of())) {
      WorkerService worker =
          rig.startWorker(
              Map.of(
                  "GRAPH_WRITES_PER_SECOND",
                  "300",
                  "MAX_TARGETS_PER_EVENT",
                  Integer.toString(2 * bulkUsers)),
              RECOVERY);
      await().atMost(Duration.ofSeconds(60)).until(worker::ready);
      List<OffboardingEvent> events = new ArrayList<>();
      events.add(Rig.event(EventType.LEAVER, new Target.Group(big.id())));
      events.add(Rig.event(EventType.LEAVER, new Target.Group(small.id())));
      events.forEach(rig::send);
      // The outage starts at a random point once bulk work is under way.
      int startAfter = 50 + random.nextInt(Math.max(1, bulkUsers / 4));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> rig.targets(events.get(0).id()).size() >= startAfter);
      Faults faults = rig.graph.faults();
      Instant outageBegan = Instant.now();

      faults.serviceUnavailable(Integer.MAX_VALUE, null, Faults.Scope.ALL_REQUESTS);
      for (FakeUser user : compromised) {
        OffboardingEvent e = Rig.event(EventType.COMPROMISE, new Target.User(user.id()));
        events.add(e);
        rig.send(e);
      }
      hold(phase);
      faults.serviceUnavailable(0, null, Faults.Scope.ALL_REQUESTS);
      List<String> everyone = tenant.users().stream().map(FakeUser::id).toList();
      everyone.forEach(id -> faults.forceStatus(id, 500));
      hold(phase);
      everyone.forEach(faults::clearForcedStatus);
      faults.connectionResets(Integer.MAX_VALUE, Faults.Scope.ALL_REQUESTS);
      hold(phase);
      faults.clear();
      Instant recovered = Instant.now();

      await()
          .atMost(Duration.ofSeconds(full ? 900 : 150))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> events.stream().allMatch(e -> finals(rig, e) >= 1));
      Duration recoveryToDone = Duration.between(recovered, Instant.now());

      long deadLettered = rig.emulator.deadLetterMessageCount(Rig.QUEUE);
      long eventsLost = events.stream().filter(e -> finals(rig, e) != 1).count();
      long notExactlyOne = 0;
      long notSucceeded = 0;
      for (OffboardingEvent e : events) {
        List<TargetAudit> results = rig.targets(e.id());
        Map<String, Long> perUser =
            results.stream()
                .collect(Collectors.groupingBy(TargetAudit::userId, Collectors.counting()));
        notExactlyOne += perUser.values().stream().filter(n -> n != 1).count();
        notSucceeded +=
            results.stream().filter(t -> t.outcome() != TargetOutcome.SUCCEEDED).count();
      }
      long expectedUsers =
          tenant.transitiveUsers(big.id()).size()
              + tenant.transitiveUsers(small.id()).size()
              + compromised.size();
      long resultUsers =
          events.stream()
              .mapToLong(
                  e -> rig.targets(e.id()).stream().map(TargetAudit::userId).distinct().count())
              .sum();

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("bulkUsers", expectedUsers - compromised.size());
      figures.put("events", events.size());
      figures.put("outageSeconds", Duration.between(outageBegan, recovered).toMillis() / 1000.0);
      figures.put("eventsDeadLettered", deadLettered);
      figures.put("eventsLost", eventsLost);
      figures.put("usersWithoutAResult", expectedUsers - resultUsers);
      figures.put("usersWithMoreThanOneResult", notExactlyOne);
      figures.put("resultsNotSucceeded", notSucceeded);
      figures.put("secondsFromRecoveryToDone", recoveryToDone.toMillis() / 1000.0);
      boolean met =
          deadLettered == 0
              && eventsLost == 0
              && expectedUsers == resultUsers
              && notExactlyOne == 0
              && notSucceeded == 0;
      Runs.report("R3", "Graph 503, 500, resets mid-bulk", seed, figures, met);

      assertEquals(0, deadLettered, "events dead-lettered because of the outage");
      assertEquals(0, eventsLost, "events without exactly one final summary");
      assertEquals(expectedUsers, resultUsers, "users without a final result");
      assertEquals(0, notExactlyOne, "users with more than one final result");
      assertEquals(0, notSucceeded, "users not SUCCEEDED after the outage");
    }
  }

  private static long finals(Rig rig, OffboardingEvent e) {
    return rig.summaries(e.id()).stream().filter(SummaryAudit::finalSummary).count();
  }

  /** The outage phase lasts this long; nothing is waited for. */
  private static void hold(Duration phase) {
    await().pollDelay(phase).atMost(phase.plusSeconds(5)).until(() -> true);
  }
}
