package dev.offboarding.worker.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.servicebus.EmulatorConfig;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long the packaged worker takes from process start to {@code /health/ready} answering 200:
 * the jar runs as a child process against the embedded emulator and the fake tenant in this JVM,
 * with a protected group, so readiness includes the first load of the protected set. Printed, not
 * asserted: it measures the machine as much as the worker.
 */
class WorkerStartupIT {
  private static final String QUEUE = "offboarding-events";
  private static final String TOPIC = "offboarding-audit";
  private static final int RUNS = 3;
  private static final Pattern HTTP_PORT = Pattern.compile("HTTP on port (\\d+)");

  @TempDir Path dir;
  private final List<Process> workers = new ArrayList<>();
  private ServiceBusEmulator emulator;
  private FakeGraphServer graph;
  private String protectedGroup;

  @BeforeEach
  void startEmulatorAndTenant() {
    emulator = ServiceBusEmulator.start(EmulatorConfig.fromJson(Path.of("..", "deploy", "servicebus", "config.json")),
        0);
    FakeTenant tenant = new FakeTenant();
    protectedGroup = tenant.addGroup("Break glass", tenant.addUser("breakglass@contoso.com")).id();
    graph = FakeGraphServer.start(tenant);
  }

  @AfterEach
  void stopEverything() {
    for (Process worker : workers) {
      worker.destroyForcibly();
    }
    for (Process worker : workers) {
      try {
        worker.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
      awaitReady(worker, name);
      millis.add((System.nanoTime() - started) / 1_000_000);
      worker.destroy();
      assertTrue(worker.waitFor(30, TimeUnit.SECONDS), "the worker did not stop on SIGTERM");
    }
    List<Long> sorted = millis.stream().sorted().toList();
    System.out.println("worker start to ready (process start to /health/ready 200, " + RUNS + " runs, ms): "
        + millis + "; median " + sorted.get(RUNS / 2) + " ms; "
        + Runtime.getRuntime().availableProcessors() + " cpus");
  }

  private Process startWorker(String name) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    ProcessBuilder pb = new ProcessBuilder(java, "-jar", System.getProperty("worker.jar"), "run")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.remove("SERVICEBUS_NAMESPACE");
    env.put("SERVICEBUS_CONNECTION_STRING", emulator.connectionString());
    env.put("SERVICEBUS_QUEUE", QUEUE);
    env.put("SERVICEBUS_AUDIT_TOPIC", TOPIC);
    env.put("GRAPH_BASE_URL", graph.baseUrl());
    env.put("GRAPH_AUTH", "none");
    env.put("PROTECTED_GROUPS", protectedGroup);
    env.put("HTTP_PORT", "0");
    Process process = pb.start();
    workers.add(process);
    return process;
  }

  /** Polls often, so the time measured is the worker's, not the poll interval's. */
  private void awaitReady(Process worker, String name) {
    int[] port = {-1};
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> {
      assertTrue(worker.isAlive(), name + " worker exited:\n" + output(name));
      if (port[0] < 0) {
        Matcher m = HTTP_PORT.matcher(output(name));
        if (!m.find()) {
          return false;
        }
        port[0] = Integer.parseInt(m.group(1));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port[0]
            + "/health/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode() == 200;
      } catch (IOException e) {
        return false;
      }
    });
  }

  private String output(String name) throws IOException {
    Path log = dir.resolve(name + ".log");
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
