package dev.offboarding.worker.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Cancellation;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.continuation.DeliveryBounds;
import dev.offboarding.worker.execute.AccountWrites;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.testing.Events;
import dev.offboarding.worker.testing.Executions;
import dev.offboarding.worker.testing.FakeDirectory;
import dev.offboarding.worker.testing.FollowUpLoop;
import dev.offboarding.worker.testing.HeldEvents;
import dev.offboarding.worker.testing.Inbounds;
import dev.offboarding.worker.testing.RecordingWrites;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A cancel event reaching an event this process is running: no further user is started. */
class CancelRunningTest {
  static final String GROUP = "30000000-0000-4000-8000-000000000001";

  final FakeDirectory directory = new FakeDirectory();
  final RecordingWrites writes = new RecordingWrites();
  final EventCodec codec = new EventCodec();
  final List<SummaryAudit> summaries = new CopyOnWriteArrayList<>();
  final List<TargetAudit> results = new CopyOnWriteArrayList<>();
  final AuditSink audit =
      new AuditSink() {
        @Override
        public void targets(List<TargetAudit> r) {
          results.addAll(r);
        }

        @Override
        public void summary(SummaryAudit s) {
          summaries.add(s);
        }
      };
  EventProcessor processor;

  @Test
  void usersNotYetWrittenAreSkippedAsCancelledAndTheCancelSaysSo() throws Exception {
    fiveUsers();
    OffboardingEvent cancel =
        OffboardingEvent.cancel(
            "cancel-1",
            "/ops",
            Instant.now(),
            new Cancellation("evt-1", "wrong team", "hr-ops@contoso.com"));
    // The first write of the running event is where the cancel arrives, processed by the same
    // process.
    processor =
        replica(
            cancelOnFirstDisable(cancel, () -> processor),
            CancellationMarkers.inMemory(Clock.systemUTC()),
            DeliveryBounds.defaults());
    FollowUpLoop followUps = new FollowUpLoop();

    byte[] leaver = codec.encode(Events.leaver(new Target.Group(GROUP)));

    Settlement settlement =
        processor.process(
            new EventProcessor.Work(
                Inbounds.of(leaver, "1"), false, audit, followUps, () -> false, () -> {}));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(List.of(), followUps.sent, "no follow-up: what is left ends now");
    SummaryAudit answer =
        summaries.stream().filter(s -> s.eventId().equals("cancel-1")).findFirst().orElseThrow();
    assertEquals(SummaryStatus.COMPLETED, answer.status());
    assertTrue(
        answer.detail().startsWith("event evt-1 is running in this worker"), answer.detail());
    SummaryAudit last =
        summaries.stream().filter(s -> s.eventId().equals("evt-1")).findFirst().orElseThrow();
    assertTrue(last.finalSummary());
    assertEquals(1, last.counts().get(TargetOutcome.SUCCEEDED), "the user in flight finished");
    assertEquals(4, last.counts().get(TargetOutcome.SKIPPED));
    assertTrue(last.detail().contains("hr-ops@contoso.com: wrong team"), last.detail());
    assertEquals(5, results.size(), "every user has exactly one result");
    assertEquals(5, results.stream().map(TargetAudit::userId).distinct().count());
    results.stream()
        .filter(r -> r.outcome() == TargetOutcome.SKIPPED)
        .forEach(
            r ->
                assertTrue(
                    r.actions().stream().allMatch(a -> "Cancelled".equals(a.errorCode())),
                    r::toString));
    assertEquals(2, writes.attempts.size(), "one user disabled and revoked, nobody else written");
  }

