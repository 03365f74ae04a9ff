package dev.offboarding.worker.protection;

import static dev.offboarding.worker.testing.FakeDirectoryRoles.GLOBAL_ADMINISTRATOR;
import static dev.offboarding.worker.testing.FakeDirectoryRoles.USER_ADMINISTRATOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.Target;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.worker.plan.Plan;
import dev.offboarding.worker.plan.PlanResult;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.plan.StreamingPlan;
import dev.offboarding.worker.tenant.DirectoryUser;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.testing.Events;
import dev.offboarding.worker.testing.FakeDirectory;
import dev.offboarding.worker.testing.FakeDirectoryRoles;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holders of privileged roles: never reached through a group or an attribute, written to when
 * named.
 */
class PrivilegedRoleGuardTest {
  static final String ADMIN = "60000000-0000-4000-8000-000000000001";
  static final String ALICE = "60000000-0000-4000-8000-000000000002";
  static final String BOB = "60000000-0000-4000-8000-000000000003";
  static final String ELIGIBLE = "60000000-0000-4000-8000-000000000004";
  static final String DESK = "60000000-0000-4000-8000-000000000005";
  static final String GLASS = "60000000-0000-4000-8000-0000000000ff";
  static final String STAFF = "70000000-0000-4000-8000-000000000001";
  static final String HELPDESK = "70000000-0000-4000-8000-000000000002";

  final FakeDirectory directory = new FakeDirectory();
  final FakeDirectoryRoles roles = new FakeDirectoryRoles();
  final ManualClock clock = ManualClock.startingAt("2026-11-27T09:00:00Z");

  PrivilegedRoleGuardTest() {
    directory.addUser(ADMIN, "admin@contoso.com");
    directory.addUser(ALICE, "alice@contoso.com");
    directory.addUser(BOB, "bob@contoso.com");
    directory.addUser(ELIGIBLE, "eligible@contoso.com");
    directory.addUser(DESK, "desk@contoso.com");
    directory.addUser(GLASS, "glass@contoso.com");
    for (String id : new String[] {ADMIN, ALICE, BOB, ELIGIBLE, DESK}) {
      directory.setAttribute(id, "department", "HP");
    }
    directory.addGroup(HELPDESK, DESK);
    directory.addGroup(STAFF, ADMIN, ALICE, BOB, ELIGIBLE, "group:" + HELPDESK);
    roles
        .assign(GLOBAL_ADMINISTRATOR, ADMIN, "user")
        .makeEligible(GLOBAL_ADMINISTRATOR, ELIGIBLE, "user")
        .assign(USER_ADMINISTRATOR, HELPDESK, "group");
  }

  Protection protection() {
    return new Protection(
        Set.of(GLASS), Set.of(), new PrivilegedRoles(roles), clock, Duration.ofSeconds(60));
  }

  /** Planned users by id: the reason each is protected, or "" when it may be written to. */
  Map<String, String> planned(Planner planner, dev.offboarding.contracts.OffboardingEvent event) {
    Plan plan = assertInstanceOf(PlanResult.Ready.class, planner.plan(event)).plan();
    return plan.users().stream()
        .collect(
            Collectors.toMap(
                u -> u.user().id(), u -> u.protectedBecause() == null ? "" : u.protectedBecause()));
  }

  @ParameterizedTest
  @ValueSource(ints = {StreamingPlan.RETAIN_LIMIT, 0})
  void leavesAdministratorsAnAttributeReachesProtectedAndPlansTheOthers(int retainLimit) {
    Planner planner = new Planner(directory, protection(), 100, retainLimit);

    Map<String, String> users =
        planned(planner, Events.leaver(new Target.Attribute("department", "HP")));

    assertEquals(Protection.PRIVILEGED_ROLE_REASON, users.get(ADMIN));
    assertEquals(Protection.PRIVILEGED_ROLE_REASON, users.get(ELIGIBLE), "eligible is a holder");
    assertEquals(
        Protection.PRIVILEGED_ROLE_REASON, users.get(DESK), "a member of a group holding the role");
    assertEquals("", users.get(ALICE));
    assertEquals("", users.get(BOB));
  }

