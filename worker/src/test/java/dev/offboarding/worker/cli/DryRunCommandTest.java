package dev.offboarding.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offboarding.testkit.graph.FakeDevice;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.worker.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DryRunCommandTest {
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final FakeTenant tenant = new FakeTenant();
  FakeGraphServer server;
  Map<String, String> env;
  FakeUser alice;
  FakeUser glass;
  FakeUser guest;
  FakeGroup team;

  @BeforeEach
  void start() {
    alice = tenant.addUser("alice@contoso.com");
    glass = tenant.addUser("glass@contoso.com");
    guest =
        tenant.addUser(
            FakeUser.builder("carol_fabrikam.com#EXT#@contoso.onmicrosoft.com").guest().build());
    team = tenant.addGroup("team", alice, glass, guest);
    tenant.addMembers(team.id(), tenant.addDevice(FakeDevice.named("kiosk")));
    server = FakeGraphServer.start(tenant);
    env =
        new HashMap<>(
            Map.of(
                "GRAPH_BASE_URL",
                server.baseUrl(),
                "GRAPH_AUTH",
                "none",
                "PROTECTED_USERS",
                "glass@contoso.com"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  int run(String... args) {
    return Main.run(
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  Path event(String targets) throws Exception {
    Path f = dir.resolve("event.json");
    Files.writeString(
        f,
        """
        {"specversion":"1.0","id":"dry-1","source":"/hr/workday","type":"dev.offboarding.leaver.v1",
         "data":{"targets":[%s],"reason":"Leaver"}}
        """
            .formatted(targets));
    return f;
  }

  @Test
  void showsWhatEachContainmentActionWouldDoAndASynchronisedUsersResetAsSkipped() throws Exception {
    FakeUser synced =
        tenant.addUser(FakeUser.builder("sam@contoso.com").onPremisesSyncEnabled(true).build());
    tenant.addDevice(FakeDevice.named("alice-laptop"), alice.id());
    Path f = dir.resolve("compromise.json");
    Files.writeString(
        f,
        """
        {"specversion":"1.0","id":"dry-2","source":"/siem/sentinel","type":"dev.offboarding.compromise.v1",
         "data":{"targets":[{"user":"%s"},{"user":"%s"}],"reason":"token theft",
                 "actions":["disableAccount","revokeSessions","resetPassword","confirmCompromised","disableDevices"]}}
        """
            .formatted(alice.id(), synced.id()));

    int code = run("dry-run", f.toString());

    assertEquals(0, code, err.toString());
    String text = out.toString();
    assertTrue(text.contains("would set a random password"), text);
    assertTrue(text.contains("SKIPPED PasswordManagedElsewhere"), text);
    assertTrue(text.contains("would disable 1 registered device(s)"), text);
    assertTrue(text.contains("would confirm the user compromised"), text);
    assertTrue(text.contains("Nothing was written."), text);
    assertEquals(List.of(), server.writeLog(), "a dry run writes nothing");
  }

  @Test
  void printsWhoWouldBeTouchedWhoIsProtectedAndWhatWasSkippedWithoutWriting() throws Exception {
    int code =
        run(
            "dry-run",
            event("{\"group\":\"" + team.id() + "\"},{\"user\":\"gone@contoso.com\"}").toString());

    assertEquals(0, code, err.toString());
    String text = out.toString();
    assertTrue(text.contains("Would write to 2 user(s)"), text);
    assertTrue(text.contains("alice@contoso.com"), text);
    assertTrue(text.contains("guest"), text);
    assertTrue(text.contains("Protected, never touched: 1"), text);
    assertTrue(text.contains("listed in PROTECTED_USERS"), text);
    assertTrue(text.contains("user:gone@contoso.com"), text);
    assertTrue(text.contains("device 1"), text);
    assertEquals(List.of(), server.writeLog());
  }

  @Test
  void printsOneJsonDocumentForScripts() throws Exception {
    int code = run("dry-run", "--json", event("{\"group\":\"" + team.id() + "\"}").toString());

    assertEquals(0, code, err.toString());
    JsonNode plan = new ObjectMapper().readTree(out.toString());
    assertEquals("PLANNED", plan.get("status").asText());
    assertEquals(3, plan.get("users").size());
    JsonNode first = plan.get("users").get(0);
    for (String field : new String[] {"id", "userPrincipalName", "via", "actions", "status"}) {
      assertTrue(first.has(field), field);
    }
    assertEquals(1, plan.get("skippedMembers").get("device").asInt());
    long protectedCount = 0;
    for (JsonNode u : plan.get("users")) {
      if (u.get("status").asText().equals("PROTECTED")) {
        protectedCount++;
        assertEquals(0, u.get("actions").size());
      }
    }
    assertEquals(1, protectedCount);
    assertEquals(List.of(), server.writeLog());
  }

  @Test
  void readsAUserGivenByObjectIdSoAMissingOneIsNotResolved() throws Exception {
    String missing = "5f1d3c2a-0000-4000-8000-0000000000ff";

    int code =
        run(
            "dry-run",
            event("{\"user\":\"" + missing + "\"},{\"user\":\"" + alice.id() + "\"}").toString());

    assertEquals(0, code, err.toString());
    String text = out.toString();
    assertTrue(text.contains("Would write to 1 user(s)"), text);
    // The id that exists was read too: the plan names it by its UPN.
    assertTrue(text.contains("alice@contoso.com"), text);
    assertTrue(text.contains("Not resolved: 1"), text);
    assertTrue(text.contains("user:" + missing + "  NOT_FOUND"), text);
    assertEquals(List.of(), server.writeLog());
  }

  @Test
  void listsAMissingObjectIdUnderNotFoundInJson() throws Exception {
    String missing = "5f1d3c2a-0000-4000-8000-0000000000ff";

    int code = run("dry-run", "--json", event("{\"user\":\"" + missing + "\"}").toString());

    assertEquals(0, code, err.toString());
    JsonNode plan = new ObjectMapper().readTree(out.toString());
    assertEquals(0, plan.get("users").size());
    assertEquals("user:" + missing, plan.get("notFound").get(0).get("via").asText());
    assertEquals("NOT_FOUND", plan.get("notFound").get(0).get("status").asText());
  }

  @Test
  void stopsBeforeAnyRequestSayingWhatToSetWhenNoAzureCredentialIsThere() throws Exception {
    env.put("GRAPH_AUTH", "azure");
    // The environment credential alone, unconfigured: no credential, whatever this machine is
    // signed in to.
    env.put("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential");

    int code = run("dry-run", event("{\"user\":\"" + alice.id() + "\"}").toString());

    assertEquals(ExitCode.REJECTED, code, out.toString());
    String printed = err.toString(StandardCharsets.UTF_8);
    assertTrue(
        printed.startsWith("no Azure credential found for Graph (GRAPH_AUTH=azure)"), printed);
    for (String named :
        List.of(
            "AZURE_CLIENT_ID",
            "AZURE_CLIENT_SECRET",
            "AZURE_FEDERATED_TOKEN_FILE",
            "az login",
            "GRAPH_AUTH=none")) {
      assertTrue(printed.contains(named), named + " missing from: " + printed);
    }
    assertEquals(1, printed.lines().count(), "one line, no stack trace: " + printed);
    assertEquals("", out.toString(), "no plan");
    assertEquals(List.of(), server.requestLog(), "not one request without a token");
  }

  @Test
  void exitsTwoWhenThePlanIsOverTheBlastRadius() throws Exception {
    env.put("MAX_TARGETS_PER_EVENT", "2");

    int code = run("dry-run", "--json", event("{\"group\":\"" + team.id() + "\"}").toString());

    assertEquals(2, code);
    assertEquals(
        "BlastRadiusExceeded", new ObjectMapper().readTree(out.toString()).get("reason").asText());
  }

  @Test
  void exitsTwoForAnInvalidEventAndNamesTheBadVariable() throws Exception {
    assertEquals(2, run("dry-run", event("{\"user\":\"not-an-upn\"}").toString()));

    env.put("GRAPH_AUTH", "sometimes");
    assertEquals(2, run("dry-run", event("{\"user\":\"alice@contoso.com\"}").toString()));
    assertTrue(err.toString().contains("GRAPH_AUTH"), err.toString());
  }
}
