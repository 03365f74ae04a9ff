package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class UserLookupTest extends FakeGraphTestSupport {

  static final java.util.List<String> HARD_UPNS = TenantGenerator.HARD_UPNS;

  @Test
  void findsAUserByObjectIdInAnyCase() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice =
        tenant.addUser(FakeUser.builder("alice@contoso.com").displayName("Alice").build());
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply = graph.get("/users/" + alice.id().toUpperCase());

    assertEquals(200, reply.status());
    assertEquals(alice.id(), reply.body().path("id").asText());
    assertEquals("Alice", reply.body().path("displayName").asText());
    assertTrue(
        reply.body().path("@odata.context").asText().endsWith("/v1.0/$metadata#users/$entity"));
  }

  @ParameterizedTest
  @FieldSource("HARD_UPNS")
  void findsAUserByAPercentEncodedHardUserPrincipalName(String upn) {
    FakeTenant tenant = FakeTenant.generate(30, 7);
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply = graph.get("/users/" + segment(upn) + "?$select=id,userPrincipalName");

    assertEquals(200, reply.status(), reply.body().toString());
    assertEquals(upn, reply.body().path("userPrincipalName").asText());
    assertEquals(tenant.requireUser(upn).id(), reply.body().path("id").asText());
  }

  @Test
  void readsALiteralPlusInThePathAsAPlusNotASpace() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser("plus+tag@contoso.com");
    tenant.addUser("plus tag@contoso.com");
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply = graph.get("/users/plus+tag@contoso.com");

    assertEquals("plus+tag@contoso.com", reply.body().path("userPrincipalName").asText());
  }

  @Test
  void findsAUserByUserPrincipalNameCaseInsensitivelyAndInKeySyntax() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser("o'brien@contoso.com");
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply plain = graph.get("/users/O'Brien@Contoso.com");
    GraphClient.Reply keySyntax = graph.get("/users('o''brien%40contoso.com')");

    assertEquals("o'brien@contoso.com", plain.body().path("userPrincipalName").asText());
    assertEquals("o'brien@contoso.com", keySyntax.body().path("userPrincipalName").asText());
  }

  @Test
  void refusesAUpnStartingWithDollarInAPathSegmentAndFindsItInKeySyntax() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser("$adele@contoso.com");
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply segment = graph.get("/users/%24adele%40contoso.com");
    GraphClient.Reply keySyntax = graph.get("/users('%24adele%40contoso.com')");

    assertEquals(400, segment.status());
    assertEquals("$adele@contoso.com", keySyntax.body().path("userPrincipalName").asText());
  }

  @Test
  void leavesAccountEnabledOutOfTheDefaultPropertiesAsGraphDoes() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser("alice@contoso.com");
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply = graph.get("/users/alice@contoso.com");

    assertFalse(reply.body().has("accountEnabled"));
    assertTrue(reply.body().has("userPrincipalName"));
    assertTrue(reply.body().path("businessPhones").isArray());
  }

  @Test
  void returnsExactlyTheSelectedPropertiesWithTheirCanonicalNames() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser(
        FakeUser.builder("alice@contoso.com").department("HP").accountEnabled(false).build());
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply =
        graph.get(
            "/users/alice@contoso.com?%24select=ACCOUNTENABLED,department,signInSessionsValidFromDateTime");

    assertEquals(200, reply.status());
    assertFalse(reply.body().path("accountEnabled").asBoolean(true));
    assertEquals("HP", reply.body().path("department").asText());
    assertEquals(
        "2024-01-01T00:00:00Z", reply.body().path("signInSessionsValidFromDateTime").asText());
    assertFalse(reply.body().has("userPrincipalName"));
    assertTrue(
        reply
            .body()
            .path("@odata.context")
            .asText()
            .endsWith("#users(accountEnabled,department,signInSessionsValidFromDateTime)/$entity"));
  }

  @Test
  void answersAnUnknownUserWithAGraphShaped404() {
    GraphClient graph = client(serve(new FakeTenant()));

    GraphClient.Reply reply = graph.get("/users/nobody%40contoso.com");

    assertEquals(404, reply.status());
    assertEquals("Request_ResourceNotFound", reply.errorCode());
    assertEquals(
        "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are "
            + "not present.",
        reply.errorMessage());
    var inner = reply.body().path("error").path("innerError");
    assertEquals(reply.header("request-id"), inner.path("request-id").asText());
    assertEquals("test-client-request", inner.path("client-request-id").asText());
    assertEquals("2026-11-27T09:00:00", inner.path("date").asText());
    assertTrue(reply.header("content-type").startsWith("application/json"));
  }

  @Test
  void rejectsAnUnknownSelectedProperty() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser("alice@contoso.com");
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply = graph.get("/users/alice@contoso.com?$select=id,shoeSize");

    assertEquals(400, reply.status());
    assertEquals("Request_BadRequest", reply.errorCode());
    assertTrue(reply.errorMessage().contains("shoeSize"));
  }

  @Test
  void givesEveryResponseAFreshRequestIdAndEchoesTheClientRequestId() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser("alice@contoso.com");
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply first = graph.get("/users/alice@contoso.com");
    GraphClient.Reply second = graph.get("/users/alice@contoso.com");

    assertTrue(DirectoryObject.isGuid(first.header("request-id")));
    assertFalse(first.header("request-id").equals(second.header("request-id")));
    assertEquals("test-client-request", first.header("client-request-id"));
  }
}
