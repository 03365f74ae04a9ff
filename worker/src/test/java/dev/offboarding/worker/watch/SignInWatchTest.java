package dev.offboarding.worker.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.AccessAudit;
import dev.offboarding.contracts.AccessWindow;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.Provenance;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.tenant.GraphFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The watch's polls against a hand-written sign-in log, lease and outbox: what it publishes, when,
 * and once.
 */
class SignInWatchTest {
  static final String ALICE = "40000000-0000-4000-8000-000000000001";
  static final String BOB = "40000000-0000-4000-8000-000000000002";
  static final Instant REVOKED = Instant.parse("2026-03-01T10:00:00.500Z");
  static final Provenance PROVENANCE =
      new Provenance(
          "/siem/sentinel", "soc@contoso.com", "INC-1", "compromised", "offboarding-urgent");
  static final Duration INTERVAL = Duration.ofMinutes(1);
  static final Duration LATENCY = Duration.ofMinutes(10);

  final ManualClock clock = new ManualClock(REVOKED.plusSeconds(1));
  final FakeLog log = new FakeLog();
  final RecordingOutbox outbox = new RecordingOutbox();
  final List<String> events = new ArrayList<>();
  final SignInWatch watch =
      new SignInWatch(
          new WatchSettings(true, INTERVAL, LATENCY, Duration.ofMinutes(90)),
          log,
          WatchLease.inMemory(clock, d -> clock.advance(d)),
          outbox,
          clock,
          new SignInWatch.Listener() {
            @Override
            public void polled(String outcome) {
              events.add("poll:" + outcome);
            }

            @Override
            public void signInSeen() {
              events.add("seen");
            }

            @Override
            public void windowClosed(String outcome) {
              events.add("closed:" + outcome);
            }
          });

  @Test
  void startsOneEntryForTheUsersWhoseAccessAWriteEndedDueOnePollIntervalOn() {
    watch.start(
        "12@offboarding-urgent", 0, "evt-1", PROVENANCE, List.of(revoked(ALICE), failed(BOB)));

    assertEquals(1, outbox.scheduled.size());
    RecordingOutbox.Scheduled s = outbox.scheduled.get(0);
    assertEquals(clock.instant().plus(INTERVAL), s.dueAt());
    assertEquals(
        List.of(ALICE), s.entry().users().stream().map(WatchEntry.Watched::userId).toList());
    assertEquals(REVOKED, s.entry().users().get(0).revokedAt());
    assertEquals(REVOKED.plus(Duration.ofMinutes(90)), s.entry().users().get(0).allResourcesBy());
    assertEquals("0.0", s.entry().part());
    assertEquals(0, s.entry().poll());
  }

  @Test
  void takesTheWindowFromTheResultsAccessWhenItCarriesOne() {
    AccessWindow own = AccessWindow.from(REVOKED.minusSeconds(30), Duration.ofHours(2), null);

    assertEquals(own, watch.windowOf(revoked(ALICE).withAccess(own)));
    assertNull(watch.windowOf(failed(BOB)));
  }

  @Test
  void splitsAHugeDeliveryIntoEntriesOfAtMostTheEntrysUsers() {
    List<TargetAudit> many =
        IntStream.range(0, WatchEntry.MAX_USERS * 2 + 1)
            .mapToObj(i -> revoked(String.format("40000000-0000-4000-8000-%012d", i)))
            .toList();

    assertEquals(many.size(), watch.start("12@offboarding-urgent", 3, "evt-1", PROVENANCE, many));

    assertEquals(
        List.of("3.0", "3.1", "3.2"),
        outbox.scheduled.stream().map(s -> s.entry().part()).toList());
    assertEquals(
        many.size(), outbox.scheduled.stream().mapToInt(s -> s.entry().users().size()).sum());
  }

