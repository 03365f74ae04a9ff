package dev.offboarding.testkit.node;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A Node project whose test suites the Java tests run, made ready the way {@code ./mvnw verify}
 * needs it on a fresh clone: {@code node} found on the {@code PATH}, and the packages its {@code
 * package-lock.json} pins installed with {@code npm ci} when {@code node_modules} is missing or was
 * installed from another lock file. The install prefers npm's cache ({@code --prefer-offline}), so
 * a machine that installed once installs again without the network; it runs at most once per
 * project per process, and not at all while the installed packages match the lock.
 *
 * <p>Where it cannot be made ready, {@link Readiness#problem()} says why, for a test to skip with
 * (or, under CI, fail with). Thread-safe.
 */
public final class NodeProject {
  /**
   * Written into {@code node_modules} after an install: the SHA-256 of the lock file it installed.
   */
  static final String STAMP = ".offboarding-lock-sha256";

  /** The longest an install may take: a cold cache downloads every package. */
  static final long INSTALL_TIMEOUT_MINUTES = 5;

  private static final Map<Path, Readiness> PREPARED = new ConcurrentHashMap<>();

  private final Path dir;
  private final Map<String, String> environment;

  private NodeProject(Path dir, Map<String, String> environment) {
    this.dir = dir.toAbsolutePath().normalize();
    this.environment = environment;
  }

  /** The project in {@code dir}, with the tools this process's {@code PATH} offers. */
  public static NodeProject at(Path dir) {
    return new NodeProject(dir, System.getenv());
  }

  /** With another environment (its {@code PATH} decides where node and npm are); for tests. */
  static NodeProject at(Path dir, Map<String, String> environment) {
    return new NodeProject(dir, environment);
  }

  public Path dir() {
    return dir;
  }

  /** Whether the project can run, and with which {@code node}; or why it cannot. */
  public record Readiness(Optional<Path> node, String problem, boolean installed) {
    public boolean ready() {
      return problem == null;
    }

    static Readiness ready(Path node, boolean installed) {
      return new Readiness(Optional.of(node), null, installed);
    }

    static Readiness notReady(String problem) {
      return new Readiness(Optional.empty(), problem, false);
    }
  }

  /**
   * Makes the project ready: finds {@code node}, and runs {@code npm ci} when the installed
   * packages are missing or stale. Remembered for the rest of the process, so the suites of one
   * build install at most once.
   */
  public Readiness prepare() {
    return PREPARED.computeIfAbsent(dir, d -> prepareNow());
  }

  Readiness prepareNow() {
    Optional<Path> node = onPath("node");
    if (node.isEmpty()) {
      return Readiness.notReady("node is not on the PATH");
    }
    String lock;
    try {
      lock = sha256(dir.resolve("package-lock.json"));
    } catch (IOException e) {
      return Readiness.notReady("no readable package-lock.json in " + dir);
    }
    if (lock.equals(installedLock())) {
      return Readiness.ready(node.get(), false);
    }
    Optional<Path> npm = onPath("npm");
    if (npm.isEmpty()) {
      return Readiness.notReady(
          "npm is not on the PATH, and "
              + dir.resolve("node_modules")
              + " is missing or was not installed from this package-lock.json");
    }
    String failure = install(npm.get());
    if (failure != null) {
      return Readiness.notReady(failure);
    }
    try {
      Files.writeString(
          dir.resolve("node_modules").resolve(STAMP), lock, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the installed lock in " + dir, e);
    }
    return Readiness.ready(node.get(), true);
  }

  /** The lock file the packages in {@code node_modules} were installed from, or null. */
  private String installedLock() {
    try {
      return Files.readString(dir.resolve("node_modules").resolve(STAMP), StandardCharsets.US_ASCII)
          .strip();
    } catch (IOException e) {
      return null;
    }
  }

  /** Runs {@code npm ci}; null when it succeeded, else why it did not. */
  private String install(Path npm) {
    Path log;
    try {
      log = Files.createTempFile("npm-ci", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      ProcessBuilder pb =
          new ProcessBuilder(
                  npm.toString(),
                  "ci",
                  "--prefer-offline",
                  "--no-audit",
                  "--no-fund",
                  "--loglevel=error")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().clear();
      pb.environment().putAll(environment);
      Process process = pb.start();
      if (!process.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        return "npm ci in "
            + dir
            + " did not finish within "
            + INSTALL_TIMEOUT_MINUTES
            + " minutes";
      }
      if (process.exitValue() != 0) {
        List<String> output = Files.readAllLines(log);
        String last =
            output.stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("no output");
        return "npm ci in " + dir + " failed (exit " + process.exitValue() + "): " + last.strip();
      }
      return null;
    } catch (IOException e) {
      return "npm ci in " + dir + " could not run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "npm ci in " + dir + " was interrupted";
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException ignored) {
        // a temporary file left behind is harmless
      }
    }
  }

  private Optional<Path> onPath(String executable) {
    String path = environment.get("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(entry, executable);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
