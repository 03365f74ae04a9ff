package dev.offboarding.testkit.graph;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FakeTenantTest {

  private static FakeTenant seed(String json) {
    return FakeTenant.fromJson(new ByteArrayInputStream(json.getBytes(UTF_8)));
  }

  @Test
  void loadsTheBundledExampleSeedWithMembersNamedByUpnAndDisplayName() {
    FakeTenant tenant = FakeGraphTestSupport.exampleTenant();

    FakeGroup leavers = tenant.group("84b18857-3c01-48be-b707-492019c57142").orElseThrow();
    List<String> users =
        tenant.transitiveUsers(leavers.id()).stream()
            .map(FakeUser::userPrincipalName)
            .sorted()
            .toList();

    assertEquals(
        List.of(
            "alice@contoso.com",
            "bob@contoso.com",
            "carol_fabrikam.com#EXT#@contoso.onmicrosoft.com",
            "o'brien@contoso.com"),
        users);
    assertEquals(9, tenant.transitiveMembers(leavers.id()).size());
    assertTrue(tenant.requireUser("carol_fabrikam.com#EXT#@contoso.onmicrosoft.com").isGuest());
    assertTrue(tenant.requireUser("breakglass@contoso.com").writesForbidden());
    assertFalse(tenant.requireUser("zoë.müller@contoso.com").accountEnabled());
    assertEquals(
        Instant.parse("2025-06-01T12:00:00Z"),
        tenant.requireUser("zoë.müller@contoso.com").signInSessionsValidFromDateTime());
  }

  @Test
  void givesSeededObjectsWithoutIdsTheSameIdOnEveryLoad() {
    String json =
        "{\"users\":[{\"userPrincipalName\":\"a@contoso.com\"}],\"groups\":[{\"displayName\":\"G\"}]}";

    FakeTenant first = seed(json);
    FakeTenant second = seed(json);

    assertEquals(first.requireUser("a@contoso.com").id(), second.requireUser("a@contoso.com").id());
    assertEquals(FakeUser.idFor("A@contoso.com"), first.requireUser("a@contoso.com").id());
    assertEquals(first.requireGroupNamed("G").id(), second.requireGroupNamed("G").id());
  }

  @Test
  void rejectsSeedsWithUnknownFieldsOrDanglingMembers() {
    assertThrows(IllegalArgumentException.class, () -> seed("{\"user\":[]}"));
    assertThrows(
        IllegalArgumentException.class,
        () -> seed("{\"users\":[{\"userPrincipalName\":\"a@contoso.com\",\"dept\":\"x\"}]}"));
    assertThrows(
        IllegalArgumentException.class,
        () -> seed("{\"groups\":[{\"displayName\":\"G\",\"members\":[\"ghost@contoso.com\"]}]}"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            seed(
                "{\"users\":[{\"userPrincipalName\":\"a@contoso.com\",\"accountEnabled\":\"no\"}]}"));
  }

  @Test
  void generatesTheSameTenantForTheSameSeedAndAnotherForAnother() {
    FakeTenant a = FakeTenant.generate(200, 42);
    FakeTenant b = FakeTenant.generate(200, 42);
    FakeTenant c = FakeTenant.generate(200, 43);

    assertEquals(a.users(), b.users());
    assertEquals(
        a.requireGroupNamed(TenantGenerator.ORG_ROOT).id(),
        b.requireGroupNamed(TenantGenerator.ORG_ROOT).id());
    assertNotEquals(
        a.requireGroupNamed(TenantGenerator.ORG_ROOT).id(),
        c.requireGroupNamed(TenantGenerator.ORG_ROOT).id());
  }

  @Test
  void generatesNestedGroupsThatReachEveryUserOnceWithEveryKindOfMember() {
    FakeTenant tenant = FakeTenant.generate(1_000, 7);
    String root = tenant.requireGroupNamed(TenantGenerator.ORG_ROOT).id();

    List<DirectoryObject> members = tenant.transitiveMembers(root);
    Map<String, Long> byType =
        members.stream()
            .collect(Collectors.groupingBy(DirectoryObject::odataType, Collectors.counting()));

    assertEquals(1_000, tenant.userCount());
    assertEquals(1_000L, byType.get("#microsoft.graph.user"));
    assertEquals(32L, byType.get("#microsoft.graph.group"));
    assertEquals(100L, byType.get("#microsoft.graph.device"));
    assertEquals(20L, byType.get("#microsoft.graph.orgContact"));
    assertEquals(10L, byType.get("#microsoft.graph.servicePrincipal"));
    assertEquals(members.size(), new HashSet<>(members).size());
  }

  @Test
  void generatesGuestsAdminsAndHardUserPrincipalNames() {
    FakeTenant tenant = FakeTenant.generate(1_000, 7);

    List<FakeUser> guests =
        tenant.transitiveUsers(tenant.requireGroupNamed(TenantGenerator.GUESTS).id());
    List<FakeUser> admins =
        tenant.transitiveUsers(tenant.requireGroupNamed(TenantGenerator.BREAK_GLASS).id());

    assertEquals(50, guests.size());
    assertTrue(
        guests.stream().allMatch(u -> u.isGuest() && u.userPrincipalName().contains("#EXT#")));
    assertEquals(10, admins.size());
    assertTrue(admins.stream().allMatch(FakeUser::writesForbidden));
    TenantGenerator.HARD_UPNS.forEach(
        upn -> assertEquals(TenantGenerator.HARD_DEPARTMENT, tenant.requireUser(upn).department()));
    assertEquals(6, tenant.usersWhere("department", "r&d o'neill").size());
  }

  @Test
  void matchesAnAttributeValueIgnoringCaseButNotADotlessIForAnI() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser(FakeUser.builder("dotted@contoso.com").jobTitle("Admin").build());
    tenant.addUser(FakeUser.builder("dotless@contoso.com").jobTitle("Admın").build());

    assertEquals(
        List.of("dotted@contoso.com"),
        tenant.usersWhere("jobTitle", "ADMIN").stream().map(FakeUser::userPrincipalName).toList());
    assertEquals(
        List.of("dotless@contoso.com"),
        tenant.usersWhere("jobTitle", "admın").stream().map(FakeUser::userPrincipalName).toList());
  }

  @Test
  void nestsSharedServicesUnderTwoDivisions() {
    FakeTenant tenant = FakeTenant.generate(100, 1);
    String shared = tenant.requireGroupNamed(TenantGenerator.SHARED_SERVICES).id();

    long parents =
        tenant.objectsOfType(FakeGroup.class).stream()
            .filter(g -> tenant.members(g.id()).stream().anyMatch(m -> m.id().equals(shared)))
            .count();

    assertEquals(2, parents);
  }

  @Test
  void buildsAHundredThousandMemberGroupCheaply() {
    FakeTenant tenant = new FakeTenant();

    FakeGroup big = tenant.addLargeGroup("Everyone Big", 100_000, 10, 5);

    List<FakeUser> users = tenant.transitiveUsers(big.id());
    assertEquals(100_000, users.size());
    assertEquals(100_000, new HashSet<>(users).size());
    assertEquals(100_000 + 110, tenant.transitiveMembers(big.id()).size());
    assertEquals(1_000 + 10, tenant.members(big.id()).size());
  }

  @Test
  void expandsMembershipCyclesWithoutLoopingForever() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeGroup a = tenant.addGroup("A", alice);
    FakeGroup b = tenant.addGroup("B", a);
    tenant.addMembers(a.id(), b);

    List<DirectoryObject> members = tenant.transitiveMembers(a.id());

    assertEquals(List.of(alice, b), members);
  }

  @Test
  void refusesDuplicateUsersAndSelfMembership() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser("alice@contoso.com");
    FakeGroup group = tenant.addGroup("G");

    assertThrows(IllegalArgumentException.class, () -> tenant.addUser("ALICE@contoso.com"));
    assertThrows(IllegalArgumentException.class, () -> tenant.addMembers(group.id(), group));
  }

  @Test
  void forgetsDeletedObjectsInMemberships() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    FakeGroup group = tenant.addGroup("G", alice, bob);
    tenant.transitiveMembers(group.id());

    tenant.delete(alice.id());

    assertEquals(List.of(bob), tenant.transitiveMembers(group.id()));
    assertTrue(tenant.user("alice@contoso.com").isEmpty());
  }
}
