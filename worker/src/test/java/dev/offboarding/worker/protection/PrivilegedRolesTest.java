package dev.offboarding.worker.protection;

import static dev.offboarding.worker.testing.FakeDirectoryRoles.DIRECTORY_READERS;
import static dev.offboarding.worker.testing.FakeDirectoryRoles.GLOBAL_ADMINISTRATOR;
import static dev.offboarding.worker.testing.FakeDirectoryRoles.REPORTS_READER;
import static dev.offboarding.worker.testing.FakeDirectoryRoles.USER_ADMINISTRATOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.worker.tenant.DirectoryRoles;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.testing.FakeDirectory;
import dev.offboarding.worker.testing.FakeDirectoryRoles;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrivilegedRolesTest {
  static final String ADMIN = "40000000-0000-4000-8000-000000000001";
  static final String READER = "40000000-0000-4000-8000-000000000002";
  static final String ELIGIBLE = "40000000-0000-4000-8000-000000000003";
  static final String DESK = "40000000-0000-4000-8000-000000000004";
  static final String CUSTOM = "40000000-0000-4000-8000-000000000005";
  static final String ROBOT = "40000000-0000-4000-8000-0000000000b0";
  static final String HELPDESK_GROUP = "40000000-0000-4000-8000-0000000000aa";

  final FakeDirectory directory = new FakeDirectory();
  final FakeDirectoryRoles roles = new FakeDirectoryRoles();

  PrivilegedRolesTest() {
    for (String id : new String[] {ADMIN, READER, ELIGIBLE, DESK, CUSTOM}) {
      directory.addUser(id, id.substring(id.length() - 1) + "@contoso.com");
    }
    directory.addGroup(HELPDESK_GROUP, DESK);
  }

  @Test
  void countsTheRolesMicrosoftLabelsPrivilegedAndNotTheOthers() {
    roles
        .assign(GLOBAL_ADMINISTRATOR, ADMIN, "user")
        .assign(DIRECTORY_READERS, READER, "user")
        .assign(REPORTS_READER, READER, "user");

    PrivilegedRoles.Holders holders = new PrivilegedRoles(roles).read(directory);

    assertEquals(Set.of(ADMIN), holders.userIds());
    assertEquals(2, holders.privilegedRoles(), "Global and User Administrator of the four");
  }

  @Test
  void countsEligibleHoldersAsHolders() {
    roles.makeEligible(USER_ADMINISTRATOR, ELIGIBLE, "user");

    PrivilegedRoles.Holders holders = new PrivilegedRoles(roles).read(directory);

    assertEquals(Set.of(ELIGIBLE), holders.userIds());
    assertTrue(holders.eligibilityRead());
  }

  @Test
  void expandsGroupsHoldingARoleAndLeavesServicePrincipalsOut() {
    roles
        .assign(USER_ADMINISTRATOR, HELPDESK_GROUP, "group")
        .assign(GLOBAL_ADMINISTRATOR, ROBOT, "servicePrincipal");

    PrivilegedRoles.Holders holders = new PrivilegedRoles(roles).read(directory);

    assertEquals(Set.of(DESK), holders.userIds());
  }

  @Test
  void countsCustomRolesAndRolesTheTenantDoesNotListAsPrivileged() {
    String custom = roles.addCustomRole("50000000-0000-4000-8000-000000000001", "Leaver Desk");
    roles
        .assign(custom, CUSTOM, "user")
        .assign("50000000-0000-4000-8000-00000000dead", ADMIN, "user");

    PrivilegedRoles.Holders holders = new PrivilegedRoles(roles).read(directory);

    assertEquals(Set.of(CUSTOM, ADMIN), holders.userIds());
  }

  @Test
  void readsActiveAssignmentsAloneInATenantWithoutAPimLicence() {
    roles
        .assign(GLOBAL_ADMINISTRATOR, ADMIN, "user")
        .makeEligible(GLOBAL_ADMINISTRATOR, ELIGIBLE, "user");
    roles.pimLicensed = false;

    PrivilegedRoles.Holders holders = new PrivilegedRoles(roles).read(directory);

    assertEquals(Set.of(ADMIN), holders.userIds());
    assertFalse(holders.eligibilityRead());
  }

  @Test
  void failsRatherThanAnswerWhenTheRolesOrAHoldingGroupCannotBeRead() {
    roles.assign(USER_ADMINISTRATOR, "40000000-0000-4000-8000-00000000dead", "group");
    PrivilegedRoles privileged = new PrivilegedRoles(roles);

    GraphFailure goneGroup = assertThrows(GraphFailure.class, () -> privileged.read(directory));
    roles.failWith =
        new GraphFailure(
            GraphFailure.Kind.FORBIDDEN,
            403,
            "Authorization_RequestDenied",
            "denied",
            "r",
            null,
            null);
    GraphFailure forbidden = assertThrows(GraphFailure.class, () -> privileged.read(directory));

    assertEquals(GraphFailure.Kind.NOT_FOUND, goneGroup.kind());
    assertEquals(403, forbidden.status());
  }

  @Test
  void knowsMicrosoftsPrivilegedBuiltInRolesByTemplateId() {
    assertTrue(
        PrivilegedRoles.privileged(
            new DirectoryRoles.Definition(
                GLOBAL_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, "Global Administrator", true)));
    assertTrue(
        PrivilegedRoles.privileged(
            new DirectoryRoles.Definition(
                "e8611ab8-c189-46e8-94e1-60213ab1f814",
                null,
                "Privileged Role Administrator",
                true)),
        "a built-in role's id is its template id");
    assertFalse(
        PrivilegedRoles.privileged(
            new DirectoryRoles.Definition(
                DIRECTORY_READERS, DIRECTORY_READERS, "Directory Readers", true)));
    assertTrue(
        PrivilegedRoles.privileged(
            new DirectoryRoles.Definition(
                "50000000-0000-4000-8000-000000000001",
                "c0000000-0000-4000-8000-000000000000",
                "Leaver Desk",
                false)));
  }
}
