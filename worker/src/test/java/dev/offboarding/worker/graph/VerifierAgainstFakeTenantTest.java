package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.contracts.Action;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.tenant.Sleeper;
import dev.offboarding.worker.verify.Verification;
import dev.offboarding.worker.verify.Verifier;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Verifier} over the real Graph adapters and a socket: writes the fake tenant takes
 * effect are verified, writes it accepts without effect are not.
 */
class VerifierAgainstFakeTenantTest {
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T09:00:00Z"));
  final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

  /** Waiting moves the shared clock; nothing sleeps for real. */
  final Sleeper sleeper =
      d -> {
        waits.add(d);
        clock.advance(d);
      };

  final FakeTenant tenant = new FakeTenant();
  final FakeUser alice = tenant.addUser("alice@contoso.com");
  FakeGraphServer server;
  GraphAccountWrites writes;
  Verifier verifier;

  @BeforeEach
  void start() {
    server = FakeGraphServer.start(tenant, FakeGraphOptions.builder().clock(clock).build());
    GraphServiceClient graph =
        GraphClients.create(
            WorkerConfig.forGraphOnly(
                Map.of("GRAPH_BASE_URL", server.baseUrl(), "GRAPH_AUTH", "none")));
    writes = new GraphAccountWrites(graph, clock);
    GraphDirectory directory =
        new GraphDirectory(
            graph, URI.create(server.baseUrl()), RetryPolicy.defaults(), sleeper, clock);
    verifier = new Verifier(directory, sleeper, clock);
    clock.advance(Duration.ofMinutes(10).plusMillis(400));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void verifiesARevokeThatTookEffectOnTheFirstRead() throws Exception {
    Instant requestedAt = clock.instant();
    writes.revokeSignInSessions(alice.id());

    Verification v = verifier.verify(Action.REVOKE_SESSIONS, alice.id(), requestedAt);

    assertTrue(v.verified(), v::reason);
    assertEquals(Instant.parse("2026-11-27T09:10:00Z"), v.observedSessionsValidFrom());
    assertEquals(1, v.reads());
    assertEquals(List.of(), waits);
  }

  @Test
  void reportsARevokeGraphAcceptedWithoutEffectAsUnverifiedAfterReadingAgain() throws Exception {
    server.faults().ineffectiveRevokes(alice.id());
    Instant requestedAt = clock.instant();
    writes.revokeSignInSessions(alice.id());

    Verification v = verifier.verify(Action.REVOKE_SESSIONS, alice.id(), requestedAt);

    assertFalse(v.verified());
    assertEquals(FakeUser.DEFAULT_SESSIONS_VALID_FROM, v.observedSessionsValidFrom());
    assertEquals(3, v.reads());
    assertEquals(
        "signInSessionsValidFromDateTime 2024-01-01T00:00:00Z is before the revoke at 2026-11-27T09:10:00Z"
            + " (allowing 120 s of clock skew) after 3 reads",
        v.reason());
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), waits);
    assertTrue(server.writeLog().getFirst().accepted());
  }

  @Test
  void verifiesADisableThatTookEffectAndNotOneThatDidNot() throws Exception {
    FakeUser bob = tenant.addUser("bob@contoso.com");
    server.faults().ineffectiveDisables(bob.id());
    Instant requestedAt = clock.instant();
    writes.disableAccount(alice.id());
    writes.disableAccount(bob.id());

    Verification aliceDisabled = verifier.verify(Action.DISABLE_ACCOUNT, alice.id(), requestedAt);
    Verification bobDisabled = verifier.verify(Action.DISABLE_ACCOUNT, bob.id(), requestedAt);

    assertTrue(aliceDisabled.verified(), aliceDisabled::reason);
    assertEquals(false, aliceDisabled.observedAccountEnabled());
    assertFalse(bobDisabled.verified());
    assertEquals("accountEnabled is still true after 3 reads", bobDisabled.reason());
  }

  @Test
  void reportsAUserDeletedBeforeTheReadBackAsUnverified() throws Exception {
    Instant requestedAt = clock.instant();
    writes.revokeSignInSessions(alice.id());
    tenant.delete(alice.id());

    Verification v = verifier.verify(Action.REVOKE_SESSIONS, alice.id(), requestedAt);

    assertFalse(v.verified());
    assertEquals("user not found on read-back after 3 reads", v.reason());
  }
}
