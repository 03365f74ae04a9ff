package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.metrics.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the worker does when Graph fails, end to end over real AMQP and real HTTP to the fake
 * tenant: each test reads the outcome from the audit topic and the tenant's write log, and the
 * settlement from the queue.
 */
class FailuresEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** The shortest staleness bound the configuration accepts: the refresher ticks every second. */
  private static final String STALENESS = "3";

  private WorkerHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void retriesASingle500OnARevokeAndSucceeds() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    harness.graph.faults().forceStatus(alice.id(), 500, 1);
    OffboardingEvent event = event(List.of(Action.REVOKE_SESSIONS), new Target.User(alice.id()));

    harness.send(event);

    SummaryAudit summary = finalSummary(event);
    assertEquals(SummaryStatus.COMPLETED, summary.status());
    List<TargetAudit> results = harness.targets(event.id());
    assertEquals(1, results.size(), "one final result: " + results);
    assertEquals(TargetOutcome.SUCCEEDED, results.get(0).outcome());
    assertEquals(2, results.get(0).actions().get(0).attempts());
    assertEquals(List.of(500, 200), statuses(alice, WriteRecord.Kind.REVOKE));
    awaitQueueEmpty();
    assertEquals(0, harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE));
  }

  @Test
  void failsAForbiddenGroupTargetWhileTheOtherTargetsCompleteAndIntakeNeverPauses() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    FakeUser carol = tenant.addUser("carol@contoso.com");
    FakeGroup secret = tenant.addGroup("Secret", carol);
    FakeGroup finance = tenant.addGroup("Finance", bob);
    harness = new WorkerHarness(tenant);
    WorkerService worker = harness.startWorker();
    harness.graph.faults().forceReadStatus(secret.id(), 403);
    OffboardingEvent event =
        event(
            List.of(),
            new Target.Group(secret.id()),
            new Target.User(alice.id()),
            new Target.Group(finance.id()));

    harness.send(event);

    SummaryAudit summary = finalSummary(event);
    assertEquals(SummaryStatus.PARTIAL, summary.status());
    List<TargetAudit> results = harness.targets(event.id());
    TargetAudit forbidden =
        results.stream().filter(t -> t.userId() == null).findFirst().orElseThrow();
    assertEquals(TargetOutcome.FORBIDDEN, forbidden.outcome());
    assertEquals(List.of("group:" + secret.id()), forbidden.via());
    assertEquals("Authorization_RequestDenied", forbidden.actions().get(0).errorCode());
    assertEquals(TargetOutcome.SUCCEEDED, outcomeOf(results, alice));
    assertEquals(TargetOutcome.SUCCEEDED, outcomeOf(results, bob));
    assertEquals(3, results.size(), "one result per user and per unresolved target: " + results);
    assertEquals(
        List.of(),
        statuses(carol, WriteRecord.Kind.REVOKE),
        "nothing written through the forbidden group");
    awaitQueueEmpty();
    assertEquals(0, harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE));
    assertEquals(0, worker.metrics().count(Metrics.INTAKE_PAUSES));
    assertEquals(1, worker.metrics().count(Metrics.EVENTS, "type", "leaver", "outcome", "PARTIAL"));
    assertEquals(
        0, worker.metrics().count(Metrics.EVENTS, "type", "leaver", "outcome", "ABANDONED"));
  }

  @Test
  void holdsEventsAndIsNotReadyWhileAProtectedGroupCannotBeReadThenRecovers() throws Exception {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser glass = tenant.addUser("break-glass@contoso.com");
    String missingGroup = UUID.randomUUID().toString();
    harness =
        new WorkerHarness(
            tenant,
            o -> {},
            Map.of(
                "PROTECTED_GROUPS", missingGroup,
                "PROTECTED_MAX_STALENESS", STALENESS));
    WorkerService worker = harness.startWorker();
    OffboardingEvent event = event(List.of(), new Target.User(alice.id()));

    harness.send(event);

    await()
        .atMost(WAIT)
        .until(() -> worker.metrics().count(Metrics.EVENT_RETRIES, "reason", "transient") >= 2);
    assertEquals(503, ready(worker));
    assertEquals(0.0, worker.metrics().gauge(Metrics.PROTECTION_READY));
    assertTrue(
        scrape(worker).contains("\noffboarding_protection_ready 0.0"), "served on /metrics too");
    assertEquals(
        List.of(),
        harness.graph.writeLog(),
        "nothing is written while the protected set is unknown");
    assertEquals(List.of(), harness.summaries(event.id()));
    assertEquals(
        1,
        harness.emulator.activeMessageCount(WorkerHarness.QUEUE),
        "the event stays on the queue");
    assertEquals(0, harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE));

    tenant.addGroup(new FakeGroup(missingGroup, "Break glass", null));
    tenant.addMembers(missingGroup, glass);

    await().atMost(WAIT).until(() -> ready(worker) == 200);
    assertEquals(1.0, worker.metrics().gauge(Metrics.PROTECTION_READY));
    SummaryAudit summary = finalSummary(event);
    assertEquals(SummaryStatus.COMPLETED, summary.status());
    assertEquals(TargetOutcome.SUCCEEDED, outcomeOf(harness.targets(event.id()), alice));
    awaitQueueEmpty();
    assertEquals(0, harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE));
  }

  @Test
  void reportsAnIneffectiveRevokeAsUnverifiedAndTheEventAsPartial() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    FakeUser carol = tenant.addUser("carol@contoso.com");
    harness = new WorkerHarness(tenant, o -> {}, Map.of("VERIFY", "true"));
    harness.startWorker();
    harness.graph.faults().ineffectiveRevokes(bob.id());
    OffboardingEvent event =
        event(
            List.of(),
            new Target.User(alice.id()),
            new Target.User(bob.id()),
            new Target.User(carol.id()));

    harness.send(event);

    SummaryAudit summary = finalSummary(event);
    assertEquals(SummaryStatus.PARTIAL, summary.status());
    List<TargetAudit> results = harness.targets(event.id());
    assertEquals(3, results.size(), "one final result per user: " + results);
    assertEquals(TargetOutcome.UNVERIFIED, outcomeOf(results, bob));
    assertEquals(TargetOutcome.SUCCEEDED, outcomeOf(results, alice));
    assertEquals(TargetOutcome.SUCCEEDED, outcomeOf(results, carol));
    assertFalse(statuses(bob, WriteRecord.Kind.REVOKE).isEmpty());
    assertTrue(
        statuses(bob, WriteRecord.Kind.REVOKE).stream().allMatch(s -> s == 200),
        "Graph accepted every revoke of bob; only reading back shows they did nothing");
    awaitQueueEmpty();
  }

  @Test
  void protectsAnAccountAddedToAProtectedGroupWhileTheWorkerRuns() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    FakeUser glass = tenant.addUser("break-glass@contoso.com");
    FakeGroup breakGlass = tenant.addGroup("Break glass", glass);
    harness =
        new WorkerHarness(
            tenant,
            o -> {},
            Map.of("PROTECTED_GROUPS", breakGlass.id(), "PROTECTED_MAX_STALENESS", STALENESS));
    WorkerService worker = harness.startWorker();
    await().atMost(WAIT).until(() -> worker.metrics().gauge(Metrics.PROTECTION_READY) == 1.0);

    tenant.addMembers(breakGlass.id(), alice);
    Instant changed = Instant.now();
    // A load that ends after the change may have read the group before it; the one after that
    // began after the change, so the set in memory then holds alice.
    Instant firstAfter = awaitLoadAfter(worker, changed);
    awaitLoadAfter(worker, firstAfter);
    OffboardingEvent event =
        event(List.of(), new Target.User(alice.id()), new Target.User(bob.id()));

    harness.send(event);

    SummaryAudit summary = finalSummary(event);
    assertEquals(SummaryStatus.COMPLETED, summary.status());
    List<TargetAudit> results = harness.targets(event.id());
    assertEquals(TargetOutcome.PROTECTED, outcomeOf(results, alice));
    assertEquals(TargetOutcome.SUCCEEDED, outcomeOf(results, bob));
    assertTrue(
        harness.graph.writeLog().stream().noneMatch(w -> w.userId().equals(alice.id())),
        "a protected account is never written");
    assertFalse(tenant.requireUser(bob.id()).accountEnabled());
    assertTrue(tenant.requireUser(alice.id()).accountEnabled());
  }

  // ----------------------------------------------------------------------------- helpers

  private static OffboardingEvent event(List<Action> actions, Target... targets) {
    return new OffboardingEvent(
        UUID.randomUUID().toString(),
        "/test/e2e",
        EventType.LEAVER,
        Instant.now(),
        new EventData(List.of(targets), actions, "end-to-end test", "T-1", "tests", false));
  }

  /**
   * Waits for the event's final summary (not a CONTINUING one) and returns it; there is exactly
   * one.
   */
  private SummaryAudit finalSummary(OffboardingEvent event) {
    harness.awaitSummary(event.id(), WAIT, s -> s.status() != SummaryStatus.CONTINUING);
    List<SummaryAudit> finals =
        harness.summaries(event.id()).stream()
            .filter(s -> s.status() != SummaryStatus.CONTINUING)
            .toList();
    assertEquals(1, finals.size(), "one final summary: " + finals);
    return finals.get(0);
  }

  private static TargetOutcome outcomeOf(List<TargetAudit> results, FakeUser user) {
    List<TargetAudit> mine = results.stream().filter(t -> user.id().equals(t.userId())).toList();
    assertEquals(
        1, mine.size(), "one final result for " + user.userPrincipalName() + ": " + results);
    return mine.get(0).outcome();
  }

  private List<Integer> statuses(FakeUser user, WriteRecord.Kind kind) {
    return harness.graph.writeLog().stream()
        .filter(w -> w.userId().equals(user.id()) && w.kind() == kind)
        .map(WriteRecord::status)
        .toList();
  }

  private void awaitQueueEmpty() {
    await().atMost(WAIT).until(() -> harness.emulator.activeMessageCount(WorkerHarness.QUEUE) == 0);
  }

  private static int ready(WorkerService worker) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + worker.httpPort() + "/health/ready"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String scrape(WorkerService worker) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * Waits until the protected set in memory was loaded after {@code after} (by the gauge {@code
   * offboarding_protected_set_age_seconds}) and returns when it was loaded, to within a few ms.
   */
  private static Instant awaitLoadAfter(WorkerService worker, Instant after) {
    Instant[] loaded = new Instant[1];
    await()
        .atMost(WAIT)
        .until(
            () -> {
              double age = worker.metrics().gauge(Metrics.PROTECTED_SET_AGE);
              Instant at = Instant.now().minusMillis((long) (age * 1000));
              loaded[0] = at;
              // The gauge has millisecond steps: a margin keeps a load just before {@code after}
              // from counting.
              return age >= 0 && at.isAfter(after.plusMillis(50));
            });
    return loaded[0];
  }
}