  @Test
  void publishesASignInAfterTheRevokeTheFirstPollThatSeesItAndNeverAgain() throws Exception {
    WatchEntry entry = entry(ALICE, BOB);
    log.add(ALICE, signIn("a0000000-0000-4000-8000-000000000001", REVOKED.plusSeconds(90)));
    // Before the revoke, and another user's: neither is news.
    log.add(ALICE, signIn("a0000000-0000-4000-8000-000000000002", REVOKED.minusSeconds(5)));

    assertInstanceOf(Settlement.Complete.class, watch.poll(entry));

    assertEquals(1, outbox.published.size());
    AccessAudit seen = outbox.published.get(0);
    assertEquals(AccessAudit.Outcome.SIGN_IN_SEEN, seen.outcome());
    assertEquals(ALICE, seen.userId());
    assertEquals("a0000000-0000-4000-8000-000000000001", seen.signIns().get(0).id());
    assertEquals(PROVENANCE, seen.provenance());
    WatchEntry next = outbox.scheduled.get(0).entry();
    assertEquals(1, next.poll());
    assertEquals(Set.of("a0000000-0000-4000-8000-000000000001"), next.users().get(0).seen());

    clock.advance(INTERVAL);
    watch.poll(next);

    assertEquals(1, outbox.published.size(), "a sign-in already published is not published again");
    assertEquals(List.of("poll:read", "seen", "poll:read"), events);
  }

