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
    WorkerConfig c = WorkerConfig.fromEnvironment(Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"));

    assertEquals("offboarding-events", c.queue());
    assertEquals("offboarding-audit", c.auditTopic());
    assertEquals("https://graph.microsoft.com/v1.0", c.graphBaseUrl().toString());
    assertEquals(WorkerConfig.GraphAuth.AZURE, c.graphAuth());
    assertEquals(20.0, c.writesPerSecond());
    assertEquals(1000, c.maxTargetsPerEvent());
    assertEquals(8080, c.httpPort());
    assertEquals(Set.of(), c.protectedUsers());
    assertEquals(java.time.Duration.ofDays(90), c.maxScheduleAhead());
    assertFalse(c.allowUnprotected(), "run refuses to start without break-glass protection by default");
  }

  @Test
  void readsTheScheduleHorizonAndRefusesOneOutOfBounds() {
    Map<String, String> env = new LinkedHashMap<>(Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"));
    env.put("MAX_SCHEDULE_AHEAD", "P30D");
    assertEquals(java.time.Duration.ofDays(30), WorkerConfig.fromEnvironment(env).maxScheduleAhead());

    for (String bad : List.of("P500D", "10", "soon")) {
      env.put("MAX_SCHEDULE_AHEAD", bad);
      ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(env));
      assertTrue(String.join("\n", e.problems()).contains("MAX_SCHEDULE_AHEAD"), bad);
    }
  }

  @Test
  void namesHalfAnAzureCredentialAtStartWithoutQuotingItsSecret() {
    ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(Map.of(
        "SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net",
        "AZURE_CLIENT_ID", "00000000-0000-4000-8000-00000000c11e",
        "AZURE_CLIENT_SECRET", "s3cr3t-never-printed")));

    assertEquals(List.of("AZURE_CLIENT_SECRET is set but AZURE_TENANT_ID is not: the credential needs both"
        + " AZURE_CLIENT_ID and AZURE_TENANT_ID"), e.problems());
    assertFalse(e.getMessage().contains("s3cr3t-never-printed"), e.getMessage());
    // With GRAPH_AUTH=none and a connection string no Azure credential is used, so none is judged.
    assertEquals(WorkerConfig.GraphAuth.NONE, WorkerConfig.fromEnvironment(Map.of("SERVICEBUS_CONNECTION_STRING",
        "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;",
        "GRAPH_AUTH", "none", "GRAPH_BASE_URL", "http://127.0.0.1:1/v1.0", "AZURE_CLIENT_SECRET", "s3cr3t-never-printed"))
        .graphAuth());
  }

  @Test
  void reportsEveryBadVariableByNameAtOnce() {
    ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(Map.of(
        "GRAPH_WRITES_PER_SECOND", "fast",
        "MAX_TARGETS_PER_EVENT", "0",
        "HTTP_PORT", "70000",
        "GRAPH_AUTH", "password",
        "PROTECTED_GROUPS", "break-glass")));

    String all = String.join("\n", e.problems());
    for (String name : new String[] {"SERVICEBUS_CONNECTION_STRING", "GRAPH_WRITES_PER_SECOND",
        "MAX_TARGETS_PER_EVENT", "HTTP_PORT", "GRAPH_AUTH", "PROTECTED_GROUPS"}) {
      assertTrue(all.contains(name), name + " missing from " + all);
    }
  }

  @Test
  void refusesUnauthenticatedGraphAnywhereButLoopback() {
    ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.forGraphOnly(Map.of(
        "GRAPH_AUTH", "none", "GRAPH_BASE_URL", "http://graph.example.com/v1.0")));

    assertTrue(e.getMessage().contains("loopback"));
    assertEquals(WorkerConfig.GraphAuth.NONE, WorkerConfig.forGraphOnly(Map.of(
        "GRAPH_AUTH", "none", "GRAPH_BASE_URL", "http://127.0.0.1:8081/v1.0")).graphAuth());
    WorkerConfig.forGraphOnly(Map.of("GRAPH_AUTH", "none", "GRAPH_BASE_URL", "http://localhost:1/v1.0"));
    WorkerConfig.forGraphOnly(Map.of("GRAPH_AUTH", "none", "GRAPH_BASE_URL", "http://[::1]:1/v1.0"));
  }

  @Test
  void requiresHttpsForRealCredentials() {
    assertThrows(ConfigException.class, () -> WorkerConfig.forGraphOnly(Map.of(
        "GRAPH_BASE_URL", "http://graph.microsoft.com/v1.0")));
  }

  @Test
  void requiresTheVersionSegmentTheSdkExpects() {
    assertThrows(ConfigException.class, () -> WorkerConfig.forGraphOnly(Map.of(
        "GRAPH_BASE_URL", "https://graph.microsoft.com/graph/v1.0")));
  }

  @Test
  void normalisesProtectedAccountsToLowerCase() {
    WorkerConfig c = WorkerConfig.forGraphOnly(Map.of(
        "PROTECTED_USERS", " Glass@Contoso.com , 5F1D3C2A-0000-4000-8000-000000000001 ",
        "PROTECTED_GROUPS", "84B18857-3C01-48BE-B707-492019C57142"));

    assertEquals(Set.of("glass@contoso.com", "5f1d3c2a-0000-4000-8000-000000000001"), c.protectedUsers());
    assertEquals(Set.of("84b18857-3c01-48be-b707-492019c57142"), c.protectedGroups());
  }

  @Test
  void asksForBreakGlassProtectionUnlessRunningWithoutItIsAllowedExplicitly() {
    Map<String, String> env = new LinkedHashMap<>(Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"));
    String unprotected = WorkerConfig.fromEnvironment(env).unprotectedProblem();
    env.put("ALLOW_UNPROTECTED", "TRUE");
    WorkerConfig allowed = WorkerConfig.fromEnvironment(env);
    env.put("ALLOW_UNPROTECTED", "false");
    env.put("PROTECTED_GROUPS", "84b18857-3c01-48be-b707-492019c57142");
    WorkerConfig protectedByGroup = WorkerConfig.fromEnvironment(env);
    env.put("ALLOW_UNPROTECTED", "maybe");

    ConfigException bad = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(env));

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
    assertEquals(List.of("offboarding-events", "offboarding-urgent", "offboarding-ops", "offboarding-internal",
        "offboarding-state"), List.of(defaults.queue(), defaults.urgentQueue(), defaults.opsQueue(),
        defaults.internalQueue(), defaults.stateQueue()));

    Map<String, String> urgent = new java.util.HashMap<>(base);
    urgent.put("SERVICEBUS_URGENT_QUEUE", "siem-alerts");
    assertEquals("siem-alerts", WorkerConfig.fromEnvironment(urgent).urgentQueue());

    for (String setting : List.of("SERVICEBUS_URGENT_QUEUE", "SERVICEBUS_OPS_QUEUE", "SERVICEBUS_INTERNAL_QUEUE",
        "SERVICEBUS_STATE_QUEUE")) {
      Map<String, String> same = new java.util.HashMap<>(base);
      same.put(setting, "offboarding-events");
      ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(same));
      assertTrue(e.getMessage().contains(setting + " must name another queue than SERVICEBUS_QUEUE"),
          e.getMessage());
    }
  }

  @Test
  void keepsTheConnectionStringOutOfItsDescription() {
    WorkerConfig c = WorkerConfig.fromEnvironment(Map.of("SERVICEBUS_CONNECTION_STRING",
        "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=SECRETVALUE"));

    assertFalse(c.toString().contains("SECRETVALUE"));
    assertFalse(c.toString().contains("SharedAccessKey="));
  }

  private static WorkerConfig withConnectionString(String value) {
    return WorkerConfig.fromEnvironment(Map.of("SERVICEBUS_CONNECTION_STRING", value));
  }

  @Test
  void acceptsTheConnectionStringsOfANamespaceAndOfTheEmulator() {
    for (String valid : List.of(
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
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k", "SharedAccessKey");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKey=SECRET", "SharedAccessKeyName");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=", "SharedAccessKey");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey SECRET", "part 3");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;;" + key, "part 2");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;" + key + ";Transport=amqp", "Transport");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;" + key + ";SECRETa2V5SECRETa2V5SECRETa2V5SECRET=", "part 4");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;" + key + ";SharedAccessKey=SECRET", "SharedAccessKey");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;" + key
        + ";SharedAccessSignature=SharedAccessSignature sig=SECRET", "SharedAccessSignature");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessSignature=SECRET", "SharedAccessSignature");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;" + key + ";EntityPath=a SECRET", "EntityPath");
    badPartOf.put("Endpoint=sb://contoso.servicebus.windows.net/;" + key + ";UseDevelopmentEmulator=SECRET",
        "UseDevelopmentEmulator");

    badPartOf.forEach((value, part) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> withConnectionString(value), value);
      assertTrue(e.getMessage().contains("SERVICEBUS_CONNECTION_STRING"), e.getMessage());
      assertTrue(e.getMessage().contains(part), part + " not named in " + e.getMessage());
      assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    });
  }

  private static String plainText(String endpoint) {
    return "Endpoint=" + endpoint + ";SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;"
        + "UseDevelopmentEmulator=true;";
  }

  @Test
  void refusesPlainTextServiceBusAnywhereButLoopback() {
    for (String loopback : List.of("sb://localhost:5672", "sb://127.0.0.1", "sb://127.10.0.1:5672/", "sb://[::1]:5672")) {
      withConnectionString(plainText(loopback));
    }

    ConfigException e = assertThrows(ConfigException.class,
        () -> withConnectionString(plainText("sb://contoso.servicebus.windows.net")));

    assertTrue(e.getMessage().contains("SERVICEBUS_CONNECTION_STRING"), e.getMessage());
    assertTrue(e.getMessage().contains("UseDevelopmentEmulator=true"), e.getMessage());
    assertTrue(e.getMessage().contains("contoso.servicebus.windows.net"), e.getMessage());
    assertFalse(e.getMessage().contains("SAS_KEY_VALUE"), e.getMessage());
  }

  @Test
  void allowsPlainTextToAnEmulatorHostOnlyWhenItIsListedByName() {
    String emulator = plainText("sb://servicebus-emulator");

    WorkerConfig.fromEnvironment(Map.of("SERVICEBUS_CONNECTION_STRING", emulator,
        "SERVICEBUS_ALLOW_PLAINTEXT_HOSTS", "sqledge, ServiceBus-Emulator"));
    ConfigException other = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(Map.of(
        "SERVICEBUS_CONNECTION_STRING", emulator, "SERVICEBUS_ALLOW_PLAINTEXT_HOSTS", "servicebus")));
    ConfigException malformed = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnvironment(Map.of(
        "SERVICEBUS_CONNECTION_STRING", emulator, "SERVICEBUS_ALLOW_PLAINTEXT_HOSTS", "*")));

    assertTrue(other.getMessage().contains("SERVICEBUS_ALLOW_PLAINTEXT_HOSTS"), other.getMessage());
    assertTrue(malformed.getMessage().contains("SERVICEBUS_ALLOW_PLAINTEXT_HOSTS"), malformed.getMessage());
  }
}
