package dev.offboarding.worker.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.testing.WorkerSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long the packaged worker takes from process start to {@code /health/ready} answering 200: the
 * jar runs as a child process against the embedded emulator and the fake tenant in this JVM, with a
 * protected group, so readiness includes the first load of the protected set. Printed, not
 * asserted: it measures the machine as much as the worker.
 */
class WorkerStartupIT {
  private static final String QUEUE = "offboarding-events";
  private static final String TOPIC = "offboarding-audit";
  private static final int RUNS = 3;
  @TempDir Path dir;
  private WorkerProcesses workers;
  private ServiceBusEmulator emulator;
  private FakeGraphServer graph;
  private String protectedGroup;

  @BeforeEach
  void startEmulatorAndTenant() {
    emulator = WorkerSystem.projectEntities();
    FakeTenant tenant = new FakeTenant();
    protectedGroup = tenant.addGroup("Break glass", tenant.addUser("breakglass@contoso.com")).id();
    graph = FakeGraphServer.start(tenant);
  }

  @AfterEach
  void stopEverything() {
    if (workers != null) {
      workers.close();
    }
    if (graph != null) {
      graph.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void printsTheTimeFromProcessStartToReady() throws Exception {
    List<Long> millis = new ArrayList<>();
    for (int run = 0; run < RUNS; run++) {
      String name = "worker-" + run;
      long started = System.nanoTime();
      Process worker = startWorker(name);
      // Polls often, so the time measured is the worker's, not the poll interval's.
      workers.awaitReady(worker, name, Duration.ofMillis(10));
      millis.add((System.nanoTime() - started) / 1_000_000);
      worker.destroy();
      assertTrue(worker.waitFor(30, TimeUnit.SECONDS), "the worker did not stop on SIGTERM");
    }
    List<Long> sorted = millis.stream().sorted().toList();
    System.out.println(
        "worker start to ready (process start to /health/ready 200, "
            + RUNS
            + " runs, ms): "
            + millis
            + "; median "
            + sorted.get(RUNS / 2)
            + " ms; "
            + Runtime.getRuntime().availableProcessors()
            + " cpus");
  }

  private Process startWorker(String name) throws IOException {
    if (workers == null) {
      workers = new WorkerProcesses(dir);
    }
    return workers.start(
        name,
        Map.of(
            "SERVICEBUS_CONNECTION_STRING",
            emulator.connectionString(),
            "SERVICEBUS_QUEUE",
            QUEUE,
            "SERVICEBUS_AUDIT_TOPIC",
            TOPIC,
            "GRAPH_BASE_URL",
            graph.baseUrl(),
            "GRAPH_AUTH",
            "none",
            "PROTECTED_GROUPS",
            protectedGroup,
            // Set explicitly, as every test rig does: its big events run as they did before
            // approvals.
            "APPROVAL_THRESHOLD",
            "10000000",
            "MAX_USERS_PER_HOUR",
            "1000000",
            "MAX_URGENT_USERS_PER_HOUR",
            "1000000",
            "HTTP_PORT",
            "0"));
  }
}
