package dev.offboarding.worker.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.plan.PlanResult;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.plan.StreamingPlan;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.resilience.OutageBreaker;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.testing.Events;
import dev.offboarding.worker.testing.Executions;
import dev.offboarding.worker.testing.FakeDirectory;
import dev.offboarding.worker.testing.RecordingWrites;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExecutorTest {
  final FakeDirectory directory = new FakeDirectory();
  final RecordingWrites writes = new RecordingWrites();
  final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
  final List<Duration> throttles = Collections.synchronizedList(new ArrayList<>());
  final Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
  static final String ALICE = "00000000-0000-4000-8000-000000000001";
  static final String BOB = "00000000-0000-4000-8000-000000000002";
  static final String GLASS = "00000000-0000-4000-8000-0000000000ff";

  final WriteBudget budget =
      new WriteBudget() {
        @Override
        public void acquire(boolean urgent) {}

        @Override
        public void onThrottled(Duration retryAfter) {
          throttles.add(retryAfter);
        }

        @Override
        public void onAccepted() {}
      };
  final Executor executor =
      new Executor(
          writes,
          budget,
          new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(30)),
          OutageGuard.NONE,
          null,
          waits::add,
          clock,
          4);

  ExecutorTest() {
    directory.addUser(ALICE, "alice@contoso.com");
    directory.addUser(BOB, "bob@contoso.com");
    directory.addUser(GLASS, "glass@contoso.com");
  }

  List<TargetAudit> run(Protection protection, dev.offboarding.contracts.OffboardingEvent event)
      throws Exception {
    StreamingPlan plan =
        assertInstanceOf(
                PlanResult.Streamed.class, new Planner(directory, protection, 1000).prepare(event))
            .plan();
    return Executions.all(executor, plan, false);
  }

  @Test
  void disablesThenRevokesEachUser() throws Exception {
    List<TargetAudit> results = run(Protection.none(), Events.leaver(new Target.User(ALICE)));

    assertEquals(List.of("disable:" + ALICE, "revoke:" + ALICE), writes.attempts);
    TargetAudit alice = results.getFirst();
    assertEquals(TargetOutcome.SUCCEEDED, alice.outcome());
    assertEquals(
        List.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS),
        alice.actions().stream().map(a -> a.action()).toList());
    assertEquals(1, alice.actions().get(0).attempts());
    assertEquals("req-1", alice.actions().get(0).requestId());
  }

  @Test
  void onlyRevokesWhenTheEventAsksOnlyForRevocation() throws Exception {
    run(
        Protection.none(),
        Events.event(
            EventType.COMPROMISE, List.of(Action.REVOKE_SESSIONS), false, new Target.User(ALICE)));

    assertEquals(List.of("revoke:" + ALICE), writes.attempts);
  }

  @Test
  void neverWritesToAProtectedUser() throws Exception {
    List<TargetAudit> results =
        run(
            new Protection(Set.of("glass@contoso.com"), Set.of()),
            Events.leaver(new Target.User(GLASS), new Target.User(ALICE)));

    assertEquals(List.of("disable:" + ALICE, "revoke:" + ALICE), writes.attempts);
    assertEquals(TargetOutcome.PROTECTED, results.getFirst().outcome());
    assertEquals(
        List.of(TargetOutcome.SKIPPED, TargetOutcome.SKIPPED),
        results.getFirst().actions().stream().map(a -> a.outcome()).toList());
  }

  @Test
  void writesNothingInADryRun() throws Exception {
    List<TargetAudit> results =
        run(
            Protection.none(),
            Events.event(EventType.LEAVER, List.of(), true, new Target.User(ALICE)));

    assertEquals(List.of(), writes.attempts);
    assertEquals(TargetOutcome.SKIPPED, results.getFirst().outcome());
  }

  @Test
  void retriesAThrottledWriteAfterItsRetryAfter() throws Exception {
    writes.failNext(
        "revoke:" + ALICE,
        RecordingWrites.throttled(Duration.ofMillis(2128)),
        RecordingWrites.throttled(Duration.ofSeconds(7)));

    List<TargetAudit> results = run(Protection.none(), Events.leaver(new Target.User(ALICE)));

    assertEquals(List.of(Duration.ofMillis(2128), Duration.ofSeconds(7)), waits);
    assertEquals(List.of(Duration.ofMillis(2128), Duration.ofSeconds(7)), throttles);
    assertEquals(3, results.getFirst().actions().get(1).attempts());
    assertEquals(TargetOutcome.SUCCEEDED, results.getFirst().outcome());
  }

  @Test
  void backsOffExponentiallyThroughA503BurstWithoutRetryAfter() throws Exception {
    writes.failNext(
        "disable:" + ALICE,
        RecordingWrites.status(503),
        RecordingWrites.status(503),
        RecordingWrites.status(503));

    List<TargetAudit> results = run(Protection.none(), Events.leaver(new Target.User(ALICE)));

    assertEquals(3, waits.size());
    assertEquals(
        true,
        waits.get(1).compareTo(waits.get(0)) > 0 && waits.get(2).compareTo(waits.get(1)) > 0,
        "waits grow: " + waits);
    assertEquals(4, results.getFirst().actions().get(0).attempts());
    assertEquals(TargetOutcome.SUCCEEDED, results.getFirst().outcome());
  }

  @Test
  void givesUpAfterTheLastAttemptAndStillRevokes() throws Exception {
    writes.failAlways("disable:" + ALICE, RecordingWrites.status(503));

    TargetAudit alice = run(Protection.none(), Events.leaver(new Target.User(ALICE))).getFirst();

    assertEquals(TargetOutcome.FAILED, alice.actions().get(0).outcome());
    assertEquals(Executor.RETRIES_EXHAUSTED, alice.actions().get(0).errorCode());
    assertTrue(
        alice.actions().get(0).errorMessage().contains("gave up after 5 attempts"),
        alice.actions().get(0).errorMessage());
    assertEquals(5, alice.actions().get(0).attempts());
    assertEquals(TargetOutcome.SUCCEEDED, alice.actions().get(1).outcome());
    assertEquals(TargetOutcome.FAILED, alice.outcome());
  }

  @Test
  void stopsSendingWritesWhileGraphIsDownSoTheEventCanBeTriedAgainSoon() throws Exception {
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String id = String.format("40000000-0000-4000-8000-%012d", i);
      directory.addUser(id, "down" + i + "@contoso.com");
      writes.failAlways("revoke:" + id, RecordingWrites.status(503));
      targets.add(new Target.User(id));
    }
    Executor oneAtATime =
        new Executor(
            writes,
            budget,
            new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(30)),
            OutageBreaker.create(clock, 10, 10, Duration.ofSeconds(30)),
            null,
            waits::add,
            clock,
            1);
    StreamingPlan plan =
        assertInstanceOf(
                PlanResult.Streamed.class,
                new Planner(directory, Protection.none(), 1000)
                    .prepare(
                        Events.event(
                            EventType.COMPROMISE,
                            List.of(Action.REVOKE_SESSIONS),
                            false,
                            targets.toArray(Target[]::new))))
            .plan();

    List<TargetAudit> results = Executions.all(oneAtATime, plan, false);

    // Ten failed writes open the breaker; every later write gives up without being sent.
    assertEquals(10, writes.attempts.size());
    assertEquals(30, results.size());
    assertTrue(
        results.stream()
            .allMatch(r -> r.actions().getFirst().errorCode().equals(Executor.RETRIES_EXHAUSTED)));
    assertEquals(25, results.stream().filter(r -> r.actions().getFirst().attempts() == 0).count());
  }

  @Test
  void treatsNotFoundAsFinalAndSkipsTheRevocation() throws Exception {
    writes.failNext("disable:" + ALICE, RecordingWrites.status(404));

    TargetAudit alice = run(Protection.none(), Events.leaver(new Target.User(ALICE))).getFirst();

    assertEquals(List.of("disable:" + ALICE), writes.attempts);
    assertEquals(TargetOutcome.NOT_FOUND, alice.outcome());
    assertEquals("Request_ResourceNotFound", alice.actions().get(0).errorCode());
    assertEquals(TargetOutcome.SKIPPED, alice.actions().get(1).outcome());
    assertEquals(List.of(), waits);
  }

  @Test
  void treatsForbiddenAsFinalWithoutRetrying() throws Exception {
    writes.failNext("disable:" + ALICE, RecordingWrites.status(403));

    TargetAudit alice = run(Protection.none(), Events.leaver(new Target.User(ALICE))).getFirst();

    assertEquals(1, alice.actions().get(0).attempts());
    assertEquals(TargetOutcome.FORBIDDEN, alice.outcome());
    assertEquals(List.of(), waits);
  }

  @Test
  void givesEveryUserAndEveryUnresolvedTargetExactlyOneResult() throws Exception {
    for (int i = 0; i < 300; i++) {
      directory.addUser(
          String.format("20000000-0000-4000-8000-%012d", i), "u" + i + "@contoso.com");
    }
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      members.add(String.format("20000000-0000-4000-8000-%012d", i));
    }
    String group = "30000000-0000-4000-8000-000000000001";
    directory.addGroup(group, members.toArray(String[]::new));
    writes.failNext("revoke:20000000-0000-4000-8000-000000000007", RecordingWrites.status(400));

    List<TargetAudit> results =
        run(
            Protection.none(),
            Events.leaver(new Target.Group(group), new Target.User("ghost@contoso.com")));

    assertEquals(301, results.size());
    assertEquals(
        300,
        Set.copyOf(results.stream().map(TargetAudit::userId).filter(id -> id != null).toList())
            .size());
    assertEquals(600, writes.attempts.size());
    assertNull(results.get(300).userId());
    assertEquals(TargetOutcome.NOT_FOUND, results.get(300).outcome());
    assertEquals(1, results.stream().filter(r -> r.outcome() == TargetOutcome.FAILED).count());
  }
}
