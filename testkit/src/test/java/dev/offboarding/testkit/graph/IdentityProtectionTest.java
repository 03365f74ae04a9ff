package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class IdentityProtectionTest extends FakeGraphTestSupport {

  private static String confirm(FakeUser... users) {
    return "{\"userIds\":["
        + java.util.Arrays.stream(users)
            .map(u -> "\"" + u.id() + "\"")
            .collect(Collectors.joining(","))
        + "]}";
  }

  @Test
  void confirmsUsersCompromisedAndListsThemAsHighRisk() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);

    GraphClient.Reply confirmed =
        graph.post("/identityProtection/riskyUsers/confirmCompromised", confirm(alice, bob));
    clock.advance(Duration.ofSeconds(1));
    GraphClient.Reply list =
        graph.get(
            "/identityProtection/riskyUsers?$filter="
                + query("riskState eq 'confirmedCompromised'")
                + "&$select=id,riskState,riskLevel");

    assertEquals(204, confirmed.status());
    assertEquals(2, list.body().get("value").size());
    list.body()
        .get("value")
        .forEach(
            u -> {
              assertEquals("confirmedCompromised", u.get("riskState").asText());
              assertEquals("high", u.get("riskLevel").asText());
            });
    assertEquals(
        List.of(WriteRecord.Kind.CONFIRM_COMPROMISED, WriteRecord.Kind.CONFIRM_COMPROMISED),
        server.writeLog().stream().map(WriteRecord::kind).toList());
  }

  @Test
  void allowsAboutOneIdentityProtectionRequestPerSecondReadsIncludedWithoutRetryAfter() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply first =
        graph.post("/identityProtection/riskyUsers/confirmCompromised", confirm(alice));
    GraphClient.Reply read = graph.get("/identityProtection/riskyUsers");
    clock.advance(Duration.ofMillis(999));
    GraphClient.Reply stillTooSoon = graph.get("/identityProtection/riskyUsers/" + alice.id());
    clock.advance(Duration.ofMillis(1));
    GraphClient.Reply afterASecond = graph.get("/identityProtection/riskyUsers/" + alice.id());

    assertEquals(204, first.status());
    assertEquals(429, read.status());
    assertNull(read.header("Retry-After"));
    assertEquals(429, stillTooSoon.status());
    assertEquals(200, afterASecond.status());
    assertEquals("confirmedCompromised", afterASecond.body().get("riskState").asText());
  }

  @Test
  void refusesMoreThanSixtyUsersAndUsersTheTenantDoesNotHave() {
    FakeTenant tenant = new FakeTenant();
    GraphClient graph = client(serve(tenant));
    String sixtyOne =
        "{\"userIds\":["
            + IntStream.range(0, 61)
                .mapToObj(i -> "\"" + tenant.addUser("u" + i + "@contoso.com").id() + "\"")
                .collect(Collectors.joining(","))
            + "]}";

    GraphClient.Reply tooMany =
        graph.post("/identityProtection/riskyUsers/confirmCompromised", sixtyOne);
    clock.advance(Duration.ofSeconds(1));
    GraphClient.Reply unknown =
        graph.post(
            "/identityProtection/riskyUsers/confirmCompromised",
            "{\"userIds\":[\"5f1d3c2a-0000-4000-8000-0000000000ff\"]}");
    clock.advance(Duration.ofSeconds(1));
    GraphClient.Reply notIds =
        graph.post(
            "/identityProtection/riskyUsers/confirmCompromised", "{\"userIds\":[\"alice\"]}");

    assertEquals(400, tooMany.status());
    assertEquals(400, unknown.status());
    assertEquals(400, notIds.status());
    assertTrue(tenant.security().riskyUsers().isEmpty());
  }

  @Test
  void answers403WithoutAnIdProtectionLicence() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    tenant.security().identityProtectionLicensed(false);
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply =
        graph.post("/identityProtection/riskyUsers/confirmCompromised", confirm(alice));

    assertEquals(403, reply.status());
    assertEquals(ContainmentRoutes.ID_PROTECTION_LICENSE_CODE, reply.errorCode());
  }

  @Test
  void pagesTheRiskyUserListAndFiltersById() {
    FakeTenant tenant = new FakeTenant();
    List<FakeUser> users =
        IntStream.range(0, 5).mapToObj(i -> tenant.addUser("u" + i + "@contoso.com")).toList();
    users.forEach(
        u ->
            tenant.security().putRiskyUser(FakeRiskyUser.confirmedCompromised(u, clock.instant())));
    GraphClient graph =
        client(serve(tenant, FakeGraphOptions.builder().identityProtectionInterval(Duration.ZERO)));

    GraphClient.Reply first = graph.get("/identityProtection/riskyUsers?$top=3");
    GraphClient.Reply second = graph.get(first.body().get("@odata.nextLink").asText());
    GraphClient.Reply byId =
        graph.get(
            "/identityProtection/riskyUsers?$filter=" + query("id eq '" + users.get(2).id() + "'"));

    assertEquals(3, first.body().get("value").size());
    assertEquals(2, second.body().get("value").size());
    assertEquals(1, byId.body().get("value").size());
  }
}
