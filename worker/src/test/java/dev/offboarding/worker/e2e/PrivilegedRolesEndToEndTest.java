package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.config.ConfigException;
import dev.offboarding.worker.config.Tuning;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Administrators are not bulk targets, end to end over real AMQP and real HTTP to the fake tenant:
 * a Global Administrator (active), another eligible through PIM, and a helpdesk group holding User
 * Administrator sit among ordinary leavers. A department or a group reaches them and leaves them
 * {@code PROTECTED}; a compromise event naming one by id writes to it. The worker reads the roles
 * from the tenant's role management API, and makes events wait while it cannot.
 */
class PrivilegedRolesEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final FakeTenant tenant = new FakeTenant();
  private final FakeUser admin =
      tenant.addUser(FakeUser.builder("admin@contoso.com").department("HP").build());
  private final FakeUser eligible =
      tenant.addUser(FakeUser.builder("eligible@contoso.com").department("HP").build());
  private final FakeUser desk =
      tenant.addUser(FakeUser.builder("desk@contoso.com").department("HP").build());
  private final FakeUser alice =
      tenant.addUser(FakeUser.builder("alice@contoso.com").department("HP").build());
  private final FakeUser bob =
      tenant.addUser(FakeUser.builder("bob@contoso.com").department("HP").build());
  private final FakeUser glass = tenant.addUser("breakglass@contoso.com");
  private final FakeGroup helpdesk = tenant.addGroup("Helpdesk Admins", desk);
  private final FakeGroup leavers =
      tenant.addGroup("HP Leavers", admin, eligible, helpdesk, alice, bob);
  private WorkerHarness harness;

  PrivilegedRolesEndToEndTest() {
    tenant.roles().assign("Global Administrator", admin.id());
    tenant
        .roles()
        .makeEligible(
            "Global Administrator", eligible.id(), Instant.now().minus(Duration.ofDays(1)));
    tenant.roles().assign("User Administrator", helpdesk.id());
  }

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private WorkerService start(Map<String, String> settings) {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of("PROTECTED_USERS", glass.userPrincipalName(), "ALLOW_UNPROTECTED", "false"));
    env.putAll(settings);
    harness = new WorkerHarness(tenant, o -> {}, env);
    return harness.startWorker();
  }

  @Test
  void aDepartmentLeaverEventLeavesTheAdministratorsProtectedAndWritesTheOthers() {
    WorkerService worker = start(Map.of());
    OffboardingEvent event = event(EventType.LEAVER, new Target.Attribute("department", "HP"));

    harness.send(event);

    SummaryAudit summary = finalSummary(event);
    List<TargetAudit> results = harness.targets(event.id());
    assertEquals(SummaryStatus.COMPLETED, summary.status());
    for (FakeUser holder : List.of(admin, eligible, desk)) {
      TargetAudit result = resultOf(results, holder);
      assertEquals(TargetOutcome.PROTECTED, result.outcome(), holder.userPrincipalName());
      assertTrue(result.detail().contains(Protection.PRIVILEGED_ROLE_REASON), result.detail());
      assertTrue(
          tenant.requireUser(holder.id()).accountEnabled(),
          holder.userPrincipalName() + " was disabled");
    }
    assertWritten(results, alice, bob);
    assertTrue(
        harness.graph.writeLog().stream()
            .noneMatch(w -> List.of(admin.id(), eligible.id(), desk.id()).contains(w.userId())),
        "no administrator was written to");
    assertEquals(3.0, worker.metrics().gauge(Metrics.PRIVILEGED_ROLE_HOLDERS));
  }

  @Test
  void aGroupLeaverEventLeavesTheAdministratorsProtectedAndWritesTheOthers() {
    start(Map.of());
    OffboardingEvent event = event(EventType.LEAVER, new Target.Group(leavers.id()));

    harness.send(event);

    finalSummary(event);
    List<TargetAudit> results = harness.targets(event.id());
    for (FakeUser holder : List.of(admin, eligible, desk)) {
      assertEquals(
          TargetOutcome.PROTECTED, resultOf(results, holder).outcome(), holder.userPrincipalName());
    }
    assertWritten(results, alice, bob);
    assertTrue(
        harness.graph.writeLog().stream()
            .noneMatch(w -> List.of(admin.id(), eligible.id(), desk.id()).contains(w.userId())),
        "no administrator was written to");
  }

  @Test
  void aCompromiseEventNamingAnAdministratorByIdWritesToIt() {
    start(Map.of());
    OffboardingEvent event = event(EventType.COMPROMISE, new Target.User(admin.id()));

    harness.sendUrgent(event);

    assertEquals(SummaryStatus.COMPLETED, finalSummary(event).status());
    assertWritten(harness.targets(event.id()), admin);
  }

  @Test
  void holdsEventsWhileTheRoleAssignmentsCannotBeReadThenGoesOn() {
    harness =
        new WorkerHarness(
            tenant,
            o -> {},
            Map.of("PROTECTED_USERS", glass.userPrincipalName(), "PROTECTED_MAX_STALENESS", "3"));
    // The worker starts while Graph refuses the role assignments: it loads no set, and waits.
    harness.graph.faults().forceReadStatus("roleAssignments", 503);
    WorkerService worker = harness.startWorker();
    OffboardingEvent event = event(EventType.LEAVER, new Target.Group(leavers.id()));

    harness.send(event);

    await()
        .atMost(WAIT)
        .until(() -> worker.metrics().count(Metrics.EVENT_RETRIES, "reason", "transient") >= 2);
    assertEquals(0.0, worker.metrics().gauge(Metrics.PROTECTION_READY));
    assertEquals(
        List.of(),
        harness.graph.writeLog(),
        "nothing is written while the role holders are unknown");
    assertEquals(List.of(), harness.summaries(event.id()));
    assertEquals(
        1,
        harness.emulator.activeMessageCount(WorkerHarness.QUEUE),
        "the event stays on the queue");

    harness.graph.faults().clearForcedReadStatus("roleAssignments");

    finalSummary(event);
    assertEquals(TargetOutcome.PROTECTED, resultOf(harness.targets(event.id()), admin).outcome());
    assertWritten(harness.targets(event.id()), alice, bob);
    assertEquals(0, harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE));
  }

  @Test
  void refusesToStartWithoutBreakGlassProtectionAndStartsWhenAllowedExplicitly() {
    harness = new WorkerHarness(tenant, o -> {}, Map.of("ALLOW_UNPROTECTED", "false"));
    ServiceBusIntake.Options options =
        new ServiceBusIntake.Options(
            4, Duration.ofMinutes(5), Duration.ofSeconds(20), Duration.ofSeconds(5));

    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () -> harness.startWorker(options, Map.of(), Tuning.Recovery.defaults()));
    WorkerService allowed =
        harness.startWorker(
            options, Map.of("ALLOW_UNPROTECTED", "true"), Tuning.Recovery.defaults());
    OffboardingEvent event = event(EventType.LEAVER, new Target.Group(leavers.id()));
    harness.send(event);

    assertTrue(
        refused.getMessage().contains("PROTECTED_USERS")
            && refused.getMessage().contains("PROTECTED_GROUPS")
            && refused.getMessage().contains("ALLOW_UNPROTECTED"),
        refused.getMessage());
    finalSummary(event);
    assertEquals(
        TargetOutcome.PROTECTED,
        resultOf(harness.targets(event.id()), admin).outcome(),
        "without break-glass accounts, administrators are still no bulk targets");
    assertWritten(harness.targets(event.id()), alice, bob);
    assertEquals(1.0, allowed.metrics().gauge(Metrics.PROTECTION_READY));
  }

  // ----------------------------------------------------------------------------- helpers

  private static OffboardingEvent event(EventType type, Target... targets) {
    return new OffboardingEvent(
        UUID.randomUUID().toString(),
        "/test/e2e",
        type,
        Instant.now(),
        new EventData(List.of(targets), List.of(), "end-to-end test", "T-17", "tests", false));
  }

  private SummaryAudit finalSummary(OffboardingEvent event) {
    harness.awaitSummary(event.id(), WAIT, s -> s.status() != SummaryStatus.CONTINUING);
    List<SummaryAudit> finals =
        harness.summaries(event.id()).stream()
            .filter(s -> s.status() != SummaryStatus.CONTINUING)
            .toList();
    assertEquals(1, finals.size(), "one final summary: " + finals);
    return finals.get(0);
  }

  private static TargetAudit resultOf(List<TargetAudit> results, FakeUser user) {
    List<TargetAudit> mine = results.stream().filter(t -> user.id().equals(t.userId())).toList();
    assertEquals(
        1, mine.size(), "one final result for " + user.userPrincipalName() + ": " + results);
    return mine.get(0);
  }

  private void assertWritten(List<TargetAudit> results, FakeUser... users) {
    for (FakeUser user : users) {
      assertEquals(
          TargetOutcome.SUCCEEDED, resultOf(results, user).outcome(), user.userPrincipalName());
      assertFalse(
          tenant.requireUser(user.id()).accountEnabled(),
          user.userPrincipalName() + " is still enabled");
    }
  }
}
