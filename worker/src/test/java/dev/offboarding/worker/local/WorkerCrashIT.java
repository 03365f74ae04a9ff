package dev.offboarding.worker.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.servicebus.EntityStats;
import dev.offboarding.worker.testing.WorkerSystem;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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
  private static final String QUEUE = WorkerSystem.QUEUE;
  private static final int USERS = 1_000;

  /** Short, so the killed worker's message comes back within the test. */
  private static final Duration LOCK = Duration.ofSeconds(5);

  @TempDir Path dir;
  private WorkerProcesses workers;
  private WorkerSystem system;

  @BeforeEach
  void startEmulatorAndTenant() {
    FakeTenant tenant = new FakeTenant();
    tenant.addLargeGroup("Everyone", USERS, 10, 17);
    // Latency and a modest write budget, so one pass over the event takes several seconds.
    system =
        new WorkerSystem(
            tenant,
            o -> o.unlimitedWrites().latency(Duration.ofMillis(50), Duration.ZERO),
            WorkerSystem.projectEntities(LOCK),
            null,
            Map.of(),
            false,
            m -> {});
  }

  @AfterEach
  void stopEverything() {
    // Whatever happened, no worker process outlives the test.
    if (workers != null) {
      workers.close();
    }
    if (system != null) {
      system.close();
    }
  }

  @Test
  void finishesEveryUserOnceWhenTheWorkerIsKilledInTheMiddleOfAnEvent() throws Exception {
    workers = new WorkerProcesses(dir);
    Process first = startWorker("first");
    workers.awaitReady(first, "first", Duration.ofMillis(200));
    FakeGroup everyone = system.tenant.requireGroupNamed("Everyone");
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
    system.send(QUEUE, event, m -> {});
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> system.audits().targets(event.id()).size() >= 100);
    assertTrue(first.isAlive(), "the first worker exited by itself:\n" + workers.output("first"));

    first.destroyForcibly();
    assertTrue(first.waitFor(10, TimeUnit.SECONDS));
    int beforeCrash = system.audits().targets(event.id()).size();
    Process second = startWorker("second");
    int secondPort = workers.awaitReady(second, "second", Duration.ofMillis(200));

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                system.audits().summaries(event.id()).stream()
                    .anyMatch(SummaryAudit::finalSummary));
    List<SummaryAudit> summaries = system.audits().summaries(event.id());
    SummaryAudit last =
        summaries.stream().filter(SummaryAudit::finalSummary).findFirst().orElseThrow();
    assertEquals(SummaryStatus.COMPLETED, last.status(), workers.output("second"));
    assertEquals(USERS, last.counts().get(TargetOutcome.SUCCEEDED));
    assertTrue(last.redelivery(), "the second worker did not take the killed worker's delivery");
    assertTrue(beforeCrash < USERS, "the event was done before the first worker was killed");
    // The second worker published every user's result again; the topic kept one of each.
    await().atMost(Duration.ofSeconds(10)).until(() -> publishedTargets(secondPort) >= USERS);
    List<TargetAudit> targets = system.audits().targets(event.id());
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
    assertEquals(
        1,
        system.audits().summaries(event.id()).stream().filter(SummaryAudit::finalSummary).count());
    await().atMost(Duration.ofSeconds(10)).until(() -> system.emulator.stats(QUEUE).active() == 0);
    assertEquals(new EntityStats(0, 0, 0, 0, 0), system.emulator.stats(QUEUE));
  }

  private Process startWorker(String name) throws IOException {
    Map<String, String> env = new HashMap<>(system.env);
    env.put("GRAPH_WRITES_PER_SECOND", "250");
    env.put("MAX_TARGETS_PER_EVENT", Integer.toString(2 * USERS));
    return workers.start(name, env);
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
}
