package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.RequestRecord;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.execute.OutageGuard;
import dev.offboarding.worker.execute.WriteBudget;
import dev.offboarding.worker.plan.PlanResult;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.plan.StreamingPlan;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.tenant.Sleeper;
import dev.offboarding.worker.testing.Executions;
import dev.offboarding.worker.verify.Verifier;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How many Graph requests precede the revoke of a compromise event, counted in the fake tenant's
 * request log over a socket: the table in docs/design.md. Counts only, never time.
 */
class RoundTripsBeforeRevokeTest {
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T09:00:00Z"));
  final Sleeper sleeper = clock::advance;
  final FakeTenant tenant = new FakeTenant();
  FakeGraphServer server;
  GraphServiceClient graph;
  GraphDirectory directory;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  void start() {
    server = FakeGraphServer.start(tenant, FakeGraphOptions.builder().clock(clock).build());
    graph =
        GraphClients.create(
            WorkerConfig.forGraphOnly(
                Map.of("GRAPH_BASE_URL", server.baseUrl(), "GRAPH_AUTH", "none")));
    directory =
        new GraphDirectory(
            graph, URI.create(server.baseUrl()), RetryPolicy.defaults(), sleeper, clock);
  }

  /** A warm protected set, as the background refresher keeps it: its reads are not the event's. */
  Protection warmProtection(Set<String> users, Set<String> groups) {
    Protection protection = new Protection(users, groups, clock, Duration.ofSeconds(60));
    protection.refresh(directory);
    return protection;
  }

  List<TargetAudit> run(Protection protection, boolean verify, OffboardingEvent event) {
    Executor executor =
        new Executor(
            new GraphAccountWrites(graph, clock),
            WriteBudget.UNLIMITED,
            RetryPolicy.defaults(),
            OutageGuard.NONE,
            verify ? new Verifier(directory, sleeper, clock) : null,
            sleeper,
            clock,
            4);
    server.clearRequestLog();
    StreamingPlan plan =
        assertInstanceOf(
                PlanResult.Streamed.class, new Planner(directory, protection, 100).prepare(event))
            .plan();
    return Executions.all(executor, plan, false);
  }

  static OffboardingEvent compromise(List<Action> actions, Target target) {
    return new OffboardingEvent(
        "evt-rtt",
        "/siem",
        EventType.COMPROMISE,
        null,
        new EventData(List.of(target), actions, "token theft", "INC-1", "siem", false));
  }

