package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordResetTest extends FakeGraphTestSupport {
  private static final String STRONG = "Xk3#pQ9!vR2@mT7$wL5%nB8^cD4&fG6*";

  private static String reset(String password) {
    return "{\"passwordProfile\":{\"password\":\""
        + password
        + "\",\"forceChangePasswordNextSignIn\":true}}";
  }

  @Test
  void setsAPasswordAndShowsOnlyWhenItChanged() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    clock.advance(Duration.ofMinutes(5));

    GraphClient.Reply reply = graph.patch("/users/" + alice.id(), reset(STRONG));
    GraphClient.Reply read =
        graph.get(
            "/users/"
                + alice.id()
                + "?$select=id,lastPasswordChangeDateTime,onPremisesSyncEnabled");

    assertEquals(204, reply.status());
    assertEquals("2026-11-27T09:05:00Z", read.body().get("lastPasswordChangeDateTime").asText());
    assertTrue(read.body().get("onPremisesSyncEnabled").isNull());
    assertEquals(
        Instant.parse("2026-11-27T09:05:00Z"),
        tenant.requireUser(alice.id()).lastPasswordChangeDateTime());
    assertEquals(
        List.of(WriteRecord.Kind.RESET_PASSWORD),
        server.writeLog().stream().map(WriteRecord::kind).toList());
  }

  @Test
  void neverRecordsThePassword() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeGraphServer server = serve(tenant);

    client(server).patch("/users/" + alice.id(), reset(STRONG));

    assertFalse(server.requestLog().toString().contains(STRONG));
    assertFalse(server.writeLog().toString().contains(STRONG));
    assertFalse(tenant.requireUser(alice.id()).toString().contains(STRONG));
  }

  @Test
  void refusesASynchronisedUsersPasswordWithGraphsError() {
    FakeTenant tenant = new FakeTenant();
    FakeUser bob =
        tenant.addUser(FakeUser.builder("bob@contoso.com").onPremisesSyncEnabled(true).build());
    FakeUser carol = tenant.addUser(FakeUser.builder("carol@fabrikam.com").federated(true).build());
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);

    GraphClient.Reply synced = graph.patch("/users/" + bob.id(), reset(STRONG));
    GraphClient.Reply federated = graph.patch("/users/" + carol.id(), reset(STRONG));
    GraphClient.Reply read =
        graph.get(
            "/users/" + bob.id() + "?$select=onPremisesSyncEnabled,lastPasswordChangeDateTime");

    assertEquals(400, synced.status());
    assertEquals("Request_BadRequest", synced.errorCode());
    assertTrue(
        synced
            .errorMessage()
            .startsWith("Unable to update the specified properties for on-premises mastered"));
    assertEquals(400, federated.status());
    assertTrue(read.body().get("onPremisesSyncEnabled").asBoolean());
    assertTrue(read.body().get("lastPasswordChangeDateTime").isNull());
    assertNull(tenant.requireUser(bob.id()).lastPasswordChangeDateTime());
    assertEquals(List.of(400, 400), server.writeLog().stream().map(WriteRecord::status).toList());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Short1!",
        "alllowercaseletters",
        "ALLUPPER123",
        "NoSymbolsOrDigits",
        "Ünïcödé1234!",
        "tab\\tinside1A"
      })
  void refusesAPasswordEntraWouldRefuse(String password) {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply = graph.patch("/users/" + alice.id(), reset(password));

    assertEquals(400, reply.status());
    assertEquals("Request_BadRequest", reply.errorCode());
    assertFalse(reply.errorMessage().contains(password));
    assertNull(tenant.requireUser(alice.id()).lastPasswordChangeDateTime());
  }

  @Test
  void acceptsThreeKindsOfCharacterAndTheLongestPassword() {
    assertTrue(PasswordPolicy.complies("lower123UPPER"));
    assertTrue(PasswordPolicy.complies("a1!" + "b".repeat(253)));
    assertFalse(PasswordPolicy.complies("a1!" + "b".repeat(254)));
    assertFalse(PasswordPolicy.complies("onlylower!!"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"passwordProfile\":{\"password\":1}}",
        "{\"passwordProfile\":\"x\"}",
        "{\"passwordProfile\":{\"forceChangePasswordNextSignIn\":true}}",
        "{\"passwordProfile\":{\"password\":\"Xk3#pQ9!vR2@\",\"forceChangePasswordNextSignIn\":\"yes\"}}",
        "{\"passwordProfile\":{\"password\":\"Xk3#pQ9!vR2@\",\"expires\":true}}"
      })
  void refusesAMalformedPasswordProfile(String body) {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    GraphClient graph = client(serve(tenant));

    assertEquals(400, graph.patch("/users/" + alice.id(), body).status());
  }

  @Test
  void aForcedStatusHitsAResetLikeAnyWriteToTheUser() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeGraphServer server = serve(tenant);
    server.faults().forceStatus(alice.id(), 403);

    GraphClient.Reply reply = client(server).patch("/users/" + alice.id(), reset(STRONG));

    assertEquals(403, reply.status());
    assertEquals("Authorization_RequestDenied", reply.errorCode());
  }
}
