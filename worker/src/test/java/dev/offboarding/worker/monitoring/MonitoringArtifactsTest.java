package dev.offboarding.worker.monitoring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.offboarding.worker.metrics.Metrics;
import java.io.IOException;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every PromQL expression of the alert rules and the Grafana dashboard parses (promtool), and every
 * series it reads is one a running worker exports from its start, before any event, so a renamed
 * metric or a label value registered only on first use cannot silently break an alert or a panel.
 */
class MonitoringArtifactsTest {
  /** Metrics of other exporters: Prometheus' own target health, and KEDA's view of the queue. */
  static final Set<String> EXTERNAL = Set.of("up", "keda_scaler_metrics_value");

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan",
          "le");

  @TempDir Path dir;

  /** Alert name (or dashboard panel and ref) to expression. */
  static Map<String, String> expressions() throws IOException {
    Map<String, String> all = new LinkedHashMap<>();
    for (JsonNode group :
        YAML.readTree(DEPLOY.resolve("prometheus/alerts.yml").toFile()).get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        all.put("alert " + rule.get("alert").asText(), rule.get("expr").asText());
      }
    }
    for (JsonNode panel :
        JSON.readTree(DEPLOY.resolve("grafana/offboarding-worker.json").toFile()).get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        // Grafana's variables, as a dashboard would send them.
        String expr =
            target
                .get("expr")
                .asText()
                .replace("$__rate_interval", "5m")
                .replace("$namespace", ".*");
        all.put(
            "panel '" + panel.get("title").asText() + "' " + target.get("refId").asText(), expr);
      }
    }
    return all;
  }

  /**
   * The metric names an expression selects (label names, functions, keywords and strings removed).
   */
  static Set<String> metricNames(String expr) {
    String s =
        expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
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
    for (JsonNode group :
        YAML.readTree(DEPLOY.resolve("prometheus/alerts.yml").toFile()).get("groups")) {
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
      Set<String> named =
          pages
              .map(p -> p.getFileName().toString().replaceFirst("\\.md$", ""))
              .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(alerts, named, "one runbook page per alert, and no page without its alert");
    }
  }

  @Test
  void extractsMetricNamesFromPromQl() {
    assertEquals(
        Set.of("offboarding_time_to_revoke_seconds_bucket"),
        metricNames(
            "histogram_quantile(0.99, sum by (namespace, le) (rate(offboarding_time_to_revoke_seconds_bucket{type=\"compromise\"}[15m]))) > 60"));
    assertEquals(
        Set.of("keda_scaler_metrics_value", "offboarding_events_total"),
        metricNames(
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
      rules
          .append("      - record: check:expression_")
          .append(i++)
          .append("\n        expr: ")
          .append(JSON.writeValueAsString(expr))
          .append('\n');
    }
    Path file = Files.writeString(dir.resolve("expressions.yml"), rules);

    Process p =
        new ProcessBuilder(promtool.toString(), "check", "rules", file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));

    assertEquals(
        0,
        p.exitValue(),
        "promtool rejected an expression (index = order of "
            + expressions.keySet()
            + "):\n"
            + output);
    assertTrue(output.contains("SUCCESS: " + expressions.size() + " rules found"), output);
  }

  @Test
  void extractsSelectorsAndTheirMatchersFromPromQl() {
    assertEquals(
        List.of(
            new Selector(
                "offboarding_events_total",
                List.of(new LabelMatcher("outcome", "=~", "FAILED|PARTIAL"))),
            new Selector("offboarding_events_total", List.of())),
        selectors(
            "sum by (namespace, type, outcome) (offboarding_events_total{outcome=~\"FAILED|PARTIAL\"}"
                + " unless offboarding_events_total offset 15m) > 0"));
    assertEquals(
        List.of(new Selector("up", List.of(new LabelMatcher("job", "=", "offboarding-worker")))),
        selectors("absent(up{job=\"offboarding-worker\"} == 1)"));
    assertEquals(
        Set.of("type", "outcome"),
        groupingLabels("sum by (type, outcome) (rate(x[5m])) / on (namespace) y"));
    assertEquals(
        List.of(Map.of("outcome", "FAILED"), Map.of("outcome", "PARTIAL")),
        selectors("x{outcome=~\"FAILED|PARTIAL\", namespace=~\".*\"}").get(0).wanted());
  }

  /**
   * A worker that has just started, before any event, already exports every series an alert rule or
   * a dashboard panel reads: every metric it names, with every label value it matches on (each
   * alternative of a regex like {@code FAILED|PARTIAL}), and the labels it groups by; and every
   * metric of {@link Metrics}. Were one missing, the first failure after a start would be a series
   * born at 1, which {@code increase()} does not see.
   */
  @Test
  void everySeriesAnAlertOrPanelReadsExistsBeforeAnyEvent() throws Exception {
    String exposition;
    try (RunningWorker worker = new RunningWorker().start(env -> {})) {
      // Ready: the gauges of the protected set, the brake and readiness are registered by then.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> worker.get("/metrics").contains("\n" + Metrics.READY + " 1.0"));
      exposition = worker.get("/metrics");
    }
    List<Series> series = parse(exposition);
    assertTrue(
        series.stream().noneMatch(s -> s.name().equals(Metrics.EVENTS) && !s.value().equals("0.0")),
        "no event was settled yet:\n" + exposition);

    List<String> missing = new ArrayList<>();
    for (String constant : metricsConstants()) {
      String sample = constant.equals(Metrics.TIME_TO_REVOKE) ? constant + "_bucket" : constant;
      if (series.stream().noneMatch(s -> s.name().equals(sample))) {
        missing.add("Metrics' " + constant + " is not exported before any event");
      }
    }
    for (Map.Entry<String, String> e : expressions().entrySet()) {
      Set<String> labelsSeen = new TreeSet<>();
      boolean external = false;
      for (Selector selector : selectors(e.getValue())) {
        if (EXTERNAL.contains(selector.name())) {
          external = true;
          continue;
        }
        List<Series> named = series.stream().filter(s -> s.name().equals(selector.name())).toList();
        named.forEach(s -> labelsSeen.addAll(s.labels().keySet()));
        for (Map<String, String> wanted : selector.wanted()) {
          if (named.stream().noneMatch(s -> selector.matches(s, wanted))) {
            missing.add(
                e.getKey()
                    + ": no series "
                    + selector.name()
                    + wanted
                    + " matching "
                    + selector.matchers());
          }
        }
      }
      if (!external) {
        for (String label : groupingLabels(e.getValue())) {
          if (!labelsSeen.contains(label)) {
            missing.add(
                e.getKey() + ": groups by '" + label + "', which no series it reads carries");
          }
        }
      }
    }
    System.out.println(series.size() + " series exported before any event");
    assertTrue(
        missing.isEmpty(),
        String.join("\n", missing) + "\nexported before any event:\n" + exposition);
  }

  /**
   * Labels Prometheus attaches to the target (the ServiceMonitor's), and a histogram's bucket
   * bound.
   */
  private static final Set<String> TARGET_LABELS =
      Set.of("namespace", "pod", "job", "instance", "le");

  /** One label matcher of a selector. */
  record LabelMatcher(String label, String op, String value) {
    boolean test(String actual) {
      String v = actual == null ? "" : actual;
      return switch (op) {
        case "=" -> v.equals(value);
        case "!=" -> !v.equals(value);
        case "=~" -> v.matches(value);
        case "!~" -> !v.matches(value);
        default -> throw new IllegalArgumentException(op);
      };
    }
  }

  /** A PromQL vector selector: metric name and label matchers. */
  record Selector(String name, List<LabelMatcher> matchers) {
    /**
     * The label values that must each have a series: for every {@code =} matcher its value, for
     * every {@code =~} matcher that is an alternation of literals each alternative (one combination
     * per alternative). Target labels are Prometheus', not the worker's, and are left out.
     */
    List<Map<String, String>> wanted() {
      List<Map<String, String>> all = new ArrayList<>(List.of(Map.of()));
      for (LabelMatcher m : matchers) {
        if (TARGET_LABELS.contains(m.label())) {
          continue;
        }
        List<String> values;
        if (m.op().equals("=")) {
          values = List.of(m.value());
        } else if (m.op().equals("=~")
            && m.value().matches("[A-Za-z0-9_.-]+(\\|[A-Za-z0-9_.-]+)*")) {
          values = List.of(m.value().split("\\|"));
        } else {
          continue;
        }
        List<Map<String, String>> next = new ArrayList<>();
        for (Map<String, String> partial : all) {
          for (String v : values) {
            Map<String, String> more = new TreeMap<>(partial);
            more.put(m.label(), v);
            next.add(more);
          }
        }
        all = next;
      }
      return all;
    }

    boolean matches(Series s, Map<String, String> wanted) {
      return wanted.entrySet().stream()
              .allMatch(w -> w.getValue().equals(s.labels().get(w.getKey())))
          && matchers.stream()
              .filter(m -> !TARGET_LABELS.contains(m.label()))
              .allMatch(m -> m.test(s.labels().get(m.label())));
    }
  }

  /** One sample of a Prometheus text exposition. */
  record Series(String name, Map<String, String> labels, String value) {}

  static List<Series> parse(String exposition) {
    List<Series> all = new ArrayList<>();
    Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int close = line.lastIndexOf('}');
      Map<String, String> labels = new TreeMap<>();
      String name;
      if (brace >= 0) {
        name = line.substring(0, brace);
        Matcher m = label.matcher(line.substring(brace + 1, close));
        while (m.find()) {
          labels.put(m.group(1), m.group(2));
        }
      } else {
        name = line.substring(0, line.indexOf(' '));
      }
      String rest = line.substring(brace >= 0 ? close + 1 : name.length()).trim();
      all.add(new Series(name, labels, rest.split("\\s+")[0]));
    }
    return all;
  }

  /**
   * The vector selectors of an expression, in order (functions, keywords and groupings left out).
   */
  static List<Selector> selectors(String expr) {
    String s =
        expr.replaceAll("\\[[^\\]]*\\]", "")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
    List<Selector> all = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?<![\\w:\"])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\})?(\\s*\\()?")
            .matcher(s);
    Pattern matcher =
        Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    while (m.find()) {
      if (m.group(3) != null || PROMQL_WORDS.contains(m.group(1).toLowerCase(Locale.ROOT))) {
        continue;
      }
      List<LabelMatcher> matchers = new ArrayList<>();
      if (m.group(2) != null) {
        Matcher each = matcher.matcher(m.group(2));
        while (each.find()) {
          matchers.add(new LabelMatcher(each.group(1), each.group(2), each.group(3)));
        }
      }
      all.add(new Selector(m.group(1), matchers));
    }
    return all;
  }

  /** The labels an expression aggregates {@code by}, other than the target's. */
  static Set<String> groupingLabels(String expr) {
    Set<String> labels = new TreeSet<>();
    Matcher m = Pattern.compile("\\bby\\s*\\(([^)]*)\\)").matcher(expr);
    while (m.find()) {
      for (String l : m.group(1).split(",")) {
        if (!l.isBlank() && !TARGET_LABELS.contains(l.trim())) {
          labels.add(l.trim());
        }
      }
    }
    return labels;
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
