package dev.offboarding.testkit.servicebus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.testkit.servicebus.EmulatorConfig.AccessRight;
import dev.offboarding.testkit.servicebus.EmulatorConfig.SharedAccessKey;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Shared access keys with rights per entity, as the official Java SDK meets them: the project's
 * entities, a producer's key that may only send to the producers' queue, the worker's key for its
 * own queue, and an auditor's key that may listen anywhere.
 */
class SharedAccessKeysWithSdkTest {
  private static final String EVENTS = "offboarding-events";
  private static final String INTERNAL = "offboarding-internal";
  private static final String AUDIT_ALL = "offboarding-audit/subscriptions/all";
  private static final String PRODUCER = "hr-producer";
  private static final String PRODUCER_KEY = "producer-secret";
  private static final String WORKER = "worker";
  private static final String AUDITOR = "auditor";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private SdkFixture fixture;
  private ServiceBusEmulator emulator;

  @BeforeEach
  void startEmulator() {
    fixture =
        new SdkFixture(
            EmulatorConfig.fromJson(TopicWithSdkTest.PROJECT_CONFIG)
                .withSharedAccessKey(
                    SharedAccessKey.onEntity(EVENTS, PRODUCER, PRODUCER_KEY, AccessRight.SEND))
                .withSharedAccessKey(
                    SharedAccessKey.onEntity(
                        INTERNAL, WORKER, "worker-secret", AccessRight.SEND, AccessRight.LISTEN))
                .withSharedAccessKey(
                    SharedAccessKey.onNamespace(AUDITOR, "auditor-secret", AccessRight.LISTEN)));
    emulator = fixture.emulator;
  }

  @AfterEach
  void stopEmulator() {
    fixture.close();
  }

  private ServiceBusSenderClient sender(String keyName, String queue) {
    return fixture.track(
        fixture
            .builder(emulator.connectionString(keyName))
            .sender()
            .queueName(queue)
            .buildClient());
  }

  private ServiceBusReceiverClient receiver(String keyName, String queue) {
    return fixture.track(
        fixture
            .builder(emulator.connectionString(keyName))
            .receiver()
            .queueName(queue)
            .buildClient());
  }

  private static ServiceBusException assertUnauthorized(String claim, Executable call) {
    ServiceBusException error = assertThrows(ServiceBusException.class, call);
    assertEquals(ServiceBusFailureReason.UNAUTHORIZED, error.getReason(), error.getMessage());
    assertFalse(error.isTransient());
    if (claim != null) {
      assertTrue(
          error.getMessage().contains("'" + claim + "' claim(s) are required"), error.getMessage());
    }
    return error;
  }

  /**
   * The synchronous receiver wraps a refused attach in its own "terminated" exception; the cause
   * says why.
   */
  private static void assertReceiveRefused(String claim, ServiceBusReceiverClient receiver) {
    RuntimeException error =
        assertThrows(
            RuntimeException.class, () -> receiver.receiveMessages(1, WAIT).stream().toList());
    AmqpException cause = causeOfType(error, AmqpException.class);
    assertEquals(
        AmqpErrorCondition.UNAUTHORIZED_ACCESS, cause.getErrorCondition(), cause.getMessage());
    assertFalse(cause.isTransient());
    assertTrue(
        cause.getMessage().contains("'" + claim + "' claim(s) are required"), cause.getMessage());
  }

