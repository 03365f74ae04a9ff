package dev.offboarding.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

  @Test
  void appliesTheDocumentedDefaults() {
    WorkerConfig c =
        WorkerConfig.fromEnvironment(
            Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"));

    assertEquals("offboarding-events", c.queue());
    assertEquals("offboarding-audit", c.auditTopic());
    assertEquals("https://graph.microsoft.com/v1.0", c.graphBaseUrl().toString());
    assertEquals(WorkerConfig.GraphAuth.AZURE, c.graphAuth());
    assertEquals(20.0, c.writesPerSecond());
    assertEquals(1000, c.maxTargetsPerEvent());
    assertEquals(8080, c.httpPort());
    assertEquals(Set.of(), c.protectedUsers());
    assertEquals(java.time.Duration.ofDays(90), c.maxScheduleAhead());
    assertFalse(
        c.allowUnprotected(), "run refuses to start without break-glass protection by default");
    assertEquals(500, c.approvalThreshold());
    assertEquals(java.time.Duration.ofHours(24), c.approvalTtl());
    assertEquals(java.time.Duration.ofHours(24), c.restoreCooldown());
  }

  @Test
  void readsTheApprovalThresholdTimeAndRestoreCooldownAndRefusesThemOutOfBounds() {
    Map<String, String> env =
        new LinkedHashMap<>(
            Map.of(
                "SERVICEBUS_NAMESPACE",
                "contoso.servicebus.windows.net",
                "APPROVAL_THRESHOLD",
                "50",
                "APPROVAL_TTL",
                "PT2H"));
    WorkerConfig c = WorkerConfig.fromEnvironment(env);
    assertEquals(50, c.approvalThreshold());
    assertEquals(java.time.Duration.ofHours(2), c.approvalTtl());

    env.put("RESTORE_COOLDOWN", "PT6H");
    assertEquals(
        java.time.Duration.ofHours(6), WorkerConfig.fromEnvironment(env).restoreCooldown());
    env.put("APPROVAL_THRESHOLD", "-1");
    env.put("APPROVAL_TTL", "P60D");
    env.put("RESTORE_COOLDOWN", "yesterday");
    ConfigException e =
        assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(env));
    String all = String.join("\n", e.problems());
    assertTrue(
        all.contains("APPROVAL_THRESHOLD")
            && all.contains("APPROVAL_TTL")
            && all.contains("RESTORE_COOLDOWN"),
        all);
  }

  @Test
  void readsTheLongestAccessTokenLifetimeAndRefusesOneThatIsNotADurationOrOutOfBounds() {
    Map<String, String> env =
        new LinkedHashMap<>(Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"));
    assertEquals(
        java.time.Duration.ofMinutes(90),
        WorkerConfig.fromEnvironment(env).accessTokenMaxLifetime());
    env.put("ACCESS_TOKEN_MAX_LIFETIME", "PT2H");
    assertEquals(
        java.time.Duration.ofHours(2), WorkerConfig.fromEnvironment(env).accessTokenMaxLifetime());

    for (String bad : List.of("90", "PT5M", "PT29H", "an hour")) {
      env.put("ACCESS_TOKEN_MAX_LIFETIME", bad);
      ConfigException e =
          assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(env));
      String all = String.join("\n", e.problems());
      assertTrue(
          all.contains("ACCESS_TOKEN_MAX_LIFETIME") && all.contains("PT90M")
              || all.contains("PT10M"),
          all);
    }
  }

  @Test
  void readsTheScheduleHorizonAndRefusesOneOutOfBounds() {
    Map<String, String> env =
        new LinkedHashMap<>(Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"));
    env.put("MAX_SCHEDULE_AHEAD", "P30D");
    assertEquals(
        java.time.Duration.ofDays(30), WorkerConfig.fromEnvironment(env).maxScheduleAhead());

    for (String bad : List.of("P500D", "10", "soon")) {
      env.put("MAX_SCHEDULE_AHEAD", bad);
      ConfigException e =
          assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(env));
      assertTrue(String.join("\n", e.problems()).contains("MAX_SCHEDULE_AHEAD"), bad);
    }
  }

  @Test
  void readsTheMassActionBrakesCapsWithTheirDefaultsAndRefusesAnythingButAWholeNumberFromOne() {
    Map<String, String> env =
        new LinkedHashMap<>(Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"));
    WorkerConfig defaults = WorkerConfig.fromEnvironment(env);
    env.put("MAX_USERS_PER_HOUR", "300");
    env.put("MAX_URGENT_USERS_PER_HOUR", "40");
    WorkerConfig set = WorkerConfig.fromEnvironment(env);

    assertEquals(1000, defaults.maxUsersPerHour());
    assertEquals(200, defaults.maxUrgentUsersPerHour());
    assertEquals(300, set.maxUsersPerHour());
    assertEquals(40, set.maxUrgentUsersPerHour());
    for (String bad : List.of("0", "-5", "1.5", "lots", "10000001")) {
      env.put("MAX_USERS_PER_HOUR", bad);
      env.put("MAX_URGENT_USERS_PER_HOUR", bad);
      ConfigException e =
          assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(env));
      String all = String.join("\n", e.problems());
      assertTrue(
          all.contains("MAX_USERS_PER_HOUR") && all.contains("MAX_URGENT_USERS_PER_HOUR"),
          bad + ": " + all);
    }
  }

  @Test
  void namesHalfAnAzureCredentialAtStartWithoutQuotingItsSecret() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                WorkerConfig.fromEnvironment(
                    Map.of(
                        "SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net",
                        "AZURE_CLIENT_ID", "00000000-0000-4000-8000-00000000c11e",
                        "AZURE_CLIENT_SECRET", "s3cr3t-never-printed")));

    assertEquals(
        List.of(
            "AZURE_CLIENT_SECRET is set but AZURE_TENANT_ID is not: the credential needs both"
                + " AZURE_CLIENT_ID and AZURE_TENANT_ID"),
        e.problems());
    assertFalse(e.getMessage().contains("s3cr3t-never-printed"), e.getMessage());
    // With GRAPH_AUTH=none and a connection string no Azure credential is used, so none is judged.
    assertEquals(
        WorkerConfig.GraphAuth.NONE,
        WorkerConfig.fromEnvironment(
                Map.of(
                    "SERVICEBUS_CONNECTION_STRING",
                    "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;",
                    "GRAPH_AUTH",
                    "none",
                    "GRAPH_BASE_URL",
                    "http://127.0.0.1:1/v1.0",
                    "AZURE_CLIENT_SECRET",
                    "s3cr3t-never-printed"))
            .graphAuth());
  }

  @Test
  void reportsEveryBadVariableByNameAtOnce() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                WorkerConfig.fromEnvironment(
                    Map.of(
                        "GRAPH_WRITES_PER_SECOND", "fast",
                        "MAX_TARGETS_PER_EVENT", "0",
                        "HTTP_PORT", "70000",
                        "GRAPH_AUTH", "password",
                        "PROTECTED_GROUPS", "break-glass")));

    String all = String.join("\n", e.problems());
    for (String name :
        new String[] {
          "SERVICEBUS_CONNECTION_STRING",
          "GRAPH_WRITES_PER_SECOND",
          "MAX_TARGETS_PER_EVENT",
          "HTTP_PORT",
          "GRAPH_AUTH",
          "PROTECTED_GROUPS"
        }) {
      assertTrue(all.contains(name), name + " missing from " + all);
    }
  }

  @Test
  void refusesUnauthenticatedGraphAnywhereButLoopback() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                WorkerConfig.forGraphOnly(
                    Map.of(
                        "GRAPH_AUTH", "none", "GRAPH_BASE_URL", "http://graph.example.com/v1.0")));

    assertTrue(e.getMessage().contains("loopback"));
    assertEquals(
        WorkerConfig.GraphAuth.NONE,
        WorkerConfig.forGraphOnly(
                Map.of("GRAPH_AUTH", "none", "GRAPH_BASE_URL", "http://127.0.0.1:8081/v1.0"))
            .graphAuth());
    WorkerConfig.forGraphOnly(
        Map.of("GRAPH_AUTH", "none", "GRAPH_BASE_URL", "http://localhost:1/v1.0"));
    WorkerConfig.forGraphOnly(
        Map.of("GRAPH_AUTH", "none", "GRAPH_BASE_URL", "http://[::1]:1/v1.0"));
  }

  @Test
  void requiresHttpsForRealCredentials() {
    assertThrows(
        ConfigException.class,
        () ->
            WorkerConfig.forGraphOnly(Map.of("GRAPH_BASE_URL", "http://graph.microsoft.com/v1.0")));
  }

  @Test
  void requiresTheVersionSegmentTheSdkExpects() {
    assertThrows(
        ConfigException.class,
        () ->
            WorkerConfig.forGraphOnly(
                Map.of("GRAPH_BASE_URL", "https://graph.microsoft.com/graph/v1.0")));
  }

  @Test
  void normalisesProtectedAccountsToLowerCase() {
    WorkerConfig c =
        WorkerConfig.forGraphOnly(
            Map.of(
                "PROTECTED_USERS", " Glass@Contoso.com , 5F1D3C2A-0000-4000-8000-000000000001 ",
                "PROTECTED_GROUPS", "84B18857-3C01-48BE-B707-492019C57142"));

    assertEquals(
        Set.of("glass@contoso.com", "5f1d3c2a-0000-4000-8000-000000000001"), c.protectedUsers());
    assertEquals(Set.of("84b18857-3c01-48be-b707-492019c57142"), c.protectedGroups());
  }

  @Test
  void asksForBreakGlassProtectionUnlessRunningWithoutItIsAllowedExplicitly() {
    Map<String, String> env =
        new LinkedHashMap<>(Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"));
    String unprotected = WorkerConfig.fromEnvironment(env).unprotectedProblem();
    env.put("ALLOW_UNPROTECTED", "TRUE");
    WorkerConfig allowed = WorkerConfig.fromEnvironment(env);
    env.put("ALLOW_UNPROTECTED", "false");
    env.put("PROTECTED_GROUPS", "84b18857-3c01-48be-b707-492019c57142");
    WorkerConfig protectedByGroup = WorkerConfig.fromEnvironment(env);
    env.put("ALLOW_UNPROTECTED", "maybe");

    ConfigException bad =
        assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(env));

    for (String setting : List.of("PROTECTED_USERS", "PROTECTED_GROUPS", "ALLOW_UNPROTECTED")) {
      assertTrue(unprotected.contains(setting), unprotected);
    }
    assertTrue(allowed.allowUnprotected());
    assertEquals(null, allowed.unprotectedProblem());
    assertEquals(null, protectedByGroup.unprotectedProblem());
    assertTrue(String.join("\n", bad.problems()).contains("ALLOW_UNPROTECTED"), bad.getMessage());
  }

  @Test
  void takesOneQueuePerSenderEachWithItsDefaultAndNoTwoTheSame() {
    Map<String, String> base = Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net");
    WorkerConfig defaults = WorkerConfig.fromEnvironment(base);
    assertEquals(
        List.of(
            "offboarding-events",
            "offboarding-urgent",
            "offboarding-ops",
            "offboarding-internal",
            "offboarding-state"),
        List.of(
            defaults.queue(),
            defaults.urgentQueue(),
            defaults.opsQueue(),
            defaults.internalQueue(),
            defaults.stateQueue()));

    Map<String, String> urgent = new java.util.HashMap<>(base);
    urgent.put("SERVICEBUS_URGENT_QUEUE", "siem-alerts");
    assertEquals("siem-alerts", WorkerConfig.fromEnvironment(urgent).urgentQueue());

    for (String setting :
        List.of(
            "SERVICEBUS_URGENT_QUEUE",
            "SERVICEBUS_OPS_QUEUE",
            "SERVICEBUS_INTERNAL_QUEUE",
            "SERVICEBUS_STATE_QUEUE")) {
      Map<String, String> same = new java.util.HashMap<>(base);
      same.put(setting, "offboarding-events");
      ConfigException e =
          assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(same));
      assertTrue(
          e.getMessage().contains(setting + " must name another queue than SERVICEBUS_QUEUE"),
          e.getMessage());
    }
  }

  @Test
  void keepsTheConnectionStringOutOfItsDescription() {
    WorkerConfig c =
        WorkerConfig.fromEnvironment(
            Map.of(
                "SERVICEBUS_CONNECTION_STRING",
                "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=SECRETVALUE"));

    assertFalse(c.toString().contains("SECRETVALUE"));
    assertFalse(c.toString().contains("SharedAccessKey="));
  }

  private static WorkerConfig withConnectionString(String value) {
    return WorkerConfig.fromEnvironment(Map.of("SERVICEBUS_CONNECTION_STRING", value));
  }

  @Test
  void acceptsTheConnectionStringsOfANamespaceAndOfTheEmulator() {
    for (String valid :
        List.of(
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=a2V5+/=",
            "endpoint=sb://contoso.servicebus.windows.net;sharedaccesskeyname=k;sharedaccesskey=a2V5;EntityPath=offboarding-events",
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=x&sig=y&se=1&skn=k",
            "Endpoint=sb://localhost:5672;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;",
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=a2V5;UseDevelopmentEmulator=false")) {
      assertEquals(valid, withConnectionString(valid).serviceBusConnectionString());
    }
  }

  @Test
  void namesTheBadPartOfAConnectionStringWithoutPrintingAnyKey() {
    String key = "SharedAccessKeyName=k;SharedAccessKey=SECRET";
    Map<String, String> badPartOf = new LinkedHashMap<>();
    badPartOf.put("Endpoint=https://contoso.servicebus.windows.net/;" + key, "Endpoint");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/queue;" + key, "Endpoint");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/?SECRET;" + key, "Endpoint");
    badPartOf.put("Endpoint=sb://SECRET@contoso.servicebus.windows.net/;" + key, "Endpoint");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net:99999/;" + key, "Endpoint");
    badPartOf.put(key, "Endpoint");
    badPartOf.put(
        "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k", "SharedAccessKey");
    badPartOf.put(
        "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKey=SECRET",
        "SharedAccessKeyName");
    badPartOf.put(
        "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=",
        "SharedAccessKey");
    badPartOf.put(
        "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey SECRET",
        "part 3");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;;" + key, "part 2");
    badPartOf.put(
        "Endpoint=sb://contoso.servicebus.windows.net/;" + key + ";Transport=amqp", "Transport");
    badPartOf.put(
        "Endpoint=sb://contoso.servicebus.windows.net/;"
            + key
            + ";SECRETa2V5SECRETa2V5SECRETa2V5SECRET=",
        "part 4");
    badPartOf.put(
        "Endpoint=sb://contoso.servicebus.windows.net/;" + key + ";SharedAccessKey=SECRET",
        "SharedAccessKey");
    badPartOf.put(
        "Endpoint=sb://contoso.servicebus.windows.net/;"
            + key
            + ";SharedAccessSignature=SharedAccessSignature sig=SECRET",
        "SharedAccessSignature");
    badPartOf.put(
        "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessSignature=SECRET",
        "SharedAccessSignature");
    badPartOf.put(
        "Endpoint=sb://contoso.servicebus.windows.net/;" + key + ";EntityPath=a SECRET",
        "EntityPath");
    badPartOf.put(
        "Endpoint=sb://contoso.servicebus.windows.net/;" + key + ";UseDevelopmentEmulator=SECRET",
        "UseDevelopmentEmulator");

    badPartOf.forEach(
        (value, part) -> {
          ConfigException e =
              assertThrows(ConfigException.class, () -> withConnectionString(value), value);
          assertTrue(e.getMessage().contains("SERVICEBUS_CONNECTION_STRING"), e.getMessage());
          assertTrue(e.getMessage().contains(part), part + " not named in " + e.getMessage());
          assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        });
  }

  private static String plainText(String endpoint) {
    return "Endpoint="
        + endpoint
        + ";SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;"
        + "UseDevelopmentEmulator=true;";
  }

  @Test
  void refusesPlainTextServiceBusAnywhereButLoopback() {
    for (String loopback :
        List.of(
            "sb://localhost:5672", "sb://127.0.0.1", "sb://127.10.0.1:5672/", "sb://[::1]:5672")) {
      withConnectionString(plainText(loopback));
    }

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> withConnectionString(plainText("sb://contoso.servicebus.windows.net")));

    assertTrue(e.getMessage().contains("SERVICEBUS_CONNECTION_STRING"), e.getMessage());
    assertTrue(e.getMessage().contains("UseDevelopmentEmulator=true"), e.getMessage());
    assertTrue(e.getMessage().contains("contoso.servicebus.windows.net"), e.getMessage());
    assertFalse(e.getMessage().contains("SAS_KEY_VALUE"), e.getMessage());
  }

  @Test
  void allowsPlainTextToAnEmulatorHostOnlyWhenItIsListedByName() {
    String emulator = plainText("sb://servicebus-emulator");

    WorkerConfig.fromEnvironment(
        Map.of(
            "SERVICEBUS_CONNECTION_STRING",
            emulator,
            "SERVICEBUS_ALLOW_PLAINTEXT_HOSTS",
            "sqledge, ServiceBus-Emulator"));
    ConfigException other =
        assertThrows(
            ConfigException.class,
            () ->
                WorkerConfig.fromEnvironment(
                    Map.of(
                        "SERVICEBUS_CONNECTION_STRING",
                        emulator,
                        "SERVICEBUS_ALLOW_PLAINTEXT_HOSTS",
                        "servicebus")));
    ConfigException malformed =
        assertThrows(
            ConfigException.class,
            () ->
                WorkerConfig.fromEnvironment(
                    Map.of(
                        "SERVICEBUS_CONNECTION_STRING",
                        emulator,
                        "SERVICEBUS_ALLOW_PLAINTEXT_HOSTS",
                        "*")));

    assertTrue(other.getMessage().contains("SERVICEBUS_ALLOW_PLAINTEXT_HOSTS"), other.getMessage());
    assertTrue(
        malformed.getMessage().contains("SERVICEBUS_ALLOW_PLAINTEXT_HOSTS"),
        malformed.getMessage());
  }

  @Test
  void givesEachIntakeQueueItsDefaultPolicyWithTheHourlyAllowances() {
    Map<String, String> env =
        new LinkedHashMap<>(Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"));
    WorkerConfig defaults = WorkerConfig.fromEnvironment(env);
    env.put("MAX_USERS_PER_HOUR", "300");
    env.put("MAX_URGENT_USERS_PER_HOUR", "40");
    WorkerConfig set = WorkerConfig.fromEnvironment(env);

    assertEquals(1000, defaults.intakePolicies().of("offboarding-events").usersPerHour());
    assertEquals(200, defaults.intakePolicies().of("offboarding-urgent").usersPerHour());
    assertEquals(300, set.intakePolicies().of("offboarding-events").usersPerHour());
    assertEquals(40, set.intakePolicies().of("offboarding-urgent").usersPerHour());
    assertEquals(100, set.intakePolicies().of("offboarding-urgent").maxTargets());
    assertTrue(set.intakePolicies().of("offboarding-ops").cancelsReachEveryQueue());
  }

  @Test
  void narrowsThePoliciesWithAnIntakePolicyFile(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("policy.json");
    java.nio.file.Files.writeString(
        file,
        """
        {"queues": {"offboarding-urgent": {"actions": ["revokeSessions"], "maxTargets": 25}}}
        """);

    WorkerConfig c =
        WorkerConfig.fromEnvironment(
            Map.of(
                "SERVICEBUS_NAMESPACE",
                "contoso.servicebus.windows.net",
                "INTAKE_POLICY_FILE",
                file.toString()));

    assertEquals(25, c.intakePolicies().of("offboarding-urgent").maxTargets());
    assertEquals(
        Set.of(dev.offboarding.contracts.Action.REVOKE_SESSIONS),
        c.intakePolicies().of("offboarding-urgent").actions());
  }

  @Test
  void refusesToStartWithAPolicyFileThatWidensADefaultNamingTheRule(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("policy.json");
    java.nio.file.Files.writeString(
        file,
        """
        {"queues": {"offboarding-events": {"eventTypes": ["dev.offboarding.restore.v1"]}}}
        """);

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                WorkerConfig.fromEnvironment(
                    Map.of(
                        "SERVICEBUS_NAMESPACE",
                        "contoso.servicebus.windows.net",
                        "INTAKE_POLICY_FILE",
                        file.toString())));
    ConfigException missing =
        assertThrows(
            ConfigException.class,
            () ->
                WorkerConfig.fromEnvironment(
                    Map.of(
                        "SERVICEBUS_NAMESPACE",
                        "contoso.servicebus.windows.net",
                        "INTAKE_POLICY_FILE",
                        dir.resolve("absent.json").toString())));

    assertEquals(
        List.of(
            "INTAKE_POLICY_FILE: queues.offboarding-events.eventTypes widens the default policy of"
                + " offboarding-events: dev.offboarding.restore.v1 is not allowed there (default: dev.offboarding.leaver.v1,"
                + " dev.offboarding.compromise.v1, dev.offboarding.cancel.v1); the file can only narrow it"),
        e.problems());
    assertEquals(
        List.of("INTAKE_POLICY_FILE cannot be read: NoSuchFileException"), missing.problems());
  }

  @Test
  void readsTheSignInWatchOffByDefaultAndRefusesItsSettingsOutOfBounds() {
    Map<String, String> env =
        new LinkedHashMap<>(Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"));
    dev.offboarding.worker.watch.WatchSettings off =
        WorkerConfig.fromEnvironment(env).signInWatch();
    assertFalse(off.enabled());
    assertEquals(java.time.Duration.ofMinutes(1), off.pollInterval());
    assertEquals(java.time.Duration.ofMinutes(10), off.logLatency());
    assertEquals(java.time.Duration.ofMinutes(90), off.accessTokenMaxLifetime());

    env.putAll(
        Map.of(
            "WATCH_SIGN_INS",
            "true",
            "WATCH_SIGN_INS_POLL_INTERVAL",
            "PT30S",
            "SIGN_IN_LOG_LATENCY",
            "0",
            "ACCESS_TOKEN_MAX_LIFETIME",
            "PT2H"));
    dev.offboarding.worker.watch.WatchSettings on = WorkerConfig.fromEnvironment(env).signInWatch();
    assertTrue(on.enabled());
    assertEquals(java.time.Duration.ofSeconds(30), on.pollInterval());
    assertEquals(java.time.Duration.ZERO, on.logLatency());
    assertEquals(java.time.Duration.ofHours(2), on.accessTokenMaxLifetime());

    env.putAll(
        Map.of(
            "WATCH_SIGN_INS",
            "yes",
            "WATCH_SIGN_INS_POLL_INTERVAL",
            "PT0S",
            "SIGN_IN_LOG_LATENCY",
            "PT3H",
            "ACCESS_TOKEN_MAX_LIFETIME",
            "PT5M"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(env));
    String all = String.join("\n", e.problems());
    for (String name :
        List.of(
            "WATCH_SIGN_INS ",
            "WATCH_SIGN_INS_POLL_INTERVAL",
            "SIGN_IN_LOG_LATENCY",
            "ACCESS_TOKEN_MAX_LIFETIME")) {
      assertTrue(all.contains(name), name + " in " + all);
    }
  }

  @Test
  void runsProductionTimingsUnlessACopyShortensThem() {
    WorkerConfig c =
        WorkerConfig.fromEnvironment(
            Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"));
    assertEquals(Tuning.defaults(), c.tuning());
    assertEquals(
        dev.offboarding.worker.servicebus.ServiceBusIntake.Options.defaults()
            .withLockRenewal(
                c.deliveryMaxDuration()
                    .plus(dev.offboarding.worker.flow.IntakeBackoff.Policy.defaults().maxHold())
                    .plus(java.time.Duration.ofMinutes(5))),
        c.tuning().intakeOptions(c.deliveryMaxDuration()),
        "the intake's lock outlives a delivery and its longest hold");

    Tuning.Recovery quick =
        new Tuning.Recovery(
            10,
            java.time.Duration.ofMillis(500),
            java.time.Duration.ofSeconds(2),
            java.time.Duration.ofSeconds(1));
    dev.offboarding.worker.servicebus.ServiceBusIntake.Options one =
        new dev.offboarding.worker.servicebus.ServiceBusIntake.Options(
            1,
            java.time.Duration.ofMinutes(1),
            java.time.Duration.ofSeconds(5),
            java.time.Duration.ofSeconds(1));
    dev.offboarding.worker.flow.IntakeBackoff.Policy backoff =
        new dev.offboarding.worker.flow.IntakeBackoff.Policy(
            java.time.Duration.ofMillis(50),
            java.time.Duration.ofMillis(200),
            java.time.Duration.ofMinutes(2));
    WorkerConfig shortened =
        c.withRecovery(quick)
            .withIntakeOptions(one)
            .withBackoff(backoff)
            .withMarkerPoll(java.time.Duration.ofMillis(200));
    assertEquals(
        new Tuning(quick, one, backoff, java.time.Duration.ofMillis(200)), shortened.tuning());
    assertEquals(one, shortened.tuning().intakeOptions(c.deliveryMaxDuration()));
    assertEquals(
        shortened.tuning(),
        shortened.withSignInWatch(c.signInWatch()).tuning(),
        "other copies keep the timings");
    assertEquals(c.queue(), shortened.queue());
    assertEquals(c.deliveryMaxDuration(), shortened.deliveryMaxDuration());
    assertThrows(IllegalArgumentException.class, () -> c.withMarkerPoll(java.time.Duration.ZERO));
  }
}
