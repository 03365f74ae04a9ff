package dev.offboarding.worker.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.AccessAudit;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeSignIn;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.RequestRecord;
import dev.offboarding.testkit.servicebus.EmulatorConfig;
import dev.offboarding.testkit.servicebus.EntityTail;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.servicebus.EventMessages;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
  private static final String TOPIC = "offboarding-audit";

  /** Short, so the killed worker's entry and lease come back within the test. */
  private static final Duration LOCK = Duration.ofSeconds(5);

  @TempDir Path dir;
  private WorkerProcesses workers;
  private final List<ServiceBusReceivedMessage> access = new ArrayList<>();
  private final List<TargetAudit> targets = new ArrayList<>();
  private final AuditCodec audit = new AuditCodec();
  private ServiceBusEmulator emulator;
  private FakeGraphServer graph;
  private FakeTenant tenant;
  private EntityTail auditReader;

  @BeforeEach
  void startEmulatorAndTenant() {
    EmulatorConfig file =
        EmulatorConfig.fromJson(Path.of("..", "deploy", "servicebus", "config.json"));
    List<EmulatorConfig.Queue> queues =
        file.queues().stream()
            .map(
                q ->
                    Set.of(QUEUE, "offboarding-internal", "offboarding-state").contains(q.name())
                        ? q.withProperties(q.properties().withLockDuration(LOCK))
                        : q)
            .toList();
    emulator =
        ServiceBusEmulator.start(new EmulatorConfig(file.namespace(), queues, file.topics()), 0);
    tenant = new FakeTenant();
    // Latency on every request, so that a poll takes a while and the kill lands inside one.
    graph =
        FakeGraphServer.start(
            tenant,
            FakeGraphOptions.builder()
                .unlimitedWrites()
                .latency(Duration.ofMillis(150), Duration.ZERO)
                .signInLogLatency(Duration.ZERO)
                .build());
    auditReader =
        EntityTail.of(
            new ServiceBusClientBuilder().connectionString(emulator.connectionString()),
            TOPIC + "/subscriptions/all");
  }

  @AfterEach
  void stopEverything() {
    if (workers != null) {
      workers.close();
    }
    if (auditReader != null) {
      auditReader.close();
    }
    if (graph != null) {
      graph.close();
    }
    if (emulator != null) {
      emulator.close();
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
    send(event);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              read(event);
              return targets.size() == 3;
            });
    FakeSignIn before = FakeSignIn.successful(alice, Instant.now().plusMillis(1100), "203.0.113.7");
    tenant.security().addSignIn(before);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              read(event);
              return !access.isEmpty();
            });

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
            () -> {
              read(event);
              return access.stream()
                  .map(m -> audit.decodeAccess(m.getBody().toBytes()))
                  .anyMatch(a -> a.signIns().stream().anyMatch(s -> s.id().equals(after.id())));
            });
    // A few more polls of the second worker, each seeing both sign-ins again, publish nothing new.
    int readsThen = signInReads();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> signInReads() >= readsThen + 3);
    read(event);
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
        graph.requestLog().stream()
            .map(RequestRecord::path)
            .filter(p -> p.endsWith("/auditLogs/signIns"))
            .count();
  }

  private Process startWorker(String name) throws IOException {
    return workers.start(
        name,
        Map.ofEntries(
            Map.entry("SERVICEBUS_CONNECTION_STRING", emulator.connectionString()),
            Map.entry("SERVICEBUS_QUEUE", QUEUE),
            Map.entry("SERVICEBUS_AUDIT_TOPIC", TOPIC),
            Map.entry("GRAPH_BASE_URL", graph.baseUrl()),
            Map.entry("GRAPH_AUTH", "none"),
            Map.entry("HTTP_PORT", "0"),
            Map.entry("ALLOW_UNPROTECTED", "true"),
            Map.entry("APPROVAL_THRESHOLD", "10000000"),
            Map.entry("MAX_USERS_PER_HOUR", "1000000"),
            Map.entry("WATCH_SIGN_INS", "true"),
            Map.entry("WATCH_SIGN_INS_POLL_INTERVAL", "PT1S"),
            Map.entry("SIGN_IN_LOG_LATENCY", "PT0S"),
            Map.entry("ACCESS_TOKEN_MAX_LIFETIME", "PT10M")));
  }

  private void send(OffboardingEvent event) {
    try (ServiceBusSenderClient sender =
        new ServiceBusClientBuilder()
            .connectionString(emulator.connectionString())
            .sender()
            .queueName(QUEUE)
            .buildClient()) {
      sender.sendMessage(EventMessages.of(new EventCodec().encode(event), event));
    }
  }

  private void read(OffboardingEvent event) {
    for (ServiceBusReceivedMessage m : auditReader.poll()) {
      if (!event.id().equals(m.getCorrelationId())) {
        continue;
      }
      if (TargetAudit.TYPE.equals(m.getSubject())) {
        targets.add(audit.decodeTarget(m.getBody().toBytes()));
      } else if (AccessAudit.TYPE.equals(m.getSubject())) {
        access.add(m);
      }
    }
  }
}
