package dev.offboarding.worker.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packaged worker jars ({@code java -jar worker/target/offboarding-worker.jar run}, the path in the
 * {@code worker.jar} system property) run as child processes for tests, each logging to a file of
 * its own; {@link #close()} kills every one of them, whatever the test's outcome. A child inherits
 * none of the test process's Service Bus, Azure, Graph or protection variables: it runs with the
 * configuration it is given.
 */
public class WorkerProcesses implements AutoCloseable {
  private static final Pattern HTTP_PORT = Pattern.compile("HTTP on port (\\d+)");

  private final Path logs;
  private final List<Process> started = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public WorkerProcesses(Path logs) {
    this.logs = logs;
  }

  /** Starts {@code run} with this configuration; its output goes to {@code name.log}. */
  public Process start(String name, Map<String, String> env) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    ProcessBuilder pb =
        new ProcessBuilder(java, "-jar", System.getProperty("worker.jar"), "run")
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve(name + ".log").toFile());
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("SERVICEBUS_")
                    || k.startsWith("AZURE_")
                    || k.startsWith("GRAPH_")
                    || k.startsWith("PROTECTED_")
                    || k.equals("ALLOW_UNPROTECTED"));
    pb.environment().putAll(env);
    Process process = pb.start();
    started.add(process);
    return process;
  }

  /**
   * Waits until the worker says which port it serves and answers ready there, polling every {@code
   * poll}; returns the port. Fails at once, with its output, if the worker exits.
   */
  public int awaitReady(Process worker, String name, Duration poll) {
    int[] port = {-1};
    await()
        .atMost(Duration.ofSeconds(60))
        .pollDelay(Duration.ZERO)
        .pollInterval(poll)
        .until(
            () -> {
              assertTrue(worker.isAlive(), name + " worker exited:\n" + output(name));
              if (port[0] < 0) {
                Matcher m = HTTP_PORT.matcher(output(name));
                if (!m.find()) {
                  return false;
                }
                port[0] = Integer.parseInt(m.group(1));
              }
              return get(port[0], "/health/ready").map(r -> r.statusCode() == 200).orElse(false);
            });
    return port[0];
  }

  /** A GET to a worker's HTTP port, or empty when it did not answer. */
  public Optional<HttpResponse<String>> get(int port, String path) {
    try {
      return Optional.of(
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** What the worker printed so far. */
  public String output(String name) throws IOException {
    Path log = logs.resolve(name + ".log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() {
    for (Process worker : started) {
      worker.destroyForcibly();
    }
    for (Process worker : started) {
      try {
        worker.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
