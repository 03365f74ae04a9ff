package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.execute.WriteBudget;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.resilience.OutageBreaker;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.tenant.Sleeper;
import dev.offboarding.worker.testing.Inbounds;
import dev.offboarding.worker.verify.Verifier;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A follow-up on the worker's own queue is believed only as far as it can be checked, against the
 * fake tenant over a socket: the actions it says were done are read back before they count, and
 * counts or a start no run of its event could have are refused.
 */
class FollowUpTrustTest {
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T09:00:00Z"));
  final Sleeper sleeper = clock::advance;
  final FakeTenant tenant = new FakeTenant();
  final FakeUser alice = tenant.addUser("alice@contoso.com");
  final FakeUser bob = tenant.addUser("bob@contoso.com");
  final FailureTaxonomyTest.RecordingAudit audit = new FailureTaxonomyTest.RecordingAudit();
  final FailureTaxonomyTest.RecordingFollowUps followUps =
      new FailureTaxonomyTest.RecordingFollowUps();
  final FakeGraphServer server =
      FakeGraphServer.start(tenant, FakeGraphOptions.builder().clock(clock).build());
  final EventProcessor processor = processor();
  final OffboardingEvent leaver =
      new OffboardingEvent(
          "evt-trust",
          "/tests",
          EventType.LEAVER,
          null,
          new EventData(
              List.of(new Target.User(alice.id()), new Target.User(bob.id())),
              List.of(),
              "leaver",
              null,
              null,
              false));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void writesAndVerifiesActionsAFollowUpSaysWereDoneWhenTheReadBackDoesNotShowThem()
      throws Exception {
    Continuation claims =
        followUp(
            clock.instant(),
            Map.of(),
            2,
            List.of(
                new Continuation.Pending(
                    alice.id(), 0, Set.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS)),
                new Continuation.Pending(bob.id(), 0, Set.of(Action.REVOKE_SESSIONS))));

    Settlement settlement = deliver(claims);

    assertEquals(new Settlement.Complete(), settlement);
    assertEquals(SummaryStatus.COMPLETED, audit.summaries.get(0).status());
    // Nothing was done before: every action is written now, and only then reported SUCCEEDED.
    assertEquals(List.of(WriteRecord.Kind.DISABLE, WriteRecord.Kind.REVOKE), writesTo(alice));
    assertEquals(List.of(WriteRecord.Kind.DISABLE, WriteRecord.Kind.REVOKE), writesTo(bob));
    for (TargetAudit result : audit.targets) {
      assertEquals(TargetOutcome.SUCCEEDED, result.outcome());
      for (ActionResult action : result.actions()) {
        assertTrue(action.attempts() >= 1, "written, not taken on the follow-up's word: " + action);
        assertEquals(Boolean.TRUE, action.verified(), action.toString());
      }
    }
  }

  @Test
  void sendsNoWriteForAnActionDoneEarlierThatTheReadBackShows() throws Exception {
    Instant started = clock.instant();
    Continuation first =
        followUp(started, Map.of(), 2, List.of(new Continuation.Pending(alice.id(), 0, Set.of())));
    deliver(first);
    int writes = server.writeLog().size();
    audit.targets.clear();
    audit.summaries.clear();
    clock.advance(Duration.ofMinutes(1));
    Continuation again =
        followUp(
            started,
            Map.of(),
            2,
            List.of(
                new Continuation.Pending(
                    alice.id(), 1, Set.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS))));

    deliver(again);

    assertEquals(writes, server.writeLog().size(), "what the read-back shows is not written twice");
    TargetAudit result =
        audit.targets.stream().filter(t -> alice.id().equals(t.userId())).findFirst().orElseThrow();
    assertEquals(TargetOutcome.SUCCEEDED, result.outcome());
    assertTrue(
        result.actions().stream()
            .allMatch(a -> a.attempts() == 0 && Boolean.TRUE.equals(a.verified())),
        result.toString());
  }

  @Test
  void deadLettersAFollowUpCountingMoreResultsThanItsEventHasUsersAndTargets() throws Exception {
    Continuation inflated =
        followUp(clock.instant(), Map.of(TargetOutcome.SUCCEEDED, 5_000), 2, List.of());

    Settlement settlement = deliver(inflated);

    assertInvalidAndUnwritten(settlement, "more results");
  }

  @Test
  void deadLettersAFollowUpCountingMoreUsersThanAnEventMayPlan() throws Exception {
    Continuation inflated = followUp(clock.instant(), Map.of(), 5_000, List.of());

    Settlement settlement = deliver(inflated);

    assertInvalidAndUnwritten(settlement, "MAX_TARGETS_PER_EVENT");
  }

  @Test
  void deadLettersAFollowUpWhoseEventStartsInTheFuture() throws Exception {
    Continuation early =
        followUp(
            clock.instant().plus(Duration.ofDays(1)),
            Map.of(),
            2,
            List.of(new Continuation.Pending(alice.id(), 0, Set.of(Action.REVOKE_SESSIONS))));

    Settlement settlement = deliver(early);

    assertInvalidAndUnwritten(settlement, "future");
  }

  private void assertInvalidAndUnwritten(Settlement settlement, String why) {
    Settlement.DeadLetter dead = assertInstanceOf(Settlement.DeadLetter.class, settlement);
    assertEquals("InvalidContinuation", dead.reason());
    assertTrue(dead.description().contains(why), dead.description());
    assertEquals(SummaryStatus.REJECTED, audit.summaries.get(0).status());
    assertEquals(List.of(), audit.targets);
    assertEquals(List.of(), server.writeLog());
  }

  private Continuation followUp(
      Instant startedAt,
      Map<TargetOutcome, Integer> counts,
      int usersResolved,
      List<Continuation.Pending> pending) {
    return new Continuation(
        new EventCodec().encode(leaver),
        "7@offboarding-events",
        "offboarding-events",
        1,
        startedAt,
        counts,
        Map.of(),
        usersResolved,
        "ffffffff-ffff-4fff-bfff-ffffffffffff",
        pending);
  }

  private Settlement deliver(Continuation c) throws InterruptedException {
    return processor.process(
        new EventProcessor.Work(
            Inbounds.of(new ContinuationCodec().encode(c), "8"),
            false,
            audit,
            followUps,
            () -> false,
            () -> {}));
  }

  private List<WriteRecord.Kind> writesTo(FakeUser user) {
    return server.writeLog().stream()
        .filter(w -> w.userId().equals(user.id()))
        .map(WriteRecord::kind)
        .toList();
  }

  /**
   * The processor as {@code Wiring} builds it, verifying every write; waits only move the clock.
   */
  private EventProcessor processor() {
    var graph =
        GraphClients.create(
            WorkerConfig.forGraphOnly(
                Map.of("GRAPH_BASE_URL", server.baseUrl(), "GRAPH_AUTH", "none")));
    RetryPolicy retries = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(100));
    GraphDirectory directory =
        new GraphDirectory(graph, URI.create(server.baseUrl()), retries, sleeper, clock);
    Planner planner =
        new Planner(
            directory,
            new Protection(Set.of(), Set.of(), clock, Protection.DEFAULT_MAX_STALENESS),
            1_000);
    Executor executor =
        new Executor(
            new GraphAccountWrites(graph, clock),
            WriteBudget.UNLIMITED,
            retries,
            OutageBreaker.create(clock),
            new Verifier(directory, sleeper, clock),
            sleeper,
            clock,
            4);
    return EventProcessor.builder(planner, executor, clock).build();
  }
}
