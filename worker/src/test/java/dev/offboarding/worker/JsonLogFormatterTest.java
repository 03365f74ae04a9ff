package dev.offboarding.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.servicebus.EmulatorConfig;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.cli.Preflight;
import dev.offboarding.worker.cli.RunCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;
import org.junit.jupiter.api.Test;

class JsonLogFormatterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonLogFormatter formatter = new JsonLogFormatter();

  @Test
  void writesOneJsonObjectPerLineWithTheEventIdWhereTheMessageNamesOne() throws Exception {
    LogRecord record =
        new LogRecord(
            Level.WARNING,
            "event 5a0e1c7e-2b1d-4c55-9a61-1d2e3f405002 failed transiently (GraphUnavailable)\nsecond line");
    record.setLoggerName("dev.offboarding.worker.servicebus.DeliveryHandler");
    record.setThrown(new IllegalStateException("boom"));

    String line = formatter.format(record);

    assertEquals(1, line.strip().lines().count(), line);
    JsonNode json = JSON.readTree(line);
    assertEquals("WARNING", json.get("level").asText());
    assertEquals("dev.offboarding.worker.servicebus.DeliveryHandler", json.get("logger").asText());
    assertEquals("5a0e1c7e-2b1d-4c55-9a61-1d2e3f405002", json.get("eventId").asText());
    assertEquals("5a0e1c7e-2b1d-4c55-9a61-1d2e3f405002", json.get("correlationId").asText());
    assertTrue(json.get("message").asText().endsWith("second line"));
    assertTrue(json.get("exception").asText().contains("IllegalStateException: boom"));
    assertTrue(json.get("timestamp").asText().endsWith("Z"));
  }

  @Test
  void writesTheEntriesOfAMapParameterAsFieldsThatNeverReplaceTheLinesOwn() throws Exception {
    LogRecord record = new LogRecord(Level.INFO, "{0}");
    Map<String, Object> fields = new java.util.LinkedHashMap<>();
    fields.put("eventId", "e-7");
    fields.put("level", "DEBUG");
    fields.put("final", true);
    fields.put("durationMs", 12L);
    fields.put("users", Map.of("SUCCEEDED", 3));
    fields.put("note", "SharedAccessKey=abc123");
    record.setParameters(new Object[] {"event e-7 finished", fields});

    JsonNode json = JSON.readTree(formatter.format(record));

    assertEquals("event e-7 finished", json.get("message").asText());
    assertEquals("INFO", json.get("level").asText());
    assertEquals("e-7", json.get("eventId").asText());
    assertEquals("e-7", json.get("correlationId").asText());
    assertTrue(json.get("final").isBoolean());
    assertEquals(12, json.get("durationMs").asLong());
    assertEquals(3, json.at("/users/SUCCEEDED").asInt());
    assertEquals("SharedAccessKey=<redacted>", json.get("note").asText());
  }

  @Test
  void leavesOutEventFieldsWhenNoEventIsNamed() throws Exception {
    JsonNode json =
        JSON.readTree(formatter.format(new LogRecord(Level.SEVERE, "receiving failed")));

    assertEquals("ERROR", json.get("level").asText());
    assertFalse(json.has("eventId"));
  }

  @Test
  void redactsAnythingShapedLikeASecret() {
    String jwt = "eyJhbGciOiJub25lIn0.eyJyb2xlcyI6W119.c2ln";
    String line =
        formatter.format(
            new LogRecord(
                Level.INFO,
                "Endpoint=sb://x/;SharedAccessKeyName=Root;SharedAccessKey=abc123== Authorization: Bearer "
                    + jwt
                    + " sig=xyz&se=1 token "
                    + jwt));

    assertFalse(line.contains("abc123") || line.contains(jwt) || line.contains("xyz"), line);
    assertTrue(line.contains("SharedAccessKey=<redacted>"), line);
  }

  /**
   * Every line the worker logs while its preflight fails, scanned for the connection string's key
   * and the token.
   */
  @Test
  void theWorkersLogsCarryNoSecret() throws Exception {
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    Handler capture = new StreamHandler(logs, formatter);
    capture.setLevel(Level.ALL);
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    String token = dev.offboarding.worker.cli.PreflightTokens.withRoles(List.of("User.Read.All"));
    try (ServiceBusEmulator emulator =
            ServiceBusEmulator.start(
                EmulatorConfig.fromJson(Path.of("..", "deploy", "servicebus", "config.json")), 0);
        FakeGraphServer graph = FakeGraphServer.start(new FakeTenant())) {
      Map<String, String> env =
          Map.of(
              "SERVICEBUS_CONNECTION_STRING",
              emulator.connectionString(),
              "SERVICEBUS_QUEUE",
              "no-such-queue",
              "GRAPH_BASE_URL",
              graph.baseUrl(),
              "GRAPH_AUTH",
              "none",
              "HTTP_PORT",
              "0",
              Preflight.STATIC_TOKEN_VARIABLE,
              token,
              "ALLOW_UNPROTECTED",
              "true");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

      RunCommand.run(env, print, print, CompletableFuture.completedFuture(null));
      Main.run(new String[] {"check"}, env, print, print);
    } finally {
      capture.flush();
      root.removeHandler(capture);
    }

    String all = logs.toString(StandardCharsets.UTF_8);
    assertTrue(all.contains("not ready, preflight failed"), all);
    for (String line : all.strip().split("\\R")) {
      JSON.readTree(line);
    }
    String payload = token.split("\\.")[1];
    assertFalse(all.contains("SAS_KEY_VALUE"), "the SAS key was logged:\n" + all);
    assertFalse(
        all.contains(payload)
            || all.contains(
                new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)),
        "the token was logged:\n" + all);
  }
}
