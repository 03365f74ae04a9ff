package dev.offboarding.worker.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.testing.Events;
import dev.offboarding.worker.testing.FakeDirectory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
  static final String ALICE = "00000000-0000-4000-8000-000000000001";
  static final String BOB = "00000000-0000-4000-8000-000000000002";
  static final String CAROL = "00000000-0000-4000-8000-000000000003";
  static final String GLASS = "00000000-0000-4000-8000-0000000000ff";
  static final String STAFF = "10000000-0000-4000-8000-000000000001";
  static final String TEAM = "10000000-0000-4000-8000-000000000002";
  static final String BREAK_GLASS = "10000000-0000-4000-8000-0000000000ff";

  final FakeDirectory directory = new FakeDirectory();

  PlannerTest() {
    directory.addUser(ALICE, "alice@contoso.com");
    directory.addUser(BOB, "bob@contoso.com");
    directory.addUser(CAROL, "carol_fabrikam.com#EXT#@contoso.onmicrosoft.com", "Guest");
    directory.addUser(GLASS, "glass@contoso.com");
    directory.addGroup(TEAM, BOB, "device", "orgContact");
    directory.addGroup(STAFF, ALICE, "group:" + TEAM, CAROL, "servicePrincipal", "device");
    directory.addGroup(BREAK_GLASS, GLASS);
  }

  Plan ready(PlanResult result) {
    return assertInstanceOf(PlanResult.Ready.class, result).plan();
  }

  @Test
  void resolvesUsersByIdAndByUpn() {
    Planner planner = new Planner(directory, Protection.none(), 100);

    Plan plan =
        ready(
            planner.plan(
                Events.leaver(new Target.User(ALICE), new Target.User("bob@contoso.com"))));

    assertEquals(List.of(ALICE, BOB), plan.users().stream().map(u -> u.user().id()).toList());
    assertEquals(List.of("user:bob@contoso.com"), plan.users().get(1).via());
  }

  @Test
  void expandsNestedGroupsIntoUsersAndCountsEveryOtherMemberKind() {
    Planner planner = new Planner(directory, Protection.none(), 100);

    Plan plan = ready(planner.plan(Events.leaver(new Target.Group(STAFF))));

    assertEquals(
        Set.of(ALICE, BOB, CAROL),
        Set.copyOf(plan.users().stream().map(u -> u.user().id()).toList()));
    assertEquals(
        Map.of("device", 2, "orgContact", 1, "servicePrincipal", 1, "group", 1),
        plan.skippedMembers());
  }

  @Test
  void removesDuplicatesAcrossTargetsAndKeepsEveryWayAUserWasReached() {
    directory.setAttribute(BOB, "department", "HP");
    Planner planner = new Planner(directory, Protection.none(), 100);

    Plan plan =
        ready(
            planner.plan(
                Events.leaver(
                    new Target.User(BOB),
                    new Target.Group(TEAM),
                    new Target.Attribute("department", "HP"),
                    new Target.User("BOB@contoso.com"))));

    assertEquals(1, plan.users().size());
    assertEquals(
        List.of("user:" + BOB, "group:" + TEAM, "attribute:department", "user:BOB@contoso.com"),
        plan.users().getFirst().via());
  }

  @Test
  void marksExplicitlyProtectedUsersByIdOrUpnWhateverTheCase() {
    Planner planner =
        new Planner(directory, new Protection(Set.of("ALICE@contoso.com", BOB), Set.of()), 100);

    Plan plan = ready(planner.plan(Events.leaver(new Target.Group(STAFF))));

    assertEquals(
        Set.of(CAROL), Set.copyOf(plan.writable().stream().map(u -> u.user().id()).toList()));
    assertEquals(2, plan.users().stream().filter(PlannedUser::isProtected).count());
  }

  @Test
  void marksTransitiveMembersOfProtectedGroups() {
    directory.addGroup(STAFF, ALICE, "group:" + BREAK_GLASS);
    Planner planner = new Planner(directory, new Protection(Set.of(), Set.of(BREAK_GLASS)), 100);

    Plan plan = ready(planner.plan(Events.leaver(new Target.Group(STAFF), new Target.User(GLASS))));

    PlannedUser glass =
        plan.users().stream().filter(u -> u.user().id().equals(GLASS)).findFirst().orElseThrow();
    assertEquals("member of a protected group", glass.protectedBecause());
    assertEquals(List.of(ALICE), plan.writable().stream().map(u -> u.user().id()).toList());
  }

  @Test
  void failsRatherThanPlanWhenAProtectedGroupCannotBeRead() {
    Planner planner =
        new Planner(
            directory,
            new Protection(Set.of(), Set.of("10000000-0000-4000-8000-00000000dead")),
            100);

    GraphFailure failure =
        assertThrows(GraphFailure.class, () -> planner.plan(Events.leaver(new Target.User(ALICE))));

    assertEquals(Protection.UNAVAILABLE_CODE, failure.errorCode());
    assertTrue(
        failure.isTransient(), "an unreadable protected group makes events wait, never fail");
  }

  @Test
  void flagsGuestsItReads() {
    Planner planner = new Planner(directory, Protection.none(), 100);

    Plan plan =
        ready(
            planner.plan(
                Events.leaver(
                    new Target.User("carol_fabrikam.com#EXT#@contoso.onmicrosoft.com"),
                    new Target.Group(STAFF))));

    assertTrue(plan.users().get(0).guest());
    assertTrue(
        plan.users().stream()
            .filter(u -> u.user().id().equals(ALICE))
            .noneMatch(PlannedUser::guest));
  }

  @Test
  void plansAUserGivenByIdWithoutReadingIt() {
    Planner planner = new Planner(directory, Protection.none(), 100);

    Plan plan = ready(planner.plan(Events.leaver(new Target.User(CAROL), new Target.User(ALICE))));

    // Named (UPN, guest flag) by the read that follows its writes.
    assertEquals(2, plan.users().size());
    assertTrue(plan.users().stream().noneMatch(u -> u.user().described()));
    assertEquals(CAROL, plan.users().get(0).user().id());
  }

  @Test
  void readsAUserGivenByIdInADryRun() {
    Planner planner = new Planner(directory, Protection.none(), 100);
    OffboardingEvent leaver = Events.leaver(new Target.User(CAROL));
    OffboardingEvent dryRun =
        new OffboardingEvent(
            leaver.id(),
            leaver.source(),
            leaver.type(),
            leaver.time(),
            new EventData(
                leaver.data().targets(),
                leaver.data().actions(),
                leaver.data().reason(),
                leaver.data().ticket(),
                leaver.data().requestedBy(),
                true));

    Plan plan = ready(planner.plan(dryRun));

    assertTrue(plan.users().getFirst().user().described());
    assertTrue(plan.users().getFirst().guest());
  }

  @Test
  void reportsUsersAndGroupsThatDoNotExistWithoutFailingTheRest() {
    Planner planner = new Planner(directory, Protection.none(), 100);

    Plan plan =
        ready(
            planner.plan(
                Events.leaver(
                    new Target.User("nobody@contoso.com"),
                    new Target.Group("10000000-0000-4000-8000-00000000beef"),
                    new Target.User(ALICE))));

    assertEquals(List.of(ALICE), plan.users().stream().map(u -> u.user().id()).toList());
    assertEquals(
        List.of("user:nobody@contoso.com", "group:10000000-0000-4000-8000-00000000beef"),
        plan.unresolved().stream().map(Plan.Unresolved::via).toList());
  }

  @Test
  void rejectsAnEventOverTheBlastRadiusLimitAndStopsListingMembers() {
    Planner planner = new Planner(directory, Protection.none(), 2);

    PlanResult result = planner.plan(Events.leaver(new Target.Group(STAFF)));

    assertEquals("BlastRadiusExceeded", assertInstanceOf(PlanResult.Rejected.class, result).code());
  }

  @Test
  void countsUsersGivenByIdTowardTheLimitOnceEachWhateverTheirCase() {
    Planner planner = new Planner(directory, Protection.none(), 2);
    String unknown = "00000000-0000-4000-8000-0000000000ff";

    PlanResult twice =
        planner.prepare(
            Events.leaver(
                new Target.User(ALICE),
                new Target.User(ALICE.toUpperCase()),
                new Target.User(CAROL)));
    PlanResult three =
        planner.prepare(
            Events.leaver(
                new Target.User(ALICE), new Target.User(CAROL), new Target.User(unknown)));

    assertEquals(2, assertInstanceOf(PlanResult.Streamed.class, twice).plan().userCount());
    assertEquals("BlastRadiusExceeded", assertInstanceOf(PlanResult.Rejected.class, three).code());
  }

  @Test
  void countsProtectedUsersTowardTheLimitButAnEventAtTheLimitPasses() {
    Planner planner = new Planner(directory, new Protection(Set.of(ALICE), Set.of()), 3);

    Plan plan = ready(planner.plan(Events.leaver(new Target.Group(STAFF))));

    assertEquals(3, plan.users().size());
  }

  @Test
  void letsDirectoryOutagesThroughSoTheEventIsRetriedLater() {
    directory.failGroupsWith =
        new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 503, "x", "down", null, null, null);
    Planner planner = new Planner(directory, Protection.none(), 100);

    assertThrows(GraphFailure.class, () -> planner.plan(Events.leaver(new Target.Group(STAFF))));
  }
}
