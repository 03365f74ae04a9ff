package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoleManagementTest extends FakeGraphTestSupport {

  private static final String ROOT = "/roleManagement/directory";
  private static final String GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";
  private static final String USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1";

  private static List<JsonNode> allPages(GraphClient graph, String first) {
    List<JsonNode> items = new ArrayList<>();
    String next = first;
    while (next != null) {
      GraphClient.Reply page = graph.get(next);
      assertEquals(200, page.status(), page.body().toString());
      page.body().path("value").forEach(items::add);
      next =
          page.body().hasNonNull("@odata.nextLink")
              ? page.body().get("@odata.nextLink").asText()
              : null;
      assertTrue(items.size() < 10_000, "next links loop");
    }
    return items;
  }

  @Test
  void listsTheBuiltInRoleDefinitionsEveryTenantHasWithTheirTemplateIds() {
    GraphClient graph = client(serve(new FakeTenant()));

    GraphClient.Reply reply = graph.get(ROOT + "/roleDefinitions");

    assertEquals(200, reply.status());
    assertTrue(
        reply
            .body()
            .path("@odata.context")
            .asText()
            .endsWith("/$metadata#roleManagement/directory/roleDefinitions"),
        reply.body().toString());
    JsonNode globalAdmin = find(reply.body().path("value"), "id", GLOBAL_ADMINISTRATOR);
    assertEquals("Global Administrator", globalAdmin.path("displayName").asText());
    assertEquals(GLOBAL_ADMINISTRATOR, globalAdmin.path("templateId").asText());
    assertTrue(globalAdmin.path("isBuiltIn").asBoolean());
    assertTrue(globalAdmin.path("isEnabled").asBoolean());
    assertEquals("/", globalAdmin.path("resourceScopes").get(0).asText());
    assertTrue(globalAdmin.path("rolePermissions").get(0).path("allowedResourceActions").isArray());
    assertFalse(globalAdmin.has("isPrivileged"), "v1.0 has no isPrivileged; only beta does");
  }

  @Test
  void selectsAndFiltersRoleDefinitionsAndAddsCustomRoles() {
    FakeTenant tenant = new FakeTenant();
    FakeRoleDefinition custom =
        tenant.roles().addCustomRole("Leaver Desk", "microsoft.directory/users/disable");
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply =
        graph.get(
            ROOT
                + "/roleDefinitions?$select=id,isBuiltIn,templateId&$filter="
                + query("displayName eq 'Leaver Desk'"));

    assertEquals(200, reply.status(), reply.body().toString());
    assertEquals(1, reply.body().path("value").size());
    JsonNode only = reply.body().path("value").get(0);
    assertEquals(custom.id(), only.path("id").asText());
    assertFalse(only.path("isBuiltIn").asBoolean());
    assertEquals(Set.of("id", "isBuiltIn", "templateId"), fieldNames(only));
    assertEquals(200, graph.get(ROOT + "/roleDefinitions/" + GLOBAL_ADMINISTRATOR).status());
    assertEquals(404, graph.get(ROOT + "/roleDefinitions/" + java.util.UUID.randomUUID()).status());
  }

  @Test
  void listsActiveAssignmentsWithTheirPrincipalExpandedAndTyped() {
    FakeTenant tenant = new FakeTenant();
    FakeUser admin = tenant.addUser("admin@contoso.com");
    FakeGroup helpdesk = tenant.addGroup("Helpdesk Admins", tenant.addUser("desk@contoso.com"));
    FakeServicePrincipal robot =
        tenant.addServicePrincipal(FakeServicePrincipal.named("Provisioning"));
    tenant.roles().assign("Global Administrator", admin.userPrincipalName());
    tenant.roles().assign("User Administrator", helpdesk.id());
    tenant.roles().assign(USER_ADMINISTRATOR, robot.id());
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply = graph.get(ROOT + "/roleAssignments?$expand=principal");

    assertEquals(200, reply.status(), reply.body().toString());
    assertTrue(
        reply
            .body()
            .path("@odata.context")
            .asText()
            .endsWith("#roleManagement/directory/roleAssignments(principal())"));
    JsonNode value = reply.body().path("value");
    assertEquals(3, value.size());
    JsonNode adminAssignment = find(value, "principalId", admin.id());
    assertEquals(GLOBAL_ADMINISTRATOR, adminAssignment.path("roleDefinitionId").asText());
    assertEquals("/", adminAssignment.path("directoryScopeId").asText());
    assertTrue(adminAssignment.path("id").asText().endsWith("-1"));
    assertEquals(
        "#microsoft.graph.user", adminAssignment.path("principal").path("@odata.type").asText());
    assertEquals(
        "#microsoft.graph.group",
        find(value, "principalId", helpdesk.id()).path("principal").path("@odata.type").asText());
    assertEquals(
        "#microsoft.graph.servicePrincipal",
        find(value, "principalId", robot.id()).path("principal").path("@odata.type").asText());
  }

  @Test
  void filtersAssignmentsByRoleOrPrincipalAsTheReferenceExamplesDo() {
    FakeTenant tenant = new FakeTenant();
    FakeUser admin = tenant.addUser("admin@contoso.com");
    FakeUser other = tenant.addUser("other@contoso.com");
    tenant.roles().assign("Global Administrator", admin.id());
    tenant.roles().assign("Global Reader", admin.id());
    tenant.roles().assign("User Administrator", other.id());
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply byRole =
        graph.get(
            ROOT
                + "/roleAssignments?$filter="
                + query("roleDefinitionId eq '" + GLOBAL_ADMINISTRATOR + "'")
                + "&$expand=principal");
    GraphClient.Reply byPrincipal =
        graph.get(
            ROOT + "/roleAssignments?$filter=" + query("principalId eq '" + admin.id() + "'"));

    assertEquals(1, byRole.body().path("value").size());
    assertEquals(admin.id(), byRole.body().path("value").get(0).path("principalId").asText());
    assertEquals(2, byPrincipal.body().path("value").size());
    assertFalse(
        byPrincipal.body().path("value").get(0).has("principal"), "expanded only when asked");
  }

  @Test
  void pagesAssignmentsWithAbsoluteNextLinks() {
    FakeTenant tenant = new FakeTenant();
    Set<String> admins = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      FakeUser user = tenant.addUser("admin" + i + "@contoso.com");
      tenant.roles().assign("Global Administrator", user.id());
      admins.add(user.id());
    }
    FakeGraphServer server = serve(tenant, FakeGraphOptions.builder().pageSize(3));
    GraphClient graph = client(server);

    GraphClient.Reply first = graph.get(ROOT + "/roleAssignments?$expand=principal");
    List<JsonNode> all = allPages(graph, ROOT + "/roleAssignments?$expand=principal");

    assertEquals(3, first.body().path("value").size());
    assertTrue(
        first
            .body()
            .path("@odata.nextLink")
            .asText()
            .startsWith(server.baseUrl() + ROOT + "/roleAssignments?"));
    Set<String> listed = new HashSet<>();
    all.forEach(a -> listed.add(a.path("principal").path("id").asText()));
    assertEquals(admins, listed);
  }

  @Test
  void listsEligibilitiesOnlyWhileInForce() {
    FakeTenant tenant = new FakeTenant();
    FakeUser standing = tenant.addUser("standing@contoso.com");
    FakeUser expired = tenant.addUser("expired@contoso.com");
    FakeUser future = tenant.addUser("future@contoso.com");
    Instant now = Instant.parse(START);
    tenant
        .roles()
        .makeEligible("Global Administrator", standing.id(), now.minus(Duration.ofDays(1)));
    tenant
        .roles()
        .makeEligible(
            "Global Administrator",
            expired.id(),
            now.minus(Duration.ofDays(2)),
            now.minus(Duration.ofDays(1)));
    tenant.roles().makeEligible("Global Administrator", future.id(), now.plus(Duration.ofDays(1)));
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply =
        graph.get(ROOT + "/roleEligibilityScheduleInstances?$expand=principal");

    assertEquals(200, reply.status(), reply.body().toString());
    JsonNode value = reply.body().path("value");
    assertEquals(1, value.size());
    JsonNode instance = value.get(0);
    assertEquals(standing.id(), instance.path("principalId").asText());
    assertEquals("Direct", instance.path("memberType").asText());
    assertTrue(instance.path("id").asText().endsWith("-1-e"));
    assertTrue(instance.path("endDateTime").isNull());
    assertEquals("#microsoft.graph.user", instance.path("principal").path("@odata.type").asText());
    clock.advance(Duration.ofDays(2));
    assertEquals(
        2, graph.get(ROOT + "/roleEligibilityScheduleInstances").body().path("value").size());
    assertEquals(
        0,
        graph.get(ROOT + "/roleAssignments").body().path("value").size(),
        "an eligibility is no active assignment");
  }

  @Test
  void refusesEligibilityReadsWhenTheTenantHasNoPimLicence() {
    FakeTenant tenant = new FakeTenant();
    tenant.roles().assign("Global Administrator", tenant.addUser("admin@contoso.com").id());
    tenant.roles().setPimLicensed(false);
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply eligible = graph.get(ROOT + "/roleEligibilityScheduleInstances");
    GraphClient.Reply active = graph.get(ROOT + "/roleAssignments");

    assertEquals(400, eligible.status());
    assertEquals("AadPremiumLicenseRequired", eligible.errorCode());
    assertEquals(200, active.status());
    assertEquals(1, active.body().path("value").size());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$top=5",
        "$orderby=id",
        "$expand=directoryScope",
        "$expand=principal($select=id)",
        "$select=nothing",
        "$filter=directoryScopeId%20eq%20'%2F'",
        "$count=true"
      })
  void answersWhatItDoesNotSupportWith400(String option) {
    GraphClient graph = client(serve(new FakeTenant()));

    GraphClient.Reply reply = graph.get(ROOT + "/roleAssignments?" + option);

    assertEquals(400, reply.status(), reply.body().toString());
  }

  @Test
  void answersUnknownPathsAndWritesLikeGraph() {
    GraphClient graph = client(serve(new FakeTenant()));

    assertEquals(400, graph.get("/roleManagement/entitlementManagement/roleAssignments").status());
    assertEquals(400, graph.get(ROOT + "/roleEligibilitySchedules").status());
    assertEquals(405, graph.post(ROOT + "/roleAssignments", "{}").status());
  }

  @Test
  void forcedReadStatusesHitARoleCollection() {
    FakeGraphServer server = serve(new FakeTenant());
    GraphClient graph = client(server);
    server.faults().forceReadStatus("roleAssignments", 503);

    GraphClient.Reply refused = graph.get(ROOT + "/roleAssignments");
    GraphClient.Reply definitions = graph.get(ROOT + "/roleDefinitions");

    assertEquals(503, refused.status());
    assertEquals("1", refused.header("Retry-After"));
    assertEquals(200, definitions.status());
  }

  @Test
  void seedsAssignRolesToUsersAndGroupsByName() {
    String seed =
        """
        {"users": [{"userPrincipalName": "admin@contoso.com"}, {"userPrincipalName": "desk@contoso.com"}],
         "groups": [{"displayName": "Helpdesk Admins", "members": ["desk@contoso.com"]}],
         "roleAssignments": [
           {"role": "Global Administrator", "principal": "admin@contoso.com"},
           {"role": "Helpdesk Administrator", "principal": "Helpdesk Admins", "eligible": true}]}""";

    FakeTenant tenant =
        FakeTenant.fromJson(new ByteArrayInputStream(seed.getBytes(StandardCharsets.UTF_8)));

    assertEquals(1, tenant.roles().activeAssignments().size());
    assertEquals(
        tenant.requireUser("admin@contoso.com").id(),
        tenant.roles().activeAssignments().get(0).principalId());
    assertEquals(
        tenant.requireGroupNamed("Helpdesk Admins").id(),
        tenant.roles().eligibilities().get(0).principalId());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            FakeTenant.fromJson(
                new ByteArrayInputStream(
                    "{\"roleAssignments\": [{\"role\": \"Chief Wizard\", \"principal\": \"nobody@contoso.com\"}]}"
                        .getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void theExampleTenantsBreakGlassAccountIsAGlobalAdministrator() {
    FakeTenant tenant = exampleTenant();

    List<FakeRoleAssignment> assignments = tenant.roles().activeAssignments();

    assertEquals(1, assignments.size());
    assertEquals(
        tenant.requireUser("breakglass@contoso.com").id(), assignments.get(0).principalId());
    assertEquals(GLOBAL_ADMINISTRATOR, assignments.get(0).roleDefinitionId());
  }

  private static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode item : array) {
      if (item.path(field).asText().equalsIgnoreCase(value)) {
        return item;
      }
    }
    throw new AssertionError("no item with " + field + " = " + value + " in " + array);
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
