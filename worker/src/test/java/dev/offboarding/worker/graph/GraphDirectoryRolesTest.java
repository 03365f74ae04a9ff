package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeServicePrincipal;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.RequestRecord;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.protection.PrivilegedRoles;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.tenant.DirectoryRoles;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The role management adapter through the real Graph SDK over a socket against the fake tenant. */
class GraphDirectoryRolesTest {
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T09:00:00Z"));
  final Sleeper sleeper = clock::advance;
  final FakeTenant tenant = new FakeTenant();
  FakeGraphServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  GraphServiceClient start(FakeGraphOptions.Builder options) {
    server = FakeGraphServer.start(tenant, options.clock(clock).build());
    return GraphClients.create(
        WorkerConfig.forGraphOnly(
            Map.of("GRAPH_BASE_URL", server.baseUrl(), "GRAPH_AUTH", "none")));
  }

  GraphDirectoryRoles roles(GraphServiceClient graph) {
    return new GraphDirectoryRoles(
        graph, URI.create(server.baseUrl()), RetryPolicy.defaults(), sleeper, clock);
  }

  @Test
  void readsEveryPageOfActiveAssignmentsWithEachPrincipalsKind() {
    Set<String> admins = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      FakeUser admin = tenant.addUser("admin" + i + "@contoso.com");
      tenant.roles().assign("Global Administrator", admin.id());
      admins.add(admin.id());
    }
    FakeGroup helpdesk = tenant.addGroup("Helpdesk", tenant.addUser("desk@contoso.com"));
    FakeServicePrincipal robot =
        tenant.addServicePrincipal(FakeServicePrincipal.named("Provisioning"));
    tenant.roles().assign("User Administrator", helpdesk.id());
    tenant.roles().assign("User Administrator", robot.id());
    GraphDirectoryRoles roles = roles(start(FakeGraphOptions.builder().pageSize(3)));

    List<DirectoryRoles.Holder> holders = new ArrayList<>();
    roles.activeAssignments(holders::add);

    assertEquals(9, holders.size());
    Set<String> users = new HashSet<>();
    holders.stream().filter(h -> h.kind().equals("user")).forEach(h -> users.add(h.principalId()));
    assertEquals(admins, users);
    assertTrue(
        holders.contains(
            new DirectoryRoles.Holder(
                helpdesk.id(), "group", "fe930be7-5e62-47db-91af-98c3a49a38b1")));
    assertTrue(
        holders.contains(
            new DirectoryRoles.Holder(
                robot.id(), "servicePrincipal", "fe930be7-5e62-47db-91af-98c3a49a38b1")));
    assertTrue(
        server.requestLog().stream()
                .map(RequestRecord::path)
                .filter(p -> p.contains("roleAssignments"))
                .count()
            >= 3,
        "every page was followed");
  }

  @Test
  void readsTheRoleDefinitionsBuiltInAndCustom() {
    String custom = tenant.roles().addCustomRole("Leaver Desk").id();
    GraphDirectoryRoles roles = roles(start(FakeGraphOptions.builder()));

    List<DirectoryRoles.Definition> definitions = roles.definitions();

    DirectoryRoles.Definition globalAdmin =
        definitions.stream()
            .filter(d -> d.id().equals("62e90394-69f5-4237-9190-012177145e10"))
            .findFirst()
            .orElseThrow();
    DirectoryRoles.Definition leaverDesk =
        definitions.stream().filter(d -> d.id().equals(custom)).findFirst().orElseThrow();
    assertTrue(globalAdmin.builtIn());
    assertTrue(PrivilegedRoles.privileged(globalAdmin));
    assertFalse(leaverDesk.builtIn());
    assertEquals(tenant.roles().definitions().size(), definitions.size());
  }

  @Test
  void readsEligibilitiesAndSaysSoWhenTheTenantHasNoPimLicence() {
    FakeUser eligible = tenant.addUser("eligible@contoso.com");
    tenant
        .roles()
        .makeEligible(
            "Privileged Role Administrator", eligible.id(), clock.instant().minusSeconds(60));
    GraphDirectoryRoles roles = roles(start(FakeGraphOptions.builder()));

    List<DirectoryRoles.Holder> licensed = new ArrayList<>();
    boolean read = roles.eligibleAssignments(licensed::add);
    tenant.roles().setPimLicensed(false);
    List<DirectoryRoles.Holder> unlicensed = new ArrayList<>();
    boolean readUnlicensed = roles.eligibleAssignments(unlicensed::add);

    assertTrue(read);
    assertEquals(
        List.of(
            new DirectoryRoles.Holder(
                eligible.id(), "user", "e8611ab8-c189-46e8-94e1-60213ab1f814")),
        licensed);
    assertFalse(readUnlicensed);
    assertTrue(unlicensed.isEmpty());
  }

  @Test
  void retriesATransientFailureAndGivesUpOnAForbiddenOne() {
    tenant.roles().assign("Global Administrator", tenant.addUser("admin@contoso.com").id());
    GraphDirectoryRoles roles = roles(start(FakeGraphOptions.builder()));
    server.faults().serviceUnavailable(2, Duration.ofSeconds(1));

    List<DirectoryRoles.Holder> afterRetries = new ArrayList<>();
    roles.activeAssignments(afterRetries::add);
    server.faults().forceReadStatus("roleAssignments", 403);
    GraphFailure forbidden =
        assertThrows(GraphFailure.class, () -> roles.activeAssignments(h -> {}));

    assertEquals(1, afterRetries.size());
    assertEquals(GraphFailure.Kind.FORBIDDEN, forbidden.kind());
    assertEquals("Authorization_RequestDenied", forbidden.errorCode());
  }
}
