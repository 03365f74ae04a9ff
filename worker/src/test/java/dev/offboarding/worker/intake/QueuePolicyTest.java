package dev.offboarding.worker.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Cancellation;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.scheduling.CancellationMarkers;
import dev.offboarding.worker.scheduling.ScheduledEvents;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The queue an event arrives on is who sent it: each intake queue's policy is checked after
 * decoding and before planning, and a cancel reaches only the events its queue may reach.
 */
class QueuePolicyTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final String ALICE = "20000000-0000-4000-8000-000000000001";
  static final String GROUP = "84b18857-3c01-48be-b707-492019c57142";

  final FakeDirectory directory = new FakeDirectory();
  final RecordingWrites writes = new RecordingWrites();
  final RecordingAudit audit = new RecordingAudit();
  final FollowUpLoop followUps = new FollowUpLoop();
  final EventCodec codec = new EventCodec();
  final HeldEvents scheduled = new HeldEvents();
  final CancellationMarkers markers =
      CancellationMarkers.inMemory(Clock.fixed(NOW, ZoneOffset.UTC));
  final IntakePolicies policies =
      IntakePolicies.defaults(Inbounds.EVENTS, Inbounds.URGENT, Inbounds.OPS, 1000, 200);

  QueuePolicyTest() {
    directory.addUser(ALICE, "alice@contoso.com");
    directory.addGroup(GROUP, ALICE);
  }

  EventProcessor processor() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Executor executor = Executions.unthrottled(writes, clock, 8);
    return EventProcessor.builder(new Planner(directory, Protection.none(), 100), executor, clock)
        .scheduled(scheduled)
        .markers(markers, Duration.ofHours(30))
        .policies(policies)
        .build();
  }

  Settlement deliver(Inbound message) throws InterruptedException {
    return processor()
        .process(new EventProcessor.Work(message, false, audit, followUps, () -> false, () -> {}));
  }

  static OffboardingEvent event(String id, EventType type, Target... targets) {
    return new OffboardingEvent(
        id,
        "/test",
        type,
        NOW,
        new EventData(List.of(targets), List.of(), "test", null, "tests", false));
  }

  static OffboardingEvent cancelOf(String eventId) {
    return OffboardingEvent.cancel(
        "cancel-" + eventId, "/test", NOW, new Cancellation(eventId, "mistake", "ops-a"));
  }

  @Test
  void aRestoreFromTheHrQueueIsRejectedAndDeadLetteredWithoutAGraphRequest() throws Exception {
    OffboardingEvent restore =
        event("evt-restore", EventType.RESTORE, new Target.User("alice@contoso.com"));

    Settlement settlement = deliver(Inbounds.from(Inbounds.EVENTS, codec.encode(restore), 4));

    Settlement.DeadLetter dead = assertInstanceOf(Settlement.DeadLetter.class, settlement);
    assertEquals(IntakePolicy.VIOLATION, dead.reason());
    assertTrue(dead.description().startsWith("offboarding-events accepts"), dead.description());
    assertTrue(
        dead.description().contains("(rule eventTypes); got dev.offboarding.restore.v1"),
        dead.description());
    assertEquals(SummaryStatus.REJECTED, audit.summary.status());
    assertTrue(
        audit.summary.rejectionReason().startsWith("PolicyViolation: offboarding-events accepts"),
        audit.summary.rejectionReason());
    assertEquals("$.type", audit.summary.problems().get(0).path());
    assertEquals(List.of(), writes.attempts);
    assertEquals(0, directory.userReads.get(), "not even read");
  }

  @Test
  void aGroupOnTheSiemQueueIsRejectedBeforeItsMembersAreListed() throws Exception {
    OffboardingEvent compromise = event("evt-group", EventType.COMPROMISE, new Target.Group(GROUP));

    Settlement settlement = deliver(Inbounds.from(Inbounds.URGENT, codec.encode(compromise), 5));

    assertEquals(
        IntakePolicy.VIOLATION, assertInstanceOf(Settlement.DeadLetter.class, settlement).reason());
    assertEquals("$.data.targets[0]", audit.summary.problems().get(0).path());
    assertEquals(0, directory.memberListings.get());
    assertEquals(List.of(), writes.attempts);
  }

  @Test
  void theSameEventFromTheQueueWhosePolicyAllowsItRuns() throws Exception {
    OffboardingEvent compromise = event("evt-group", EventType.COMPROMISE, new Target.Group(GROUP));

    Settlement settlement = deliver(Inbounds.from(Inbounds.EVENTS, codec.encode(compromise), 5));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertEquals(1, audit.summary.counts().get(TargetOutcome.SUCCEEDED));
  }

  @Test
  void aFollowUpIsCheckedAgainstThePolicyOfTheQueueItsEventArrivedOn() throws Exception {
    OffboardingEvent compromise = event("evt-group", EventType.COMPROMISE, new Target.Group(GROUP));
    Continuation next =
        new Continuation(
            codec.encode(compromise),
            "5@" + Inbounds.URGENT,
            Inbounds.URGENT,
            1,
            NOW,
            Map.of(),
            Map.of(),
            1,
            null,
            List.of());

    Settlement settlement = deliver(Inbounds.of(new ContinuationCodec().encode(next), "9"));

    assertEquals(
        IntakePolicy.VIOLATION, assertInstanceOf(Settlement.DeadLetter.class, settlement).reason());
    assertEquals(List.of(), writes.attempts);
  }

  @Test
  void aHeldEventIsCheckedAgainstThePolicyOfTheQueueItFirstArrivedOn() throws Exception {
    OffboardingEvent leaver = event("evt-held", EventType.LEAVER, new Target.User(ALICE));
    Inbound held =
        Inbounds.CLASSIFIER.classify(
            Inbounds.INTERNAL,
            9,
            codec.encode(leaver),
            name ->
                switch (name) {
                  case MessageClassifier.HELD_UNTIL -> NOW.toString();
                  case MessageClassifier.INTAKE_QUEUE -> Inbounds.URGENT;
                  default -> null;
                });

    Settlement settlement = deliver(held);

    assertEquals(
        IntakePolicy.VIOLATION, assertInstanceOf(Settlement.DeadLetter.class, settlement).reason());
    assertEquals(List.of(), writes.attempts);
  }

  @Test
  void aCancelFromTheHrQueueLeavesAHeldCopyFromAnotherQueueWhereItIs() throws Exception {
    byte[] restore = codec.encode(event("evt-ops", EventType.RESTORE, new Target.User(ALICE)));
    scheduled.held.add(
        new ScheduledEvents.Held(
            Inbounds.INTERNAL, 12, "evt-ops", NOW.plusSeconds(3600), restore, Inbounds.OPS, true));

    Settlement settlement =
        deliver(Inbounds.from(Inbounds.EVENTS, codec.encode(cancelOf("evt-ops")), 6));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(1, scheduled.held.size(), "not removed");
    assertTrue(
        audit
            .summary
            .detail()
            .contains(
                "a cancel from offboarding-events reaches only events that arrived"
                    + " on offboarding-events"),
        audit.summary.detail());
    assertEquals(null, processorsMarkerFor("evt-ops", Inbounds.OPS));
  }

  @Test
  void aCancelFromTheOperatorsQueueRemovesAHeldCopyFromAnyQueue() throws Exception {
    byte[] leaver = codec.encode(event("evt-hr", EventType.LEAVER, new Target.User(ALICE)));
    scheduled.held.add(
        new ScheduledEvents.Held(
            Inbounds.INTERNAL,
            13,
            "evt-hr",
            NOW.plusSeconds(3600),
            leaver,
            Inbounds.EVENTS,
            false));

    deliver(Inbounds.from(Inbounds.OPS, codec.encode(cancelOf("evt-hr")), 7));

    assertEquals(List.of(), scheduled.held);
    assertEquals(Inbounds.OPS, markers.known("evt-hr").get(0).queue());
  }

  @Test
  void aMarkerLeftByAnotherProducersCancelDoesNotStopTheEvent() throws Exception {
    markers.place(
        new CancellationMarkers.Marker(
            "evt-siem",
            "cancel-hr",
            "hr",
            "wrong person",
            NOW.plusSeconds(3600),
            null,
            Inbounds.EVENTS),
        "3@" + Inbounds.EVENTS);
    OffboardingEvent compromise = event("evt-siem", EventType.COMPROMISE, new Target.User(ALICE));

    Settlement settlement = deliver(Inbounds.from(Inbounds.URGENT, codec.encode(compromise), 8));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertEquals(List.of("disable:" + ALICE, "revoke:" + ALICE), writes.attempts);
  }

  @Test
  void aMarkerLeftByTheOperatorsCancelStopsAnEventOfAnyQueue() throws Exception {
    markers.place(
        new CancellationMarkers.Marker(
            "evt-siem",
            "cancel-ops",
            "ops-a",
            "wrong person",
            NOW.plusSeconds(3600),
            null,
            Inbounds.OPS),
        "3@" + Inbounds.OPS);
    OffboardingEvent compromise = event("evt-siem", EventType.COMPROMISE, new Target.User(ALICE));

    deliver(Inbounds.from(Inbounds.URGENT, codec.encode(compromise), 8));

    assertEquals(SummaryStatus.CANCELLED, audit.summary.status());
    assertEquals(List.of(), writes.attempts);
  }

  private CancellationMarkers.Marker processorsMarkerFor(String eventId, String queue) {
    return markers.known(eventId).stream()
        .filter(m -> policies.reaches(m.queue(), queue))
        .findFirst()
        .orElse(null);
  }
}
