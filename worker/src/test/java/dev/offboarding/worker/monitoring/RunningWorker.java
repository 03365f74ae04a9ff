package dev.offboarding.worker.monitoring;

import static org.awaitility.Awaitility.await;

import dev.offboarding.testkit.graph.FakeGraphCommand;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.cli.RunCommand;
import dev.offboarding.worker.testing.WorkerSystem;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker as {@code run} starts it, in this JVM on loopback ports: the embedded emulator with
 * the project's entities, the fake tenant seeded with the example tenant, and {@link RunCommand} on
 * a thread until {@link #close()}.
 */
final class RunningWorker implements AutoCloseable {
  final ServiceBusEmulator emulator = WorkerSystem.projectEntities();
  final FakeGraphServer graph;
  final Map<String, String> env = new HashMap<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<Void> stop = new CompletableFuture<>();
  private Thread thread;
  private int port = -1;

  RunningWorker() {
    try (InputStream seed =
        FakeGraphCommand.class.getResourceAsStream(FakeGraphCommand.EXAMPLE_SEED)) {
      graph = FakeGraphServer.start(FakeTenant.fromJson(seed));
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
    env.putAll(WorkerSystem.environment(emulator.connectionString(), graph.baseUrl()));
    // The example tenant's break-glass account, as `local` protects it.
    env.remove("ALLOW_UNPROTECTED");
    env.put("PROTECTED_USERS", "breakglass@contoso.com");
  }

  /** Starts {@code run} with {@link #env} (adjusted first) and waits until it serves HTTP. */
  RunningWorker start(Consumer<Map<String, String>> adjust) {
    adjust.accept(env);
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    Map<String, String> frozen = Map.copyOf(env);
    thread =
        Thread.ofPlatform().name("run").start(() -> RunCommand.run(frozen, print, print, stop));
    Pattern serving = Pattern.compile("HTTP on port (\\d+)");
    await().atMost(Duration.ofSeconds(60)).until(() -> serving.matcher(output()).find());
    Matcher m = serving.matcher(output());
    m.find();
    port = Integer.parseInt(m.group(1));
    return this;
  }

  String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  int port() {
    return port;
  }

  String get(String path) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                  HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    stop.complete(null);
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(60));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    graph.close();
    emulator.close();
  }
}
