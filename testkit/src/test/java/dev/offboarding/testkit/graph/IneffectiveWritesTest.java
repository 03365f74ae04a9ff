package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Writes Graph accepts without their taking effect, as seen by a client reading the user back. */
class IneffectiveWritesTest extends FakeGraphTestSupport {
  private static final String READ_BACK = "?$select=accountEnabled,signInSessionsValidFromDateTime";

  private final FakeTenant tenant = new FakeTenant();
  private final FakeUser alice = tenant.addUser("alice@contoso.com");
  private final FakeUser bob = tenant.addUser("bob@contoso.com");

  @Test
  void readsBackBothPropertiesTheWayGraphWritesThem() {
    GraphClient graph = client(serve(tenant));
    clock.advance(Duration.ofMinutes(5).plusMillis(750));

    GraphClient.Reply revoke = graph.post("/users/" + alice.id() + "/revokeSignInSessions", null);
    GraphClient.Reply disable = graph.patch("/users/" + alice.id(), "{\"accountEnabled\":false}");
    GraphClient.Reply read = graph.get("/users/" + alice.id() + READ_BACK);

    assertEquals(200, revoke.status());
    assertEquals(204, disable.status());
    assertEquals(200, read.status());
    assertEquals(
        "2026-11-27T09:05:00Z", read.body().path("signInSessionsValidFromDateTime").asText());
    assertFalse(read.body().path("accountEnabled").asBoolean(true));
    assertTrue(
        read.body()
            .path("@odata.context")
            .asText()
            .endsWith("#users(accountEnabled,signInSessionsValidFromDateTime)/$entity"));
  }

  @Test
  void acceptsTheNextRevokesWithoutMovingTheWatermark() {
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    server.faults().ineffectiveRevokes(1);
    clock.advance(Duration.ofMinutes(5));

    GraphClient.Reply ineffective =
        graph.post("/users/" + alice.id() + "/revokeSignInSessions", null);
    JsonNode afterIneffective = graph.get("/users/" + alice.id() + READ_BACK).body();
    GraphClient.Reply effective =
        graph.post("/users/" + alice.id() + "/revokeSignInSessions", null);
    JsonNode afterEffective = graph.get("/users/" + alice.id() + READ_BACK).body();

    assertEquals(200, ineffective.status());
    assertTrue(ineffective.body().path("value").asBoolean());
    assertEquals(
        "2024-01-01T00:00:00Z", afterIneffective.path("signInSessionsValidFromDateTime").asText());
    assertEquals(200, effective.status());
    assertEquals(
        "2026-11-27T09:05:00Z", afterEffective.path("signInSessionsValidFromDateTime").asText());
    assertEquals(List.of(200, 200), server.writeLog().stream().map(WriteRecord::status).toList());
    assertEquals(2, server.stats().writesAccepted());
  }

  @Test
  void acceptsEveryRevokeOfTheNamedUsersWithoutEffectIncludingInABatchUntilCleared() {
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    server.faults().ineffectiveRevokes("ALICE@contoso.com");
    clock.advance(Duration.ofMinutes(5));

    GraphClient.Reply batch =
        graph.batch(
            """
        {"requests":[{"id":"1","method":"POST","url":"/users/%s/revokeSignInSessions"},
                     {"id":"2","method":"POST","url":"/users/bob@contoso.com/revokeSignInSessions"}]}"""
                .formatted(alice.id()));
    GraphClient.Reply again = graph.post("/users/alice@contoso.com/revokeSignInSessions", null);
    Instant aliceWhileFaulted = tenant.requireUser(alice.id()).signInSessionsValidFromDateTime();
    server.faults().clear();
    GraphClient.Reply cleared = graph.post("/users/alice@contoso.com/revokeSignInSessions", null);

    assertEquals(200, batch.status());
    assertTrue(server.writeLog().stream().allMatch(WriteRecord::accepted));
    assertEquals(200, again.status());
    assertEquals(FakeUser.DEFAULT_SESSIONS_VALID_FROM, aliceWhileFaulted);
    assertEquals(
        Instant.parse("2026-11-27T09:05:00Z"),
        tenant.requireUser(bob.id()).signInSessionsValidFromDateTime());
    assertEquals(200, cleared.status());
    assertEquals(
        Instant.parse("2026-11-27T09:05:00Z"),
        tenant.requireUser(alice.id()).signInSessionsValidFromDateTime());
  }

  @Test
  void acceptsTheNextDisablesWithNoContentWithoutDisabling() {
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    server.faults().ineffectiveDisables(1);

    GraphClient.Reply ineffective =
        graph.patch("/users/" + alice.id(), "{\"accountEnabled\":false}");
    JsonNode afterIneffective = graph.get("/users/" + alice.id() + READ_BACK).body();
    GraphClient.Reply effective = graph.patch("/users/" + bob.id(), "{\"accountEnabled\":false}");

    assertEquals(204, ineffective.status());
    assertTrue(afterIneffective.path("accountEnabled").asBoolean(false));
    assertEquals(204, effective.status());
    assertFalse(tenant.requireUser(bob.id()).accountEnabled());
    assertEquals(
        List.of(WriteRecord.Kind.DISABLE, WriteRecord.Kind.DISABLE),
        server.writeLog().stream().filter(WriteRecord::accepted).map(WriteRecord::kind).toList());
  }

  @Test
  void acceptsEveryDisableOfTheNamedUsersWithoutEffectButLetsEnablesThrough() {
    tenant.setAccountEnabled(bob.id(), false);
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    server.faults().ineffectiveDisables(alice.id(), "bob@contoso.com");

    GraphClient.Reply disableAlice =
        graph.patch("/users/alice@contoso.com", "{\"accountEnabled\":false}");
    GraphClient.Reply enableBob = graph.patch("/users/" + bob.id(), "{\"accountEnabled\":true}");
    GraphClient.Reply disableBob = graph.patch("/users/" + bob.id(), "{\"accountEnabled\":false}");

    assertEquals(204, disableAlice.status());
    assertTrue(tenant.requireUser(alice.id()).accountEnabled());
    assertEquals(204, enableBob.status());
    assertEquals(204, disableBob.status());
    assertTrue(tenant.requireUser(bob.id()).accountEnabled());
  }

  @Test
  void anIneffectiveWriteStillMeetsTheUsersChecksAndIsNotConsumedByThem() {
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    server.faults().ineffectiveRevokes(1);
    clock.advance(Duration.ofMinutes(5));

    GraphClient.Reply ghost = graph.post("/users/ghost@contoso.com/revokeSignInSessions", null);
    GraphClient.Reply first = graph.post("/users/" + alice.id() + "/revokeSignInSessions", null);
    GraphClient.Reply second = graph.post("/users/" + bob.id() + "/revokeSignInSessions", null);

    assertEquals(404, ghost.status());
    assertEquals(200, first.status());
    assertEquals(
        FakeUser.DEFAULT_SESSIONS_VALID_FROM,
        tenant.requireUser(alice.id()).signInSessionsValidFromDateTime());
    assertEquals(200, second.status());
    assertEquals(
        Instant.parse("2026-11-27T09:05:00Z"),
        tenant.requireUser(bob.id()).signInSessionsValidFromDateTime());
  }

  @Test
  void namingNoUsersTurnsPerUserIneffectiveWritesOff() {
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    server.faults().ineffectiveDisables(alice.id()).ineffectiveDisables();

    graph.patch("/users/" + alice.id(), "{\"accountEnabled\":false}");

    assertFalse(tenant.requireUser(alice.id()).accountEnabled());
  }
}
