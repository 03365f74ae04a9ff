package dev.offboarding.worker.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged worker's commands where no Azure credential can be found, as an operator's shell
 * would run them: {@code java -jar offboarding-worker.jar} in an environment with no {@code
 * AZURE_*} variable, nothing on the {@code PATH} ({@code az} included) and an empty home directory.
 * They used to try the machine's metadata endpoint for two minutes, printing the identity library's
 * retries, before a message naming nothing to set.
 *
 * <p>Each command must end within {@link #BOUND_SECONDS}, a timeout of the harness rather than a
 * measurement, with one line saying what to set and nothing from the JDK or the SDKs on stderr; the
 * JVM is the one running the tests (JDK 25 here), so the JDK's warnings are checked on it.
 */
class CommandsWithoutCredentialIT {
  private static final int BOUND_SECONDS = 60;
  private static final Path SAMPLES =
      Path.of(
          "..",
          "contracts",
          "src",
          "main",
          "resources",
          "dev",
          "offboarding",
          "contracts",
          "samples");

  @TempDir Path dir;

  record Result(boolean finished, int exitCode, String out, String err) {}

  private Result run(Map<String, String> variables, int boundSeconds, String... args)
      throws Exception {
    Path emptyPath = Files.createDirectories(dir.resolve("bin"));
    Path home = Files.createDirectories(dir.resolve("home"));
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-jar",
                System.getProperty("worker.jar")));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile());
    pb.environment().clear();
    pb.environment().put("PATH", emptyPath.toString());
    pb.environment().put("HOME", home.toString());
    pb.environment().putAll(variables);
    Process process = pb.start();
    boolean finished = process.waitFor(boundSeconds, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly().waitFor();
    }
    return new Result(
        finished, finished ? process.exitValue() : -1, read("out.txt"), read("err.txt"));
  }

  private String read(String name) throws IOException {
    return Files.readString(dir.resolve(name));
  }

  private static void assertNoNoise(String stderr) {
    assertFalse(
        stderr.contains("\tat ")
            || stderr.contains("Caused by")
            || stderr.contains("Exception in thread"),
        "no stack trace:\n" + stderr);
    assertFalse(
        stderr.matches("(?s).*\\b(com|java|reactor|io)\\.[\\w.]+(Exception|Error)\\b.*"),
        "no exception from a library:\n" + stderr);
    assertFalse(
        stderr.contains("WARNING") || stderr.contains("SEVERE"),
        "no JDK or SDK warning:\n" + stderr);
    assertFalse(stderr.contains("sun.misc.Unsafe"), stderr);
  }

  @Test
  void dryRunSaysWhatToSetAndExitsTwo() throws Exception {
    Result r =
        run(Map.of(), BOUND_SECONDS, "dry-run", SAMPLES.resolve("leaver-one-user.json").toString());

    assertTrue(r.finished(), "dry-run did not end within " + BOUND_SECONDS + " s:\n" + r.err());
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertEquals("", r.out());
    List<String> lines = r.err().lines().toList();
    assertEquals(1, lines.size(), r.err());
    assertTrue(
        lines
            .get(0)
            .startsWith(
                "no Azure credential found for Graph (GRAPH_AUTH=azure): set AZURE_CLIENT_ID"
                    + " and AZURE_TENANT_ID with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH"),
        lines.get(0));
    for (String named :
        List.of(
            "AZURE_FEDERATED_TOKEN_FILE",
            "AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential",
            "az login",
            "GRAPH_AUTH=none with a loopback GRAPH_BASE_URL")) {
      assertTrue(lines.get(0).contains(named), named + " missing from: " + lines.get(0));
    }
    assertNoNoise(r.err());
  }

  @Test
  void checkFailsBothTokenRowsSayingWhatToSetAndTriesNothingElse() throws Exception {
    Result r =
        run(
            Map.of(
                "SERVICEBUS_NAMESPACE",
                "contoso.servicebus.windows.net",
                "PROTECTED_GROUPS",
                "84b18857-3c01-48be-b707-492019c57142"),
            BOUND_SECONDS,
            "check");

    assertTrue(
        r.finished(), "check did not end within " + BOUND_SECONDS + " s:\n" + r.out() + r.err());
    assertEquals(2, r.exitCode(), r.out() + r.err());
    List<String> failed = r.out().lines().filter(l -> l.contains(" FAIL ")).toList();
    assertEquals(2, failed.size(), r.out());
    assertTrue(
        failed.get(0).startsWith("servicebus token ")
            && failed
                .get(0)
                .contains("no Azure credential found for Service Bus (SERVICEBUS_NAMESPACE)"),
        r.out());
    assertTrue(
        failed.get(1).startsWith("graph token ")
            && failed.get(1).contains("no Azure credential found for Graph (GRAPH_AUTH=azure)"),
        r.out());
    assertTrue(
        r.out()
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("servicebus queue offboarding-internal ")
                        && l.endsWith("not checked: no Service Bus token (see servicebus token)")),
        r.out());
    assertEquals("", r.err());
  }

  @Test
  void sendSaysWhatToSetBeforeConnecting() throws Exception {
    // The namespace cannot be reached from here either: the command stops on the credential first.
    Result r =
        run(
            Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"),
            BOUND_SECONDS,
            "send",
            SAMPLES.resolve("leaver-one-user.json").toString());

    assertTrue(r.finished(), "send did not end within " + BOUND_SECONDS + " s:\n" + r.err());
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(
        r.err().startsWith("no Azure credential found for Service Bus (SERVICEBUS_NAMESPACE)"),
        r.err());
    assertTrue(r.err().contains("SERVICEBUS_CONNECTION_STRING"), r.err());
    assertNoNoise(r.err());
  }

  @Test
  void aCredentialEntraIdDoesNotAnswerIsNamedInOneLineWithoutTheJdksOrTheSdksWarnings()
      throws Exception {
    // A client secret for an authority nothing listens on: the identity library's HTTP client
    // (Netty,
    // whose sun.misc.Unsafe probe JDK 24+ warns about) is loaded and its retries run their course.
    Result r =
        run(
            Map.of(
                "AZURE_CLIENT_ID",
                "00000000-0000-4000-8000-00000000c11e",
                "AZURE_TENANT_ID",
                "00000000-0000-4000-8000-0000000007e7",
                "AZURE_CLIENT_SECRET",
                "s3cr3t-never-printed",
                "AZURE_AUTHORITY_HOST",
                "https://127.0.0.1:1/"),
            3 * BOUND_SECONDS,
            "dry-run",
            SAMPLES.resolve("leaver-one-user.json").toString());

    assertTrue(r.finished(), "dry-run did not end within " + 3 * BOUND_SECONDS + " s:\n" + r.err());
    assertEquals(1, r.exitCode(), r.out() + r.err());
    List<String> lines = r.err().lines().toList();
    assertEquals(1, lines.size(), r.err());
    assertTrue(
        lines
            .get(0)
            .startsWith(
                "no token for Graph (GRAPH_AUTH=azure) from client secret (AZURE_CLIENT_ID,"
                    + " AZURE_TENANT_ID, AZURE_CLIENT_SECRET): Entra ID "),
        lines.get(0));
    assertFalse(r.err().contains("s3cr3t-never-printed"), r.err());
    assertNoNoise(r.err());
  }
}
