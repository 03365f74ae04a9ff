package dev.offboarding.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * Every example of the contract against its schema with Python's {@code jsonschema}, the validator
 * of Python producers (Sentinel automations, Azure Functions): {@code
 * src/test/python/validate_examples.py} does the checking. Without {@code python3} or its {@code
 * jsonschema} package the test is skipped with the reason; with {@code CI=true} it fails instead,
 * so CI never skips it ({@code .ci/run} installs Debian's {@code python3-jsonschema}).
 */
@ExtendWith(PythonJsonschemaTest.PythonCondition.class)
class PythonJsonschemaTest {
  private static final Path SCRIPT = Path.of("src/test/python/validate_examples.py");
  private static final Path CONTRACTS = Path.of("src/main/resources/" + Resources.BASE);

  @Test
  void pythonsJsonschemaAcceptsEveryValidExampleAndRefusesEveryInvalidOne() throws Exception {
    Path python = requirePythonWithJsonschema();

    Run run = run(python.toString(), SCRIPT.toString(), CONTRACTS.toString());

    System.out.println(run.output());
    assertEquals(
        0,
        run.exitCode(),
        () -> "Python's jsonschema disagrees with the contract:\n" + run.output());
    assertTrue(run.output().contains("\n0 failed"), run::output);
  }

  private static Path requirePythonWithJsonschema() throws Exception {
    String problem = problem();
    if (problem != null) {
      fail(
          (isCi() ? "CI=true and " : "")
              + problem
              + ": the Python validation of the contract must run in CI");
    }
    return onPath("python3").orElseThrow();
  }

  /**
   * Why the validation cannot run here, or null when {@code python3} imports {@code jsonschema}.
   */
  static String problem() throws IOException, InterruptedException {
    Optional<Path> python = onPath("python3");
    if (python.isEmpty()) {
      return "python3 is not on the PATH";
    }
    if (run(python.get().toString(), "-c", "import jsonschema").exitCode() != 0) {
      return python.get() + " has no jsonschema package (Debian: python3-jsonschema)";
    }
    return null;
  }

  static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * Disables the test, with the reason, where Python or jsonschema is missing, except under {@code
   * CI=true}.
   */
  static final class PythonCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String problem;
      try {
        problem = problem();
      } catch (IOException | InterruptedException e) {
        problem = "python3 could not run: " + e.getMessage();
      }
      if (problem == null || isCi()) {
        return ConditionEvaluationResult.enabled(
            problem == null ? "python3 with jsonschema" : "CI=true: it must run");
      }
      return ConditionEvaluationResult.disabled("Python jsonschema validation skipped: " + problem);
    }
  }

  private record Run(int exitCode, String output) {}

  private static Run run(String... command) throws IOException, InterruptedException {
    Path log = Files.createTempFile("python-jsonschema", ".log");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail(String.join(" ", command) + " did not finish within 2 minutes");
      }
      return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static Optional<Path> onPath(String executable) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String entry : path.split(File.pathSeparator)) {
      Path candidate = Path.of(entry.isEmpty() ? "." : entry, executable);
      if (!entry.isEmpty() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
