package dev.offboarding.testkit.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.offboarding.testkit.node.NodeProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The official Node SDK ({@code @azure/service-bus}, pinned in {@code
 * src/test/node/package-lock.json}) against the emulator: starts the emulator with {@code
 * src/test/node/emulator-config.json} and runs {@code node --test test/} in that project, which
 * sends, receives, settles every way, schedules, peeks, renews locks and reads topic subscriptions
 * through rhea, a different AMQP stack from the Java SDK's proton-j.
 *
 * <p>The project's packages are installed from its lock file when they are missing or stale ({@link
 * NodeProject}); without {@code node} on the PATH, or without {@code npm} to install them, the test
 * is disabled with the reason; with the environment variable {@code CI=true} it fails instead, so
 * CI never skips it.
 */
@ExtendWith(NodeSdkIT.NodeProjectCondition.class)
class NodeSdkIT {
  static final NodeProject PROJECT =
      NodeProject.at(Path.of(System.getProperty("node.project", "src/test/node")));

  @Test
  void theOfficialNodeSdkPassesItsSuiteAgainstTheEmulator() throws Exception {
    Path node = requireReady(PROJECT.prepare());
    EmulatorConfig config = EmulatorConfig.fromJson(PROJECT.dir().resolve("emulator-config.json"));
    Path output = Files.createTempFile("node-sdk-suite", ".log");
    try (ServiceBusEmulator emulator = ServiceBusEmulator.start(config, 0)) {
      ProcessBuilder pb =
          new ProcessBuilder(node.toString(), "--test", "--test-reporter=spec", "test/")
              .directory(PROJECT.dir().toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      pb.environment().put("SERVICEBUS_CONNECTION_STRING", emulator.connectionString());
      Process suite = pb.start();
      boolean finished = suite.waitFor(5, TimeUnit.MINUTES);
      if (!finished) {
        suite.descendants().forEach(ProcessHandle::destroyForcibly);
        suite.destroyForcibly();
      }
      String log = Files.readString(output);
      System.out.println(log);
      assertTrue(finished, "the Node suite did not finish within 5 minutes:\n" + log);
      assertEquals(0, suite.exitValue(), "the Node suite failed:\n" + log);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /**
   * The {@code node} of a ready project; fails with the reason otherwise (reached only under {@code
   * CI=true}).
   */
  static Path requireReady(NodeProject.Readiness readiness) {
    if (!readiness.ready()) {
      fail(
          (isCi() ? "CI=true and " : "")
              + readiness.problem()
              + ": the Node SDK suite must run in CI");
    }
    return readiness.node().orElseThrow();
  }

  static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * Installs the project's packages where they are missing or stale; disables the suite, with the
   * reason, where that cannot be done (no node, no npm, npm ci failing), except under {@code
   * CI=true}.
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
      return ConditionEvaluationResult.disabled("Node SDK suite skipped: " + readiness.problem());
    }
  }
}