  /** Requests answered before the revoke: the round trips a compromise event waits for. */
  long beforeRevoke() {
    List<RequestRecord> log = server.requestLog();
    int revoke = -1;
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).isRevoke()) {
        revoke = i;
        break;
      }
    }
    assertTrue(revoke >= 0, "no revoke was sent: " + log);
    return revoke;
  }

  static Stream<Arguments> compromiseEvents() {
    List<Action> revokeOnly = List.of(Action.REVOKE_SESSIONS);
    List<Action> disableAndRevoke = List.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS);
    return Stream.of(
        Arguments.of("by id, revoke only", true, revokeOnly, false, 0),
        Arguments.of("by id, disable + revoke", true, disableAndRevoke, false, 1),
        Arguments.of("by UPN, revoke only", false, revokeOnly, false, 1),
        Arguments.of("by UPN, disable + revoke", false, disableAndRevoke, false, 2),
        Arguments.of("by id, revoke only, protected group", true, revokeOnly, true, 0),
        Arguments.of("by id, disable + revoke, protected group", true, disableAndRevoke, true, 1),
        Arguments.of("by UPN, revoke only, protected group", false, revokeOnly, true, 1),
        Arguments.of(
            "by UPN, disable + revoke, protected group", false, disableAndRevoke, true, 2));
  }

  @ParameterizedTest(name = "{0}: {4} requests before the revoke")
  @MethodSource("compromiseEvents")
  void sendsOnlyTheWritesAndAUpnLookupBeforeTheRevoke(
      String name,
      boolean byId,
      List<Action> actions,
      boolean protectedGroup,
      int expectedBeforeRevoke) {
    FakeUser victim = tenant.addUser("victim@contoso.com");
    FakeUser breakGlass = tenant.addUser("breakglass@contoso.com");
    FakeGroup admins = tenant.addGroup("Break glass", breakGlass);
    start();
    Protection protection =
        warmProtection(Set.of(), protectedGroup ? Set.of(admins.id()) : Set.of());

    List<TargetAudit> results =
        run(
            protection,
            true,
            compromise(actions, new Target.User(byId ? victim.id() : victim.userPrincipalName())));

    assertEquals(expectedBeforeRevoke, beforeRevoke(), () -> "requests: " + server.requestLog());
    // After the revoke: the one read-back that verifies every write and names the user.
    assertEquals(
        expectedBeforeRevoke + 2,
        server.requestLog().size(),
        () -> "requests: " + server.requestLog());
    TargetAudit result = results.getFirst();
    assertEquals(TargetOutcome.SUCCEEDED, result.outcome());
    assertEquals("victim@contoso.com", result.userPrincipalName());
    assertTrue(result.actions().stream().allMatch(a -> Boolean.TRUE.equals(a.verified())));
  }

  @Test
  void namesAGuestWrittenByIdFromItsReadBack() {
    FakeUser guest =
        tenant.addUser(
            FakeUser.builder("partner_fabrikam.com#EXT#@contoso.onmicrosoft.com").guest().build());
    start();

    TargetAudit result =
        run(
                Protection.none(),
                true,
                compromise(List.of(Action.REVOKE_SESSIONS), new Target.User(guest.id())))
            .getFirst();

    assertEquals(0, beforeRevoke());
    assertEquals(2, server.requestLog().size());
    assertTrue(result.guest());
    assertEquals(guest.userPrincipalName(), result.userPrincipalName());
    assertEquals("guest account: sessions in the home tenant are not revoked", result.detail());
  }

  @Test
  void namesAUserWrittenByIdWithOnePlainReadWhenWritesAreNotVerified() {
    FakeUser victim = tenant.addUser("victim@contoso.com");
    start();

    TargetAudit result =
        run(Protection.none(), false, compromise(List.of(), new Target.User(victim.id())))
            .getFirst();

    List<RequestRecord> log = server.requestLog();
    assertEquals(1, beforeRevoke());
    assertEquals(3, log.size(), () -> "requests: " + log);
    assertTrue(log.get(2).isRead());
    assertEquals(TargetOutcome.SUCCEEDED, result.outcome());
    assertEquals("victim@contoso.com", result.userPrincipalName());
    assertFalse(result.guest());
  }

  @Test
  void reportsAnIdThatNamesNoUserNotFoundAfterOneWrite() {
    start();
    String missing = "0b6f6c1e-8a5e-4c0e-9d0b-4b6d2f1f5e11";

    TargetAudit result =
        run(Protection.none(), true, compromise(List.of(), new Target.User(missing))).getFirst();

    // The disable's 404 ends it: no revoke, no read-back of a user that does not exist.
    List<RequestRecord> log = server.requestLog();
    assertEquals(1, log.size(), () -> "requests: " + log);
    assertEquals(404, log.getFirst().status());
    assertEquals(TargetOutcome.NOT_FOUND, result.outcome());
    assertEquals(missing, result.userId());
    assertEquals(
        "user not found: the directory has no user with this object id (its write was answered 404)",
        result.detail());
    ActionResult revoke = result.actions().get(1);
    assertEquals(TargetOutcome.SKIPPED, revoke.outcome());
  }

  @Test
  void neverWritesAProtectedUserGivenByIdWhoseUpnIsListed() {
    FakeUser breakGlass = tenant.addUser("breakglass@contoso.com");
    start();
    Protection protection = warmProtection(Set.of("breakglass@contoso.com"), Set.of());

    TargetAudit result =
        run(protection, true, compromise(List.of(), new Target.User(breakGlass.id()))).getFirst();

    assertEquals(TargetOutcome.PROTECTED, result.outcome());
    assertTrue(server.writeLog().isEmpty());
    // Only the read that names it for the audit.
    assertEquals(1, server.requestLog().size());
    assertEquals("breakglass@contoso.com", result.userPrincipalName());
  }

  @Test
  void neverWritesAMemberOfAProtectedGroupGivenById() {
    FakeUser breakGlass = tenant.addUser("breakglass@contoso.com");
    FakeGroup admins = tenant.addGroup("Break glass", breakGlass);
    start();
    Protection protection = warmProtection(Set.of(), Set.of(admins.id()));

    TargetAudit result =
        run(protection, true, compromise(List.of(), new Target.User(breakGlass.id()))).getFirst();

    assertEquals(TargetOutcome.PROTECTED, result.outcome());
    assertEquals("protected: member of a protected group", result.detail());
    assertTrue(server.writeLog().isEmpty());
  }

  @Test
  void countsAnIdTargetAndTheSameUserInAGroupOnceAndNamesItFromTheGroup() {
    FakeUser victim = tenant.addUser("victim@contoso.com");
    FakeGroup group = tenant.addGroup("Team", victim, tenant.addUser("other@contoso.com"));
    start();

    List<TargetAudit> results =
        run(
            Protection.none(),
            true,
            new OffboardingEvent(
                "evt-rtt",
                "/siem",
                EventType.COMPROMISE,
                null,
                new EventData(
                    List.of(new Target.User(victim.id()), new Target.Group(group.id())),
                    List.of(Action.REVOKE_SESSIONS),
                    "token theft",
                    "INC-1",
                    "siem",
                    false)));

    assertEquals(2, results.size());
    TargetAudit mine =
        results.stream().filter(r -> victim.id().equals(r.userId())).findFirst().orElseThrow();
    assertEquals(List.of("user:" + victim.id(), "group:" + group.id()), mine.via());
    assertEquals("victim@contoso.com", mine.userPrincipalName());
    assertEquals(2, server.writeLog().size());
  }
}
