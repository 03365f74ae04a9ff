package dev.offboarding.worker.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.execute.OutageGuard;
import dev.offboarding.worker.execute.WriteBudget;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.testing.Executions;
import dev.offboarding.worker.testing.FakeDirectory;
import dev.offboarding.worker.testing.FollowUpLoop;
import dev.offboarding.worker.testing.HeldEvents;
import dev.offboarding.worker.testing.Inbounds;
import dev.offboarding.worker.testing.RecordingAudit;
import dev.offboarding.worker.testing.RecordingWrites;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events with an {@code effectiveAt}: held by the broker until then, run when it comes. */
class SchedulingTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final String ALICE = "20000000-0000-4000-8000-000000000001";

  final FakeDirectory directory = new FakeDirectory();
  final RecordingWrites writes = new RecordingWrites();
  final RecordingAudit audit = new RecordingAudit();
  final FollowUpLoop followUps = new FollowUpLoop();
  final EventCodec codec = new EventCodec();
  final HeldEvents scheduled = new HeldEvents();

  /**
   * The broker's cancellation markers, shared by every processor of a test as replicas share the
   * broker.
   */
  final CancellationMarkers markers =
      CancellationMarkers.inMemory(Clock.fixed(NOW, ZoneOffset.UTC));

  SchedulingTest() {
    directory.addUser(ALICE, "alice@contoso.com");
  }

  EventProcessor processor() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Executor executor = Executions.unthrottled(writes, clock, 8);
    return EventProcessor.builder(new Planner(directory, Protection.none(), 100), executor, clock)
        .scheduled(scheduled)
        .markers(markers, Duration.ofHours(30))
        .build();
  }

  static OffboardingEvent leaverAt(Instant effectiveAt) {
    return new OffboardingEvent(
        "evt-later",
        "/hr/test",
        EventType.LEAVER,
        NOW,
        new EventData(
            List.of(new Target.User(ALICE)), List.of(), "leaver", null, "hr", false, effectiveAt));
  }

  Settlement deliver(byte[] body, boolean heldUntilDue) throws InterruptedException {
    return processor()
        .process(
            new EventProcessor.Work(
                heldUntilDue ? Inbounds.held(body, "7") : Inbounds.of(body, "7"),
                false,
                audit,
                followUps,
                () -> false,
                () -> {}));
  }

  @Test
  void holdsAnEventThatTakesEffectLaterAndWritesNothing() throws Exception {
    Instant due = NOW.plus(Duration.ofDays(3));
    byte[] body = codec.encode(leaverAt(due));

    Settlement settlement = deliver(body, false);

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(List.of(), writes.attempts);
    assertEquals(List.of(due), followUps.heldUntil);
    assertTrue(java.util.Arrays.equals(body, followUps.held.get(0)), "the event is held unchanged");
    assertEquals(SummaryStatus.SCHEDULED, audit.summary.status());
    assertFalse(audit.summary.finalSummary());
    assertEquals(due, audit.summary.dueAt());
    assertEquals(List.of(), audit.all());
  }

  @Test
  void runsTheHeldCopyWhenTheBrokerDeliversItEvenIfTheClockIsBehind() throws Exception {
    byte[] body = codec.encode(leaverAt(NOW.plusSeconds(5)));

    Settlement settlement = deliver(body, true);

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(List.of(), followUps.held, "a held copy is never held again");
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertEquals(1, audit.summary.counts().get(TargetOutcome.SUCCEEDED));
  }

  @Test
  void runsAnEventWhoseMomentHasPassedAtOnce() throws Exception {
    Settlement settlement = deliver(codec.encode(leaverAt(NOW.minus(Duration.ofHours(1)))), false);

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(List.of(), followUps.held);
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertEquals(2, writes.attempts.size(), "disable and revoke");
  }

  @Test
  void rejectsAnEventBeyondTheHorizonAndDeadLettersIt() throws Exception {
    Settlement settlement = deliver(codec.encode(leaverAt(NOW.plus(Duration.ofDays(91)))), false);

    Settlement.DeadLetter dead = assertInstanceOf(Settlement.DeadLetter.class, settlement);
    assertEquals("ScheduleTooFarAhead", dead.reason());
    assertEquals(SummaryStatus.REJECTED, audit.summary.status());
    assertEquals("$.data.effectiveAt", audit.summary.problems().get(0).path());
    assertEquals(List.of(), followUps.held);
    assertEquals(List.of(), writes.attempts);
  }

  static OffboardingEvent cancelOf(String eventId) {
    return OffboardingEvent.cancel(
        "cancel-1",
        "/ops",
        NOW,
        new dev.offboarding.contracts.Cancellation(
            eventId, "contract extended", "hr-ops@contoso.com"));
  }

  @Test
  void aCancelEventRemovesTheHeldEventAndAuditsBothWithWhoAskedAndWhy() throws Exception {
    Instant due = NOW.plus(Duration.ofDays(3));
    byte[] held = codec.encode(leaverAt(due));
    scheduled.held.add(new ScheduledEvents.Held("q", 42, "evt-later", due, held));
    List<dev.offboarding.contracts.SummaryAudit> summaries = new java.util.ArrayList<>();
    AuditSink sink =
        new AuditSink() {
          @Override
          public void targets(List<dev.offboarding.contracts.TargetAudit> results) {
            throw new AssertionError("a cancellation writes no target results");
          }

          @Override
          public void summary(dev.offboarding.contracts.SummaryAudit s) {
            summaries.add(s);
          }
        };

    Settlement settlement =
        processor()
            .process(
                new EventProcessor.Work(
                    Inbounds.of(codec.encode(cancelOf("evt-later")), "8"),
                    false,
                    sink,
                    followUps,
                    () -> false,
                    () -> {}));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(List.of(), scheduled.held);
    assertEquals(
        List.of("evt-later", "cancel-1"), summaries.stream().map(s -> s.eventId()).toList());
    assertEquals(SummaryStatus.CANCELLED, summaries.get(0).status());
    assertEquals("dev.offboarding.leaver.v1", summaries.get(0).eventType());
    assertTrue(summaries.get(0).finalSummary());
    assertTrue(
        summaries.get(0).detail().contains("hr-ops@contoso.com: contract extended"),
        summaries.get(0).detail());
    assertEquals(SummaryStatus.COMPLETED, summaries.get(1).status());
    assertTrue(
        summaries.get(1).detail().startsWith("cancelled event evt-later, due " + due),
        summaries.get(1).detail());
    assertEquals(List.of(), writes.attempts);
  }

  @Test
  void aCancelOfAnEventNeitherScheduledNorRunningHereMarksItAndSaysSo() throws Exception {
    Settlement settlement =
        processor()
            .process(
                new EventProcessor.Work(
                    Inbounds.of(codec.encode(cancelOf("evt-unknown")), "8"),
                    false,
                    audit,
                    followUps,
                    () -> false,
                    () -> {}));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertEquals("cancel-1", audit.summary.eventId());
    assertTrue(
        audit
            .summary
            .detail()
            .startsWith(
                "event evt-unknown is not scheduled on the worker's own queue and not"
                    + " running in this worker; marked cancelled until "
                    + NOW.plus(Duration.ofHours(30))),
        audit.summary.detail());
    assertTrue(
        audit
            .summary
            .detail()
            .contains("an unknown id, or an event already finished, simply expires"));
    assertTrue(
        audit.summary.detail().endsWith("requested by hr-ops@contoso.com: contract extended"));
    CancellationMarkers.Marker marker = markers.known("evt-unknown").get(0);
    assertEquals("cancel-1", marker.cancelId());
    assertEquals(null, marker.removed());
  }

  @Test
  void aMarkedEventIsCancelledAtItsFirstDeliveryInsteadOfRunningOrBeingHeld() throws Exception {
    processor()
        .process(
            new EventProcessor.Work(
                Inbounds.of(codec.encode(cancelOf("evt-later")), "8"),
                false,
                new RecordingAudit(),
                followUps,
                () -> false,
                () -> {}));

    Settlement settlement = deliver(codec.encode(leaverAt(NOW.plus(Duration.ofDays(3)))), false);

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(SummaryStatus.CANCELLED, audit.summary.status());
    assertTrue(audit.summary.finalSummary());
    assertEquals("dev.offboarding.leaver.v1", audit.summary.eventType());
    assertTrue(
        audit
            .summary
            .detail()
            .startsWith(
                "cancelled before it ran, by cancel event cancel-1 requested by"
                    + " hr-ops@contoso.com: contract extended"),
        audit.summary.detail());
    assertEquals(List.of(), writes.attempts);
    assertEquals(List.of(), followUps.held, "not held");
  }

  /**
   * The worker dies after it removed the held copy from the broker and before it published the
   * audit: the cancel, delivered again, finds no held copy, but its own marker says what it
   * removed, so the CANCELLED summary is published after all.
   */
  @Test
  void aCancelDeliveredAgainAfterACrashBetweenRemovalAndAuditStillAuditsTheCancelledEvent()
      throws Exception {
    Instant due = NOW.plus(Duration.ofDays(3));
    deliver(codec.encode(leaverAt(due)), false);
    scheduled.held.add(
        new ScheduledEvents.Held(
            "offboarding-events", 12, "evt-later", due, codec.encode(leaverAt(due))));
    AuditSink dies =
        new AuditSink() {
          @Override
          public void targets(List<dev.offboarding.contracts.TargetAudit> results) {}

          @Override
          public void summary(dev.offboarding.contracts.SummaryAudit s) {
            throw new AuditException("the process died", null);
          }
        };
    byte[] cancel = codec.encode(cancelOf("evt-later"));
    assertInstanceOf(
        Settlement.Abandon.class,
        processor()
            .process(
                new EventProcessor.Work(
                    Inbounds.of(cancel, "8"), false, dies, followUps, () -> false, () -> {})));
    assertEquals(List.of(), scheduled.held, "removed from the broker before the audit failed");
    List<dev.offboarding.contracts.SummaryAudit> summaries = new java.util.ArrayList<>();
    AuditSink after =
        new AuditSink() {
          @Override
          public void targets(List<dev.offboarding.contracts.TargetAudit> results) {}

          @Override
          public void summary(dev.offboarding.contracts.SummaryAudit s) {
            summaries.add(s);
          }
        };

    Settlement again =
        processor()
            .process(
                new EventProcessor.Work(
                    Inbounds.of(cancel, "8"), true, after, followUps, () -> false, () -> {}));

    assertInstanceOf(Settlement.Complete.class, again);
    assertEquals(
        List.of("evt-later", "cancel-1"), summaries.stream().map(s -> s.eventId()).toList());
    assertEquals(SummaryStatus.CANCELLED, summaries.get(0).status());
    assertEquals("dev.offboarding.leaver.v1", summaries.get(0).eventType());
    assertTrue(
        summaries.get(0).detail().startsWith("cancelled before it ran, due " + due),
        summaries.get(0).detail());
    assertEquals(SummaryStatus.COMPLETED, summaries.get(1).status());
    assertTrue(
        summaries
            .get(1)
            .detail()
            .startsWith(
                "cancelled event evt-later, due "
                    + due
                    + ", before it ran (1"
                    + " scheduled message(s) removed from offboarding-events)"),
        summaries.get(1).detail());
  }

  @Test
  void aCancelWaitsWhenTheBrokerCannotBeAsked() throws Exception {
    EventProcessor noBroker =
        EventProcessor.builder(
                new Planner(directory, Protection.none(), 100),
                new Executor(
                    writes,
                    WriteBudget.UNLIMITED,
                    RetryPolicy.defaults(),
                    OutageGuard.NONE,
                    null,
                    d -> {},
                    Clock.fixed(NOW, ZoneOffset.UTC),
                    8),
                Clock.fixed(NOW, ZoneOffset.UTC))
            .build();

    Settlement settlement =
        noBroker.process(
            new EventProcessor.Work(
                Inbounds.of(codec.encode(cancelOf("evt-later")), "8"),
                false,
                audit,
                followUps,
                () -> false,
                () -> {}));

    assertInstanceOf(Settlement.Abandon.class, settlement);
    assertEquals(null, audit.summary);
  }

  @Test
  void holdsAnEventExactlyAtTheHorizon() throws Exception {
    deliver(codec.encode(leaverAt(NOW.plus(Duration.ofDays(90)))), false);

    assertEquals(SummaryStatus.SCHEDULED, audit.summary.status());
  }
}
