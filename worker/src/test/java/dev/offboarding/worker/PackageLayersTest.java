package dev.offboarding.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The worker's packages, read from its sources: the steps of the flow know no SDK, and the front of
 * the flow (the tenant port, protection, planning, verification, audit) never reaches for a later
 * step, so each can be read and changed without the rest.
 */
class PackageLayersTest {
  private static final Path SOURCES =
      Path.of("src", "main", "java", "dev", "offboarding", "worker");
  private static final String OWN = "dev.offboarding.worker.";

  /** The steps of the flow: plain Java over ports. */
  private static final Set<String> DOMAIN =
      Set.of(
          "intake",
          "tenant",
          "plan",
          "protection",
          "guard",
          "execute",
          "verify",
          "continuation",
          "scheduling",
          "lifecycle",
          "watch",
          "audit",
          "process");

  /** Libraries that stop at the adapters ({@code codec} holds the JSON). */
  private static final List<String> SDKS =
      List.of(
          "com.azure.",
          "com.microsoft.",
          "okhttp3.",
          "reactor.",
          "io.micrometer.",
          "io.github.resilience4j.",
          "com.fasterxml.jackson.");

  /** The front of the flow and all it may use of the worker's other packages. */
  private static final Map<String, Set<String>> FRONT =
      Map.of(
          "tenant", Set.of(),
          "audit", Set.of(),
          "protection", Set.of("tenant"),
          "verify", Set.of("tenant"),
          "plan", Set.of("tenant", "protection", "audit"));

  private static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+(?:static\\s+)?([\\w.]+)");
  private static final Pattern OWN_NAME =
      Pattern.compile("\\bdev\\.offboarding\\.worker\\.([a-z]+)\\.");

  @Test
  void theStepsOfTheFlowImportNoSdk() throws IOException {
    Map<String, Set<String>> found = new TreeMap<>();
    for (String pkg : DOMAIN) {
      for (Path file : sources(pkg)) {
        for (String name : names(file)) {
          if (SDKS.stream().anyMatch(name::startsWith)) {
            found.computeIfAbsent(pkg + "/" + file.getFileName(), k -> new TreeSet<>()).add(name);
          }
        }
      }
    }
    assertEquals(Map.of(), found, "SDK types in the steps of the flow");
  }

  @Test
  void theFrontOfTheFlowUsesNothingThatComesAfterIt() throws IOException {
    Map<String, Set<String>> found = new TreeMap<>();
    for (Map.Entry<String, Set<String>> front : FRONT.entrySet()) {
      String pkg = front.getKey();
      for (Path file : sources(pkg)) {
        for (String used : workerPackages(file)) {
          if (!used.equals(pkg) && !front.getValue().contains(used)) {
            found.computeIfAbsent(pkg + "/" + file.getFileName(), k -> new TreeSet<>()).add(used);
          }
        }
      }
    }
    assertEquals(Map.of(), found, "packages the front of the flow may not use");
  }

  private static List<Path> sources(String pkg) throws IOException {
    Path dir = SOURCES.resolve(pkg);
    assertTrue(Files.isDirectory(dir), dir + " is missing: update this test with the packages");
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> java = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
      assertTrue(java.size() > 1, dir + " holds no sources");
      return java;
    }
  }

  /** Every imported name and every fully qualified name of the worker's own, outside comments. */
  private static List<String> names(Path file) throws IOException {
    String code = code(file);
    List<String> names = new ArrayList<>();
    Matcher m = IMPORT.matcher(code);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Set<String> workerPackages(Path file) throws IOException {
    Set<String> packages = new TreeSet<>();
    Matcher m = OWN_NAME.matcher(code(file));
    while (m.find()) {
      packages.add(m.group(1));
    }
    return packages;
  }

  /** The source without comments and string literals, so that prose names nothing. */
  private static String code(Path file) throws IOException {
    String s = Files.readString(file);
    s = s.replaceAll("(?s)/\\*.*?\\*/", "");
    s = s.replaceAll("//[^\n]*", "");
    s = s.replaceAll("\"(?:[^\"\\\\\n]|\\\\.)*\"", "\"\"");
    // The package line names the file's own package.
    return s.replaceFirst("(?m)^package\\s+[\\w.]+;", "");
  }
}
