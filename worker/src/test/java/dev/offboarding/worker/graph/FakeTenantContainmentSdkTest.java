package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.identitygovernance.lifecycleworkflows.workflows.item.tasks.item.taskprocessingresults.item.microsoftgraphidentitygovernanceresume.ResumePostRequestBody;
import com.microsoft.graph.identityprotection.riskyusers.confirmcompromised.ConfirmCompromisedPostRequestBody;
import com.microsoft.graph.models.Device;
import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.PasswordProfile;
import com.microsoft.graph.models.RiskState;
import com.microsoft.graph.models.RiskyUser;
import com.microsoft.graph.models.SignIn;
import com.microsoft.graph.models.User;
import com.microsoft.graph.models.identitygovernance.CustomTaskExtensionCallbackData;
import com.microsoft.graph.models.identitygovernance.CustomTaskExtensionOperationStatus;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.testkit.graph.FakeDevice;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeSignIn;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.worker.config.WorkerConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake tenant's containment routes as the worker's Graph SDK v6 calls them, over a socket. */
class FakeTenantContainmentSdkTest {
  private static final String WORKFLOW = "156ce798-1eb6-4e0a-8515-e79f54d04390";
  private static final String TASK = "d3ae3bb7-3de1-4ef3-84f2-9d3a4da1c8e1";
  private static final String RESULT = "a2c3ee4a-0fa7-4c7b-9b5f-2a1a7e3a9d11";

  final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T09:00:00Z"));
  final FakeTenant tenant = new FakeTenant();
  FakeGraphServer server;
  GraphServiceClient graph;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start() {
    server = FakeGraphServer.start(tenant, FakeGraphOptions.builder().clock(clock).build());
    graph =
        GraphClients.create(
            WorkerConfig.forGraphOnly(
                Map.of("GRAPH_BASE_URL", server.baseUrl(), "GRAPH_AUTH", "none")));
  }

  @Test
  void resetsAPasswordAndReadsBackWhenItChanged() {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob =
        tenant.addUser(FakeUser.builder("bob@contoso.com").onPremisesSyncEnabled(true).build());
    start();

    graph.users().byUserId(alice.id()).patch(passwordReset());
    User read =
        graph
            .users()
            .byUserId(alice.id())
            .get(
                rc ->
                    rc.queryParameters.select =
                        new String[] {"id", "lastPasswordChangeDateTime", "onPremisesSyncEnabled"});
    ODataError synced =
        assertThrows(
            ODataError.class, () -> graph.users().byUserId(bob.id()).patch(passwordReset()));

    assertEquals(
        OffsetDateTime.parse("2026-11-27T09:00:00Z"), read.getLastPasswordChangeDateTime());
    assertEquals(400, synced.getResponseStatusCode());
    assertEquals("Request_BadRequest", synced.getError().getCode());
  }

  /**
   * A fresh body each time: the SDK's backing store sends only what changed since the last request.
   */
  private static User passwordReset() {
    User reset = new User();
    PasswordProfile profile = new PasswordProfile();
    profile.setPassword("Xk3#pQ9!vR2@mT7$wL5%nB8^cD4&fG6*");
    profile.setForceChangePasswordNextSignIn(true);
    reset.setPasswordProfile(profile);
    return reset;
  }

  @Test
  void readsWhetherAUsersDomainIsFederated() {
    tenant.addUser("alice@contoso.com");
    tenant.addUser(FakeUser.builder("fred@fabrikam.com").federated(true).build());
    start();

    var managed =
        graph
            .domains()
            .byDomainId("contoso.com")
            .get(rc -> rc.queryParameters.select = new String[] {"id", "authenticationType"});
    var federated = graph.domains().byDomainId("fabrikam.com").get();
    ApiException unknown =
        assertThrows(ApiException.class, () -> graph.domains().byDomainId("example.org").get());

    assertEquals("Managed", managed.getAuthenticationType());
    assertEquals("Federated", federated.getAuthenticationType());
    assertEquals(404, unknown.getResponseStatusCode());
  }

