package dev.offboarding.worker.monitoring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offboarding.contracts.SampleEvents;
import dev.offboarding.worker.Main;
import dev.offboarding.worker.OneLineFormatter;
import dev.offboarding.worker.cli.ExitCode;
import dev.offboarding.worker.cli.Preflight;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (the Debian package's binary) scrapes a running worker with the project's alert
 * rules, their {@code for:} durations cut to one second: OffboardingWorkerNotReady is inactive
 * while the worker is not yet there, and fires once a worker whose token lacks a Graph permission
 * serves {@code offboarding_ready 0}; OffboardingEventsFailing fires for the very first event that
 * fails after a worker started. Loopback only; both on ephemeral ports.
 */
class PrometheusScrapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  // Held strongly: java.util.logging keeps loggers weakly, and a collected one would lose the
  // handler.
  private final Logger eventLog = Logger.getLogger("dev.offboarding.worker.flow.EventLog");

  @TempDir Path dir;

  @Test
  void theNotReadyAlertGoesFromInactiveToFiringWhenAWorkerLacksAPermission() throws Exception {
    int workerPort = freePort();
    try (Prometheus prometheus = startPrometheus(workerPort)) {
      // The target is down and the rule has been evaluated: the alert is inactive.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  prometheus
                          .ruleState("OffboardingWorkerNotReady")
                          .filter(s -> s.equals("inactive"))
                          .isPresent()
                      && prometheus.query("up{job=\"offboarding-worker\"}").equals("0"));

      try (RunningWorker worker =
          new RunningWorker()
              .start(
                  env -> {
                    env.put("HTTP_PORT", Integer.toString(workerPort));
                    env.put(
                        Preflight.STATIC_TOKEN_VARIABLE,
                        token(
                            "User.EnableDisableAccount.All",
                            "User.Read.All",
                            "GroupMember.Read.All"));
                  })) {
        assertTrue(worker.output().contains("not ready"), worker.output());

        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    prometheus
                        .ruleState("OffboardingWorkerNotReady")
                        .filter(s -> s.equals("firing"))
                        .isPresent());

        assertEquals("0", prometheus.query("offboarding_ready{pod=\"worker-under-test\"}"));
      }
    }
  }

  /**
   * The first failed event after a start alerts: Prometheus has scraped the worker's {@code FAILED}
   * series at 0 before the event, so the failure is an increase. The event is a compromise event
   * whose only user's writes Graph refuses (403), as a missing permission would.
   */
  @Test
  void theFirstFailedEventAfterAStartFiresEventsFailing() throws Exception {
    int workerPort = freePort();
    try (Prometheus prometheus = startPrometheus(workerPort);
        RunningWorker worker =
            new RunningWorker().start(env -> env.put("HTTP_PORT", Integer.toString(workerPort)))) {
      String failed =
          "offboarding_events_total{pod=\"worker-under-test\", type=\"compromise\", outcome=\"FAILED\"}";
      // Scraped at 0 and evaluated: nothing fires yet.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  prometheus.query(failed).equals("0")
                      && prometheus
                          .ruleState("OffboardingEventsFailing")
                          .filter(s -> s.equals("inactive"))
                          .isPresent());

      worker.graph.faults().forceStatus("bob@contoso.com", 403);
      List<String> lines = new CopyOnWriteArrayList<>();
      Handler capture =
          new Handler() {
            @Override
            public void publish(LogRecord record) {
              lines.add(new OneLineFormatter().format(record));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
          };
      eventLog.addHandler(capture);
      try {
        send(worker, SampleEvents.COMPROMISE_REVOKE_ONLY);
        // The operator's first look: the event's one line says it failed, with counts, not users.
        await().atMost(Duration.ofSeconds(60)).until(() -> !lines.isEmpty());
      } finally {
        eventLog.removeHandler(capture);
      }
      assertEquals(1, lines.size(), lines.toString());
      String id =
          JSON.readTree(SampleEvents.load(SampleEvents.COMPROMISE_REVOKE_ONLY)).get("id").asText();
      assertTrue(
          lines
              .get(0)
              .contains(
                  " INFO dev.offboarding.worker.flow.EventLog - event "
                      + id
                      + " finished: type=compromise queue=offboarding-urgent status=FAILED"
                      + " final=true users=FORBIDDEN:1 durationMs="),
          lines.get(0));
      assertFalse(lines.get(0).contains("bob"), lines.get(0));

      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  prometheus
                      .ruleState("OffboardingEventsFailing")
                      .filter(s -> s.equals("firing"))
                      .isPresent());
      assertEquals("1", prometheus.query(failed));
      JsonNode alert = prometheus.alerts("OffboardingEventsFailing").get(0);
      assertEquals("compromise", alert.at("/labels/type").asText());
      assertEquals("FAILED", alert.at("/labels/outcome").asText());
      assertEquals("offboarding", alert.at("/labels/namespace").asText());
    }
  }

  private static void send(RunningWorker worker, String sample) throws IOException {
    Path file = Files.createTempFile("event", ".json");
    try {
      Files.write(file, SampleEvents.load(sample));
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      PrintStream print = new PrintStream(sink, true, StandardCharsets.UTF_8);
      int code = Main.run(new String[] {"send", file.toString()}, worker.env, print, print);
      assertEquals(ExitCode.OK, code, sink.toString(StandardCharsets.UTF_8));
    } finally {
      Files.delete(file);
    }
  }

  /**
   * Prometheus with the project's rules ({@code for:} cut to 1 s), scraping {@code workerPort}
   * every second.
   */
  private Prometheus startPrometheus(int workerPort) throws Exception {
    Path binary = Tools.require("prometheus");
    int prometheusPort = freePort();
    String rules =
        Files.readString(Path.of("..", "deploy", "prometheus", "alerts.yml"))
            .replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 1s");
    Files.writeString(dir.resolve("alerts.yml"), rules);
    Files.writeString(
        dir.resolve("prometheus.yml"),
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - alerts.yml
        scrape_configs:
          - job_name: offboarding-worker
            static_configs:
              - targets: ["127.0.0.1:%d"]
                labels:
                  namespace: offboarding
                  pod: worker-under-test
        """
            .formatted(workerPort));
    Process server =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    Prometheus prometheus =
        new Prometheus(server, URI.create("http://127.0.0.1:" + prometheusPort));
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> prometheus.get("/-/ready").statusCode() == 200);
    } catch (RuntimeException e) {
      prometheus.close();
      throw e;
    }
    return prometheus;
  }

  /** A running Prometheus server and its HTTP API. */
  private final class Prometheus implements AutoCloseable {
    private final Process server;
    private final URI base;

    Prometheus(Process server, URI base) {
      this.server = server;
      this.base = base;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return http.send(
          HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** The state of the alert rule once it has been evaluated at least once. */
    Optional<String> ruleState(String alert) throws IOException, InterruptedException {
      JsonNode groups = JSON.readTree(get("/api/v1/rules?type=alert").body()).at("/data/groups");
      for (JsonNode group : groups) {
        for (JsonNode rule : group.get("rules")) {
          if (rule.get("name").asText().equals(alert)
              && !rule.path("lastEvaluation").asText().startsWith("0001")) {
            return Optional.of(rule.get("state").asText());
          }
        }
      }
      return Optional.empty();
    }

    /** The active alerts of the rule. */
    JsonNode alerts(String alert) throws IOException, InterruptedException {
      JsonNode groups = JSON.readTree(get("/api/v1/rules?type=alert").body()).at("/data/groups");
      for (JsonNode group : groups) {
        for (JsonNode rule : group.get("rules")) {
          if (rule.get("name").asText().equals(alert)) {
            return rule.get("alerts");
          }
        }
      }
      throw new AssertionError("no rule " + alert);
    }

    /** The value of an instant query with one result, or "" when it has none. */
    String query(String promql) throws IOException, InterruptedException {
      String q = java.net.URLEncoder.encode(promql, StandardCharsets.UTF_8);
      JsonNode result = JSON.readTree(get("/api/v1/query?query=" + q).body()).at("/data/result");
      return result.isEmpty() ? "" : result.get(0).at("/value/1").asText();
    }

    @Override
    public void close() {
      server.destroy();
      try {
        server.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String token(String... roles) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String claims = "{\"roles\":[\"" + String.join("\",\"", roles) + "\"]}";
    return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8))
        + ".";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
