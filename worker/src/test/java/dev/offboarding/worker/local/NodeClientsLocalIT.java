package dev.offboarding.worker.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.offboarding.testkit.node.NodeProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker end to end with Node producers and consumers: runs the packaged testkit's {@code
 * local} (emulator, fake tenant, packaged worker jar), then the Node suite {@code
 * testkit/src/test/node/e2e}, which sends events with the official Node SDK, reads their summaries
 * from the audit topic's subscriptions and the rejected one from the queue's dead-letter sub-queue.
 *
 * <p>The project's packages are installed from its lock file when they are missing or stale ({@link
 * NodeProject}); disabled with the reason where that cannot be done (no {@code node}, no {@code
 * npm}); fails instead when {@code CI=true}.
 */
@ExtendWith(NodeClientsLocalIT.NodeProjectCondition.class)
class NodeClientsLocalIT {
  private static final Pattern CONNECTION_STRING =
      Pattern.compile("local: Service Bus emulator\\s+(Endpoint=\\S+)");
  private static final NodeProject PROJECT =
      NodeProject.at(Path.of(System.getProperty("node.project", "../testkit/src/test/node")));

  @TempDir Path dir;

  @Test
  void nodeProducersAndConsumersWorkWithTheRealWorker() throws Exception {
    Path project = PROJECT.dir();
    Path node = requireReady(PROJECT.prepare());
    Path localLog = dir.resolve("local.log");
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
                Integer.toString(LocalCommandIT.freePort()),
                "--graph-port",
                Integer.toString(LocalCommandIT.freePort()),
                "--http-port",
                Integer.toString(LocalCommandIT.freePort()))
            .redirectErrorStream(true)
            .redirectOutput(localLog.toFile())
            .start();
    try {
      // Once the samples are summarised the worker is up and consuming; the Node clients come next.
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  !local.isAlive()
                      || Files.readString(localLog).contains("every sample event has its summary"));
      String started = Files.readString(localLog);
      assertTrue(local.isAlive(), "local exited early:\n" + started);
      Matcher m = CONNECTION_STRING.matcher(started);
      assertTrue(m.find(), "local printed no connection string:\n" + started);

      Path nodeLog = dir.resolve("node.log");
      ProcessBuilder pb =
          new ProcessBuilder(node.toString(), "--test", "--test-reporter=spec", "e2e/")
              .directory(project.toFile())
              .redirectErrorStream(true)
              .redirectOutput(nodeLog.toFile());
      pb.environment().put("SERVICEBUS_CONNECTION_STRING", m.group(1));
      Process suite = pb.start();
      boolean finished = suite.waitFor(3, TimeUnit.MINUTES);
      if (!finished) {
        suite.destroyForcibly();
      }
      String nodeOutput = Files.readString(nodeLog);
      System.out.println(nodeOutput);
      String context = nodeOutput + "\n--- local ---\n" + Files.readString(localLog);
      assertTrue(finished, "the Node end-to-end suite did not finish:\n" + context);
      assertEquals(0, suite.exitValue(), "the Node end-to-end suite failed:\n" + context);
    } finally {
      local.destroy(); // SIGTERM: local stops the worker, the reader, the tenant and the emulator
      if (!local.waitFor(60, TimeUnit.SECONDS)) {
        local.destroyForcibly();
      }
    }
  }

  private static Path requireReady(NodeProject.Readiness readiness) {
    if (!readiness.ready()) {
      fail(
          (isCi() ? "CI=true and " : "")
              + readiness.problem()
              + ": the Node end-to-end suite must run in CI");
    }
    return readiness.node().orElseThrow();
  }

  private static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * Installs the project's packages where they are missing or stale; disables the test, with the
   * reason, where that cannot be done, except under {@code CI=true}.
   */
  static final class NodeProjectCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      NodeProject.Readiness readiness = PROJECT.prepare();
      if (readiness.ready() || isCi()) {
        return ConditionEvaluationResult.enabled(
            readiness.ready()
                ? "node and the locked packages are installed"
                    + (readiness.installed() ? " (npm ci ran)" : "")
                : "CI=true: the suite must run");
      }
      return ConditionEvaluationResult.disabled(
          "Node end-to-end suite skipped: " + readiness.problem());
    }
  }
}
