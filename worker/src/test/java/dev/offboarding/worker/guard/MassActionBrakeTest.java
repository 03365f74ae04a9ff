package dev.offboarding.worker.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.continuation.DeliveryBounds;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.testing.Events;
import dev.offboarding.worker.testing.Executions;
import dev.offboarding.worker.testing.FakeDirectory;
import dev.offboarding.worker.testing.FollowUpLoop;
import dev.offboarding.worker.testing.Inbounds;
import dev.offboarding.worker.testing.RecordingAudit;
import dev.offboarding.worker.testing.RecordingWrites;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The mass-action brake as the processor meets it: each chunk's new users are leased against the
 * cap of the queue the event arrived on before its first write; what the cap has no room for waits
 * in a follow-up until the window has room, and nothing is lost.
 */
class MassActionBrakeTest {
  static final String GROUP = "30000000-0000-4000-8000-000000000001";
  static final Instant T0 = Instant.parse("2026-12-01T10:00:20Z");

  final ManualClock clock = new ManualClock(T0);
  final FakeDirectory directory = new FakeDirectory();
  final RecordingWrites writes = new RecordingWrites();
  final RecordingAudit audit = new RecordingAudit();
  final FollowUpLoop followUps = new FollowUpLoop();

  /** Every lease asked for: cap name and users. */
  final List<String> leases = new ArrayList<>();

  /** A processor whose brake counts in memory on the test's clock, with these caps. */
  EventProcessor processor(int usersPerHour, int urgentUsersPerHour) {
    MassActionBrake inMemory = MassActionBrake.inMemory(clock);
    return processor(
        new Braking(
            (cap, users) -> {
              leases.add(cap.name() + ":" + users);
              return inMemory.lease(cap, users);
            },
            MassActionCaps.of(Inbounds.EVENTS, usersPerHour, Inbounds.URGENT, urgentUsersPerHour),
            clock));
  }

  /** When true, processors built later take at most 4 users per delivery. */
  boolean bounds4;

  EventProcessor processor(Braking braking) {
    Executor executor = Executions.unthrottled(writes, clock, 8);
    return EventProcessor.builder(
            new Planner(directory, Protection.none(), 10_000), executor, clock)
        .bounds(
            bounds4
                ? DeliveryBounds.of(DeliveryBounds.DEFAULT_MAX_DURATION, 4)
                : DeliveryBounds.defaults())
        .brake(braking)
        .build();
  }