  private static <T extends Throwable> T causeOfType(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + error, error);
  }

  private static OffsetDateTime later() {
    return OffsetDateTime.now().plusHours(1);
  }

  @Test
  void sendsWithAProducerKeyToTheQueueItsKeyMaySendTo() {
    // Act
    sender(PRODUCER, EVENTS).sendMessage(new ServiceBusMessage("leaver").setMessageId("event-1"));

    // Assert
    assertEquals(
        List.of("event-1"),
        emulator.peekMessages(EVENTS).stream().map(EmulatorMessage::messageId).toList());
  }

  @Test
  void refusesAProducerKeyThatSendsToTheInternalQueue() {
    // Arrange
    ServiceBusSenderClient sender = sender(PRODUCER, INTERNAL);

    // Act
    ServiceBusException error =
        assertUnauthorized(
            "Send", () -> sender.sendMessage(new ServiceBusMessage("forged follow-up")));

    // Assert
    assertTrue(
        error.getMessage().contains("Resource: 'sb://localhost/" + INTERNAL + "'"),
        error.getMessage());
    assertEquals(0, emulator.peekMessages(INTERNAL).size());
  }

  @Test
  void refusesAProducerKeyThatReceivesFromTheInternalQueue() {
    // Arrange
    sender(ServiceBusEmulator.SHARED_ACCESS_KEY_NAME, INTERNAL)
        .sendMessage(new ServiceBusMessage("follow-up"));
    ServiceBusReceiverClient receiver = receiver(PRODUCER, INTERNAL);

    // Act
    assertReceiveRefused("Listen", receiver);

    // Assert
    assertEquals(0, emulator.stats(INTERNAL).locked());
    assertEquals(1, emulator.activeMessageCount(INTERNAL));
  }

  @Test
  void reportsAProducerKeyThatProcessesTheInternalQueueAsUnauthorizedToTheErrorHandler() {
    // Arrange
    CompletableFuture<ServiceBusErrorContext> failure = new CompletableFuture<>();
    ServiceBusProcessorClient processor =
        fixture
            .builder(emulator.connectionString(PRODUCER))
            .processor()
            .queueName(INTERNAL)
            .processMessage(context -> {})
            .processError(failure::complete)
            .buildProcessorClient();
    fixture.track(processor::close);

    // Act
    processor.start();

    // Assert
    await().atMost(WAIT).until(failure::isDone);
    ServiceBusErrorContext context = failure.join();
    ServiceBusException error = assertInstanceOf(ServiceBusException.class, context.getException());
    assertEquals(ServiceBusFailureReason.UNAUTHORIZED, error.getReason(), error.getMessage());
    assertFalse(error.isTransient());
  }

  @Test
  void refusesAProducerKeyThatPeeksTheInternalQueue() {
    // Arrange
    sender(ServiceBusEmulator.SHARED_ACCESS_KEY_NAME, INTERNAL)
        .sendMessage(new ServiceBusMessage("follow-up"));
    ServiceBusReceiverClient receiver = receiver(PRODUCER, INTERNAL);

    // Act and assert
    assertUnauthorized("Listen", receiver::peekMessage);
  }

  @Test
  void refusesAProducerKeyThatCancelsAMessageScheduledOnTheInternalQueue() {
    // Arrange
    long scheduled =
        sender(ServiceBusEmulator.SHARED_ACCESS_KEY_NAME, INTERNAL)
            .scheduleMessage(new ServiceBusMessage("held event"), later());
    ServiceBusSenderClient producer = sender(PRODUCER, INTERNAL);

    // Act
    assertUnauthorized("Send", () -> producer.cancelScheduledMessage(scheduled));

    // Assert
    assertEquals(1, emulator.stats(INTERNAL).scheduled());
  }

  @Test
  void refusesAProducerKeyThatReceivesFromTheQueueItMaySendTo() {
    // Arrange
    sender(PRODUCER, EVENTS).sendMessage(new ServiceBusMessage("leaver"));
    ServiceBusReceiverClient receiver = receiver(PRODUCER, EVENTS);

    // Act and assert
    assertReceiveRefused("Listen", receiver);
  }

  @Test
  void aWorkerKeyWithSendAndListenOnTheInternalQueueSendsPeeksReceivesSchedulesAndCancels() {
    // Arrange
    ServiceBusSenderClient sender = sender(WORKER, INTERNAL);
    ServiceBusReceiverClient receiver = receiver(WORKER, INTERNAL);

    // Act
    sender.sendMessage(new ServiceBusMessage("follow-up").setMessageId("follow-up-1"));
    long held =
        sender.scheduleMessage(new ServiceBusMessage("held").setMessageId("held-1"), later());
    long cancelled =
        sender.scheduleMessage(
            new ServiceBusMessage("cancelled").setMessageId("cancelled-1"), later());
    sender.cancelScheduledMessage(cancelled);
    ServiceBusReceivedMessage peeked = receiver.peekMessage();
    List<ServiceBusReceivedMessage> received = receiver.receiveMessages(1, WAIT).stream().toList();
    received.forEach(receiver::complete);

    // Assert
    assertEquals("follow-up-1", peeked.getMessageId());
    assertEquals(
        List.of("follow-up-1"),
        received.stream().map(ServiceBusReceivedMessage::getMessageId).toList());
    assertEquals(
        List.of("held-1"),
        emulator.peekMessages(INTERNAL).stream().map(EmulatorMessage::messageId).toList());
    assertTrue(held > 0);
  }

  @Test
  void aNamespaceListenKeyReadsAnySubscriptionButSendsNowhere() {
    // Arrange
    fixture
        .track(fixture.builder().sender().topicName("offboarding-audit").buildClient())
        .sendMessage(new ServiceBusMessage("audit record").setMessageId("audit-1"));
    ServiceBusReceiverClient receiver =
        fixture.track(
            fixture
                .builder(emulator.connectionString(AUDITOR))
                .receiver()
                .topicName("offboarding-audit")
                .subscriptionName("all")
                .buildClient());
    ServiceBusSenderClient sender =
        fixture.track(
            fixture
                .builder(emulator.connectionString(AUDITOR))
                .sender()
                .topicName("offboarding-audit")
                .buildClient());

    // Act
    List<ServiceBusReceivedMessage> received = receiver.receiveMessages(1, WAIT).stream().toList();
    received.forEach(receiver::complete);
    assertUnauthorized("Send", () -> sender.sendMessage(new ServiceBusMessage("forged audit")));

    // Assert
    assertEquals(
        List.of("audit-1"),
        received.stream().map(ServiceBusReceivedMessage::getMessageId).toList());
    assertEquals(0, emulator.activeMessageCount(AUDIT_ALL));
  }

  @Test
  void refusesAKeyNameTheNamespaceDoesNotHaveAtPutToken() {
    // Arrange
    String connectionString =
        emulator.connectionString(PRODUCER).replace(PRODUCER, "hr-producer-2");
    ServiceBusSenderClient sender =
        fixture.track(fixture.builder(connectionString).sender().queueName(EVENTS).buildClient());

    // Act
    ServiceBusException error =
        assertUnauthorized(null, () -> sender.sendMessage(new ServiceBusMessage("x")));

    // Assert
    assertTrue(error.getMessage().contains("InvalidSignature"), error.getMessage());
    assertEquals(0, emulator.peekMessages(EVENTS).size());
  }

  @Test
  void refusesAKnownKeyNameWithTheWrongKeyAtPutToken() {
    // Arrange
    String connectionString =
        emulator.connectionString(PRODUCER).replace(PRODUCER_KEY, "guessed-secret");
    ServiceBusSenderClient sender =
        fixture.track(fixture.builder(connectionString).sender().queueName(EVENTS).buildClient());

    // Act
    ServiceBusException error =
        assertUnauthorized(null, () -> sender.sendMessage(new ServiceBusMessage("x")));

    // Assert
    assertTrue(error.getMessage().contains("InvalidSignature"), error.getMessage());
    assertEquals(0, emulator.peekMessages(EVENTS).size());
  }

  @Test
  void refusesAnExpiredSignatureAtPutToken() {
    // Arrange: correctly signed, but it expired a minute ago
    String token =
        SharedAccessSignatures.sign(
            "amqp://localhost/" + EVENTS,
            PRODUCER,
            PRODUCER_KEY,
            Instant.now().minus(Duration.ofMinutes(1)));
    ServiceBusSenderClient sender =
        fixture.track(
            fixture
                .builder(SharedAccessSignatures.connectionString(emulator, token))
                .sender()
                .queueName(EVENTS)
                .buildClient());

    // Act
    ServiceBusException error =
        assertUnauthorized(null, () -> sender.sendMessage(new ServiceBusMessage("x")));

    // Assert
    assertTrue(error.getMessage().contains("ExpiredToken"), error.getMessage());
    assertEquals(0, emulator.peekMessages(EVENTS).size());
  }

  @Test
  void refusesASignatureWhoseExpiryWasMovedAtPutToken() {
    // Arrange: signed for five minutes, then stretched to a day
    String signed =
        SharedAccessSignatures.sign(
            "amqp://localhost/" + EVENTS,
            PRODUCER,
            PRODUCER_KEY,
            Instant.now().plus(Duration.ofMinutes(5)));
    String tampered =
        SharedAccessSignatures.withExpiry(signed, Instant.now().plus(Duration.ofDays(1)));
    ServiceBusSenderClient sender =
        fixture.track(
            fixture
                .builder(SharedAccessSignatures.connectionString(emulator, tampered))
                .sender()
                .queueName(EVENTS)
                .buildClient());

    // Act
    ServiceBusException error =
        assertUnauthorized(null, () -> sender.sendMessage(new ServiceBusMessage("x")));

    // Assert
    assertTrue(error.getMessage().contains("InvalidSignature"), error.getMessage());
    assertEquals(0, emulator.peekMessages(EVENTS).size());
  }

  @Test
  void acceptsAHandMadeSignatureForTheNamespaceAsTheSdkSendsIt() {
    // Arrange: the same kind of token as the tampered one, untouched, for every entity
    String token =
        SharedAccessSignatures.sign(
            "sb://localhost/", PRODUCER, PRODUCER_KEY, Instant.now().plus(Duration.ofMinutes(5)));
    ServiceBusSenderClient sender =
        fixture.track(
            fixture
                .builder(SharedAccessSignatures.connectionString(emulator, token))
                .sender()
                .queueName(EVENTS)
                .buildClient());

    // Act
    sender.sendMessage(new ServiceBusMessage("leaver").setMessageId("event-1"));

    // Assert
    assertEquals(
        List.of("event-1"),
        emulator.peekMessages(EVENTS).stream().map(EmulatorMessage::messageId).toList());
  }
}
