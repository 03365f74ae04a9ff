package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.AccessAudit;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Provenance;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.testkit.graph.FakeSignIn;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.RequestRecord;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.codec.WatchEntryCodec;
import dev.offboarding.worker.config.Tuning;
import dev.offboarding.worker.intake.MessageClassifier;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import dev.offboarding.worker.watch.WatchEntry;
import dev.offboarding.worker.watch.WatchSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sign-in watch end to end, over the emulator's AMQP and the fake tenant's HTTP: a sign-in
 * after the revoke is published by the first poll after it is in the log, a quiet window publishes
 * "none seen", a worker stopped in the middle of a watch and started again loses nothing and
 * publishes nothing twice, the reporting API's limit holds for many users, and a watch entry put on
 * a producer's queue does nothing. Polls are counted from the fake tenant's request log, never
 * timed.
 */
class SignInWatchEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private WorkerHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  /** A harness whose workers watch sign-ins every second, with no log latency. */
  private WorkerHarness watching(FakeTenant tenant) {
    return new WorkerHarness(
        tenant,
        o -> o.signInLogLatency(Duration.ZERO),
        Map.of(
            "WATCH_SIGN_INS",
            "true",
            "WATCH_SIGN_INS_POLL_INTERVAL",
            "PT1S",
            "SIGN_IN_LOG_LATENCY",
            "PT0S"));
  }

  /**
   * A worker whose access windows last {@code window}: seconds, where a tenant's shortest token
   * lives ten minutes, so that a window closes within a test.
   */
  private WorkerService startWorker(Duration window, Map<String, String> settings) {
    return harness.startWorker(
        new ServiceBusIntake.Options(
            4, Duration.ofMinutes(5), Duration.ofSeconds(20), Duration.ofSeconds(5)),
        settings,
        Tuning.Recovery.defaults(),
        c ->
            c.withSignInWatch(
                new WatchSettings(
                    true, c.signInWatch().pollInterval(), c.signInWatch().logLatency(), window)));
  }

  private List<RequestRecord> signInReads() {
    return harness.graph.requestLog().stream()
        .filter(r -> r.path().endsWith("/auditLogs/signIns"))
        .toList();
  }

  private TargetAudit awaitResult(OffboardingEvent event, FakeUser user) {
    await()
        .atMost(WAIT)
        .until(
            () -> harness.targets(event.id()).stream().anyMatch(t -> user.id().equals(t.userId())));
    return harness.targets(event.id()).stream()
        .filter(t -> user.id().equals(t.userId()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aSignInAfterTheRevokeIsPublishedByTheFirstPollAfterItIsInTheLogAndOnlyOnce() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    harness = watching(tenant);
    WorkerService worker = startWorker(Duration.ofMinutes(10), Map.of());
    OffboardingEvent event = WorkerHarness.event(EventType.LEAVER, new Target.User(alice.id()));
    harness.send(event);
    awaitResult(event, alice);
    // The watch's first poll comes one interval after the revoke: from then on the log is read.
    await().atMost(WAIT).until(() -> signInReads().size() >= 1);

    int readsBefore = signInReads().size();
    FakeSignIn signIn = FakeSignIn.successful(alice, Instant.now(), "203.0.113.7");
    tenant.security().addSignIn(signIn);

    await().atMost(WAIT).until(() -> !harness.access(event.id()).isEmpty());
    WorkerHarness.Access seen = harness.access(event.id()).get(0);
    // Poll n (from 0) sends read n + 1: the poll that saw it is at most the first one sent after
    // it.
    assertTrue(
        seen.poll() <= readsBefore,
        "seen by poll " + seen.poll() + "; " + readsBefore + " reads before");
    assertEquals(AccessAudit.Outcome.SIGN_IN_SEEN, seen.audit().outcome());
    assertEquals(alice.id(), seen.audit().userId());
    AccessAudit.SignIn s = seen.audit().signIns().get(0);
    assertEquals(signIn.id(), s.id());
    assertEquals("203.0.113.7", s.ipAddress());
    assertEquals("Office 365 Exchange Online", s.appDisplayName());
    assertTrue(s.isInteractive());
    assertEquals(WorkerHarness.QUEUE, seen.audit().provenance().queue());
    assertEquals(
        Duration.ofMinutes(10),
        Duration.between(seen.audit().revokedAt(), seen.audit().allResourcesBy()));

    int readsThen = signInReads().size();
    await().atMost(WAIT).until(() -> signInReads().size() >= readsThen + 3);
    assertEquals(
        1, harness.access(event.id()).size(), "later polls see it again and publish nothing");
    assertEquals(1.0, worker.metrics().count(Metrics.SIGN_INS_AFTER_REVOKE));
  }

  @Test
  void aQuietWindowPublishesThatNoSignInWasSeenOnceItClosesForTheUsersOfEveryChunk() {
    FakeTenant tenant = new FakeTenant();
    FakeUser bob = tenant.addUser("bob@contoso.com");
    FakeUser carol = tenant.addUser("carol@contoso.com");
    // One before the revoke, and a failed one after it: neither is news.
    tenant
        .security()
        .addSignIn(FakeSignIn.successful(bob, Instant.now().minusSeconds(120), "203.0.113.8"));
    tenant
        .security()
        .addSignIn(
            new FakeSignIn(
                UUID.randomUUID().toString(),
                Instant.now().plusSeconds(2),
                carol.id(),
                carol.userPrincipalName(),
                null,
                "Portal",
                "Portal",
                "203.0.113.9",
                true,
                50126));
    harness = watching(tenant);
    // One user per delivery: the second user is revoked by a follow-up, and watched by its own
    // entry.
    WorkerService worker = startWorker(Duration.ofSeconds(3), Map.of("DELIVERY_MAX_USERS", "1"));
    OffboardingEvent event =
        WorkerHarness.event(
            EventType.LEAVER, new Target.User(bob.id()), new Target.User(carol.id()));
    harness.send(event);
    awaitResult(event, bob);
    awaitResult(event, carol);

    await().atMost(WAIT).until(() -> harness.access(event.id()).size() >= 2);
    List<AccessAudit> none =
        harness.access(event.id()).stream().map(WorkerHarness.Access::audit).toList();
    assertEquals(
        Set.of(bob.id(), carol.id()), Set.copyOf(none.stream().map(AccessAudit::userId).toList()));
    for (AccessAudit a : none) {
      assertEquals(AccessAudit.Outcome.NONE_SEEN, a.outcome());
      assertEquals(List.of(), a.signIns());
      assertEquals(Duration.ofSeconds(3), Duration.between(a.revokedAt(), a.allResourcesBy()));
    }
    assertEquals(
        2.0, worker.metrics().count(Metrics.SIGN_IN_WATCH_WINDOWS, "outcome", "none_seen"));
    assertEquals(0.0, worker.metrics().count(Metrics.SIGN_INS_AFTER_REVOKE));

    int reads = signInReads().size();
    await().pollDelay(Duration.ofSeconds(3)).atMost(WAIT).until(() -> true);
    assertEquals(reads, signInReads().size(), "the watch ended: no more reads");
    assertEquals(2, harness.access(event.id()).size());
  }

  @Test
  void aWorkerStoppedInTheMiddleOfAWatchAndStartedAgainLosesNothingAndPublishesNothingTwice() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    harness = watching(tenant);
    WorkerService first = startWorker(Duration.ofSeconds(20), Map.of());
    OffboardingEvent event =
        WorkerHarness.event(
            EventType.LEAVER, new Target.User(alice.id()), new Target.User(bob.id()));
    harness.send(event);
    awaitResult(event, alice);
    awaitResult(event, bob);
    tenant
        .security()
        .addSignIn(FakeSignIn.successful(alice, Instant.now().plusMillis(1100), "203.0.113.7"));
    await().atMost(WAIT).until(() -> !harness.access(event.id()).isEmpty());

    first.close();
    // While no worker runs, alice signs in again: the entry on the queue still holds the watch.
    FakeSignIn again = FakeSignIn.successful(alice, Instant.now().plusMillis(1100), "203.0.113.9");
    tenant.security().addSignIn(again);
    startWorker(Duration.ofSeconds(20), Map.of());

    await()
        .atMost(WAIT)
        .until(
            () ->
                harness.access(event.id()).stream()
                    .anyMatch(a -> a.audit().outcome() == AccessAudit.Outcome.NONE_SEEN));
    List<WorkerHarness.Access> all = harness.access(event.id());
    List<String> aliceSignIns =
        all.stream()
            .filter(a -> alice.id().equals(a.audit().userId()))
            .map(a -> a.audit().signIns().get(0).id())
            .toList();
    assertEquals(2, aliceSignIns.size(), "each of alice's sign-ins once: " + aliceSignIns);
    assertTrue(aliceSignIns.contains(again.id()));
    assertEquals(
        List.of(bob.id()),
        all.stream()
            .filter(a -> a.audit().outcome() == AccessAudit.Outcome.NONE_SEEN)
            .map(a -> a.audit().userId())
            .toList());
    assertEquals(all.size(), all.stream().map(WorkerHarness.Access::messageId).distinct().count());
  }

  @Test
  void manyUsersAreReadManyPerRequestWithinTheReportingApisLimit() {
    FakeTenant tenant = new FakeTenant();
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      targets.add(new Target.User(tenant.addUser("user" + i + "@contoso.com").id()));
    }
    harness = watching(tenant);
    startWorker(Duration.ofMinutes(10), Map.of());
    OffboardingEvent event = WorkerHarness.event(EventType.LEAVER, targets.toArray(Target[]::new));
    harness.send(event);

    // 60 users, 15 per read: 4 reads a round, a round a second were it not for the reporting API's
    // limit of five requests per 10 s, which the fake tenant enforces with 429s. Nine reads span
    // three rounds and two windows of the limit.
    await().atMost(Duration.ofMinutes(2)).until(() -> signInReads().size() >= 9);

    List<RequestRecord> reads = signInReads();
    assertEquals(
        List.of(),
        reads.stream().filter(r -> r.status() != 200).toList(),
        "no read refused or throttled");
    for (RequestRecord r : reads) {
      int users = r.query().split("userId", -1).length - 1;
      assertTrue(users >= 1 && users <= 15, users + " users in one read");
    }
  }

  @Test
  void aWatchEntryPutOnAProducersQueueIsDeadLetteredAndReadsNothing() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    tenant
        .security()
        .addSignIn(FakeSignIn.successful(alice, Instant.now().minusSeconds(5), "203.0.113.7"));
    harness = watching(tenant);
    startWorker(Duration.ofMinutes(10), Map.of());
    // What the worker would write itself: a watch of alice since a minute ago, closing at once.
    WatchEntry forged =
        new WatchEntry(
            "1@" + WorkerHarness.QUEUE,
            "evt-forged",
            "0.0",
            0,
            new Provenance("/attacker", null, null, "forged", WorkerHarness.QUEUE),
            List.of(
                new WatchEntry.Watched(
                    alice.id(),
                    Instant.now().minusSeconds(60),
                    Instant.now().minusSeconds(30),
                    Set.of())));

    harness.sendRaw(UUID.randomUUID().toString(), new WatchEntryCodec().encode(forged));

    await()
        .atMost(WAIT)
        .until(() -> harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE) >= 1);
    assertEquals(
        MessageClassifier.FORGED,
        harness.emulator.peekDeadLetterMessages(WorkerHarness.QUEUE).get(0).deadLetterReason());
    assertEquals(List.of(), signInReads(), "the sign-in log was not read");
    assertEquals(List.of(), harness.access("evt-forged"));
  }
}
