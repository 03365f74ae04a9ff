package dev.offboarding.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * R7: every log line (the worker processes' output and the in-process workers' log records), audit
 * message, dead-letter description and metrics scrape the runs before it kept, scanned for secrets:
 * each run's connection-string key (random per run), the client secret planted in the worker
 * processes' environment, and anything shaped like a shared access signature, a connection string's
 * key, a bearer token or a JWT. Goal: no hit. Runs after R1 to R6 (the module runs them in name
 * order).
 */
class R7SecretScanIT {
  private static final Map<String, Pattern> SHAPES =
      Map.of(
          "shared access signature",
              Pattern.compile("SharedAccessSignature\\s+sr=|[?&]sig=[A-Za-z0-9%+/=]{10,}"),
          "connection string key", Pattern.compile("SharedAccessKey=(?!\\*|<|\\$\\{)[^;\\s\"]{8,}"),
          "bearer token", Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/-]{20,}"),
          "JWT", Pattern.compile("eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\."),
          "client secret",
              Pattern.compile("(?i)client[_-]?secret\\s*[=:]\\s*\"?[A-Za-z0-9~._-]{16,}"));

  @Test
  void findsNoSecretInAnyLogAuditOrMetricOfTheRuns() throws IOException {
    long seed = Runs.seed("R7");
    Path secretsFile = Runs.out().resolve("secrets.txt");
    Path evidence = Runs.out().resolve("evidence");
    assertTrue(
        Files.exists(secretsFile) && Files.isDirectory(evidence),
        "run R1 to R4 first: nothing to scan");
    List<String> secrets =
        Files.readAllLines(secretsFile).stream().filter(s -> !s.isBlank()).distinct().toList();
    // The scanner itself is checked first: a line leaking each kind must be caught.
    String planted =
        "Endpoint=sb://localhost:1;SharedAccessKeyName=k;SharedAccessKey="
            + Rig.randomKey()
            + " Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2ln"
            + " SharedAccessSignature sr=sb%3a%2f%2flocalhost&sig=abcdefghijklmnop%3d&se=1";
    long caught = SHAPES.values().stream().filter(p -> p.matcher(planted).find()).count();
    assertTrue(caught >= 4, "the scanner misses planted secrets");
    List<Path> files;
    try (Stream<Path> s = Files.list(evidence)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    long lines = 0;
    long bytes = 0;
    List<String> hits = new ArrayList<>();
    Map<String, Integer> byKind = new LinkedHashMap<>();
    for (Path file : files) {
      String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      bytes += text.length();
      lines += text.lines().count();
      hits.addAll(hits(file.getFileName().toString(), text, secrets, byKind));
    }
    hits.forEach(h -> Runs.appendEvidence("R7-hits.txt", h + "\n"));

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("files", files.size());
    figures.put("lines", lines);
    figures.put("characters", bytes);
    figures.put("secretsLookedFor", secrets.size());
    figures.put("hits", hits.size());
    figures.put("hitsByKind", byKind);
    Runs.report(
        "R7",
        "secret scan of logs, audit, metrics",
        seed,
        figures,
        hits.isEmpty() && !files.isEmpty());

    assertTrue(files.size() > 0, "no evidence to scan");
    assertEquals(List.of(), hits.stream().limit(10).toList(), "secrets in the runs' output");
  }

  /**
   * What of {@code text} (the file {@code name}) is a run's secret or has a secret's shape, each
   * counted by kind in {@code byKind}. For runs after this one in name order, which scan what they
   * kept themselves.
   */
  static List<String> hits(
      String name, String text, List<String> secrets, Map<String, Integer> byKind) {
    List<String> hits = new ArrayList<>();
    for (String secret : secrets) {
      if (text.contains(secret)) {
        hits.add(name + ": a run's secret");
        byKind.merge("run secret", 1, Integer::sum);
      }
    }
    for (Map.Entry<String, Pattern> shape : SHAPES.entrySet()) {
      var m = shape.getValue().matcher(text);
      while (m.find()) {
        hits.add(name + ": " + shape.getKey() + " at " + m.start());
        byKind.merge(shape.getKey(), 1, Integer::sum);
      }
    }
    return hits;
  }

  /** The secrets every run so far recorded. */
  static List<String> secrets() throws IOException {
    Path secretsFile = Runs.out().resolve("secrets.txt");
    return Files.exists(secretsFile)
        ? Files.readAllLines(secretsFile).stream().filter(s -> !s.isBlank()).distinct().toList()
        : List.of();
  }
}
