package dev.offboarding.worker.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import dev.offboarding.contracts.SampleEvents;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.servicebus.EmulatorMessage;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.Main;
import dev.offboarding.worker.testing.WorkerSystem;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunAndSendCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ServiceBusEmulator emulator = WorkerSystem.projectEntities();

  @AfterEach
  void tearDown() {
    emulator.close();
  }

  private PrintStream print(ByteArrayOutputStream sink) {
    return new PrintStream(sink, true, StandardCharsets.UTF_8);
  }

  private Path sample(String name) throws Exception {
    Path file = dir.resolve("event.json");
    Files.write(file, SampleEvents.load(name));
    return file;
  }

  @Test
  void refusesToRunWithAMessageNamingEveryBadVariableAndExitCodeTwo() {
    int code =
        Main.run(
            new String[] {"run"},
            Map.of("GRAPH_WRITES_PER_SECOND", "lots", "HTTP_PORT", "70000"),
            print(out),
            print(err));

    assertEquals(ExitCode.REJECTED, code);
    String message = err.toString(StandardCharsets.UTF_8);
    for (String variable :
        new String[] {"SERVICEBUS_CONNECTION_STRING", "GRAPH_WRITES_PER_SECOND", "HTTP_PORT"}) {
      assertTrue(message.contains(variable), variable + " not named in:\n" + message);
    }
  }

  @Test
  void refusesAMalformedConnectionStringWithExitCodeTwoAndNeverPrintsTheKey() {
    String malformed =
        "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey SECRETVALUE";

    int code =
        Main.run(
            new String[] {"run"},
            Map.of("SERVICEBUS_CONNECTION_STRING", malformed),
            print(out),
            print(err));

    assertEquals(ExitCode.REJECTED, code);
    String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("SERVICEBUS_CONNECTION_STRING"), printed);
    assertFalse(printed.contains("SECRETVALUE"), printed);
  }

  @Test
  void sendRefusesAMalformedConnectionStringWithExitCodeTwoAndNeverPrintsTheKey() throws Exception {
    Path file = sample(SampleEvents.LEAVER_GROUP);
    String malformed =
        "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey SECRETVALUE";

    int code =
        Main.run(
            new String[] {"send", file.toString()},
            Map.of("SERVICEBUS_CONNECTION_STRING", malformed),
            print(out),
            print(err));

    assertEquals(ExitCode.REJECTED, code);
    String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("SERVICEBUS_CONNECTION_STRING"), printed);
    assertFalse(printed.contains("SECRETVALUE"), printed);
  }

  @Test
  void refusesToRunWithoutBreakGlassProtectionNamingTheSettingsAndExitCodeTwo() {
    FakeTenant tenant = new FakeTenant();
    try (FakeGraphServer graph = FakeGraphServer.start(tenant)) {
      Map<String, String> env =
          Map.of(
              "SERVICEBUS_CONNECTION_STRING",
              emulator.connectionString(),
              "GRAPH_BASE_URL",
              graph.baseUrl(),
              "GRAPH_AUTH",
              "none",
              "HTTP_PORT",
              "0");

      int code = Main.run(new String[] {"run"}, env, print(out), print(err));

      assertEquals(ExitCode.REJECTED, code);
      String message = err.toString(StandardCharsets.UTF_8);
      for (String setting :
          new String[] {"PROTECTED_USERS", "PROTECTED_GROUPS", "ALLOW_UNPROTECTED"}) {
        assertTrue(message.contains(setting), setting + " not named in:\n" + message);
      }
      assertFalse(
          out.toString(StandardCharsets.UTF_8).contains("HTTP on port"), "nothing was served");
      assertTrue(graph.requestLog().isEmpty(), "nothing was read from the tenant");
    }
  }

  @Test
  void runsWithoutBreakGlassProtectionWhenAllowedExplicitly() throws Exception {
    FakeTenant tenant = new FakeTenant();
    try (FakeGraphServer graph = FakeGraphServer.start(tenant)) {
      Map<String, String> env =
          Map.of(
              "SERVICEBUS_CONNECTION_STRING",
              emulator.connectionString(),
              "GRAPH_BASE_URL",
              graph.baseUrl(),
              "GRAPH_AUTH",
              "none",
              "HTTP_PORT",
              "0",
              "ALLOW_UNPROTECTED",
              "true");
      CompletableFuture<Void> stop = new CompletableFuture<>();
      AtomicInteger exit = new AtomicInteger(-1);
      Thread running =
          Thread.ofPlatform()
              .start(() -> exit.set(RunCommand.run(env, print(out), print(err), stop)));
      Pattern port = Pattern.compile("HTTP on port (\\d+)");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> port.matcher(out.toString(StandardCharsets.UTF_8)).find());
      Matcher m = port.matcher(out.toString(StandardCharsets.UTF_8));
      assertTrue(m.find());

      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + m.group(1) + "/health/ready"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      stop.complete(null);
      running.join();

      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals(ExitCode.OK, exit.get(), err.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void runsUntilStoppedServingReadinessThenExitsZero() throws Exception {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser("breakglass@contoso.com");
    try (FakeGraphServer graph = FakeGraphServer.start(tenant)) {
      Map<String, String> env =
          Map.of(
              "SERVICEBUS_CONNECTION_STRING",
              emulator.connectionString(),
              "GRAPH_BASE_URL",
              graph.baseUrl(),
              "GRAPH_AUTH",
              "none",
              "HTTP_PORT",
              "0",
              "PROTECTED_USERS",
              "breakglass@contoso.com");
      CompletableFuture<Void> stop = new CompletableFuture<>();
      AtomicInteger exit = new AtomicInteger(-1);
      Thread running =
          Thread.ofPlatform()
              .start(() -> exit.set(RunCommand.run(env, print(out), print(err), stop)));
      Pattern port = Pattern.compile("HTTP on port (\\d+)");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> port.matcher(out.toString(StandardCharsets.UTF_8)).find());
      Matcher m = port.matcher(out.toString(StandardCharsets.UTF_8));
      assertTrue(m.find());

      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + m.group(1) + "/health/ready"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      stop.complete(null);
      running.join();

      assertEquals(200, ready.statusCode());
      assertEquals(ExitCode.OK, exit.get(), err.toString(StandardCharsets.UTF_8));
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("stopped"));
    }
  }

  @Test
  void sendsAValidEventWithItsIdTypeAndContentType() throws Exception {
    Path file = sample(SampleEvents.LEAVER_GROUP);

    int code =
        Main.run(
            new String[] {"send", "--reply-to", "offboarding-replies", file.toString()},
            Map.of("SERVICEBUS_CONNECTION_STRING", emulator.connectionString()),
            print(out),
            print(err));

    assertEquals(ExitCode.OK, code, err.toString(StandardCharsets.UTF_8));
    EmulatorMessage sent = emulator.peekMessages("offboarding-events").get(0);
    assertEquals("5a0e1c7e-2b1d-4c55-9a61-1d2e3f405002", sent.messageId());
    assertEquals("dev.offboarding.leaver.v1", sent.subject());
    assertEquals("application/cloudevents+json", sent.contentType());
    try (ServiceBusReceiverClient receiver =
        new ServiceBusClientBuilder()
            .connectionString(emulator.connectionString())
            .receiver()
            .queueName("offboarding-events")
            .buildClient()) {
      assertEquals("offboarding-replies", receiver.peekMessage().getReplyTo());
    }
  }

  /**
   * The queue a message arrives on is who sent it: each type goes to the queue of the sender it
   * belongs to.
   */
  @Test
  void sendsEachTypeToTheQueueOfTheSenderItBelongsTo() throws Exception {
    Map<String, String> events =
        Map.of(
            "offboarding-urgent", SampleEvents.COMPROMISE_REVOKE_ONLY,
            "offboarding-events", SampleEvents.LEAVER_ONE_USER);
    for (Map.Entry<String, String> e : events.entrySet()) {
      Path file = dir.resolve(e.getKey() + ".json");
      Files.write(file, SampleEvents.load(e.getValue()));
      assertEquals(
          ExitCode.OK,
          Main.run(
              new String[] {"send", file.toString()},
              Map.of("SERVICEBUS_CONNECTION_STRING", emulator.connectionString()),
              print(out),
              print(err)));
    }
    Path restore = dir.resolve("restore.json");
    Files.writeString(
        restore,
        """
        {"specversion": "1.0", "id": "restore-1", "source": "/ops/console", "type": "dev.offboarding.restore.v1",
         "data": {"targets": [{"user": "alice@contoso.com"}], "reason": "mistaken leaver", "requestedBy": "ops-a"}}
        """);
    Path cancel = dir.resolve("cancel.json");
    Files.writeString(
        cancel,
        """
        {"specversion": "1.0", "id": "cancel-1", "source": "/ops/console", "type": "dev.offboarding.cancel.v1",
         "data": {"eventId": "evt-1", "reason": "sent by mistake", "requestedBy": "ops-a"}}
        """);
    for (Path file : java.util.List.of(restore, cancel)) {
      assertEquals(
          ExitCode.OK,
          Main.run(
              new String[] {"send", file.toString()},
              Map.of("SERVICEBUS_CONNECTION_STRING", emulator.connectionString()),
              print(out),
              print(err)),
          err.toString(StandardCharsets.UTF_8));
    }

    assertEquals(
        "dev.offboarding.compromise.v1",
        emulator.peekMessages("offboarding-urgent").get(0).subject());
    assertEquals(
        "dev.offboarding.leaver.v1", emulator.peekMessages("offboarding-events").get(0).subject());
    assertEquals(
        java.util.List.of("restore-1", "cancel-1"),
        emulator.peekMessages("offboarding-ops").stream().map(EmulatorMessage::messageId).toList());
    assertTrue(
        out.toString(StandardCharsets.UTF_8).contains("to offboarding-ops"),
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void neverSendsAnInvalidEvent() throws Exception {
    Path file = sample(SampleEvents.MALFORMED);

    int code =
        Main.run(
            new String[] {"send", file.toString()},
            Map.of("SERVICEBUS_CONNECTION_STRING", emulator.connectionString()),
            print(out),
            print(err));

    assertEquals(ExitCode.REJECTED, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("$.data.targets[0].user"));
    assertEquals(0, emulator.activeMessageCount("offboarding-events"));
  }

  /**
   * {@code cancel} and {@code approve} send one event each, checked first, to the operators' queue.
   */
  @Test
  void cancelAndApproveEachSendOneEventToTheOperatorsQueueAndSayWhere() {
    Map<String, String> env = Map.of("SERVICEBUS_CONNECTION_STRING", emulator.connectionString());

    assertEquals(
        ExitCode.OK,
        Main.run(
            new String[] {
              "cancel", "--reason", "sent by mistake", "--requested-by", "ops-a", "evt-1"
            },
            env,
            print(out),
            print(err)),
        err.toString(StandardCharsets.UTF_8));
    assertEquals(
        ExitCode.OK,
        Main.run(
            new String[] {
              "approve",
              "--requested-by",
              "lead@contoso.com",
              "--reason",
              "checked with HR",
              "--user",
              "alice@contoso.com",
              "evt-2"
            },
            env,
            print(out),
            print(err)),
        err.toString(StandardCharsets.UTF_8));

    java.util.List<EmulatorMessage> sent = emulator.peekMessages("offboarding-ops");
    assertEquals(
        java.util.List.of("dev.offboarding.cancel.v1", "dev.offboarding.approve.v1"),
        sent.stream().map(EmulatorMessage::subject).toList());
    assertTrue(sent.get(0).bodyAsString().contains("\"evt-1\""), sent.get(0).bodyAsString());
    assertTrue(sent.get(1).bodyAsString().contains("\"evt-2\""), sent.get(1).bodyAsString());
    assertTrue(
        sent.get(1).bodyAsString().contains("alice@contoso.com"), sent.get(1).bodyAsString());
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        printed.contains(
            "sent cancel event " + sent.get(0).messageId() + " for event evt-1 to offboarding-ops"),
        printed);
    assertTrue(
        printed.contains(
            "sent approve event "
                + sent.get(1).messageId()
                + " for event evt-2 to offboarding-ops"),
        printed);
    assertTrue(printed.contains("says what was approved"), printed);
    assertEquals(0, emulator.activeMessageCount("offboarding-events"));
  }
}
