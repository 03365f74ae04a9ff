package dev.offboarding.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What every run shares: whether it is the full or the short version, its seed, where it keeps what
 * it saw (logs, audit bodies, metrics, for R7's secret scan), and how it reports: one line of
 * figures on standard output and its JSON in {@code reliability/target/reliability/RUN.json},
 * merged into {@code reliability/target/reliability-results.json}.
 */
final class Runs {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Runs() {}

  /** {@code -Dreliability.full=true}: the full runs; otherwise the short ones CI runs. */
  static boolean full() {
    return Boolean.parseBoolean(System.getProperty("reliability.full", "false"));
  }

  /**
   * Starts a run: its seed ({@code -Dreliability.seed=N} when given, else one from the clock),
   * printed at once; the evidence an earlier run of the same name kept is removed.
   */
  static long seed(String run) {
    String given = System.getProperty("reliability.seed", "");
    long seed = given.isBlank() ? System.nanoTime() : Long.parseLong(given.trim());
    clearEvidence(run);
    // Printed first, so a run that fails before its figures can still be repeated.
    System.out.println(run + " seed " + seed + " (repeat with -Dreliability.seed=" + seed + ")");
    return seed;
  }

  /** Where the runs keep what they saw: logs, audit bodies, metrics scrapes, dead letters. */
  static Path out() {
    Path dir = Path.of(System.getProperty("reliability.out", "target/reliability"));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /**
   * Forgets what an earlier run of the same name kept, so each scan sees this build's evidence
   * only.
   */
  private static void clearEvidence(String run) {
    Path dir = out().resolve("evidence");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith(run + "-")).toList()) {
        Files.delete(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file of evidence of one run, e.g. {@code R1-worker-1.log}. */
  static Path evidence(String name) {
    return out().resolve("evidence").resolve(name);
  }

  static void saveEvidence(String name, String text) {
    try {
      Path file = evidence(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void appendEvidence(String name, String text) {
    try {
      Path file = evidence(name);
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          text,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Remembers a secret of a run (outside the evidence) for R7 to look for. */
  static synchronized void recordSecret(String secret) {
    try {
      Files.writeString(
          out().resolve("secrets.txt"),
          secret + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Prints the run's one line of figures and writes them as JSON.
   *
   * @param run e.g. {@code R1}
   * @param title what the run does, in a few words
   * @param figures in the order they are printed
   * @param goalsMet whether every goal of the run was met (the test then asserts each one)
   */
  static void report(
      String run, String title, long seed, Map<String, Object> figures, boolean goalsMet) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("run", run);
    all.put("title", title);
    all.put("version", full() ? "full" : "short");
    all.put("seed", seed);
    all.put("goalsMet", goalsMet);
    all.putAll(figures);
    StringBuilder line =
        new StringBuilder(run)
            .append(' ')
            .append(title)
            .append(" [")
            .append(full() ? "full" : "short")
            .append(", seed ")
            .append(seed)
            .append("]:");
    figures.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
    line.append(goalsMet ? " -> goals met" : " -> GOAL MISSED");
    System.out.println(line);
    try {
      Files.writeString(out().resolve(run + ".json"), JSON.writeValueAsString(all));
      ObjectNode merged = JSON.createObjectNode();
      Map<String, Path> files = new TreeMap<>();
      try (Stream<Path> s = Files.list(out())) {
        s.filter(p -> p.getFileName().toString().matches("R\\d\\.json"))
            .forEach(p -> files.put(p.getFileName().toString(), p));
      }
      for (Map.Entry<String, Path> e : files.entrySet()) {
        merged.set(e.getKey().replace(".json", ""), JSON.readTree(e.getValue().toFile()));
      }
      Path results =
          Path.of(System.getProperty("reliability.results", "target/reliability-results.json"));
      Files.writeString(results, JSON.writeValueAsString(merged));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
