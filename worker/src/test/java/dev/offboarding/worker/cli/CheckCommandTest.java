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
import dev.offboarding.worker.config.WorkerConfig;
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
  private final ServiceBusEmulator emulator =
      ServiceBusEmulator.start(
          EmulatorConfig.fromJson(Path.of("..", "deploy", "servicebus", "config.json")), 0);
  private final FakeTenant tenant = new FakeTenant();
  private final FakeGroup breakGlass =
      tenant.addGroup("Break Glass", tenant.addUser("breakglass@contoso.com"));
  private final FakeGraphServer graph = FakeGraphServer.start(tenant);

  @AfterEach
  void tearDown() {
    graph.close();
    emulator.close();
  }

  private Map<String, String> env(List<String> roles) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "SERVICEBUS_CONNECTION_STRING",
                emulator.connectionString(),
                "SERVICEBUS_URGENT_QUEUE",
                "offboarding-urgent",
                "GRAPH_BASE_URL",
                graph.baseUrl(),
                "GRAPH_AUTH",
                "none",
                "PROTECTED_GROUPS",
                breakGlass.id(),
                "HTTP_PORT",
                "0"));
    if (roles != null) {
      env.put(Preflight.STATIC_TOKEN_VARIABLE, PreflightTokens.withRoles(roles));
    }
    return env;
  }

  private int check(Map<String, String> env) {
    return Main.run(
        new String[] {"check"},
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String printed() {
    return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void passesWhenEntitiesPermissionsAndProtectedGroupsAreAllThere() {
    int code = check(env(PreflightTokens.ALL));

    assertEquals(ExitCode.OK, code, printed());
    String table = out.toString(StandardCharsets.UTF_8);
    for (String row :
        new String[] {
          "servicebus queue offboarding-events",
          "servicebus queue offboarding-urgent",
          "servicebus queue offboarding-ops",
          "servicebus queue offboarding-internal",
          "servicebus topic offboarding-audit",
          "graph permission User.RevokeSessions.All",
          "graph permission GroupMember.Read.All",
          "graph permission RoleManagement.Read.Directory",
          "protected group " + breakGlass.id(),
          "break-glass protection",
          "privileged role holders"
        }) {
      assertTrue(
          table.lines().anyMatch(l -> l.startsWith(row) && l.contains(" ok ")),
          row + " not ok in:\n" + table);
    }
    assertTrue(table.contains("n/a"), "the emulator's settings row is not applicable:\n" + table);
    assertTrue(
        table
            .lines()
            .anyMatch(l -> l.startsWith("servicebus queue offboarding-internal settings ")),
        table);
    // The worker receives from the producers' queues and sends only to its own (follow-ups, held
    // events, markers): sending is tried on the internal queue alone.
    assertTrue(
        table
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("servicebus queue offboarding-internal ")
                        && l.endsWith("exists, receivable, sendable")),
        table);
    for (String producerQueue :
        List.of("offboarding-events", "offboarding-urgent", "offboarding-ops")) {
      assertTrue(
          table
              .lines()
              .anyMatch(
                  l ->
                      l.startsWith("servicebus queue " + producerQueue + " ")
                          && l.endsWith("exists, receivable")),
          table);
    }
    assertTrue(
        table
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("configuration ")
                        && l.contains("internal queue offboarding-internal")),
        table);
    assertTrue(
        table.lines().anyMatch(l -> l.equals("preflight passed")),
        "no warning against the emulator:\n" + table);
    // The containment permissions, not granted here, and the roles no token shows: said, never a
    // failure.
    assertTrue(
        table
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("graph permission User-PasswordProfile.ReadWrite.All")
                        && l.contains("n/a")
                        && l.contains("resetPassword")),
        table);
    assertTrue(
        table
            .lines()
            .anyMatch(l -> l.startsWith("graph permission IdentityRiskyUser.ReadWrite.All")),
        table);
    assertTrue(
        table.lines().anyMatch(l -> l.startsWith("graph permission Device.ReadWrite.All")), table);
    assertTrue(
        table
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("directory role for disableDevices")
                        && l.contains("not checkable from the token")
                        && l.contains("Cloud Device Administrator")),
        table);
  }

  @Test
  void
      saysTheLifecycleWorkflowsResumeNeedsTheAppInTheExtensionsAuthorizedAppsWhichTheTokenCannotShow() {
    Map<String, String> env = env(PreflightTokens.ALL);
    env.put("LIFECYCLE_WORKFLOWS_RESUME", "true");

    int code = check(env);

    assertEquals(ExitCode.OK, code, printed());
    String table = out.toString(StandardCharsets.UTF_8);
    String row =
        table
            .lines()
            .filter(l -> l.startsWith("lifecycle workflows resume "))
            .findFirst()
            .orElseThrow(() -> new AssertionError(table));
    assertTrue(
        row.contains("n/a")
            && row.contains("callbackConfiguration.authorizedApps")
            && row.contains("LifecycleWorkflows.ReadWrite.All"),
        row);
  }

  @Test
  void theLifecycleWorkflowsResumeIsGrantedByLifecycleWorkflowsReadWriteAll() {
    List<String> roles = new java.util.ArrayList<>(PreflightTokens.ALL);
    roles.add("LifecycleWorkflows.ReadWrite.All");
    Map<String, String> env = env(roles);
    env.put("LIFECYCLE_WORKFLOWS_RESUME", "true");

    int code = check(env);

    assertEquals(ExitCode.OK, code, printed());
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        table
            .lines()
            .anyMatch(l -> l.startsWith("lifecycle workflows resume ") && l.contains(" ok ")),
        table);
  }

  @Test
  void namesTheOnePermissionTheTokenLacksAndExitsTwo() {
    int code =
        check(
            env(
                List.of(
                    "User.EnableDisableAccount.All",
                    "User.Read.All",
                    "GroupMember.Read.All",
                    "RoleManagement.Read.Directory")));

    assertEquals(ExitCode.REJECTED, code, printed());
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

    assertEquals(ExitCode.OK, code, printed());
    assertTrue(
        out.toString(StandardCharsets.UTF_8)
            .lines()
            .anyMatch(l -> l.startsWith("graph token") && l.contains("n/a")),
        printed());
  }

  @Test
  void saysWhatToSetInTheTokenRowAndReadsNothingFromGraphWithoutAnAzureCredential() {
    Map<String, String> env = env(null);
    env.put("GRAPH_AUTH", "azure");
    // The environment credential alone, unconfigured: no credential, whatever this machine is
    // signed in to.
    env.put("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential");

    int code = check(env);

    assertEquals(ExitCode.REJECTED, code, printed());
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        table
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("graph token ")
                        && l.contains(" FAIL ")
                        && l.contains("no Azure credential found for Graph")
                        && l.contains("AZURE_CLIENT_ID")
                        && l.contains("az login")),
        table);
    assertTrue(
        table
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("protected group " + breakGlass.id())
                        && l.contains(" n/a ")
                        && l.endsWith("not checked: no Graph token (see graph token)")),
        table);
    assertTrue(
        table.lines().anyMatch(l -> l.startsWith("privileged role holders") && l.contains(" n/a ")),
        table);
    assertEquals(1, table.lines().filter(l -> l.contains(" FAIL ")).count(), table);
    assertEquals(List.of(), graph.requestLog(), "nothing is read from Graph without a token");
  }

  @Test
  void failsOnAMissingQueueAndAnUnreadableProtectedGroup() {
    Map<String, String> env = env(PreflightTokens.ALL);
    env.put("SERVICEBUS_QUEUE", "no-such-queue");
    env.put("PROTECTED_GROUPS", "0badc0de-0000-4000-8000-000000000000");

    int code = check(env);

    assertEquals(ExitCode.REJECTED, code, printed());
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        table
            .lines()
            .anyMatch(l -> l.startsWith("servicebus queue no-such-queue ") && l.contains("FAIL")),
        table);
    assertTrue(
        table
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("protected group 0badc0de")
                        && l.contains("FAIL")
                        && l.contains("404")),
        table);
  }

  @Test
  void failsOnAProtectedGroupWithNoMembers() {
    // A break-glass group emptied by mistake protects no one.
    tenant.removeMember(breakGlass.id(), tenant.requireUser("breakglass@contoso.com").id());

    int code = check(env(PreflightTokens.ALL));

    assertEquals(ExitCode.REJECTED, code, printed());
    List<String> failed =
        out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(" FAIL ")).toList();
    assertEquals(1, failed.size(), printed());
    assertTrue(
        failed.get(0).startsWith("protected group " + breakGlass.id())
            && failed.get(0).contains("no members")
            && failed.get(0).contains("protects no one"),
        printed());
  }

  @Test
  void failsWithoutBreakGlassProtectionNamingTheSettings() {
    Map<String, String> env = env(PreflightTokens.ALL);
    env.remove("PROTECTED_GROUPS");

    int code = check(env);

    assertEquals(ExitCode.REJECTED, code, printed());
    List<String> failed =
        out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(" FAIL ")).toList();
    assertEquals(1, failed.size(), printed());
    for (String setting : List.of("PROTECTED_USERS", "PROTECTED_GROUPS", "ALLOW_UNPROTECTED")) {
      assertTrue(
          failed.get(0).startsWith("break-glass protection") && failed.get(0).contains(setting),
          printed());
    }
  }

  @Test
  void passesWithAWarningWhenRunningUnprotectedIsAllowedExplicitly() {
    Map<String, String> env = env(PreflightTokens.ALL);
    env.remove("PROTECTED_GROUPS");
    env.put("ALLOW_UNPROTECTED", "true");

    int code = check(env);

    assertEquals(ExitCode.OK, code, printed());
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        table
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("break-glass protection")
                        && l.contains(" WARN ")
                        && l.contains("ALLOW_UNPROTECTED=true")),
        table);
    assertTrue(table.contains("preflight passed with 1 warning(s)"), table);
  }

  @Test
  void readsThePrivilegedRoleHoldersAndNamesTheirPermission() {
    tenant.roles().assign("Global Administrator", "breakglass@contoso.com");
    tenant
        .roles()
        .makeEligible(
            "User Administrator",
            tenant.addUser("helpdesk@contoso.com").id(),
            java.time.Instant.EPOCH);

    int code =
        check(
            env(
                List.of(
                    "User.RevokeSessions.All",
                    "User.EnableDisableAccount.All",
                    "User.Read.All",
                    "GroupMember.Read.All")));

    assertEquals(ExitCode.REJECTED, code, printed());
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        table
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("privileged role holders")
                        && l.contains(" ok ")
                        && l.contains("2 user(s) hold one")
                        && l.contains("PIM eligibilities")),
        table);
    List<String> failed = table.lines().filter(l -> l.contains(" FAIL ")).toList();
    assertEquals(1, failed.size(), table);
    assertTrue(failed.get(0).startsWith("graph permission RoleManagement.Read.Directory"), table);
  }

  @Test
  void readsTheSignInLogOnceWhenTheWatchIsOnAndNamesTheMissingLicenceOrPermission() {
    Map<String, String> env = env(PreflightTokens.ALL);
    int off = check(env);
    String offTable = out.toString(StandardCharsets.UTF_8);
    out.reset();
    env.put("WATCH_SIGN_INS", "true");

    int on = check(env);
    String onTable = out.toString(StandardCharsets.UTF_8);
    out.reset();
    tenant.security().signInLogsLicensed(false);
    int unlicensed = check(env);
    String unlicensedTable = out.toString(StandardCharsets.UTF_8);
    out.reset();
    tenant.security().signInLogsLicensed(true);
    graph.faults().forceReadStatus("signIns", 403);
    int forbidden = check(env);
    String forbiddenTable = out.toString(StandardCharsets.UTF_8);

    assertEquals(ExitCode.OK, off, offTable);
    assertTrue(
        offTable
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("sign-in log")
                        && l.contains("n/a")
                        && l.contains("WATCH_SIGN_INS=false")),
        offTable);
    assertEquals(ExitCode.OK, on, onTable);
    assertTrue(
        onTable.lines().anyMatch(l -> l.startsWith("sign-in log") && l.contains(" ok ")), onTable);
    assertEquals(ExitCode.REJECTED, unlicensed, unlicensedTable);
    assertTrue(
        unlicensedTable
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("sign-in log")
                        && l.contains(" FAIL ")
                        && l.contains("no Entra ID P1 or P2 licence")),
        unlicensedTable);
    assertEquals(ExitCode.REJECTED, forbidden, forbiddenTable);
    assertTrue(
        forbiddenTable
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("sign-in log")
                        && l.contains(" FAIL ")
                        && l.contains("AuditLog.Read.All")),
        forbiddenTable);
    assertEquals(
        1,
        graph.requestLog().stream()
            .filter(
                r ->
                    r.path().endsWith("/auditLogs/signIns")
                        && r.status() == 200
                        && r.query().contains("top=1"))
            .count(),
        "one read of one entry, when the watch is on");
  }

  @Test
  void failsWhenThePrivilegedRoleHoldersCannotBeReadAndSaysPimIsUnlicensedWhenItIs() {
    tenant.roles().setPimLicensed(false);
    Map<String, String> env = env(PreflightTokens.ALL);

    int unlicensed = check(env);
    String unlicensedTable = out.toString(StandardCharsets.UTF_8);
    out.reset();
    graph.faults().forceReadStatus("roleAssignments", 403);
    int forbidden = check(env);

    assertEquals(ExitCode.OK, unlicensed, unlicensedTable);
    assertTrue(
        unlicensedTable
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("privileged role holders")
                        && l.contains(" ok ")
                        && l.contains("no PIM licence")),
        unlicensedTable);
    assertEquals(ExitCode.REJECTED, forbidden, printed());
    assertTrue(
        out.toString(StandardCharsets.UTF_8)
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("privileged role holders")
                        && l.contains(" FAIL ")
                        && l.contains("403")),
        printed());
  }

  @Test
  void failsWhenTheInternalQueueCanBeReceivedFromButNotSentTo() {
    // Data Receiver without Data Sender: follow-ups, held events and markers would all be refused.
    emulator.denySend("offboarding-internal", true);

    int code = check(env(PreflightTokens.ALL));

    assertEquals(ExitCode.REJECTED, code, printed());
    String table = out.toString(StandardCharsets.UTF_8);
    List<String> failed = table.lines().filter(l -> l.contains(" FAIL ")).toList();
    assertEquals(1, failed.size(), table);
    assertTrue(
        failed.get(0).startsWith("servicebus queue offboarding-internal ")
            && failed.get(0).contains("receivable but cannot send")
            && failed.get(0).contains("Data Sender"),
        table);
  }

  @Test
  void needsNoSendOnTheProducersQueues() {
    // The deployment gives the worker Data Receiver alone on the producers' queues.
    emulator.denySend("offboarding-events", true);
    emulator.denySend("offboarding-urgent", true);

    int code = check(env(PreflightTokens.ALL));

    assertEquals(ExitCode.OK, code, printed());
  }

  @Test
  void failsWhenTheInternalQueueIsMissing() {
    Map<String, String> env = env(PreflightTokens.ALL);
    env.put("SERVICEBUS_INTERNAL_QUEUE", "no-such-internal-queue");

    int code = check(env);

    assertEquals(ExitCode.REJECTED, code, printed());
    assertTrue(
        out.toString(StandardCharsets.UTF_8)
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("servicebus queue no-such-internal-queue ")
                        && l.contains("FAIL")
                        && l.contains("cannot receive")),
        printed());
  }

  @Test
  void reportsTheEmulatorsOneKeyAsNotApplicable() {
    check(env(PreflightTokens.ALL));

    assertTrue(
        out.toString(StandardCharsets.UTF_8)
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("servicebus credential ")
                        && l.contains("n/a")
                        && l.contains("development emulator")),
        printed());
  }

  @Test
  void warnsWhenTheWorkersKeyIsTheNamespacesRootKey() {
    Preflight.Check check =
        Preflight.credential(
            config(
                "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey="
                    + SECRET));

    assertEquals(Preflight.Result.WARNING, check.result(), check.toString());
    assertEquals("servicebus credential", check.name());
    assertTrue(check.detail().contains("RootManageSharedAccessKey"), check.detail());
    assertTrue(
        check
            .detail()
            .contains(
                "whoever holds this key can write offboarding-internal and forge the worker's"
                    + " follow-ups; give producers their own keys or Data Sender roles scoped to their queue"),
        check.detail());
    assertFalse(check.detail().contains(SECRET));
  }

  @Test
  void warnsWhenTheWorkersKeyIsAnyNamespaceRuleWithoutNamingIt() {
    Preflight.Check check =
        Preflight.credential(
            config(
                "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=worker-send-listen;SharedAccessKey="
                    + SECRET));
    Preflight.Check token =
        Preflight.credential(
            config(
                "Endpoint=sb://contoso.servicebus.windows.net/;"
                    + "SharedAccessSignature=SharedAccessSignature sr=sb%3A%2F%2Fcontoso.servicebus.windows.net%2F&sig="
                    + SECRET
                    + "&se=1900000000&skn=worker-send-listen"));

    assertEquals(Preflight.Result.WARNING, check.result(), check.toString());
    assertTrue(check.detail().contains("namespace rule"), check.detail());
    assertFalse(
        check.detail().contains("worker-send-listen"),
        "a key name may be a mispasted secret: " + check);
    assertEquals(Preflight.Result.WARNING, token.result(), token.toString());
  }

  @Test
  void acceptsAKeyOfOneEntityAndTheWorkersOwnIdentity() {
    Preflight.Check entityKey =
        Preflight.credential(
            config(
                "Endpoint=sb://contoso.servicebus.windows.net/;"
                    + "SharedAccessKeyName=worker;SharedAccessKey="
                    + SECRET
                    + ";EntityPath=offboarding-internal"));
    Preflight.Check entityToken =
        Preflight.credential(
            config(
                "Endpoint=sb://contoso.servicebus.windows.net/;"
                    + "SharedAccessSignature=SharedAccessSignature sr=sb%3A%2F%2Fcontoso.servicebus.windows.net%2Foffboarding-internal"
                    + "&sig="
                    + SECRET
                    + "&se=1900000000&skn=worker"));
    Preflight.Check identity =
        Preflight.credential(
            WorkerConfig.fromEnvironment(
                Map.of(
                    "SERVICEBUS_NAMESPACE",
                    "contoso.servicebus.windows.net",
                    "GRAPH_BASE_URL",
                    graph.baseUrl(),
                    "GRAPH_AUTH",
                    "none")));

    assertEquals(Preflight.Result.OK, entityKey.result(), entityKey.toString());
    assertEquals(Preflight.Result.OK, entityToken.result(), entityToken.toString());
    assertEquals(Preflight.Result.OK, identity.result(), identity.toString());
    assertTrue(identity.detail().contains("role assignments"), identity.detail());
  }

  @Test
  void passesWithAWarningAndSaysSo() {
    Preflight.Report report =
        new Preflight.Report(
            List.of(
                new Preflight.Check("configuration", Preflight.Result.OK, "fine"),
                new Preflight.Check(
                    "servicebus credential", Preflight.Result.WARNING, "shared key")));

    int code = CheckCommand.print(report, new PrintStream(out, true, StandardCharsets.UTF_8));

    assertEquals(ExitCode.OK, code);
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        table.lines().anyMatch(l -> l.startsWith("servicebus credential ") && l.contains(" WARN ")),
        table);
    assertTrue(table.contains("preflight passed with 1 warning(s)"), table);
  }

  private static final String SECRET = "c2VjcmV0LWtleS12YWx1ZS1mb3ItdGVzdHM9PT09PT0=";

  private WorkerConfig config(String connectionString) {
    return WorkerConfig.fromEnvironment(
        Map.of(
            "SERVICEBUS_CONNECTION_STRING",
            connectionString,
            "GRAPH_BASE_URL",
            graph.baseUrl(),
            "GRAPH_AUTH",
            "none"));
  }

  @Test
  void namesEveryBadVariableInTheTable() {
    int code = check(Map.of("GRAPH_WRITES_PER_SECOND", "lots"));

    assertEquals(ExitCode.REJECTED, code);
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        table.contains("GRAPH_WRITES_PER_SECOND") && table.contains("SERVICEBUS_CONNECTION_STRING"),
        table);
  }

  @Test
  void judgesQueueSettingsTheAdministrationApiReports() {
    assertTrue(Preflight.queueProblems(true, 10, Duration.ofMinutes(1), false).isEmpty());
    List<String> problems = Preflight.queueProblems(false, 1, Duration.ofSeconds(5), true);
    assertEquals(4, problems.size(), problems.toString());
  }

  @Test
  void runRefusesToBecomeReadyWithoutAPermissionAndSaysWhy() throws Exception {
    Map<String, String> env =
        env(List.of("User.RevokeSessions.All", "User.Read.All", "GroupMember.Read.All"));
    CompletableFuture<Void> stop = new CompletableFuture<>();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread running =
        Thread.ofPlatform()
            .start(
                () ->
                    exit.set(
                        RunCommand.run(
                            env,
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8),
                            stop,
                            new Preflight(env),
                            Duration.ofMinutes(10))));
    Pattern port = Pattern.compile("not ready .*HTTP on port (\\d+)");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> port.matcher(out.toString(StandardCharsets.UTF_8)).find());
    Matcher m = port.matcher(out.toString(StandardCharsets.UTF_8));
    assertTrue(m.find());
    HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/health/ready"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    stop.complete(null);
    running.join();

    assertEquals(503, ready.statusCode());
    assertTrue(ready.body().contains("User.EnableDisableAccount.All"), ready.body());
    assertTrue(
        metrics
            .body()
            .lines()
            .anyMatch(l -> l.startsWith("offboarding_ready ") && l.endsWith(" 0.0")),
        metrics.body());
    assertEquals(ExitCode.OK, exit.get());
    assertEquals(
        0, emulator.stats("offboarding-events").locked(), "no event is taken while not ready");
  }
}
