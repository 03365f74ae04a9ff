package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignInLogTest extends FakeGraphTestSupport {

  private static String since(Instant t, FakeUser... users) {
    StringBuilder f = new StringBuilder("createdDateTime ge " + t + " and (");
    for (int i = 0; i < users.length; i++) {
      f.append(i == 0 ? "" : " or ").append("userId eq '").append(users[i].id()).append("'");
    }
    return "/auditLogs/signIns?$filter=" + query(f.append(")").toString());
  }

  @Test
  void showsASignInAfterTheRevokeOnlyOnceTheReportingLatencyHasPassed() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    Instant revokedAt = clock.instant();
    GraphClient graph =
        client(serve(tenant, FakeGraphOptions.builder().signInLogLatency(Duration.ofMinutes(3))));
    clock.advance(Duration.ofMinutes(1));
    tenant.security().addSignIn(FakeSignIn.successful(alice, clock.instant(), "203.0.113.45"));
    tenant
        .security()
        .addSignIn(FakeSignIn.successful(bob, revokedAt.minusSeconds(60), "203.0.113.46"));

    GraphClient.Reply tooEarly = graph.get(since(revokedAt, alice, bob));
    clock.advance(Duration.ofMinutes(3));
    GraphClient.Reply seen = graph.get(since(revokedAt, alice, bob));

    assertEquals(200, tooEarly.status());
    assertEquals(0, tooEarly.body().get("value").size());
    assertEquals(1, seen.body().get("value").size());
    JsonNode entry = seen.body().get("value").get(0);
    assertEquals(alice.id(), entry.get("userId").asText());
    assertEquals("203.0.113.45", entry.get("ipAddress").asText());
    assertEquals(0, entry.path("status").path("errorCode").asInt());
    assertTrue(entry.get("isInteractive").asBoolean());
  }

  @Test
  void listsOnlyInteractiveSignInsAsVersionOneDoes() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    tenant
        .security()
        .addSignIn(
            new FakeSignIn(
                DirectoryObject.newId(),
                clock.instant(),
                alice.id(),
                alice.userPrincipalName(),
                "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
                "Microsoft Teams",
                "Microsoft Teams",
                "203.0.113.45",
                false,
                0));
    GraphClient graph =
        client(serve(tenant, FakeGraphOptions.builder().signInLogLatency(Duration.ZERO)));

    assertEquals(
        0, graph.get(since(clock.instant().minusSeconds(1), alice)).body().get("value").size());
  }

  @Test
  void allowsFiveRequestsPerTenSecondsAndSaysWhenToRetry() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    GraphClient graph = client(serve(tenant));

    for (int i = 0; i < 5; i++) {
      assertEquals(200, graph.get(since(clock.instant(), alice)).status());
      clock.advance(Duration.ofSeconds(1));
    }
    GraphClient.Reply sixth = graph.get(since(clock.instant(), alice));
    clock.advance(Duration.ofSeconds(5));
    GraphClient.Reply later = graph.get(since(clock.instant(), alice));

    assertEquals(429, sixth.status());
    assertEquals("5", sixth.header("Retry-After"));
    assertEquals(200, later.status());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "userPrincipalName eq 'alice@contoso.com'",
        "createdDateTime ge 2026-11-27",
        "userId eq 'a' or userId eq 'b'",
        "createdDateTime le 2026-11-27T09:00:00Z",
        "(userId eq '5f1d3c2a-0000-4000-8000-000000000001' and userId eq '5f1d3c2a-0000-4000-8000-000000000002')",
        "userId eq '5f1d3c2a-0000-4000-8000-000000000001' or userId eq '5f1d3c2a-0000-4000-8000-000000000002'",
        "startswith(appDisplayName,'Teams')"
      })
  void answers400ToFiltersAWatchDoesNotSend(String filter) {
    GraphClient graph =
        client(
            serve(
                new FakeTenant(),
                FakeGraphOptions.builder().signInLogLimit(0, Duration.ofSeconds(10))));

    GraphClient.Reply reply = graph.get("/auditLogs/signIns?$filter=" + query(filter));

    assertEquals(400, reply.status(), filter);
  }

  @Test
  void pagesWithTopAndAnswers403WithoutAPremiumLicence() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    for (int i = 0; i < 3; i++) {
      tenant
          .security()
          .addSignIn(
              FakeSignIn.successful(alice, clock.instant().minusSeconds(i), "198.51.100." + i));
    }
    GraphClient graph =
        client(
            serve(
                tenant,
                FakeGraphOptions.builder()
                    .signInLogLatency(Duration.ZERO)
                    .signInLogLimit(0, Duration.ofSeconds(10))));

    GraphClient.Reply first =
        graph.get(
            "/auditLogs/signIns?$top=2&$filter="
                + query("userId eq '" + alice.id() + "' and status/errorCode eq 0"));
    GraphClient.Reply second = graph.get(first.body().get("@odata.nextLink").asText());
    tenant.security().signInLogsLicensed(false);
    GraphClient.Reply unlicensed = graph.get("/auditLogs/signIns");

    assertEquals(2, first.body().get("value").size());
    assertEquals(1, second.body().get("value").size());
    assertEquals(403, unlicensed.status());
    assertEquals(ContainmentRoutes.SIGN_IN_LICENSE_CODE, unlicensed.errorCode());
  }

  @Test
  void pagesAThousandEntriesByDefaultAndAtMostAsGraphsListSignInsDoes() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    for (int i = 0; i < 1001; i++) {
      tenant
          .security()
          .addSignIn(FakeSignIn.successful(alice, clock.instant().minusSeconds(i), "198.51.100.7"));
    }
    // The directory's lists page 100 by default and 999 at most; the sign-in log does not.
    GraphClient graph =
        client(
            serve(
                tenant,
                FakeGraphOptions.builder()
                    .signInLogLatency(Duration.ZERO)
                    .signInLogLimit(0, Duration.ofSeconds(10))
                    .pageSize(100)));

    GraphClient.Reply byDefault = graph.get("/auditLogs/signIns");
    GraphClient.Reply largest = graph.get("/auditLogs/signIns?$top=1000");
    GraphClient.Reply tooLarge = graph.get("/auditLogs/signIns?$top=1001");

    assertEquals(1000, byDefault.body().get("value").size());
    assertTrue(byDefault.body().has("@odata.nextLink"));
    assertEquals(1000, largest.body().get("value").size());
    assertEquals(400, tooLarge.status());
  }
}
