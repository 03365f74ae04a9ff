package dev.offboarding.testkit.servicebus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import com.azure.messaging.servicebus.models.SubQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Topic fan-out and subscription filters of the project's own config, as the official Java SDK sees
 * them.
 */
class TopicWithSdkTest {
  static final Path PROJECT_CONFIG = Path.of("..", "deploy", "servicebus", "config.json");
  private static final String TOPIC = "offboarding-audit";
  private static final String SUMMARY = "dev.offboarding.audit.summary.v1";
  private static final String TARGET = "dev.offboarding.audit.target.v1";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private SdkFixture fixture;
  private ServiceBusEmulator emulator;

  @BeforeEach
  void startEmulator() {
    fixture = new SdkFixture(EmulatorConfig.fromJson(PROJECT_CONFIG));
    emulator = fixture.emulator;
  }

  @AfterEach
  void stopEmulator() {
    fixture.close();
  }

  private static ServiceBusMessage audit(String subject, String status, String eventId) {
    ServiceBusMessage message =
        new ServiceBusMessage("{}").setSubject(subject).setCorrelationId(eventId);
    if (status != null) {
      message.getApplicationProperties().put("status", status);
    }
    return message;
  }

  private static String subscription(String name) {
    return TOPIC + "/subscriptions/" + name;
  }

  @Test
  void routesEachAuditMessageToTheSubscriptionsWhoseFiltersMatch() {
    // Arrange
    ServiceBusSenderClient sender =
        fixture.track(fixture.builder().sender().topicName(TOPIC).buildClient());
    ServiceBusMessageBatch batch = sender.createMessageBatch();
    batch.tryAddMessage(audit(TARGET, null, "event-1"));
    batch.tryAddMessage(audit(SUMMARY, "COMPLETED", "event-1"));
    batch.tryAddMessage(audit(SUMMARY, "REJECTED", "event-2"));

    // Act
    sender.sendMessages(batch);

    // Assert
    assertEquals(3, emulator.activeMessageCount(subscription("all")));
    assertEquals(
        List.of("event-1", "event-2"),
        emulator.peekMessages(subscription("summaries")).stream()
            .map(EmulatorMessage::correlationId)
            .toList());
    assertEquals(
        List.of("event-2"),
        emulator.peekMessages(subscription("rejected")).stream()
            .map(EmulatorMessage::correlationId)
            .toList());
  }

  @Test
  void aSubscriptionReceiverGetsOnlyItsMatchingMessages() {
    // Arrange
    ServiceBusSenderClient sender =
        fixture.track(fixture.builder().sender().topicName(TOPIC).buildClient());
    sender.sendMessage(audit(SUMMARY, "COMPLETED", "event-1"));
    sender.sendMessage(audit(SUMMARY, "REJECTED", "event-2"));
    ServiceBusReceiverClient receiver =
        fixture.track(
            fixture
                .builder()
                .receiver()
                .topicName(TOPIC)
                .subscriptionName("rejected")
                .buildClient());

    // Act
    List<ServiceBusReceivedMessage> received =
        receiver.receiveMessages(5, Duration.ofSeconds(2)).stream().toList();

    // Assert
    assertEquals(
        List.of("event-2"),
        received.stream().map(ServiceBusReceivedMessage::getCorrelationId).toList());
    assertEquals("REJECTED", received.get(0).getApplicationProperties().get("status"));
    received.forEach(receiver::complete);
    assertEquals(0, emulator.activeMessageCount(subscription("rejected")));
    assertEquals(2, emulator.activeMessageCount(subscription("all")));
  }

  @Test
  void eachSubscriptionSettlesItsOwnCopy() {
    // Arrange
    fixture
        .track(fixture.builder().sender().topicName(TOPIC).buildClient())
        .sendMessage(audit(SUMMARY, "REJECTED", "event-3"));
    ServiceBusReceiverClient summaries =
        fixture.track(
            fixture
                .builder()
                .receiver()
                .topicName(TOPIC)
                .subscriptionName("summaries")
                .buildClient());
    ServiceBusReceivedMessage received =
        summaries.receiveMessages(1, WAIT).stream().findFirst().orElseThrow();

    // Act
    summaries.deadLetter(received, new DeadLetterOptions().setDeadLetterReason("AuditSinkFailed"));

    // Assert
    ServiceBusReceiverClient deadLetters =
        fixture.track(
            fixture
                .builder()
                .receiver()
                .topicName(TOPIC)
                .subscriptionName("summaries")
                .subQueue(SubQueue.DEAD_LETTER_QUEUE)
                .buildClient());
    ServiceBusReceivedMessage dead =
        deadLetters.receiveMessages(1, WAIT).stream().findFirst().orElseThrow();
    assertEquals("AuditSinkFailed", dead.getDeadLetterReason());
    assertEquals("event-3", dead.getCorrelationId());
    assertEquals(1, emulator.deadLetterMessageCount(subscription("summaries")));
    assertEquals(1, emulator.activeMessageCount(subscription("rejected")));
    assertEquals(1, emulator.activeMessageCount(subscription("all")));
  }

  @Test
  void aScheduledTopicMessageReachesTheSubscriptionsAtItsTime() {
    // Arrange
    ServiceBusSenderClient sender =
        fixture.track(fixture.builder().sender().topicName(TOPIC).buildClient());

    // Act
    // Far enough ahead that a slow, shared CI machine still sees it waiting; the wait below is
    // bounded.
    sender.scheduleMessage(
        audit(TARGET, null, "event-4"), java.time.OffsetDateTime.now().plusSeconds(5));

    // Assert
    assertEquals(0, emulator.activeMessageCount(subscription("all")));
    await().atMost(WAIT).until(() -> emulator.activeMessageCount(subscription("all")) == 1);
  }

  @Test
  void aSubscriptionOfAnUnknownTopicIsRefused() {
    // Arrange
    ServiceBusReceiverClient receiver =
        fixture.track(
            fixture
                .builder()
                .receiver()
                .topicName(TOPIC)
                .subscriptionName("no-such-subscription")
                .buildClient());

    // Act / Assert
    RuntimeException error =
        org.junit.jupiter.api.Assertions.assertThrows(
            RuntimeException.class, () -> receiver.receiveMessages(1, WAIT).stream().toList());
    assertEquals(
        true,
        String.valueOf(error.getCause()).contains("could not be found"),
        String.valueOf(error));
  }
}