  @Test
  void readsManyUsersPerRequestSinceTheEarliestRevokeToTheSecond() throws Exception {
    List<String> users =
        IntStream.range(0, 40)
            .mapToObj(i -> String.format("40000000-0000-4000-8000-%012d", i))
            .toList();

    watch.poll(entry(users.toArray(String[]::new)));

    assertEquals(List.of(15, 15, 10), log.requests.stream().map(List::size).toList());
    assertEquals(
        List.of(REVOKED.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
        log.since.stream().distinct().toList());
  }

  @Test
  void saysNoneWasSeenOnlyOnceTheWindowAndTheLogsLatencyHavePassed() throws Exception {
    WatchEntry entry = entry(ALICE);
    clock.set(REVOKED.plus(Duration.ofMinutes(90)).plus(LATENCY).minusSeconds(1));

    watch.poll(entry);

    assertTrue(outbox.published.isEmpty(), "the log may still show a sign-in of the window");
    RecordingOutbox.Scheduled next = outbox.scheduled.get(0);
    assertEquals(
        REVOKED.plus(Duration.ofMinutes(90)).plus(LATENCY),
        next.dueAt(),
        "polled again when it closes");

    clock.set(next.dueAt());
    watch.poll(next.entry());

    assertEquals(1, outbox.published.size());
    assertEquals(AccessAudit.Outcome.NONE_SEEN, outbox.published.get(0).outcome());
    assertEquals(1, outbox.scheduled.size(), "the watch of its only user ended: no next entry");
    assertTrue(events.contains("closed:none_seen"));
  }

  @Test
  void aClosedWindowWithASignInSeenEndsWithoutANoneSeenRecord() throws Exception {
    log.add(ALICE, signIn("a0000000-0000-4000-8000-000000000001", REVOKED.plusSeconds(90)));
    clock.set(REVOKED.plus(Duration.ofHours(3)));

    watch.poll(entry(ALICE));

    assertEquals(
        List.of(AccessAudit.Outcome.SIGN_IN_SEEN),
        outbox.published.stream().map(AccessAudit::outcome).toList());
    assertTrue(outbox.scheduled.isEmpty());
  }

  @Test
  void aLogThatCannotBeReadIsReadAgainLaterPublishingNothing() throws Exception {
    log.failure =
        new GraphFailure(
            GraphFailure.Kind.FORBIDDEN,
            403,
            "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
            "no licence",
            null,
            null,
            null);

    assertInstanceOf(Settlement.Complete.class, watch.poll(entry(ALICE)));

    assertTrue(outbox.published.isEmpty());
    assertEquals(clock.instant().plus(INTERVAL), outbox.scheduled.get(0).dueAt());
    assertEquals(1, outbox.scheduled.get(0).entry().poll());
    assertEquals(List.of("poll:refused"), events);
  }

  @Test
  void aThrottledReadWaitsAsLongAsGraphAsks() throws Exception {
    log.failure =
        new GraphFailure(
            GraphFailure.Kind.THROTTLED,
            429,
            "TooManyRequests",
            "slow down",
            null,
            Duration.ofMinutes(3),
            null);

    watch.poll(entry(ALICE));

    assertEquals(clock.instant().plus(Duration.ofMinutes(3)), outbox.scheduled.get(0).dueAt());
  }

  @Test
  void anEntryThatCannotBeHandedOnIsAbandonedSoItsPollIsDoneAgain() throws Exception {
    log.add(ALICE, signIn("a0000000-0000-4000-8000-000000000001", REVOKED.plusSeconds(90)));
    outbox.refuseSchedule = true;

    Settlement s = watch.poll(entry(ALICE));

    assertInstanceOf(Settlement.Abandon.class, s);
    assertEquals(
        1,
        outbox.published.size(),
        "published already; done again, the same id is dropped by the broker");
  }

  @Test
  void theGateKeepsFiveRequestsPerTenSecondsAcrossPolls() throws Exception {
    List<String> users =
        IntStream.range(0, 150)
            .mapToObj(i -> String.format("40000000-0000-4000-8000-%012d", i))
            .toList();

    watch.poll(entry(users.toArray(String[]::new)));

    assertEquals(10, log.at.size());
    for (int i = SignInRequests.LIMIT; i < log.at.size(); i++) {
      assertTrue(
          !log.at.get(i).isBefore(log.at.get(i - SignInRequests.LIMIT).plus(SignInRequests.WINDOW)),
          "request " + i + " went within 10 s of the fifth before it");
    }
  }

  // ------------------------------------------------------------------ fixtures

  static WatchEntry entry(String... users) {
    List<WatchEntry.Watched> watched = new ArrayList<>();
    for (String u : users) {
      watched.add(
          new WatchEntry.Watched(u, REVOKED, REVOKED.plus(Duration.ofMinutes(90)), Set.of()));
    }
    return new WatchEntry("12@offboarding-urgent", "evt-1", "0.0", 0, PROVENANCE, watched);
  }

  static AccessAudit.SignIn signIn(String id, Instant at) {
    return new AccessAudit.SignIn(
        id,
        at,
        "Office 365 Exchange Online",
        "00000002-0000-0ff1-ce00-000000000000",
        "Office 365 Exchange Online",
        "203.0.113.7",
        true);
  }

  static TargetAudit revoked(String user) {
    return TargetAudit.builder("evt-1", TargetOutcome.SUCCEEDED)
        .userId(user)
        .via(List.of("user:" + user))
        .actions(
            List.of(
                ActionResult.succeeded(
                    Action.DISABLE_ACCOUNT, 1, "r1", REVOKED.minusMillis(300), REVOKED),
                ActionResult.succeeded(
                    Action.REVOKE_SESSIONS, 1, "r2", REVOKED, REVOKED.plusMillis(200))))
        .build();
  }

  static TargetAudit failed(String user) {
    return TargetAudit.builder("evt-1", TargetOutcome.FAILED)
        .userId(user)
        .via(List.of("user:" + user))
        .detail("403")
        .actions(
            List.of(
                ActionResult.failed(
                    Action.REVOKE_SESSIONS,
                    TargetOutcome.FAILED,
                    1,
                    "r3",
                    REVOKED,
                    REVOKED,
                    "Authorization_RequestDenied",
                    "denied")))
        .build();
  }

  /** A sign-in log holding what a test adds, counting the requests and when each went. */
  final class FakeLog implements SignInLog {
    final List<Seen> entries = new ArrayList<>();
    final List<List<String>> requests = new ArrayList<>();
    final List<Instant> since = new ArrayList<>();
    final List<Instant> at = new ArrayList<>();
    GraphFailure failure;

    void add(String user, AccessAudit.SignIn s) {
      entries.add(new Seen(user, s));
    }

    @Override
    public List<Seen> successfulSince(Instant from, List<String> userIds, RequestGate gate)
        throws InterruptedException {
      gate.pass();
      at.add(clock.instant());
      gate.sent();
      requests.add(userIds);
      since.add(from);
      if (failure != null) {
        throw failure;
      }
      return entries.stream()
          .filter(e -> userIds.contains(e.userId()) && !e.signIn().createdDateTime().isBefore(from))
          .toList();
    }
  }

  /** What the watch hands to the broker. */
  static final class RecordingOutbox implements WatchOutbox {
    record Scheduled(WatchEntry entry, Instant dueAt) {}

    final List<AccessAudit> published = new ArrayList<>();
    final List<Scheduled> scheduled = new ArrayList<>();
    boolean refuseSchedule;

    @Override
    public void publish(WatchEntry entry, AccessAudit audit, int poll) {
      published.add(audit);
    }

    @Override
    public void schedule(WatchEntry next, Instant dueAt) {
      if (refuseSchedule) {
        throw new AuditSink.AuditException("the queue is gone", null);
      }
      scheduled.add(new Scheduled(next, dueAt));
    }
  }
}
