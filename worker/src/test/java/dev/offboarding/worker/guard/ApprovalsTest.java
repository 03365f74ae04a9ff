package dev.offboarding.worker.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Approval;
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
import dev.offboarding.worker.continuation.DeliveryBounds;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.intake.IntakePolicies;
import dev.offboarding.worker.intake.IntakePolicy;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.protection.Protection;
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
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Two-person approval: what waits, who may release it, and what happens when no one does. */
class ApprovalsTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final Duration TTL = Duration.ofHours(24);
  static final String ALICE = "20000000-0000-4000-8000-000000000001";
  static final String BOB = "20000000-0000-4000-8000-000000000002";
  static final String CAROL = "20000000-0000-4000-8000-000000000003";
  static final String TEAM = "84b18857-3c01-48be-b707-492019c57142";

  final FakeDirectory directory = new FakeDirectory();
  final RecordingWrites writes = new RecordingWrites();
  final RecordingAudit audit = new RecordingAudit();
  final FollowUpLoop followUps = new FollowUpLoop();
  final EventCodec codec = new EventCodec();
  final HeldEvents scheduled = new HeldEvents();
  final IntakePolicies policies =
      IntakePolicies.defaults(Inbounds.EVENTS, Inbounds.URGENT, Inbounds.OPS, 1000, 200);
  DeliveryBounds bounds = DeliveryBounds.defaults();

  ApprovalsTest() {
    directory.addUser(ALICE, "alice@contoso.com");
    directory.addUser(BOB, "bob@contoso.com");
    directory.addUser(CAROL, "carol@contoso.com");
    directory.addGroup(TEAM, ALICE, BOB, CAROL);
  }

  EventProcessor processor() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Executor executor = Executions.unthrottled(writes, clock, 8);
    return EventProcessor.builder(new Planner(directory, Protection.none(), 100), executor, clock)
        .bounds(bounds)
        .scheduled(scheduled)
        .policies(policies)
        .approvals(2, TTL)
        .build();
  }

  Settlement deliver(Inbound message) throws InterruptedException {
    return processor()
        .process(new EventProcessor.Work(message, false, audit, followUps, () -> false, () -> {}));
  }

  static OffboardingEvent restore(String id, String requestedBy, String... users) {
    return new OffboardingEvent(
        id,
        "/ops/console",
        EventType.RESTORE,
        NOW,
        new EventData(
            java.util.Arrays.stream(users).map(u -> (Target) new Target.User(u)).toList(),
            List.of(),
            "mistaken leaver",
            "T-9",
            requestedBy,
            false));
  }

  static OffboardingEvent leaverOf(String id, Target target) {
    return new OffboardingEvent(
        id,
        "/hr/workday",
        EventType.LEAVER,
        NOW,
        new EventData(List.of(target), List.of(), "team leaves", "HR-9", "hr-integration", false));
  }

  static OffboardingEvent approve(String id, String eventId, String approver, String... users) {
    return OffboardingEvent.approve(
        id, "/ops/console", NOW, new Approval(eventId, approver, "checked", List.of(users)));
  }

  /**
   * A copy of {@code event} awaiting approval on the worker's own queue, as the broker holds it.
   */
  ScheduledEvents.Held awaiting(OffboardingEvent event, String intakeQueue, long sequenceNumber) {
    ScheduledEvents.Held held =
        new ScheduledEvents.Held(
            Inbounds.INTERNAL,
            sequenceNumber,
            event.id(),
            NOW.plus(TTL),
            codec.encode(event),
            intakeQueue,
            true);
    scheduled.held.add(held);
    return held;
  }

  @Test
  void aRestoreWaitsForASecondPersonAndWritesNothing() throws Exception {
    OffboardingEvent restore = restore("evt-restore", "ops-a", ALICE);

    Settlement settlement = deliver(Inbounds.from(Inbounds.OPS, codec.encode(restore), 3));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(List.of(), writes.attempts);
    assertEquals(1, followUps.awaitingApproval.size());
    assertEquals(Inbounds.OPS, followUps.awaitingApproval.get(0).intakeQueue());
    assertEquals(List.of(NOW.plus(TTL)), followUps.approvalDue);
    assertEquals(SummaryStatus.AWAITING_APPROVAL, audit.summary.status());
    assertFalse(audit.summary.finalSummary());
    assertEquals(NOW.plus(TTL), audit.summary.dueAt());
    assertEquals(1, audit.summary.usersResolved());
    assertTrue(
        audit
            .summary
            .detail()
            .startsWith(
                "a restore waits for a second person's approval"
                    + " (dev.offboarding.approve.v1 on offboarding-ops naming event evt-restore, from someone other than ops-a)"),
        audit.summary.detail());
  }

  @Test
  void anEventPlanningMoreUsersThanTheThresholdWaitsAndASmallerOneRuns() throws Exception {
    Settlement big =
        deliver(
            Inbounds.from(
                Inbounds.EVENTS, codec.encode(leaverOf("evt-team", new Target.Group(TEAM))), 4));

    assertInstanceOf(Settlement.Complete.class, big);
    assertEquals(SummaryStatus.AWAITING_APPROVAL, audit.summary.status());
    assertTrue(
        audit
            .summary
            .detail()
            .startsWith("it plans 3 users, more than APPROVAL_THRESHOLD (2), and waits"),
        audit.summary.detail());
    assertEquals(List.of(), writes.attempts);

    deliver(
        Inbounds.from(
            Inbounds.EVENTS, codec.encode(leaverOf("evt-one", new Target.User(ALICE))), 5));

    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertEquals(1, followUps.awaitingApproval.size(), "the small event was not held");
  }

  @Test
  void aDryRunNeverWaits() throws Exception {
    OffboardingEvent dry =
        new OffboardingEvent(
            "evt-dry",
            "/ops",
            EventType.RESTORE,
            NOW,
            new EventData(
                List.of(new Target.User(ALICE)),
                List.of(),
                "what would it do",
                null,
                "ops-a",
                true));

    deliver(Inbounds.from(Inbounds.OPS, codec.encode(dry), 6));

    assertEquals(SummaryStatus.DRY_RUN, audit.summary.status());
    assertEquals(List.of(), followUps.awaitingApproval);
  }

  @Test
  void anApprovalFromASecondPersonReleasesTheHeldCopyAndSaysWhatItApproved() throws Exception {
    OffboardingEvent restore = restore("evt-restore", "ops-a", ALICE, "bob@contoso.com");
    ScheduledEvents.Held held = awaiting(restore, Inbounds.OPS, 21);

    Settlement settlement =
        deliver(
            Inbounds.from(
                Inbounds.OPS,
                codec.encode(approve("approve-1", "evt-restore", "ops-b", "bob@contoso.com")),
                7));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(List.of(held), followUps.released);
    Approved approved = followUps.releasedWith.get(0);
    assertEquals("ops-b", approved.approvedBy());
    assertEquals("approve-1", approved.approvalId());
    assertTrue(approved.names(BOB, "Bob@Contoso.com"), "names bob, ignoring case");
    assertFalse(approved.names(ALICE, "alice@contoso.com"));
    assertEquals(List.of(), scheduled.held, "the held copy is removed");
    assertEquals("approve-1", audit.summary.eventId());
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertEquals(
        "approved event evt-restore (dev.offboarding.restore.v1 from offboarding-ops, requested by ops-a):"
            + " it runs now (1 held message(s) released on offboarding-internal); it names 1 user(s) a restore may"
            + " re-enable although their sessions were revoked within RESTORE_COOLDOWN; approved by ops-b: checked",
        audit.summary.detail());
    assertEquals(List.of(), writes.attempts, "the approval itself writes nothing");
  }

  @Test
  void aSelfApprovalIsRefusedAndTheEventStillWaits() throws Exception {
    awaiting(restore("evt-restore", "ops-a", ALICE), Inbounds.OPS, 21);

    Settlement settlement =
        deliver(
            Inbounds.from(
                Inbounds.OPS, codec.encode(approve("approve-2", "evt-restore", " OPS-A ")), 8));

    Settlement.DeadLetter dead = assertInstanceOf(Settlement.DeadLetter.class, settlement);
    assertEquals(Approvals.SELF_APPROVAL, dead.reason());
    assertEquals(
        "event evt-restore was requested by ops-a, who may not approve it too: a second person must; it"
            + " still awaits approval",
        dead.description());
    assertEquals(SummaryStatus.REJECTED, audit.summary.status());
    assertEquals(List.of(), followUps.released);
    assertEquals(1, scheduled.held.size(), "still held");
  }

  @Test
  void anApprovalNamingNothingThatWaitsSaysSo() throws Exception {
    // Held until its effectiveAt: it needs no approval.
    scheduled.held.add(
        new ScheduledEvents.Held(
            Inbounds.INTERNAL,
            22,
            "evt-later",
            NOW.plusSeconds(60),
            codec.encode(leaverOf("evt-later", new Target.User(ALICE))),
            Inbounds.EVENTS,
            false));

    Settlement settlement =
        deliver(
            Inbounds.from(
                Inbounds.OPS, codec.encode(approve("approve-3", "evt-later", "ops-b")), 9));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertTrue(
        audit
            .summary
            .detail()
            .startsWith("nothing approved: no event awaits approval as evt-later"),
        audit.summary.detail());
    assertEquals(List.of(), followUps.released);
    assertEquals(1, scheduled.held.size());
  }

  @Test
  void anApprovalFromTheHrQueueIsAPolicyViolation() throws Exception {
    awaiting(leaverOf("evt-team", new Target.Group(TEAM)), Inbounds.EVENTS, 23);

    Settlement settlement =
        deliver(
            Inbounds.from(
                Inbounds.EVENTS,
                codec.encode(approve("approve-4", "evt-team", "someone-else")),
                10));

    assertEquals(
        IntakePolicy.VIOLATION, assertInstanceOf(Settlement.DeadLetter.class, settlement).reason());
    assertEquals(List.of(), followUps.released);
  }

  @Test
  void theApprovedCopyRunsAndItsFollowUpsCarryTheApprovalSoNoChunkIsHeldAgain() throws Exception {
    bounds =
        new DeliveryBounds(
            Duration.ofMinutes(5), 1, 3, Duration.ofSeconds(30), Duration.ofMinutes(15));
    OffboardingEvent leaver = leaverOf("evt-team", new Target.Group(TEAM));
    Approved approved = Approved.of("ops-b", "approve-5", List.of());
    Settlement first =
        deliver(Inbounds.approved(codec.encode(leaver), Inbounds.EVENTS, approved, 30));

    assertInstanceOf(Settlement.Complete.class, first);
    assertEquals(SummaryStatus.CONTINUING, audit.summary.status());
    assertEquals(approved, followUps.sent.get(0).approved());
    assertEquals(
        approved,
        new ContinuationCodec()
            .decode(new ContinuationCodec().encode(followUps.sent.get(0)))
            .approved(),
        "the approval survives the wire");

    while (audit.summary.status() == SummaryStatus.CONTINUING) {
      Continuation next = followUps.sent.get(followUps.sent.size() - 1);
      deliver(Inbounds.of(new ContinuationCodec().encode(next), "31"));
    }
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertEquals(3, audit.summary.counts().get(TargetOutcome.SUCCEEDED));
    assertEquals(List.of(), followUps.awaitingApproval, "no chunk was held again");
  }

  @Test
  void aHeldCopyThatComesDueUnapprovedEndsCancelledApprovalExpiredWithoutAWrite() throws Exception {
    Settlement settlement =
        deliver(
            Inbounds.awaitingApproval(
                codec.encode(restore("evt-restore", "ops-a", ALICE)), Inbounds.OPS, 40));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(SummaryStatus.CANCELLED, audit.summary.status());
    assertTrue(audit.summary.finalSummary());
    assertEquals(Approvals.EXPIRED, audit.summary.rejectionReason());
    assertTrue(
        audit
            .summary
            .detail()
            .startsWith(
                "ApprovalExpired: no second person approved it within APPROVAL_TTL" + " (PT24H)"),
        audit.summary.detail());
    assertEquals(List.of(), writes.attempts);
    assertEquals(0, directory.userReads.get(), "not even planned");
  }

  @Test
  void aRestoreFollowUpWithoutItsApprovalIsNotBelieved() throws Exception {
    OffboardingEvent restore = restore("evt-restore", "ops-a", ALICE, BOB);
    Continuation unapproved =
        new Continuation(
            codec.encode(restore),
            "3@" + Inbounds.OPS,
            Inbounds.OPS,
            1,
            NOW,
            Map.of(TargetOutcome.SUCCEEDED, 1),
            Map.of(),
            2,
            ALICE,
            List.of());

    Settlement settlement = deliver(Inbounds.of(new ContinuationCodec().encode(unapproved), "41"));

    Settlement.DeadLetter dead = assertInstanceOf(Settlement.DeadLetter.class, settlement);
    assertEquals("InvalidContinuation", dead.reason());
    assertTrue(
        dead.description().startsWith("a restore continues only with the approval"),
        dead.description());
    assertEquals(List.of(), writes.attempts);
  }

  @Test
  void anApprovalCarriesDigestsThatNameUsersByIdOrUpnIgnoringCase() {
    Approved approved =
        Approved.of("ops-b", "approve-6", List.of("Alice@Contoso.com", BOB.toUpperCase()));

    assertTrue(approved.names(null, "alice@contoso.com"));
    assertTrue(approved.names(BOB, null));
    assertFalse(approved.names(CAROL, "carol@contoso.com"));
    assertEquals(approved.users(), Approved.usersFromProperty(approved.usersProperty()));
    assertEquals(Set.of(), Approved.usersFromProperty(null));
    assertFalse(
        approved.usersProperty().toLowerCase().contains("alice"), "no name travels with it");
  }
}