  List<String> addUsers(String prefix, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = String.format("%s-0000-4000-8000-%012d", prefix, i);
      directory.addUser(id, prefix + "-" + i + "@contoso.com");
      ids.add(id);
    }
    return ids;
  }

  /** One delivery of {@code body} from {@code queue}, as the intake decodes it. */
  Settlement deliver(byte[] body, String queue) throws InterruptedException {
    Inbound message = Inbounds.CLASSIFIER.classify(queue, 1, body, name -> null);
    return processor.process(
        new EventProcessor.Work(message, false, audit, followUps, () -> false, () -> {}));
  }

  Settlement deliverFollowUp() throws InterruptedException {
    byte[] body = new ContinuationCodec().encode(followUps.sent.get(followUps.sent.size() - 1));
    return deliver(body, Inbounds.INTERNAL);
  }

  EventProcessor processor;

  Set<String> usersWritten() {
    Set<String> users = new HashSet<>();
    for (String attempt : writes.attempts) {
      users.add(attempt.substring(attempt.indexOf(':') + 1));
    }
    return users;
  }

  @Test
  void writesOnlyWhatTheCapHasRoomForAndTheRestWaitsForTheWindowNothingLost() throws Exception {
    processor = processor(30, 200);
    directory.addGroup(GROUP, addUsers("20000000", 50).toArray(String[]::new));
    OffboardingEvent event = Events.leaver(new Target.Group(GROUP));

    Settlement first = deliver(new EventCodec().encode(event), Inbounds.EVENTS);

    assertEquals(new Settlement.Complete(Settlement.Complete.BRAKE), first);
    assertEquals(30, usersWritten().size());
    assertEquals(SummaryStatus.CONTINUING, audit.summary.status());
    assertFalse(audit.summary.finalSummary());
    assertTrue(audit.summary.detail().startsWith(Braking.DETAIL + ":"), audit.summary.detail());
    assertEquals(20, audit.summary.usersPending());
    Instant roomAt = Instant.parse("2026-12-01T11:01:00Z");
    assertEquals(roomAt, followUps.notBefore.get(0), "the rest waits until the window has room");
    assertEquals(
        List.of(),
        followUps.sent.get(0).pending(),
        "users held back are not pending: they were not leased");

    clock.set(roomAt);
    Settlement second = deliverFollowUp();

    assertEquals(new Settlement.Complete(), second);
    assertEquals(50, usersWritten().size());
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertEquals(50, audit.summary.counts().get(TargetOutcome.SUCCEEDED));
    assertEquals(
        50,
        new HashSet<>(audit.all().stream().map(TargetAudit::userId).toList()).size(),
        "every user exactly one result");
    assertEquals(List.of("bulk:50", "bulk:20"), leases);
  }

  @Test
  void aFollowUpDeliveredBeforeTheWindowHasRoomWritesNothingAndWaitsAgain() throws Exception {
    processor = processor(10, 200);
    directory.addGroup(GROUP, addUsers("20000000", 15).toArray(String[]::new));
    deliver(new EventCodec().encode(Events.leaver(new Target.Group(GROUP))), Inbounds.EVENTS);

    clock.advance(Duration.ofMinutes(30));
    Settlement early = deliverFollowUp();

    assertEquals(new Settlement.Complete(Settlement.Complete.BRAKE), early);
    assertEquals(10, usersWritten().size());
    assertEquals(SummaryStatus.CONTINUING, audit.summary.status());
    assertEquals(5, audit.summary.usersPending());
    assertEquals(Instant.parse("2026-12-01T11:01:00Z"), followUps.notBefore.get(1));
  }

  @Test
  void usersCountAgainstTheCapOfTheQueueTheirEventArrivedOnWhateverItsType() throws Exception {
    processor = processor(10, 5);
    List<String> leavers = addUsers("20000000", 10);
    directory.addGroup(GROUP, leavers.toArray(String[]::new));
    List<String> victims = addUsers("40000000", 2);
    deliver(new EventCodec().encode(Events.leaver(new Target.Group(GROUP))), Inbounds.EVENTS);

    Settlement urgent =
        deliver(new EventCodec().encode(compromise("evt-urgent", victims.get(0))), Inbounds.URGENT);
    Settlement fromHr =
        deliver(new EventCodec().encode(compromise("evt-hr", victims.get(1))), Inbounds.EVENTS);

    assertEquals(new Settlement.Complete(), urgent, "the urgent queue's cap has room");
    assertEquals(
        SummaryStatus.CONTINUING,
        audit.summary.status(),
        "a compromise from the events queue is braked");
    assertEquals(new Settlement.Complete(Settlement.Complete.BRAKE), fromHr);
    assertTrue(usersWritten().contains(victims.get(0)));
    assertFalse(usersWritten().contains(victims.get(1)));
    assertEquals(List.of("bulk:10", "urgent:1", "bulk:1"), leases);
  }

  @Test
  void usersTriedAgainAfterATransientFailureAreNotLeasedTwice() throws Exception {
    processor = processor(1000, 200);
    List<String> users = addUsers("20000000", 4);
    directory.addGroup(GROUP, users.toArray(String[]::new));
    GraphFailure unavailable =
        new GraphFailure(
            GraphFailure.Kind.UNAVAILABLE, 503, "ServiceUnavailable", "down", null, null, null);
    writes.failNext("disable:" + users.get(2), unavailable, unavailable, unavailable);

    deliver(new EventCodec().encode(Events.leaver(new Target.Group(GROUP))), Inbounds.EVENTS);
    Settlement retry = deliverFollowUp();

    assertEquals(new Settlement.Complete(), retry);
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertEquals(List.of("bulk:4"), leases, "the retried user was leased with its chunk");
  }

  @Test
  void aChunkWithUsersToRetryAndNewUsersTriesTheRetriedOnesAndLetsTheNewOnesWait()
      throws Exception {
    bounds4 = true;
    processor = processor(4, 200);
    List<String> users = addUsers("20000000", 6);
    directory.addGroup(GROUP, users.toArray(String[]::new));
    GraphFailure unavailable =
        new GraphFailure(
            GraphFailure.Kind.UNAVAILABLE, 503, "ServiceUnavailable", "down", null, null, null);
    writes.failNext("disable:" + users.get(1), unavailable, unavailable, unavailable);

    deliver(new EventCodec().encode(Events.leaver(new Target.Group(GROUP))), Inbounds.EVENTS);
    Settlement second = deliverFollowUp();
    Set<String> afterSecond = usersWritten();
    clock.set(Instant.parse("2026-12-01T11:01:00Z"));
    Settlement third = deliverFollowUp();

    assertEquals(new Settlement.Complete(Settlement.Complete.BRAKE), second);
    assertEquals(
        Set.copyOf(users.subList(0, 4)), afterSecond, "the retried user written, no new one");
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status(), String.valueOf(third));
    assertEquals(6, audit.summary.counts().get(TargetOutcome.SUCCEEDED));
    assertEquals(6, new HashSet<>(audit.all().stream().map(TargetAudit::userId).toList()).size());
    assertEquals(
        List.of("bulk:4", "bulk:2", "bulk:2"), leases, "the retried user is never leased again");
  }

  @Test
  void aDeliveryTriedAgainAfterItsAuditFailedIsNotCountedAgain() throws Exception {
    processor = processor(10, 200);
    directory.addGroup(GROUP, addUsers("20000000", 8).toArray(String[]::new));
    byte[] body = new EventCodec().encode(Events.leaver(new Target.Group(GROUP)));
    Inbound message = Inbounds.CLASSIFIER.classify(Inbounds.EVENTS, 7, body, name -> null);
    AuditSink failingOnce =
        new AuditSink() {
          boolean failed;

          @Override
          public void targets(List<TargetAudit> results) {
            if (!failed) {
              failed = true;
              throw new AuditException("audit topic unreachable", null);
            }
            audit.targets(results);
          }

          @Override
          public void summary(dev.offboarding.contracts.SummaryAudit s) {
            audit.summary(s);
          }
        };

    Settlement first =
        processor.process(
            new EventProcessor.Work(message, false, failingOnce, followUps, () -> false, () -> {}));
    Settlement again =
        processor.process(
            new EventProcessor.Work(message, true, failingOnce, followUps, () -> false, () -> {}));

    assertInstanceOf(Settlement.Abandon.class, first);
    assertEquals(
        new Settlement.Complete(), again, "8 users, one lease of 8: the cap of 10 has room");
    assertEquals(List.of("bulk:8"), leases);
  }

  @Test
  void writesNothingAndWaitsLikeAnyTransientFailureWhenTheCountCannotBeRead() throws Exception {
    processor =
        processor(
            new Braking(
                (cap, users) -> {
                  throw new MassActionBrake.Unavailable("state queue unreachable", null);
                },
                MassActionCaps.of(Inbounds.EVENTS, 1000, Inbounds.URGENT, 200),
                clock));
    directory.addGroup(GROUP, addUsers("20000000", 3).toArray(String[]::new));

    Settlement settlement =
        deliver(new EventCodec().encode(Events.leaver(new Target.Group(GROUP))), Inbounds.EVENTS);

    assertInstanceOf(Settlement.Abandon.class, settlement);
    assertEquals(List.of(), writes.attempts);
    assertNull(audit.summary, "nothing published: the delivery is tried again");
    assertEquals(List.of(), followUps.sent);
  }

  @Test
  void aDryRunLeasesNothing() throws Exception {
    processor = processor(1, 1);
    directory.addGroup(GROUP, addUsers("20000000", 5).toArray(String[]::new));

    Settlement settlement =
        deliver(
            new EventCodec()
                .encode(Events.event(EventType.LEAVER, List.of(), true, new Target.Group(GROUP))),
            Inbounds.EVENTS);

    assertEquals(new Settlement.Complete(), settlement);
    assertEquals(SummaryStatus.DRY_RUN, audit.summary.status());
    assertEquals(List.of(), leases);
  }

  @Test
  void saysItHoldsWorkBackUntilTheWindowHasRoom() throws Exception {
    MassActionBrake inMemory = MassActionBrake.inMemory(clock);
    Braking braking =
        new Braking(inMemory, MassActionCaps.of(Inbounds.EVENTS, 3, Inbounds.URGENT, 3), clock);
    processor = processor(braking);
    directory.addGroup(GROUP, addUsers("20000000", 5).toArray(String[]::new));

    boolean before = braking.holding(MassActionCaps.BULK);
    deliver(new EventCodec().encode(Events.leaver(new Target.Group(GROUP))), Inbounds.EVENTS);
    boolean braked = braking.holding(MassActionCaps.BULK);
    boolean urgent = braking.holding(MassActionCaps.URGENT);
    clock.set(Instant.parse("2026-12-01T11:01:00Z"));
    boolean afterTheWindow = braking.holding(MassActionCaps.BULK);

    assertFalse(before);
    assertTrue(braked);
    assertFalse(urgent);
    assertFalse(afterTheWindow);
  }

  @Test
  void anApprovedEventIsNotHeldByTheBrake() {
    Braking braking =
        new Braking(
            (cap, users) -> new MassActionBrake.Lease(0, T0.plus(Duration.ofHours(1))),
            MassActionCaps.of(Inbounds.EVENTS, 1, Inbounds.URGENT, 1),
            clock);
    OffboardingEvent event = Events.leaver(new Target.Group(GROUP));

    Braking.Admission approved =
        braking.admit(event, Inbounds.EVENTS, "1@offboarding-events#0", 40, true);
    Braking.Admission notApproved =
        braking.admit(event, Inbounds.EVENTS, "1@offboarding-events#0", 40, false);

    assertEquals(40, approved.lease().granted());
    assertEquals(0, notApproved.lease().granted());
  }

  @Test
  void capsFollowTheQueueAndAnyOtherQueueCountsAsBulk() {
    MassActionCaps caps = MassActionCaps.of("events", 1000, "urgent", 200);

    assertEquals(new MassActionBrake.Cap("bulk", 1000), caps.capOf("events"));
    assertEquals(new MassActionBrake.Cap("urgent", 200), caps.capOf("urgent"));
    assertEquals(new MassActionBrake.Cap("bulk", 1000), caps.capOf("offboarding-ops"));
    assertEquals(
        List.of("bulk", "urgent"), caps.all().stream().map(MassActionBrake.Cap::name).toList());
  }

  private static OffboardingEvent compromise(String id, String userId) {
    return new OffboardingEvent(
        id,
        "/siem/test",
        EventType.COMPROMISE,
        T0,
        new dev.offboarding.contracts.EventData(
            List.of(new Target.User(userId)),
            List.of(Action.REVOKE_SESSIONS),
            "test",
            "T-1",
            "tests",
            false));
  }
}