  @Test
  void listsAndDisablesRegisteredDevices() {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeDevice laptop = tenant.addDevice(FakeDevice.named("laptop"), alice.id());
    tenant.security().deviceAdministrator(true);
    start();

    List<DirectoryObject> devices =
        graph.users().byUserId(alice.id()).registeredDevices().get().getValue();
    Device disable = new Device();
    disable.setAccountEnabled(false);
    graph.devices().byDeviceId(laptop.id()).patch(disable);
    Device read =
        graph
            .devices()
            .byDeviceId(laptop.id())
            .get(rc -> rc.queryParameters.select = new String[] {"id", "accountEnabled"});

    assertEquals(1, devices.size());
    assertInstanceOf(Device.class, devices.get(0));
    assertFalse(read.getAccountEnabled());
    assertEquals(WriteRecord.Kind.DISABLE_DEVICE, server.writeLog().get(0).kind());
  }

  @Test
  void confirmsAUserCompromisedAndReadsTheRiskyUserBack() {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    start();
    ConfirmCompromisedPostRequestBody body = new ConfirmCompromisedPostRequestBody();
    body.setUserIds(List.of(alice.id()));

    graph.identityProtection().riskyUsers().confirmCompromised().post(body);
    ApiException tooSoon =
        assertThrows(ApiException.class, () -> graph.identityProtection().riskyUsers().get());
    clock.advance(Duration.ofSeconds(1));
    List<RiskyUser> risky =
        graph
            .identityProtection()
            .riskyUsers()
            .get(rc -> rc.queryParameters.filter = "riskState eq 'confirmedCompromised'")
            .getValue();

    assertEquals(429, tooSoon.getResponseStatusCode());
    assertEquals(1, risky.size());
    assertEquals(RiskState.ConfirmedCompromised, risky.get(0).getRiskState());
  }

  @Test
  void readsASignInInjectedAfterTheRevoke() {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    start();
    Instant revokedAt = clock.instant();
    tenant
        .security()
        .addSignIn(FakeSignIn.successful(alice, revokedAt.plusSeconds(30), "203.0.113.45"));
    clock.advance(Duration.ofMinutes(4));

    List<SignIn> seen =
        graph
            .auditLogs()
            .signIns()
            .get(
                rc ->
                    rc.queryParameters.filter =
                        "createdDateTime ge " + revokedAt + " and (userId eq '" + alice.id() + "')")
            .getValue();

    assertEquals(1, seen.size());
    assertEquals("203.0.113.45", seen.get(0).getIpAddress());
    assertTrue(seen.get(0).getIsInteractive());
  }

  @Test
  void resumesALifecycleWorkflowsTaskOnce() {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    tenant.security().addTaskProcessingResult(WORKFLOW, TASK, RESULT, alice.id());
    start();
    ResumePostRequestBody body = new ResumePostRequestBody();
    CustomTaskExtensionCallbackData data = new CustomTaskExtensionCallbackData();
    data.setOperationStatus(CustomTaskExtensionOperationStatus.Completed);
    body.setData(data);
    body.setSource("offboarding-worker");
    body.setType("lifecycleEvent");
    var resume =
        graph
            .identityGovernance()
            .lifecycleWorkflows()
            .workflows()
            .byWorkflowId(WORKFLOW)
            .tasks()
            .byTaskId(TASK)
            .taskProcessingResults()
            .byTaskProcessingResultId(RESULT)
            .microsoftGraphIdentityGovernanceResume();

    resume.post(body);
    ODataError again = assertThrows(ODataError.class, () -> resume.post(body));

    assertEquals(400, again.getResponseStatusCode());
    assertEquals(1, tenant.security().acceptedResumes(RESULT));
    assertEquals("completed", tenant.security().resumes().get(0).operationStatus());
  }
}
