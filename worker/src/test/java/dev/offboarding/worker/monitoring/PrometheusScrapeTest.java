package dev.offboarding.worker.monitoring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offboarding.worker.cli.Preflight;
import java.io.IOException;
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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (the Debian package's binary) scrapes a running worker with the project's
 * alert rules, their {@code for:} durations cut to one second: OffboardingWorkerNotReady is
 * inactive while the worker is not yet there, and fires once a worker whose token lacks a Graph
 * permission serves {@code offboarding_ready 0}. Loopback only; both on ephemeral ports.
 */
class PrometheusScrapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALERT = "OffboardingWorkerNotReady";
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void theNotReadyAlertGoesFromInactiveToFiringWhenAWorkerLacksAPermission() throws Exception {
    Path prometheus = Tools.require("prometheus");
    int workerPort = freePort();
    int prometheusPort = freePort();
    String rules = Files.readString(Path.of("..", "deploy", "prometheus", "alerts.yml"))
        .replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 1s");
    Files.writeString(dir.resolve("alerts.yml"), rules);
    Files.writeString(dir.resolve("prometheus.yml"), """
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
        """.formatted(workerPort));
    Process server = new ProcessBuilder(prometheus.toString(),
        "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + prometheusPort)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    URI base = URI.create("http://127.0.0.1:" + prometheusPort);
    try {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> get(base.resolve("/-/ready")).statusCode() == 200);
      // The target is down and the rule has been evaluated: the alert is inactive.
      await().atMost(Duration.ofSeconds(30)).until(() -> ruleState(base).filter(s -> s.equals("inactive")).isPresent()
          && query(base, "up{job=\"offboarding-worker\"}").equals("0"));

      try (RunningWorker worker = new RunningWorker().start(env -> {
        env.put("HTTP_PORT", Integer.toString(workerPort));
        env.put(Preflight.STATIC_TOKEN_VARIABLE, token("User.EnableDisableAccount.All", "User.Read.All",
            "GroupMember.Read.All"));
      })) {
        assertTrue(worker.output().contains("not ready"), worker.output());

        await().atMost(Duration.ofSeconds(60)).until(() -> ruleState(base).filter(s -> s.equals("firing")).isPresent());

        assertEquals("0", query(base, "offboarding_ready{pod=\"worker-under-test\"}"));
      }
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  private static String token(String... roles) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String claims = "{\"roles\":[\"" + String.join("\",\"", roles) + "\"]}";
    return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The state of the alert rule once it has been evaluated at least once. */
  private Optional<String> ruleState(URI base) throws IOException, InterruptedException {
    JsonNode groups = JSON.readTree(get(base.resolve("/api/v1/rules?type=alert")).body()).at("/data/groups");
    for (JsonNode group : groups) {
      for (JsonNode rule : group.get("rules")) {
        if (rule.get("name").asText().equals(ALERT) && !rule.path("lastEvaluation").asText().startsWith("0001")) {
          return Optional.of(rule.get("state").asText());
        }
      }
    }
    return Optional.empty();
  }

  /** The value of an instant query with one result, or "" when it has none. */
  private String query(URI base, String promql) throws IOException, InterruptedException {
    String q = java.net.URLEncoder.encode(promql, StandardCharsets.UTF_8);
    JsonNode result = JSON.readTree(get(base.resolve("/api/v1/query?query=" + q)).body()).at("/data/result");
    return result.isEmpty() ? "" : result.get(0).at("/value/1").asText();
  }
}
