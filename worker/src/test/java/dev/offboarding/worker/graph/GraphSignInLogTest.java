package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeSignIn;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.watch.SignInLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sign-in log read through the Graph SDK against the fake tenant: the filter it accepts,
 * paging, and refusals.
 */
class GraphSignInLogTest {
  static final Instant NOW = Instant.parse("2026-11-27T09:00:00Z");
  final FakeTenant tenant = new FakeTenant();
  FakeGraphServer server;
  GraphSignInLog log;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(java.util.function.Consumer<FakeGraphOptions.Builder> options) {
    start(options, GraphSignInLog.PAGE_SIZE);
  }

  private void start(java.util.function.Consumer<FakeGraphOptions.Builder> options, int pageSize) {
    FakeGraphOptions.Builder b =
        FakeGraphOptions.builder()
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .signInLogLatency(Duration.ZERO);
    options.accept(b);
    server = FakeGraphServer.start(tenant, b.build());
    GraphServiceClient graph =
        GraphClients.create(
            WorkerConfig.forGraphOnly(
                Map.of("GRAPH_BASE_URL", server.baseUrl(), "GRAPH_AUTH", "none")));
    log = new GraphSignInLog(graph, Clock.fixed(NOW, ZoneOffset.UTC), pageSize);
  }

  static final SignInLog.RequestGate GATE_OPEN = counting(new AtomicInteger());

  static SignInLog.RequestGate counting(AtomicInteger passed) {
    return new SignInLog.RequestGate() {
      @Override
      public void pass() {
        passed.incrementAndGet();
      }

      @Override
      public void sent() {}
    };
  }

  @Test
  void readsTheSuccessfulSignInsOfManyUsersSinceAnInstantInOneRequestThroughTheGate()
      throws Exception {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    FakeUser carol = tenant.addUser("carol@contoso.com");
    Instant revoked = NOW.minus(Duration.ofMinutes(30));
    tenant
        .security()
        .addSignIn(FakeSignIn.successful(alice, revoked.plusSeconds(60), "203.0.113.7"));
    tenant
        .security()
        .addSignIn(FakeSignIn.successful(bob, revoked.minusSeconds(60), "203.0.113.8"));
    tenant
        .security()
        .addSignIn(FakeSignIn.successful(carol, revoked.plusSeconds(60), "203.0.113.9"));
    tenant
        .security()
        .addSignIn(
            new FakeSignIn(
                "b0000000-0000-4000-8000-000000000001",
                revoked.plusSeconds(90),
                bob.id(),
                bob.userPrincipalName(),
                null,
                "Portal",
                "Portal",
                "2001:db8::1",
                true,
                50126));
    start(o -> {});
    AtomicInteger passed = new AtomicInteger();

    List<SignInLog.Seen> seen =
        log.successfulSince(revoked, List.of(alice.id(), bob.id()), counting(passed));

    assertEquals(1, passed.get());
    assertEquals(1, seen.size(), "carol's is not asked for; bob's are before the revoke or failed");
    assertEquals(alice.id(), seen.get(0).userId());
    assertEquals("203.0.113.7", seen.get(0).signIn().ipAddress());
    assertEquals("Office 365 Exchange Online", seen.get(0).signIn().appDisplayName());
    assertTrue(seen.get(0).signIn().isInteractive());
  }

  @Test
  void followsEveryPagePassingTheGateBeforeEach() throws Exception {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    for (int i = 0; i < 5; i++) {
      tenant
          .security()
          .addSignIn(FakeSignIn.successful(alice, NOW.minusSeconds(100 - i), "203.0.113.7"));
    }
    start(o -> {}, 2);
    AtomicInteger passed = new AtomicInteger();

    List<SignInLog.Seen> seen =
        log.successfulSince(NOW.minusSeconds(200), List.of(alice.id()), counting(passed));

    assertEquals(5, seen.size());
    assertEquals(3, passed.get());
  }

  @Test
  void aTenantWithoutThePremiumLicenceIsAClearRefusal() {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    tenant.security().signInLogsLicensed(false);
    start(o -> {});

    GraphFailure e =
        assertThrows(
            GraphFailure.class,
            () -> log.successfulSince(NOW.minusSeconds(60), List.of(alice.id()), GATE_OPEN));

    assertEquals(GraphFailure.Kind.FORBIDDEN, e.kind());
    assertEquals("Authentication_RequestFromNonPremiumTenantOrB2CTenant", e.errorCode());
  }

  @Test
  void buildsTheFilterFromCheckedIdsAndAnInstantOnlyAndRefusesAnythingElse() {
    assertEquals(
        "createdDateTime ge 2026-11-27T09:00:00Z and status/errorCode eq 0 and (userId eq "
            + "'40000000-0000-4000-8000-000000000001')",
        GraphSignInLog.filter(
            NOW.plusMillis(700), List.of("40000000-0000-4000-8000-000000000001")));
    assertThrows(
        IllegalArgumentException.class, () -> GraphSignInLog.filter(NOW, List.of("x' or 1 eq 1")));
    List<String> tooMany =
        new ArrayList<>(
            IntStream.range(0, SignInLog.USERS_PER_REQUEST + 1)
                .mapToObj(i -> String.format("40000000-0000-4000-8000-%012d", i))
                .toList());
    assertThrows(IllegalArgumentException.class, () -> GraphSignInLog.filter(NOW, tooMany));
    assertTrue(NOW.truncatedTo(ChronoUnit.SECONDS).equals(NOW));
  }
}
