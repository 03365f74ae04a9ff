package dev.offboarding.worker.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.servicebus.EntityStats;
import dev.offboarding.testkit.servicebus.EntityTail;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.servicebus.EventMessages;
import dev.offboarding.worker.testing.WorkerSystem;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed without warning (SIGKILL) in the middle of an event: the packaged worker jar runs
 * as a child process against the embedded emulator and the fake tenant in this JVM; a second worker
 * process finishes the event. The event message was never settled, so the broker delivers it again
 * once its lock expires; the redelivered chunk publishes its users' results again under the same
 * message ids, and the audit topic's duplicate detection drops the copies.
 */
class WorkerCrashIT {
  private static final String QUEUE = "offboarding-events";
  private static final String TOPIC = "offboarding-audit";
  private static final int USERS = 1_000;

  /** Short, so the killed worker's message comes back within the test. */
  private static final Duration LOCK = Duration.ofSeconds(5);

  @TempDir Path dir;
  private WorkerProcesses workers;
  private final List<TargetAudit> targets = new ArrayList<>();
  private final List<SummaryAudit> summaries = new ArrayList<>();
  private final AuditCodec audit = new AuditCodec();
  private ServiceBusEmulator emulator;
  private FakeGraphServer graph;
  private EntityTail auditReader;

  @BeforeEach
  void startEmulatorAndTenant() {
    emulator = WorkerSystem.projectEntities(LOCK);
    FakeTenant tenant = new FakeTenant();
    tenant.addLargeGroup("Everyone", USERS, 10, 17);
    // Latency and a modest write budget, so one pass over the event takes several seconds.
    graph =
        FakeGraphServer.start(
            tenant,
            FakeGraphOptions.builder()
                .unlimitedWrites()
                .latency(Duration.ofMillis(50), Duration.ZERO)
                .build());
    auditReader =
        EntityTail.of(
            new ServiceBusClientBuilder().connectionString(emulator.connectionString()),
            TOPIC + "/subscriptions/all");
  }

  @AfterEach
  void stopEverything() {
    // Whatever happened, no worker process outlives the test.
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
  void finishesEveryUserOnceWhenTheWorkerIsKilledInTheMiddleOfAnEvent() throws Exception {
    workers = new WorkerProcesses(dir);
    Process first = startWorker("first");
    workers.awaitReady(first, "first", Duration.ofMillis(200));
    FakeGroup everyone = graph.tenant().requireGroupNamed("Everyone");
    OffboardingEvent event =
        new OffboardingEvent(
            UUID.randomUUID().toString(),
            "/test/crash",
            EventType.LEAVER,
            Instant.now(),
            new EventData(
                List.of(new Target.Group(everyone.id())),
                List.of(),
                "crash test",
                "T-7",
                "tests",
                false));
    send(event);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> readAudit(event) >= 100);
    assertTrue(first.isAlive(), "the first worker exited by itself:\n" + workers.output("first"));

    first.destroyForcibly();
    assertTrue(first.waitFor(10, TimeUnit.SECONDS));
    int beforeCrash = targets.size();
    Process second = startWorker("second");
    int secondPort = workers.awaitReady(second, "second", Duration.ofMillis(200));

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              readAudit(event);
              return summaries.stream().anyMatch(SummaryAudit::finalSummary);
            });
    SummaryAudit last =
        summaries.stream().filter(SummaryAudit::finalSummary).findFirst().orElseThrow();
    assertEquals(SummaryStatus.COMPLETED, last.status(), workers.output("second"));
    assertEquals(USERS, last.counts().get(TargetOutcome.SUCCEEDED));
    assertTrue(last.redelivery(), "the second worker did not take the killed worker's delivery");
    assertTrue(beforeCrash < USERS, "the event was done before the first worker was killed");
    // The second worker published every user's result again; the topic kept one of each.
    await().atMost(Duration.ofSeconds(10)).until(() -> publishedTargets(secondPort) >= USERS);
    readAudit(event);
    System.out.println(
        "results on the topic before the kill: "
            + beforeCrash
            + "; published by the second worker: "
            + publishedTargets(secondPort)
            + "; on the topic in the end: "
            + targets.size());
    Map<String, Long> perUser =
        targets.stream().collect(Collectors.groupingBy(TargetAudit::userId, Collectors.counting()));
    assertEquals(USERS, perUser.size());
    assertEquals(USERS, targets.size(), "users with more than one final result on the topic");
    assertTrue(targets.stream().allMatch(t -> t.outcome() == TargetOutcome.SUCCEEDED));
    assertEquals(1, summaries.stream().filter(SummaryAudit::finalSummary).count());
    await().atMost(Duration.ofSeconds(10)).until(() -> emulator.stats(QUEUE).active() == 0);
    assertEquals(new EntityStats(0, 0, 0, 0, 0), emulator.stats(QUEUE));
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
            Map.entry("GRAPH_WRITES_PER_SECOND", "250"),
            Map.entry("MAX_TARGETS_PER_EVENT", Integer.toString(2 * USERS)),
            Map.entry("HTTP_PORT", "0"),
            // A tenant of leavers only: nothing to protect, and this run is about crashes.
            Map.entry("ALLOW_UNPROTECTED", "true"),
            // Set explicitly, as every test rig does: its big event runs as it did before
            // approvals.
            Map.entry("APPROVAL_THRESHOLD", "10000000"),
            // A crash re-leases the chunk in flight: the default cap would brake the rerun of this
            // size.
            Map.entry("MAX_USERS_PER_HOUR", Integer.toString(100 * USERS))));
  }

  private double publishedTargets(int port) {
    String metrics = workers.get(port, "/metrics").map(HttpResponse::body).orElse("");
    return metrics
        .lines()
        .filter(
            l ->
                l.startsWith("offboarding_audit_messages_total{")
                    && l.contains("type=\"target\"")
                    && l.contains("entity=\"topic\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
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

  /**
   * Reads what has arrived on the audit topic for the event; returns the target results seen so
   * far.
   */
  private int readAudit(OffboardingEvent event) {
    for (ServiceBusReceivedMessage m : auditReader.poll()) {
      if (!event.id().equals(m.getCorrelationId())) {
        continue;
      }
      if (TargetAudit.TYPE.equals(m.getSubject())) {
        targets.add(audit.decodeTarget(m.getBody().toBytes()));
      } else if (SummaryAudit.TYPE.equals(m.getSubject())) {
        summaries.add(audit.decodeSummary(m.getBody().toBytes()));
      }
    }
    return targets.size();
  }
}
