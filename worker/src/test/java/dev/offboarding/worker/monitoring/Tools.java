package dev.offboarding.worker.monitoring;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the external tools a test needs (promtool, prometheus) on PATH. Missing locally, the test
 * is skipped with the reason; missing under CI ({@code CI=true}), it fails, because .ci/run
 * installs them.
 */
final class Tools {
  private Tools() {}

  static Path require(String tool) {
    Optional<Path> found = find(tool);
    if (found.isEmpty()) {
      String reason = tool + " not on PATH (Debian package prometheus: apt-get install prometheus)";
      if ("true".equals(System.getenv("CI"))) {
        fail(reason + "; CI must install it");
      }
      assumeTrue(false, reason);
    }
    return found.get();
  }

  static Optional<Path> find(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