  /** Five users in one group, ids in order. */
  private List<String> fiveUsers() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = String.format("20000000-0000-4000-8000-%012d", i);
      directory.addUser(id, "u" + i + "@contoso.com");
      ids.add(id);
    }
    directory.addGroup(GROUP, ids.toArray(String[]::new));
    return ids;
  }

  /**
   * The recorded writes, with {@code cancel} processed by {@code by} when the first disable is
   * sent.
   */
  private AccountWrites cancelOnFirstDisable(OffboardingEvent cancel, Supplier<EventProcessor> by) {
    AtomicBoolean sent = new AtomicBoolean();
    return new AccountWrites() {
      @Override
      public String disableAccount(String userId) {
        if (sent.compareAndSet(false, true)) {
          try {
            by.get()
                .process(
                    new EventProcessor.Work(
                        Inbounds.of(codec.encode(cancel), "9"),
                        false,
                        audit,
                        new FollowUpLoop(),
                        () -> false,
                        () -> {}));
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        }
        return writes.disableAccount(userId);
      }

      @Override
      public String revokeSignInSessions(String userId) {
        return writes.revokeSignInSessions(userId);
      }

      @Override
      public String enableAccount(String userId) {
        return writes.enableAccount(userId);
      }
    };
  }

  private EventProcessor replica(
      AccountWrites accountWrites, CancellationMarkers markers, DeliveryBounds bounds) {
    Executor executor = Executions.unthrottled(accountWrites, Clock.systemUTC(), 1);
    return EventProcessor.builder(
            new Planner(directory, Protection.none(), 100), executor, Clock.systemUTC())
        .bounds(bounds)
        .scheduled(new HeldEvents())
        .markers(markers, Duration.ofDays(1))
        .build();
  }

  /** A cancel taken by another replica reaches the running event through the marker it leaves. */
  @Test
  void aCancelTakenByAnotherReplicaStopsTheRunningEventAtItsNextUser() throws Exception {
    fiveUsers();
    CancellationMarkers broker = CancellationMarkers.inMemory(Clock.systemUTC());
    OffboardingEvent cancel =
        OffboardingEvent.cancel(
            "cancel-2",
            "/ops",
            Instant.now(),
            new Cancellation("evt-1", "wrong team", "hr-ops@contoso.com"));
    EventProcessor other = replica(writes, broker, DeliveryBounds.defaults());
    EventProcessor running =
        replica(cancelOnFirstDisable(cancel, () -> other), broker, DeliveryBounds.defaults());
    FollowUpLoop followUps = new FollowUpLoop();

    Settlement settlement =
        running.process(
            new EventProcessor.Work(
                Inbounds.of(codec.encode(Events.leaver(new Target.Group(GROUP))), "1"),
                false,
                audit,
                followUps,
                () -> false,
                () -> {}));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(List.of(), followUps.sent);
    SummaryAudit answer =
        summaries.stream().filter(s -> s.eventId().equals("cancel-2")).findFirst().orElseThrow();
    assertEquals(SummaryStatus.COMPLETED, answer.status());
    assertTrue(
        answer
            .detail()
            .startsWith(
                "event evt-1 is not scheduled on the worker's own queue and not running in"
                    + " this worker; marked cancelled until"),
        answer.detail());
    SummaryAudit last =
        summaries.stream().filter(s -> s.eventId().equals("evt-1")).findFirst().orElseThrow();
    assertTrue(last.finalSummary());
    assertTrue(
        last.detail()
            .startsWith(
                "cancelled while running, by cancel event cancel-2 requested by"
                    + " hr-ops@contoso.com: wrong team"),
        last.detail());
    assertEquals(1, last.counts().get(TargetOutcome.SUCCEEDED));
    assertEquals(4, last.counts().get(TargetOutcome.SKIPPED));
    assertEquals(5, results.stream().map(TargetAudit::userId).distinct().count());
    assertEquals(5, results.size());
    assertEquals(2, writes.attempts.size());
  }

  /**
   * Between two chunks the event runs nowhere: its follow-up, once delivered, finishes it as
   * cancelled.
   */
  @Test
  void aFollowUpOfAMarkedEventFinishesItAsCancelledWithoutWriting() throws Exception {
    List<String> ids = fiveUsers();
    CancellationMarkers broker = CancellationMarkers.inMemory(Clock.systemUTC());
    EventProcessor processor = replica(writes, broker, DeliveryBounds.of(Duration.ofMinutes(5), 2));
    FollowUpLoop followUps = new FollowUpLoop();
    processor.process(
        new EventProcessor.Work(
            Inbounds.of(codec.encode(Events.leaver(new Target.Group(GROUP))), "1"),
            false,
            audit,
            followUps,
            () -> false,
            () -> {}));
    assertEquals(1, followUps.sent.size(), "the first chunk hands the rest on");
    int writesBefore = writes.attempts.size();
    OffboardingEvent cancel =
        OffboardingEvent.cancel(
            "cancel-3",
            "/ops",
            Instant.now(),
            new Cancellation("evt-1", "wrong team", "hr-ops@contoso.com"));
    replica(writes, broker, DeliveryBounds.defaults())
        .process(
            new EventProcessor.Work(
                Inbounds.of(codec.encode(cancel), "9"),
                false,
                audit,
                new FollowUpLoop(),
                () -> false,
                () -> {}));

    Settlement settlement =
        processor.process(
            new EventProcessor.Work(
                Inbounds.of(new ContinuationCodec().encode(followUps.sent.get(0)), "2"),
                false,
                audit,
                followUps,
                () -> false,
                () -> {}));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(1, followUps.sent.size(), "no further follow-up");
    assertEquals(writesBefore, writes.attempts.size(), "nothing written after the cancel");
    SummaryAudit last =
        summaries.stream()
            .filter(s -> s.eventId().equals("evt-1") && s.finalSummary())
            .findFirst()
            .orElseThrow();
    assertEquals(1, last.step());
    assertEquals(2, last.counts().get(TargetOutcome.SUCCEEDED));
    assertEquals(3, last.counts().get(TargetOutcome.SKIPPED));
    assertTrue(
        last.detail().startsWith("cancelled between deliveries, by cancel event cancel-3"),
        last.detail());
    assertEquals(
        ids,
        results.stream().map(TargetAudit::userId).sorted().toList(),
        "every user exactly once");
    results.stream()
        .filter(r -> r.outcome() == TargetOutcome.SKIPPED)
        .forEach(
            r ->
                assertTrue(
                    r.actions().stream().allMatch(a -> "Cancelled".equals(a.errorCode())),
                    r::toString));
  }
}
