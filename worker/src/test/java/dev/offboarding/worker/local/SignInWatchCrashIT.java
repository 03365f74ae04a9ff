package dev.offboarding.worker.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import dev.offboarding.contracts.AccessAudit;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.testkit.graph.FakeSignIn;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.RequestRecord;
import dev.offboarding.worker.testing.WorkerSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed without warning (SIGKILL) while it watches sign-ins: the packaged worker jar runs
 * as a child process against the embedded emulator and the fake tenant in this JVM, is killed just
 * after a read of the sign-in log went out (most likely in the middle of that poll, holding the
 * watch's lease and the delivered entry), and a second worker process carries the watch on: a
 * sign-in made while no worker ran is published, and nothing is published twice. (Windows close in
 * the in-process end-to-end tests, whose windows last seconds; a process takes its settings from
 * variables, and a tenant's shortest token lives ten minutes.)
 */
class SignInWatchCrashIT {
  private static final String QUEUE = "offboarding-events";

  /** Short, so the killed worker's entry and lease come back within the test. */
  private static final Duration LOCK = Duration.ofSeconds(5);

  @TempDir Path dir;
  private WorkerProcesses workers;
  private final AuditCodec audit = new AuditCodec();
  private FakeTenant tenant;
  private WorkerSystem system;

  @BeforeEach
  void startEmulatorAndTenant() {
    tenant = new FakeTenant();
    // Latency on every request, so that a poll takes a while and the kill lands inside one.
    system =
        new WorkerSystem(
            tenant,
            o ->
                o.unlimitedWrites()
                    .latency(Duration.ofMillis(150), Duration.ZERO)
                    .signInLogLatency(Duration.ZERO),
            WorkerSystem.projectEntities(
                LOCK, Set.of(QUEUE, WorkerSystem.INTERNAL_QUEUE, "offboarding-state")),
            null,
            Map.of(),
            false,
            m -> {});
  }

  @AfterEach
  void stopEverything() {
    if (workers != null) {
      workers.close();
    }
    if (system != null) {
      system.close();
    }
  }

  @Test
  void aWorkerKilledInTheMiddleOfAWatchLosesNothingAndTheNextPublishesNothingTwice()
      throws Exception {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    FakeUser carol = tenant.addUser("carol@contoso.com");
    workers = new WorkerProcesses(dir);
    Process first = startWorker("first");
    workers.awaitReady(first, "first", Duration.ofMillis(200));
    OffboardingEvent event =
        new OffboardingEvent(
            UUID.randomUUID().toString(),
            "/test/crash",
            EventType.LEAVER,
            Instant.now(),
            new EventData(
                List.of(
                    new Target.User(alice.id()),
                    new Target.User(bob.id()),
                    new Target.User(carol.id())),
                List.of(),
                "crash test",
                "T-8",
                "tests",
                false));
    system.send(QUEUE, event, m -> {});
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> system.audits().targets(event.id()).size() == 3);
    FakeSignIn before = FakeSignIn.successful(alice, Instant.now().plusMillis(1100), "203.0.113.7");
    tenant.security().addSignIn(before);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !access(event).isEmpty());

    // The next read of the log goes out: kill the worker while that poll is under way.
    int reads = signInReads();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> signInReads() > reads);
    assertTrue(first.isAlive(), "the first worker exited by itself:\n" + workers.output("first"));
    first.destroyForcibly();
    assertTrue(first.waitFor(10, TimeUnit.SECONDS));
    FakeSignIn after = FakeSignIn.successful(bob, Instant.now().plusMillis(1100), "203.0.113.9");
    tenant.security().addSignIn(after);
    Process second = startWorker("second");
    workers.awaitReady(second, "second", Duration.ofMillis(200));

    // The second worker carries the watch on: bob's sign-in, made while no worker ran, is
    // published.
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                access(event).stream()
                    .map(m -> audit.decodeAccess(m.getBody().toBytes()))
                    .anyMatch(a -> a.signIns().stream().anyMatch(s -> s.id().equals(after.id()))));
    // A few more polls of the second worker, each seeing both sign-ins again, publish nothing new.
    int readsThen = signInReads();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> signInReads() >= readsThen + 3);
    List<ServiceBusReceivedMessage> access = access(event);
    List<AccessAudit> audits =
        access.stream().map(m -> audit.decodeAccess(m.getBody().toBytes())).toList();
    List<String> seen =
        audits.stream()
            .filter(a -> a.outcome() == AccessAudit.Outcome.SIGN_IN_SEEN)
            .map(a -> a.signIns().get(0).id())
            .sorted()
            .toList();
    assertEquals(
        List.of(before.id(), after.id()).stream().sorted().toList(),
        seen,
        "each sign-in once:\n" + workers.output("second"));
    assertEquals(
        List.of(),
        audits.stream().filter(a -> a.outcome() == AccessAudit.Outcome.NONE_SEEN).toList(),
        "carol's window is still open");
    assertEquals(
        access.size(),
        access.stream().map(ServiceBusReceivedMessage::getMessageId).distinct().count());
  }

  private int signInReads() {
    return (int)
        system.graph.requestLog().stream()
            .map(RequestRecord::path)
            .filter(p -> p.endsWith("/auditLogs/signIns"))
            .count();
  }

  private Process startWorker(String name) throws IOException {
    Map<String, String> env = new HashMap<>(system.env);
    env.put("WATCH_SIGN_INS", "true");
    env.put("WATCH_SIGN_INS_POLL_INTERVAL", "PT1S");
    env.put("SIGN_IN_LOG_LATENCY", "PT0S");
    env.put("ACCESS_TOKEN_MAX_LIFETIME", "PT10M");
    return workers.start(name, env);
  }

  /** The access audits published so far about {@code event}. */
  private List<ServiceBusReceivedMessage> access(OffboardingEvent event) {
    return system.audits().messages(event.id()).stream()
        .filter(m -> AccessAudit.TYPE.equals(m.getSubject()))
        .toList();
  }
}
