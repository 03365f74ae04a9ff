package dev.offboarding.worker.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, minus the build: the packaged testkit's {@code local} runs the
 * emulator, the fake tenant and the packaged worker jar, sends the sample events and sees every one
 * of them summarised on the audit topic.
 */
class LocalCommandIT {
  @TempDir Path dir;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void runsTheSampleEventsEndToEndWithThePackagedJars() throws Exception {
    Path output = dir.resolve("local.log");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process local =
        new ProcessBuilder(
                java,
                "-jar",
                System.getProperty("testkit.jar"),
                "local",
                "--worker-jar",
                System.getProperty("worker.jar"),
                "--servicebus-port",
                Integer.toString(freePort()),
                "--graph-port",
                Integer.toString(freePort()),
                "--http-port",
                Integer.toString(freePort()),
                "--exit-after-samples")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();

    boolean exited = local.waitFor(5, TimeUnit.MINUTES);
    if (!exited) {
      local.destroyForcibly();
    }

    List<String> lines = Files.readAllLines(output);
    String all = String.join("\n", lines);
    assertTrue(exited, "local did not finish:\n" + all);
    assertEquals(0, local.exitValue(), all);
    assertTrue(all.contains("every sample event has its summary"), all);
    assertEquals(
        3,
        lines.stream()
            .filter(l -> l.startsWith("audit summary") && l.contains("COMPLETED"))
            .count(),
        all);
    assertEquals(
        1,
        lines.stream().filter(l -> l.startsWith("audit summary") && l.contains("REJECTED")).count(),
        all);
    // The JDK's own warnings (sun.misc.Unsafe, native access) start their line with "WARNING: ",
    // the worker's relayed ones after "[worker] "; log records carry a timestamp first.
    assertEquals(
        List.of(),
        lines.stream().filter(l -> l.matches("(\\[worker\\] )?WARNING: .*")).toList(),
        all);
  }
}
