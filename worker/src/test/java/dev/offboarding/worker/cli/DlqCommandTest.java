package dev.offboarding.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import dev.offboarding.testkit.servicebus.EmulatorConfig;
import dev.offboarding.testkit.servicebus.EmulatorMessage;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code dlq list} and {@code dlq resubmit} against the embedded emulator. */
class DlqCommandTest {
  private static final String QUEUE = "offboarding-events";
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private ServiceBusEmulator emulator;
  private ServiceBusClientBuilder clients;

  @BeforeEach
  void start() {
    // The project's entities, the event queue's duplicate window shortened so a resubmitted id is
    // accepted within a test; duplicate detection itself stays on.
    EmulatorConfig file =
        EmulatorConfig.fromJson(Path.of("..", "deploy", "servicebus", "config.json"));
    List<EmulatorConfig.Queue> queues = new ArrayList<>();
    for (EmulatorConfig.Queue q : file.queues()) {
      queues.add(
          q.name().equals(QUEUE)
              ? q.withProperties(q.properties().withDuplicateDetection(Duration.ofMillis(1)))
              : q);
    }
    emulator =
        ServiceBusEmulator.start(new EmulatorConfig(file.namespace(), queues, file.topics()), 0);
    clients = new ServiceBusClientBuilder().connectionString(emulator.connectionString());
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private void deadLetter(String messageId, String reason, String description) {
    try (ServiceBusSenderClient sender = clients.sender().queueName(QUEUE).buildClient();
        ServiceBusReceiverClient receiver =
            clients.receiver().queueName(QUEUE).disableAutoComplete().buildClient()) {
      ServiceBusMessage message = new ServiceBusMessage("{\"id\":\"" + messageId + "\"}");
      message.setMessageId(messageId);
      message.setSubject("dev.offboarding.leaver.v1");
      message.getApplicationProperties().put("origin", "hr");
      sender.sendMessage(message);
      ServiceBusReceivedMessage received =
          receiver.receiveMessages(1, Duration.ofSeconds(10)).iterator().next();
      receiver.deadLetter(
          received,
          new DeadLetterOptions()
              .setDeadLetterReason(reason)
              .setDeadLetterErrorDescription(description));
    }
  }

  private int dlq(String... args) {
    return Main.run(
        args,
        Map.of("SERVICEBUS_CONNECTION_STRING", emulator.connectionString()),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void listsDeadLetteredEventsWithReasonAndDescription() {
    deadLetter("event-1", "InvalidEvent", "$.data.reason: must not be blank");
    deadLetter(
        "event-2",
        "MaxDeliveryCountExceeded",
        "Message could not be consumed after 10 delivery attempts.");

    int code = dlq("dlq", "list");

    String listed = out.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCode.OK, code, err.toString(StandardCharsets.UTF_8));
    assertTrue(listed.startsWith("2 dead-lettered message(s) on offboarding-events"), listed);
    assertTrue(
        listed.contains("event-1")
            && listed.contains("reason: InvalidEvent")
            && listed.contains("description: $.data.reason: must not be blank"),
        listed);
    assertTrue(
        listed.contains("event-2") && listed.contains("reason: MaxDeliveryCountExceeded"), listed);
    assertEquals(2, emulator.deadLetterMessageCount(QUEUE), "list removes nothing");
  }

  @Test
  void resubmitsTheChosenEventKeepingItsMessageIdAndLeavesTheOthers() {
    deadLetter("event-1", "InvalidEvent", "bad");
    deadLetter("event-2", "GraphForbidden", "fixed since");

    int code = dlq("dlq", "resubmit", "--duplicate-window", "PT0S", "event-2");

    assertEquals(ExitCode.OK, code, err.toString(StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("resubmitted event-2"));
    List<EmulatorMessage> queued = emulator.peekMessages(QUEUE);
    assertEquals(1, queued.size());
    EmulatorMessage resubmitted = queued.get(0);
    assertEquals("event-2", resubmitted.messageId());
    assertEquals("dev.offboarding.leaver.v1", resubmitted.subject());
    assertEquals("{\"id\":\"event-2\"}", new String(resubmitted.body(), StandardCharsets.UTF_8));
    assertEquals(null, resubmitted.deadLetterReason(), "the copy carries no dead-letter reason");
    List<EmulatorMessage> dead = emulator.peekDeadLetterMessages(QUEUE);
    assertEquals(List.of("event-1"), dead.stream().map(EmulatorMessage::messageId).toList());
  }

  @Test
  void holdsAnEventWhoseIdTheQueueWouldStillDropAsADuplicate() {
    deadLetter("event-1", "InvalidEvent", "bad");

    int code = dlq("dlq", "resubmit", "--all");

    assertEquals(ExitCode.FAILED, code);
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("held event-1"),
        err.toString(StandardCharsets.UTF_8));
    assertEquals(0, emulator.activeMessageCount(QUEUE));
    assertEquals(1, emulator.deadLetterMessageCount(QUEUE));
  }

  @Test
  void saysWhichChosenIdsItDidNotFind() {
    deadLetter("event-1", "InvalidEvent", "bad");

    int code = dlq("dlq", "resubmit", "--duplicate-window", "PT0S", "event-1", "event-9");

    assertEquals(ExitCode.FAILED, code);
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .contains("not found in the dead-letter queue of offboarding-events: event-9"));
    assertEquals(1, emulator.activeMessageCount(QUEUE));
  }

  @Test
  void refusesAQueueTheWorkerDoesNotRead() {
    int code = dlq("dlq", "list", "--queue", "offboarding-replies");

    assertEquals(ExitCode.REJECTED, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--queue must be SERVICEBUS_QUEUE"));
  }
}
