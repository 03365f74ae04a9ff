package dev.offboarding.worker.monitoring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.offboarding.contracts.SampleEvents;
import dev.offboarding.worker.Main;
import dev.offboarding.worker.cli.ExitCode;
import dev.offboarding.worker.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every PromQL expression of the alert rules and the Grafana dashboard parses (promtool), and
 * every metric it names is one a running worker exports, so a renamed metric cannot silently
 * break an alert or a panel. The names come from the /metrics of a worker that processed
 * events; counters the worker registers on first use and that the run did not reach are taken
 * from {@link Metrics}' constants, and reported.
 */
class MonitoringArtifactsTest {
  /** Metrics of other exporters: Prometheus' own target health, and KEDA's view of the queue. */
  static final Set<String> EXTERNAL = Set.of("up", "keda_scaler_metrics_value");

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
      "on", "ignoring", "group_left", "group_right", "inf", "nan", "le");

  @TempDir Path dir;

  /** Alert name (or dashboard panel and ref) to expression. */
  static Map<String, String> expressions() throws IOException {
    Map<String, String> all = new LinkedHashMap<>();
    for (JsonNode group : YAML.readTree(DEPLOY.resolve("prometheus/alerts.yml").toFile()).get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        all.put("alert " + rule.get("alert").asText(), rule.get("expr").asText());
      }
    }
    for (JsonNode panel : JSON.readTree(DEPLOY.resolve("grafana/offboarding-worker.json").toFile()).get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        // Grafana's variables, as a dashboard would send them.
        String expr = target.get("expr").asText().replace("$__rate_interval", "5m").replace("$namespace", ".*");
        all.put("panel '" + panel.get("title").asText() + "' " + target.get("refId").asText(), expr);
      }
    }
    return all;
  }

  /** The metric names an expression selects (label names, functions, keywords and strings removed). */
  static Set<String> metricNames(String expr) {
    String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("\\{[^}]*\\}", "")
        .replaceAll("\\[[^\\]]*\\]", "")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(\\s*\\()?").matcher(s);
    while (m.find()) {
      if (m.group(2) == null && !PROMQL_WORDS.contains(m.group(1).toLowerCase(Locale.ROOT))) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  @Test
  void everyAlertLinksToItsOwnRunbookPage() throws IOException {
    Path root = Path.of("..");
    Set<String> alerts = new TreeSet<>();
    for (JsonNode group : YAML.readTree(DEPLOY.resolve("prometheus/alerts.yml").toFile()).get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        String alert = rule.get("alert").asText();
        alerts.add(alert);
        String url = rule.at("/annotations/runbook_url").asText();
        assertEquals("docs/runbooks/" + alert + ".md", url, alert);
        Path page = root.resolve(url);
        assertTrue(Files.isRegularFile(page), alert + ": no runbook page " + url);
        List<String> lines = Files.readAllLines(page);
        assertEquals("# " + alert, lines.get(0), url);
        for (String section : List.of("## What it means", "## First checks", "## Fixes")) {
          assertTrue(lines.contains(section), url + " has no '" + section + "'");
        }
      }
    }
    try (var pages = Files.list(root.resolve("docs/runbooks"))) {
      Set<String> named = pages.map(p -> p.getFileName().toString().replaceFirst("\\.md$", "")).collect(Collectors.toCollection(TreeSet::new));
      assertEquals(alerts, named, "one runbook page per alert, and no page without its alert");
    }
  }

  @Test
  void extractsMetricNamesFromPromQl() {
    assertEquals(Set.of("offboarding_time_to_revoke_seconds_bucket"), metricNames(
        "histogram_quantile(0.99, sum by (namespace, le) (rate(offboarding_time_to_revoke_seconds_bucket{type=\"compromise\"}[15m]))) > 60"));
    assertEquals(Set.of("keda_scaler_metrics_value", "offboarding_events_total"), metricNames(
        "(max by (namespace) (keda_scaler_metrics_value{a=\"b\"}) > 0) unless on (namespace) (sum(increase(offboarding_events_total[15m])) > 0)"));
    assertEquals(Set.of("up"), metricNames("absent(up{job=\"offboarding-worker\"} == 1)"));
  }

  @Test
  void promtoolAcceptsEveryExpression() throws Exception {
    Path promtool = Tools.require("promtool");
    Map<String, String> expressions = expressions();
    StringBuilder rules = new StringBuilder("groups:\n  - name: expressions\n    rules:\n");
    int i = 0;
    for (String expr : expressions.values()) {
      rules.append("      - record: check:expression_").append(i++).append("\n        expr: ")
          .append(JSON.writeValueAsString(expr)).append('\n');
    }
    Path file = Files.writeString(dir.resolve("expressions.yml"), rules);

    Process p = new ProcessBuilder(promtool.toString(), "check", "rules", file.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));

    assertEquals(0, p.exitValue(), "promtool rejected an expression (index = order of " + expressions.keySet()
        + "):\n" + output);
    assertTrue(output.contains("SUCCESS: " + expressions.size() + " rules found"), output);
  }

  @Test
  void everyMetricAnAlertOrPanelNamesIsOneTheWorkerExports() throws Exception {
    Set<String> scraped;
    try (RunningWorker worker = new RunningWorker().start(env -> {})) {
      for (String sample : List.of(SampleEvents.LEAVER_GROUP, SampleEvents.COMPROMISE_REVOKE_ONLY, SampleEvents.MALFORMED)) {
        send(worker, sample);
      }
      // Three events settled: two processed, one rejected.
      await().atMost(Duration.ofSeconds(60)).until(() -> worker.get("/metrics").lines()
          .filter(l -> l.startsWith(Metrics.EVENTS + "{"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum() >= 3);
      scraped = sampleNames(worker.get("/metrics"));
    }
    Set<String> constants = metricsConstants();
    Set<String> lazy = new TreeSet<>(constants);
    lazy.removeIf(c -> scraped.stream().anyMatch(s -> s.equals(c) || s.startsWith(c + "_")));
    System.out.println("metrics not reached by this run, taken from Metrics' constants: " + lazy);

    Map<String, Set<String>> unknown = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : expressions().entrySet()) {
      for (String name : metricNames(e.getValue())) {
        if (EXTERNAL.contains(name) || exported(name, scraped, constants)) {
          continue;
        }
        unknown.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(name);
      }
    }
    assertTrue(unknown.isEmpty(), "metrics the worker does not export: " + unknown
        + "\nexported: " + scraped);
    assertTrue(scraped.contains(Metrics.READY), "offboarding_ready is exported");
  }

  private static boolean exported(String name, Set<String> scraped, Set<String> constants) {
    if (scraped.contains(name) || constants.contains(name)) {
      return true;
    }
    // A histogram's series: NAME_bucket, NAME_count, NAME_sum of the family NAME.
    String family = name.replaceAll("_(bucket|count|sum)$", "");
    return !family.equals(name) && (constants.contains(family) || scraped.contains(family + "_bucket"));
  }

  private static void send(RunningWorker worker, String sample) throws IOException {
    Path file = Files.createTempFile("event", ".json");
    Files.write(file, SampleEvents.load(sample));
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(sink, true, StandardCharsets.UTF_8);
    int code = Main.run(new String[] {"send", file.toString()}, worker.env, print, print);
    if (sample.equals(SampleEvents.MALFORMED)) {
      // send refuses an invalid event; put it on the queue as a broken producer would.
      assertEquals(ExitCode.REJECTED, code);
      try (var sender = new com.azure.messaging.servicebus.ServiceBusClientBuilder()
          .connectionString(worker.emulator.connectionString()).sender().queueName("offboarding-events").buildClient()) {
        sender.sendMessage(new com.azure.messaging.servicebus.ServiceBusMessage(SampleEvents.load(sample)));
      }
    } else {
      assertEquals(ExitCode.OK, code, sink.toString(StandardCharsets.UTF_8));
    }
    Files.delete(file);
  }

  /** The sample names of a Prometheus text exposition. */
  static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('{');
      names.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
    }
    return names;
  }

  private static Set<String> metricsConstants() throws IllegalAccessException {
    Set<String> names = new TreeSet<>();
    List<Field> fields = new ArrayList<>(List.of(Metrics.class.getFields()));
    for (Field f : fields) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        String v = (String) f.get(null);
        if (v.startsWith("offboarding_")) {
          names.add(v);
        }
      }
    }
    return names;
  }
}
