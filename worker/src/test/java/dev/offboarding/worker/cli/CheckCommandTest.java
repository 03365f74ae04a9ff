package dev.offboarding.worker.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.servicebus.EmulatorConfig;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code check} and {@code run}'s preflight against the embedded emulator and the fake tenant. */
class CheckCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ServiceBusEmulator emulator = ServiceBusEmulator.start(
      EmulatorConfig.fromJson(Path.of("..", "deploy", "servicebus", "config.json")), 0);
  private final FakeTenant tenant = new FakeTenant();
  private final FakeGroup breakGlass = tenant.addGroup("Break Glass", tenant.addUser("breakglass@contoso.com"));
  private final FakeGraphServer graph = FakeGraphServer.start(tenant);

  @AfterEach
  void tearDown() {
    graph.close();
    emulator.close();
  }

  private Map<String, String> env(List<String> roles) {
    Map<String, String> env = new HashMap<>(Map.of(
        "SERVICEBUS_CONNECTION_STRING", emulator.connectionString(),
        "SERVICEBUS_URGENT_QUEUE", "offboarding-urgent",
        "GRAPH_BASE_URL", graph.baseUrl(),
        "GRAPH_AUTH", "none",
        "PROTECTED_GROUPS", breakGlass.id(),
        "HTTP_PORT", "0"));
    if (roles != null) {
      env.put(Preflight.STATIC_TOKEN_VARIABLE, PreflightTokens.withRoles(roles));
    }
    return env;
  }

  private int check(Map<String, String> env) {
    return Main.run(new String[] {"check"}, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String printed() {
    return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void passesWhenEntitiesPermissionsAndProtectedGroupsAreAllThere() {
    int code = check(env(PreflightTokens.ALL));

    assertEquals(Main.OK, code, printed());
    String table = out.toString(StandardCharsets.UTF_8);
    for (String row : new String[] {"servicebus queue offboarding-events", "servicebus queue offboarding-urgent",
        "servicebus topic offboarding-audit", "graph permission User.RevokeSessions.All",
        "graph permission GroupMember.Read.All", "protected group " + breakGlass.id()}) {
      assertTrue(table.lines().anyMatch(l -> l.startsWith(row) && l.contains(" ok ")), row + " not ok in:\n" + table);
    }
    assertTrue(table.contains("n/a"), "the emulator's settings row is not applicable:\n" + table);
    // The worker sends to its own queues too (follow-ups, held events, markers): both are tried.
    assertTrue(table.lines().filter(l -> l.startsWith("servicebus queue ") && !l.contains(" settings "))
        .allMatch(l -> l.contains("receivable, sendable")), table);
  }

  @Test
  void namesTheOnePermissionTheTokenLacksAndExitsTwo() {
    int code = check(env(List.of("User.EnableDisableAccount.All", "User.Read.All", "GroupMember.Read.All")));

    assertEquals(Main.REJECTED, code, printed());
    String table = out.toString(StandardCharsets.UTF_8);
    List<String> failed = table.lines().filter(l -> l.contains(" FAIL ")).toList();
    assertEquals(1, failed.size(), table);
    assertTrue(failed.get(0).startsWith("graph permission User.RevokeSessions.All"), table);
    assertTrue(failed.get(0).contains("missing"), table);
  }

  @Test
  void neverPrintsTheTokenOnlyItsRoleNames() {
    String token = PreflightTokens.withRoles(PreflightTokens.ALL);

    check(env(PreflightTokens.ALL));

    String printed = printed();
    assertFalse(printed.contains(token.split("\\.")[1]), printed);
    assertFalse(printed.contains("appid") || printed.contains("a11d"), printed);
    assertTrue(printed.contains("User.RevokeSessions.All"));
  }

  @Test
  void reportsTheTokenCheckAsNotApplicableWithoutAuthentication() {
    int code = check(env(null));

    assertEquals(Main.OK, code, printed());
    assertTrue(out.toString(StandardCharsets.UTF_8).lines()
        .anyMatch(l -> l.startsWith("graph token") && l.contains("n/a")), printed());
  }

  @Test
  void failsOnAMissingQueueAndAnUnreadableProtectedGroup() {
    Map<String, String> env = env(PreflightTokens.ALL);
    env.put("SERVICEBUS_QUEUE", "no-such-queue");
    env.put("PROTECTED_GROUPS", "0badc0de-0000-4000-8000-000000000000");

    int code = check(env);

    assertEquals(Main.REJECTED, code, printed());
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("servicebus queue no-such-queue ") && l.contains("FAIL")), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("protected group 0badc0de") && l.contains("FAIL")
        && l.contains("404")), table);
  }

  @Test
  void failsOnAQueueTheIdentityMayReceiveFromButNotSendTo() {
    // Data Receiver without Data Sender: follow-ups, held events and markers would all be refused.
    emulator.denySend("offboarding-urgent", true);

    int code = check(env(PreflightTokens.ALL));

    assertEquals(Main.REJECTED, code, printed());
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("servicebus queue offboarding-urgent ") && l.contains("FAIL")
        && l.contains("receivable but cannot send") && l.contains("Data Sender")), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("servicebus queue offboarding-events ")
        && l.contains("receivable, sendable")), table);
  }

  @Test
  void namesEveryBadVariableInTheTable() {
    int code = check(Map.of("GRAPH_WRITES_PER_SECOND", "lots"));

    assertEquals(Main.REJECTED, code);
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.contains("GRAPH_WRITES_PER_SECOND") && table.contains("SERVICEBUS_CONNECTION_STRING"), table);
  }

  @Test
  void judgesQueueSettingsTheAdministrationApiReports() {
    assertTrue(Preflight.queueProblems(true, 10, Duration.ofMinutes(1), false).isEmpty());
    List<String> problems = Preflight.queueProblems(false, 1, Duration.ofSeconds(5), true);
    assertEquals(4, problems.size(), problems.toString());
  }

  @Test
  void runRefusesToBecomeReadyWithoutAPermissionAndSaysWhy() throws Exception {
    Map<String, String> env = env(List.of("User.RevokeSessions.All", "User.Read.All", "GroupMember.Read.All"));
    CompletableFuture<Void> stop = new CompletableFuture<>();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread running = Thread.ofPlatform().start(() -> exit.set(RunCommand.run(env,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        stop, new Preflight(env), Duration.ofMinutes(10))));
    Pattern port = Pattern.compile("not ready .*HTTP on port (\\d+)");
    await().atMost(Duration.ofSeconds(60)).until(() -> port.matcher(out.toString(StandardCharsets.UTF_8)).find());
    Matcher m = port.matcher(out.toString(StandardCharsets.UTF_8));
    assertTrue(m.find());
    HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + m.group(1) + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + m.group(1) + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    stop.complete(null);
    running.join();

    assertEquals(503, ready.statusCode());
    assertTrue(ready.body().contains("User.EnableDisableAccount.All"), ready.body());
    assertTrue(metrics.body().lines().anyMatch(l -> l.startsWith("offboarding_ready ") && l.endsWith(" 0.0")),
        metrics.body());
    assertEquals(Main.OK, exit.get());
    assertEquals(0, emulator.stats("offboarding-events").locked(), "no event is taken while not ready");
  }
}
