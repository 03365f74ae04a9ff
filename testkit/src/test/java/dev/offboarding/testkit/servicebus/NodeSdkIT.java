package dev.offboarding.testkit.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The official Node SDK ({@code @azure/service-bus}, pinned in {@code src/test/node/package-lock.json}) against the
 * emulator: starts the emulator with {@code src/test/node/emulator-config.json} and runs {@code node --test test/}
 * in that project, which sends, receives, settles every way, schedules, peeks, renews locks and reads topic
 * subscriptions through rhea, a different AMQP stack from the Java SDK's proton-j.
 *
 * <p>Without {@code node} on the PATH or without {@code npm ci} having been run there, the test is disabled with
 * the reason; with the environment variable {@code CI=true} it fails instead, so CI never skips it.
 */
@ExtendWith(NodeSdkIT.NodeProjectCondition.class)
class NodeSdkIT {
  static final Path PROJECT = Path.of(System.getProperty("node.project", "src/test/node")).toAbsolutePath();

  @Test
  void theOfficialNodeSdkPassesItsSuiteAgainstTheEmulator() throws Exception {
    Path node = requireNodeProject(PROJECT);
    EmulatorConfig config = EmulatorConfig.fromJson(PROJECT.resolve("emulator-config.json"));
    Path output = Files.createTempFile("node-sdk-suite", ".log");
    try (ServiceBusEmulator emulator = ServiceBusEmulator.start(config, 0)) {
      ProcessBuilder pb = new ProcessBuilder(node.toString(), "--test", "--test-reporter=spec", "test/")
          .directory(PROJECT.toFile())
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
   * The {@code node} executable for a Node project whose dependencies are installed, or the reason there is none
   * ({@link NodeProjectCondition} disables the test with it, unless {@code CI=true}).
   */
  static Path requireNodeProject(Path project) {
    String problem = problem(project);
    if (problem != null) {
      fail((isCi() ? "CI=true and " : "") + problem + ": the Node SDK suite must run in CI");
    }
    return onPath("node").orElseThrow();
  }

  static String problem(Path project) {
    if (onPath("node").isEmpty()) {
      return "node is not on the PATH";
    }
    if (!Files.isDirectory(project.resolve("node_modules/@azure/service-bus"))) {
      return "the Node SDK is not installed; run `npm ci` in " + project;
    }
    return null;
  }

  static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Disables the suite, with the reason, where Node or its packages are missing, except under {@code CI=true}. */
  static final class NodeProjectCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String problem = problem(PROJECT);
      if (problem == null || isCi()) {
        return ConditionEvaluationResult.enabled("node and the Node SDK are installed, or CI=true");
      }
      return ConditionEvaluationResult.disabled("Node SDK suite skipped: " + problem);
    }
  }

  private static Optional<Path> onPath(String executable) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, executable);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
