package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WritesTest extends FakeGraphTestSupport {

  @Test
  void disablesAnAccountAndRecordsTheWrite() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeGraphServer server = serve(tenant);

    GraphClient.Reply reply =
        client(server).patch("/users/" + alice.id(), "{\"accountEnabled\": false}");

    assertEquals(204, reply.status());
    assertTrue(reply.body().isMissingNode());
    assertFalse(tenant.requireUser(alice.id()).accountEnabled());
    assertEquals(
        List.of(
            new WriteRecord(
                Instant.parse(START),
                alice.id(),
                WriteRecord.Kind.DISABLE,
                204,
                reply.header("request-id"),
                false)),
        server.writeLog());
    assertEquals(1, server.stats().writesAccepted());
  }

  @Test
  void reEnablesAnAccountAddressedByUserPrincipalName() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice =
        tenant.addUser(FakeUser.builder("alice@contoso.com").accountEnabled(false).build());
    FakeGraphServer server = serve(tenant);

    GraphClient.Reply reply =
        client(server).patch("/users/alice%40contoso.com", "{\"accountEnabled\":true}");

    assertEquals(204, reply.status());
    assertTrue(tenant.requireUser(alice.id()).accountEnabled());
    assertEquals(WriteRecord.Kind.ENABLE, server.writeLog().get(0).kind());
    assertEquals(alice.id(), server.writeLog().get(0).userId());
  }

  @Test
  void acceptsTheODataTypeTheSdkSendsWithAPatch() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser("alice@contoso.com");
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply =
        graph.patch(
            "/users/alice@contoso.com",
            "{\"@odata.type\":\"#microsoft.graph.user\",\"accountEnabled\":false}");

    assertEquals(204, reply.status());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"accountEnabled\":false,\"displayName\":\"x\"}",
        "{\"accountEnabled\":\"false\"}",
        "[]",
        "not json",
        "{\"@odata.type\":\"#microsoft.graph.group\",\"accountEnabled\":false}"
      })
  void rejectsAPatchThatIsNotJustAccountEnabled(String body) {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeGraphServer server = serve(tenant);

    GraphClient.Reply reply = client(server).patch("/users/alice@contoso.com", body);

    assertEquals(400, reply.status());
    assertTrue(tenant.requireUser(alice.id()).accountEnabled());
    assertTrue(server.writeLog().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"@odata.type\":\"#microsoft.graph.user\"}"})
  void answersAPatchThatSetsNothingWithNoContentAndChangesNothing(String body) {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);

    GraphClient.Reply reply = graph.patch("/users/" + alice.id(), body);
    GraphClient.Reply unknown = graph.patch("/users/ghost@contoso.com", body);

    assertEquals(204, reply.status());
    assertTrue(reply.body().isMissingNode());
    assertEquals(alice, tenant.requireUser(alice.id()));
    assertEquals(404, unknown.status());
    assertEquals(
        List.of(WriteRecord.Kind.UPDATE, WriteRecord.Kind.UPDATE),
        server.writeLog().stream().map(WriteRecord::kind).toList());
  }

  @Test
  void revokesSessionsAnsweringTwoHundredWithTrueAndMovesTheWatermark() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeGraphServer server = serve(tenant);
    clock.advance(Duration.ofMinutes(5));

    GraphClient.Reply reply =
        client(server).post("/users/" + alice.id() + "/revokeSignInSessions", null);

    assertEquals(200, reply.status());
    assertTrue(reply.body().path("value").asBoolean());
    assertTrue(
        reply.body().path("@odata.context").asText().endsWith("/v1.0/$metadata#Edm.Boolean"));
    assertEquals(
        Instant.parse("2026-11-27T09:05:00Z"),
        tenant.requireUser(alice.id()).signInSessionsValidFromDateTime());
    assertEquals(WriteRecord.Kind.REVOKE, server.writeLog().get(0).kind());
  }

  @Test
  void revokesSessionsWithNoContentWhenAskedTo() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser("alice@contoso.com");
    GraphClient graph =
        client(
            serve(
                tenant,
                FakeGraphOptions.builder()
                    .revokeResponse(FakeGraphOptions.RevokeResponse.NO_CONTENT)));

    GraphClient.Reply reply = graph.post("/users/alice@contoso.com/revokeSignInSessions", null);

    assertEquals(204, reply.status());
  }

  @Test
  void refusesWritesToAProtectedAdminWith403AndChangesNothing() {
    FakeTenant tenant = new FakeTenant();
    FakeUser admin =
        tenant.addUser(FakeUser.builder("admin@contoso.com").writesForbidden(true).build());
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);

    GraphClient.Reply disable = graph.patch("/users/" + admin.id(), "{\"accountEnabled\":false}");
    GraphClient.Reply revoke = graph.post("/users/" + admin.id() + "/revokeSignInSessions", null);
    GraphClient.Reply read = graph.get("/users/" + admin.id());

    assertEquals(403, disable.status());
    assertEquals("Authorization_RequestDenied", disable.errorCode());
    assertEquals("Insufficient privileges to complete the operation.", disable.errorMessage());
    assertEquals(403, revoke.status());
    assertEquals(200, read.status());
    assertEquals(admin, tenant.requireUser(admin.id()));
    assertEquals(List.of(403, 403), server.writeLog().stream().map(WriteRecord::status).toList());
  }

  @Test
  void answersAWriteToAnUnknownUserWith404AndLogsTheKeyAsSent() {
    FakeGraphServer server = serve(new FakeTenant());

    GraphClient.Reply reply =
        client(server).post("/users/ghost%40contoso.com/revokeSignInSessions", null);

    assertEquals(404, reply.status());
    assertEquals("Request_ResourceNotFound", reply.errorCode());
    assertEquals("ghost@contoso.com", server.writeLog().get(0).userId());
    assertEquals(404, server.writeLog().get(0).status());
  }

  @Test
  void answersAWriteToAUserDeletedMeanwhileWith404() {
    FakeTenant tenant = new FakeTenant();
    FakeUser gone = tenant.addUser("gone@contoso.com");
    GraphClient graph = client(serve(tenant));

    tenant.delete(gone.id());
    GraphClient.Reply reply = graph.patch("/users/" + gone.id(), "{\"accountEnabled\":false}");

    assertEquals(404, reply.status());
  }

  @Test
  void answersWrongMethodsWith405AndUnknownPathsWith400() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser("alice@contoso.com");
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply getRevoke = graph.get("/users/alice@contoso.com/revokeSignInSessions");
    GraphClient.Reply delete = graph.send("DELETE", "/users/alice@contoso.com");
    GraphClient.Reply unknown = graph.get("/users/alice@contoso.com/manager");
    GraphClient.Reply elsewhere = graph.get("/applications");

    assertEquals(405, getRevoke.status());
    assertEquals(405, delete.status());
    assertEquals(400, unknown.status());
    assertEquals("Resource not found for the segment 'manager'.", unknown.errorMessage());
    assertEquals(400, elsewhere.status());
  }

  @Test
  void answersPathsOutsideVersionOneWithAGraphShapedError() {
    FakeGraphServer server = serve(new FakeTenant());
    GraphClient graph = new GraphClient(server.baseUrl().replace("/v1.0", ""));

    GraphClient.Reply beta = graph.get("/beta/users");
    GraphClient.Reply root = graph.get("/");

    assertEquals(400, beta.status());
    assertEquals("BadRequest", beta.errorCode());
    assertEquals(400, root.status());
  }
}
