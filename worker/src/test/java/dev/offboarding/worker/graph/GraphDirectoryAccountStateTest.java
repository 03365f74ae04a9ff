package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.tenant.AccountState;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GraphDirectory#accountState}, through the real Graph SDK over a socket against the fake
 * tenant.
 */
class GraphDirectoryAccountStateTest {
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T09:00:00Z"));
  final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
  final Sleeper sleeper =
      d -> {
        waits.add(d);
        clock.advance(d);
      };
  final FakeTenant tenant = new FakeTenant();
  FakeGraphServer server;
  GraphServiceClient graph;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  GraphDirectory start() {
    server = FakeGraphServer.start(tenant, FakeGraphOptions.builder().clock(clock).build());
    graph =
        GraphClients.create(
            WorkerConfig.forGraphOnly(
                Map.of("GRAPH_BASE_URL", server.baseUrl(), "GRAPH_AUTH", "none")));
    return new GraphDirectory(
        graph,
        URI.create(server.baseUrl()),
        new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10)),
        sleeper,
        clock);
  }

  @Test
  void readsBothPropertiesTheWorkerWrites() {
    FakeUser alice =
        tenant.addUser(
            FakeUser.builder("alice@contoso.com")
                .accountEnabled(false)
                .signInSessionsValidFromDateTime(Instant.parse("2025-06-01T12:30:45Z"))
                .build());
    GraphDirectory directory = start();

    AccountState state = directory.accountState(alice.id()).orElseThrow();

    assertEquals(
        new AccountState(
            false, Instant.parse("2025-06-01T12:30:45Z"), "alice@contoso.com", "Member"),
        state);
  }

  @Test
  void showsTheWorkersOwnWritesInWholeSeconds() {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    GraphDirectory directory = start();
    GraphAccountWrites writes = new GraphAccountWrites(graph, clock);
    clock.advance(Duration.ofMinutes(3).plusMillis(640));

    writes.disableAccount(alice.id());
    writes.revokeSignInSessions(alice.id());
    AccountState state = directory.accountState(alice.id()).orElseThrow();

    assertEquals(
        new AccountState(
            false, Instant.parse("2026-11-27T09:03:00Z"), "alice@contoso.com", "Member"),
        state);
  }

  @Test
  void showsAnAcceptedRevokeThatDidNotTakeEffect() {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    GraphDirectory directory = start();
    server.faults().ineffectiveRevokes(alice.id()).ineffectiveDisables(alice.id());
    GraphAccountWrites writes = new GraphAccountWrites(graph, clock);
    clock.advance(Duration.ofMinutes(3));

    writes.disableAccount(alice.id());
    writes.revokeSignInSessions(alice.id());
    AccountState state = directory.accountState(alice.id()).orElseThrow();

    assertEquals(
        new AccountState(true, FakeUser.DEFAULT_SESSIONS_VALID_FROM, "alice@contoso.com", "Member"),
        state);
  }

  @Test
  void answersEmptyForAUserTheDirectoryDoesNotHave() {
    GraphDirectory directory = start();

    assertTrue(directory.accountState("00000000-0000-4000-8000-0000000000ff").isEmpty());
    assertEquals(List.of(), waits);
  }

  @Test
  void retriesATransientFailureLikeEveryRead() {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    GraphDirectory directory = start();
    server.faults().serviceUnavailable(2, Duration.ofSeconds(2));

    AccountState state = directory.accountState(alice.id()).orElseThrow();

    assertEquals(
        new AccountState(true, FakeUser.DEFAULT_SESSIONS_VALID_FROM, "alice@contoso.com", "Member"),
        state);
    assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), waits);
  }

  @Test
  void throwsTheLastFailureOnceRetriesAreUsedUp() {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    GraphDirectory directory = start();
    server.faults().serviceUnavailable(3, Duration.ofSeconds(1));

    GraphFailure failure =
        assertThrows(GraphFailure.class, () -> directory.accountState(alice.id()));

    assertEquals(GraphFailure.Kind.UNAVAILABLE, failure.kind());
    assertEquals(503, failure.status());
    assertEquals(2, waits.size());
  }
}