  @ParameterizedTest
  @ValueSource(ints = {StreamingPlan.RETAIN_LIMIT, 0})
  void leavesAdministratorsAGroupReachesProtectedAndPlansTheOthers(int retainLimit) {
    Planner planner = new Planner(directory, protection(), 100, retainLimit);

    Map<String, String> users = planned(planner, Events.leaver(new Target.Group(STAFF)));

    assertEquals(
        Set.of(ADMIN, ELIGIBLE, DESK),
        users.entrySet().stream()
            .filter(e -> !e.getValue().isEmpty())
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet()));
    assertEquals(
        Set.of(ALICE, BOB),
        users.entrySet().stream()
            .filter(e -> e.getValue().isEmpty())
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet()));
  }

  @Test
  void writesToAnAdministratorACompromiseEventNamesById() {
    Planner planner = new Planner(directory, protection(), 100);

    Map<String, String> users =
        planned(
            planner, Events.event(EventType.COMPROMISE, List.of(), false, new Target.User(ADMIN)));

    assertEquals("", users.get(ADMIN));
  }

  @ParameterizedTest
  @ValueSource(ints = {StreamingPlan.RETAIN_LIMIT, 0})
  void writesToANamedAdministratorThatAGroupReachesToo(int retainLimit) {
    Planner planner = new Planner(directory, protection(), 100, retainLimit);

    Map<String, String> users =
        planned(
            planner,
            Events.event(
                EventType.COMPROMISE,
                List.of(),
                false,
                new Target.Group(STAFF),
                new Target.User("admin@contoso.com")));

    assertEquals("", users.get(ADMIN), "named by UPN");
    assertEquals(Protection.PRIVILEGED_ROLE_REASON, users.get(ELIGIBLE), "not named");
  }

  @Test
  void neverWritesToABreakGlassAccountEvenWhenNamed() {
    roles.assign(GLOBAL_ADMINISTRATOR, GLASS, "user");
    Planner planner = new Planner(directory, protection(), 100);

    Map<String, String> users =
        planned(
            planner, Events.event(EventType.COMPROMISE, List.of(), false, new Target.User(GLASS)));

    assertEquals("listed in PROTECTED_USERS", users.get(GLASS));
  }

  @Test
  void makesEventsWaitWhenTheRoleHoldersCannotBeRead() {
    roles.failWith =
        new GraphFailure(
            GraphFailure.Kind.FORBIDDEN,
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
            "r",
            null,
            null);
    Protection protection = protection();
    Planner planner = new Planner(directory, protection, 100);

    GraphFailure failure =
        assertThrows(
            GraphFailure.class, () -> planner.plan(Events.leaver(new Target.Group(STAFF))));

    assertTrue(
        failure.isTransient(), "the event waits, it never fails or goes on without the guard");
    assertEquals(Protection.UNAVAILABLE_CODE, failure.errorCode());
    assertFalse(protection.ready());
    assertTrue(protection.problem().contains("privileged directory roles"), protection.problem());
  }

  @Test
  void keepsServingTheLastRoleHoldersWithinTheBoundThenMakesEventsWait() {
    Protection protection = protection();
    protection.refresh(directory);
    roles.failWith =
        new GraphFailure(
            GraphFailure.Kind.UNAVAILABLE, 503, "ServiceUnavailable", "down", "r", null, null);
    clock.advance(Duration.ofSeconds(30));

    Protection.Checker withinBound = protection.checker(directory);
    clock.advance(Duration.ofSeconds(31));

    assertEquals(
        Protection.PRIVILEGED_ROLE_REASON, withinBound.reason(directory.user(ADMIN).orElseThrow()));
    assertEquals(1, roles.reads.get(), "within the bound, no event reads the roles");
    assertThrows(GraphFailure.class, () -> protection.checker(directory));
  }

  @Test
  void tellsNamedFromReachedAndCountsTheHolders() {
    Protection protection = protection();
    protection.refresh(directory);
    Protection.Checker checker = protection.checker(directory);
    DirectoryUser admin = directory.user(ADMIN).orElseThrow();

    String reached = checker.reason(admin);
    String named = checker.reason(admin, true);

    assertEquals(Protection.PRIVILEGED_ROLE_REASON, reached);
    assertNull(named);
    assertEquals(3, protection.privilegedHolders());
    assertTrue(protection.guardsPrivilegedRoles());
    assertFalse(protection.empty(), "role holders are read even when no account is listed");
  }
}
