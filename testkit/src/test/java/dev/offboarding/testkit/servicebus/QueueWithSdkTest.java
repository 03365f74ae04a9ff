package dev.offboarding.testkit.servicebus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.AbandonOptions;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import com.azure.messaging.servicebus.models.SubQueue;
import dev.offboarding.testkit.servicebus.EmulatorConfig.EntityProperties;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Queue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Queue behaviour as the official Java SDK sees it. */
class QueueWithSdkTest {
  private static final String QUEUE = "events";
  private static final String SHORT_LOCK_QUEUE = "short-lock";
  private static final String DEDUP_QUEUE = "dedup";
  private static final String EXPIRING_QUEUE = "expiring";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private SdkFixture fixture;
  private ServiceBusEmulator emulator;

  @BeforeEach
  void startEmulator() {
    EntityProperties defaults = EntityProperties.DEFAULTS.withMaxDeliveryCount(10);
    fixture =
        new SdkFixture(
            EmulatorConfig.builder()
                .queue(Queue.named(QUEUE).withProperties(defaults))
                .queue(
                    Queue.named(SHORT_LOCK_QUEUE)
                        .withProperties(
                            defaults
                                .withLockDuration(Duration.ofSeconds(2))
                                .withMaxDeliveryCount(2)))
                .queue(
                    Queue.named(DEDUP_QUEUE)
                        .withProperties(defaults.withDuplicateDetection(Duration.ofMinutes(5))))
                .queue(
                    Queue.named(EXPIRING_QUEUE)
                        .withProperties(defaults.withDeadLetteringOnMessageExpiration(true)))
                .build());
    emulator = fixture.emulator;
  }

  @AfterEach
  void stopEmulator() {
    fixture.close();
  }

  private ServiceBusSenderClient sender(String queue) {
    return fixture.track(fixture.builder().sender().queueName(queue).buildClient());
  }

  private ServiceBusReceiverClient receiver(String queue) {
    return fixture.track(fixture.builder().receiver().queueName(queue).buildClient());
  }

  /** A peek-lock receiver that never renews locks, so lock expiry can be observed. */
  private ServiceBusReceiverClient nonRenewingReceiver(String queue) {
    return fixture.track(
        fixture
            .builder()
            .receiver()
            .queueName(queue)
            .maxAutoLockRenewDuration(Duration.ZERO)
            .buildClient());
  }

  private static ServiceBusReceivedMessage receiveOne(ServiceBusReceiverClient receiver) {
    List<ServiceBusReceivedMessage> messages = receiver.receiveMessages(1, WAIT).stream().toList();
    assertEquals(1, messages.size(), "expected one message within " + WAIT);
    return messages.get(0);
  }

  @Test
  void receivesASentMessageWithEveryPropertyIntact() {
    // Arrange
    byte[] body = {0, 1, 2, (byte) 0xff, 'x'};
    ServiceBusMessage message =
        new ServiceBusMessage(BinaryData.fromBytes(body))
            .setMessageId("event-1")
            .setCorrelationId("corr-1")
            .setSubject("dev.offboarding.leaver.v1")
            .setReplyTo("offboarding-replies")
            .setReplyToSessionId("reply-session")
            .setContentType("application/cloudevents+json")
            .setTo("worker");
    message.getApplicationProperties().put("ticket", "HR-20931");
    message.getApplicationProperties().put("targets", 42L);
    message.getApplicationProperties().put("dryRun", true);

    // Act
    sender(QUEUE).sendMessage(message);
    ServiceBusReceivedMessage received = receiveOne(receiver(QUEUE));

    // Assert
    assertArrayEquals(body, received.getBody().toBytes());
    assertEquals("event-1", received.getMessageId());
    assertEquals("corr-1", received.getCorrelationId());
    assertEquals("dev.offboarding.leaver.v1", received.getSubject());
    assertEquals("offboarding-replies", received.getReplyTo());
    assertEquals("reply-session", received.getReplyToSessionId());
    assertEquals("application/cloudevents+json", received.getContentType());
    assertEquals("worker", received.getTo());
    assertEquals("HR-20931", received.getApplicationProperties().get("ticket"));
    assertEquals(42L, received.getApplicationProperties().get("targets"));
    assertEquals(true, received.getApplicationProperties().get("dryRun"));
    assertEquals(0, received.getDeliveryCount());
    assertTrue(received.getSequenceNumber() > 0);
    assertNotNull(received.getEnqueuedTime());
    assertNotNull(received.getLockedUntil());
    assertNotNull(received.getLockToken());
  }

  @Test
  void deliversEveryMessageOfABatch() {
    // Arrange
    ServiceBusSenderClient sender = sender(QUEUE);
    ServiceBusMessageBatch batch = sender.createMessageBatch();
    for (int i = 0; i < 5; i++) {
      assertTrue(batch.tryAddMessage(new ServiceBusMessage("message-" + i).setMessageId("m" + i)));
    }

    // Act
    sender.sendMessages(batch);

    // Assert
    List<ServiceBusReceivedMessage> received =
        receiver(QUEUE).receiveMessages(5, WAIT).stream().toList();
    assertEquals(
        List.of("message-0", "message-1", "message-2", "message-3", "message-4"),
        received.stream().map(m -> m.getBody().toString()).toList());
    assertEquals(
        5, received.stream().map(ServiceBusReceivedMessage::getSequenceNumber).distinct().count());
  }

  @Test
  void completingRemovesTheMessage() {
    // Arrange
    sender(QUEUE).sendMessage(new ServiceBusMessage("done"));
    ServiceBusReceiverClient receiver = receiver(QUEUE);
    ServiceBusReceivedMessage received = receiveOne(receiver);

    // Act
    receiver.complete(received);

    // Assert
    assertEquals(new EntityStats(0, 0, 0, 0, 0), emulator.stats(QUEUE));
  }

  @Test
  void abandoningRedeliversWithTheDeliveryCountIncrementedAndThePropertiesModified() {
    // Arrange
    sender(QUEUE).sendMessage(new ServiceBusMessage("retry me"));
    ServiceBusReceiverClient receiver = receiver(QUEUE);
    ServiceBusReceivedMessage first = receiveOne(receiver);

    // Act
    receiver.abandon(
        first, new AbandonOptions().setPropertiesToModify(Map.of("attempt", "first failed")));
    ServiceBusReceivedMessage second = receiveOne(receiver);

    // Assert
    assertEquals(0, first.getDeliveryCount());
    assertEquals(1, second.getDeliveryCount());
    assertEquals(first.getSequenceNumber(), second.getSequenceNumber());
    assertEquals("first failed", second.getApplicationProperties().get("attempt"));
  }

  @Test
  void deadLetteringMovesTheMessageToTheDeadLetterQueueWithReasonAndDescription() {
    // Arrange
    sender(QUEUE).sendMessage(new ServiceBusMessage("poison").setMessageId("bad-1"));
    ServiceBusReceiverClient receiver = receiver(QUEUE);
    ServiceBusReceivedMessage received = receiveOne(receiver);

    // Act
    receiver.deadLetter(
        received,
        new DeadLetterOptions()
            .setDeadLetterReason("UnknownEventType")
            .setDeadLetterErrorDescription("type dev.offboarding.unknown.v1 is not supported"));

    // Assert
    ServiceBusReceiverClient deadLetters =
        fixture.track(
            fixture
                .builder()
                .receiver()
                .queueName(QUEUE)
                .subQueue(SubQueue.DEAD_LETTER_QUEUE)
                .buildClient());
    ServiceBusReceivedMessage dead = receiveOne(deadLetters);
    assertEquals("bad-1", dead.getMessageId());
    assertEquals("UnknownEventType", dead.getDeadLetterReason());
    assertEquals(
        "type dev.offboarding.unknown.v1 is not supported", dead.getDeadLetterErrorDescription());
    assertEquals(QUEUE, dead.getDeadLetterSource());
    deadLetters.complete(dead);
    assertEquals(new EntityStats(0, 0, 0, 0, 0), emulator.stats(QUEUE));
  }

  @Test
  void anExpiredLockRedeliversTheMessageAndLosesTheOldLock() {
    // Arrange
    sender(SHORT_LOCK_QUEUE).sendMessage(new ServiceBusMessage("slow"));
    ServiceBusReceiverClient receiver = nonRenewingReceiver(SHORT_LOCK_QUEUE);
    ServiceBusReceivedMessage first = receiveOne(receiver);

    // Act: the lock lasts two seconds; the next receive waits for the redelivery.
    ServiceBusReceivedMessage second = receiveOne(receiver);

    // Assert
    assertEquals(first.getSequenceNumber(), second.getSequenceNumber());
    assertEquals(1, second.getDeliveryCount());
    ServiceBusException lost =
        assertThrows(ServiceBusException.class, () -> receiver.complete(first));
    assertEquals(ServiceBusFailureReason.MESSAGE_LOCK_LOST, lost.getReason());
    receiver.complete(second);
    assertEquals(0, emulator.activeMessageCount(SHORT_LOCK_QUEUE));
  }

  @Test
  void reachingTheMaximumDeliveryCountDeadLettersTheMessage() {
    // Arrange: the queue allows two deliveries.
    sender(SHORT_LOCK_QUEUE)
        .sendMessage(new ServiceBusMessage("always fails").setMessageId("fails-1"));
    ServiceBusReceiverClient receiver = nonRenewingReceiver(SHORT_LOCK_QUEUE);

    // Act
    receiver.abandon(receiveOne(receiver));
    receiver.abandon(receiveOne(receiver));

    // Assert
    await().atMost(WAIT).until(() -> emulator.deadLetterMessageCount(SHORT_LOCK_QUEUE) == 1);
    EmulatorMessage dead = emulator.peekDeadLetterMessages(SHORT_LOCK_QUEUE).get(0);
    assertEquals("fails-1", dead.messageId());
    assertEquals("MaxDeliveryCountExceeded", dead.deadLetterReason());
    assertEquals(2, dead.deliveryCount());
    assertEquals(0, emulator.activeMessageCount(SHORT_LOCK_QUEUE));
  }

  @Test
  void renewingTheLockKeepsTheMessageLockedPastItsLockDuration() {
    // Arrange
    sender(SHORT_LOCK_QUEUE).sendMessage(new ServiceBusMessage("long running"));
    ServiceBusReceiverClient receiver = nonRenewingReceiver(SHORT_LOCK_QUEUE);
    ServiceBusReceivedMessage received = receiveOne(receiver);
    OffsetDateTime firstLockedUntil = received.getLockedUntil();

    AtomicReference<OffsetDateTime> renewedUntil = new AtomicReference<>(firstLockedUntil);

    // Act: renew until the original lock is well past.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              renewedUntil.set(receiver.renewMessageLock(received));
              return OffsetDateTime.now().isAfter(firstLockedUntil.plusSeconds(2));
            });

    // Assert
    assertEquals(1, emulator.stats(SHORT_LOCK_QUEUE).locked());
    assertTrue(renewedUntil.get().isAfter(firstLockedUntil));
    receiver.complete(received);
    assertEquals(0, emulator.peekMessages(SHORT_LOCK_QUEUE).size());
  }

  @Test
  void automaticLockRenewalKeepsAMessageLockedWhileItIsProcessed() {
    // Arrange: the SDK's receiver renews locks itself by default.
    sender(SHORT_LOCK_QUEUE).sendMessage(new ServiceBusMessage("auto renewed"));
    ServiceBusReceiverClient receiver =
        fixture.track(
            fixture
                .builder()
                .receiver()
                .queueName(SHORT_LOCK_QUEUE)
                .maxAutoLockRenewDuration(Duration.ofMinutes(1))
                .buildClient());
    ServiceBusReceivedMessage received = receiveOne(receiver);
    OffsetDateTime firstLockedUntil = received.getLockedUntil();

    // Act
    await().atMost(WAIT).until(() -> OffsetDateTime.now().isAfter(firstLockedUntil.plusSeconds(3)));

    // Assert
    assertEquals(1, emulator.stats(SHORT_LOCK_QUEUE).locked());
    assertEquals(0, emulator.peekMessages(SHORT_LOCK_QUEUE).get(0).deliveryCount());
    receiver.complete(received);
    assertEquals(0, emulator.activeMessageCount(SHORT_LOCK_QUEUE));
  }

  @Test
  void aProcessorWithAutoCompleteOffSettlesAStreamOfMessages() {
    // Arrange
    int count = 30;
    ServiceBusSenderClient sender = sender(QUEUE);
    ServiceBusMessageBatch batch = sender.createMessageBatch();
    IntStream.range(0, count)
        .forEach(i -> batch.tryAddMessage(new ServiceBusMessage("event-" + i)));
    sender.sendMessages(batch);
    Set<String> processed = ConcurrentHashMap.newKeySet();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    ServiceBusProcessorClient processor =
        fixture.track(
            fixture
                .builder()
                .processor()
                .queueName(QUEUE)
                .disableAutoComplete()
                .maxConcurrentCalls(2)
                .processMessage(
                    context -> {
                      ServiceBusReceivedMessage message = context.getMessage();
                      if (message.getBody().toString().equals("event-7")
                          && message.getDeliveryCount() == 0) {
                        context.abandon();
                        return;
                      }
                      processed.add(message.getBody().toString());
                      context.complete();
                    })
                .processError(
                    (ServiceBusErrorContext context) -> errors.add(context.getException()))
                .buildProcessorClient());

    // Act
    processor.start();

    // Assert
    await()
        .atMost(WAIT)
        .until(() -> processed.size() == count && emulator.activeMessageCount(QUEUE) == 0);
    assertEquals(
        IntStream.range(0, count).mapToObj(i -> "event-" + i).collect(Collectors.toSet()),
        processed);
    assertEquals(List.of(), errors);
  }

  @Test
  void closingAReceiverLeavesItsUnsettledMessageLockedUntilTheLockExpires() {
    // Arrange
    sender(SHORT_LOCK_QUEUE).sendMessage(new ServiceBusMessage("unfinished"));
    ServiceBusReceiverClient first =
        fixture
            .builder()
            .receiver()
            .queueName(SHORT_LOCK_QUEUE)
            .maxAutoLockRenewDuration(Duration.ZERO)
            .buildClient();
    ServiceBusReceivedMessage received = receiveOne(first);

    // Act
    first.close();

    // Assert: as on the service, the lock outlives the link; the message returns when it expires.
    assertEquals(1, emulator.stats(SHORT_LOCK_QUEUE).locked());
    ServiceBusReceivedMessage again = receiveOne(nonRenewingReceiver(SHORT_LOCK_QUEUE));
    assertEquals(received.getSequenceNumber(), again.getSequenceNumber());
    assertEquals(1, again.getDeliveryCount());
  }

  @Test
  void receiveAndDeleteRemovesTheMessageOnDelivery() {
    // Arrange
    sender(QUEUE).sendMessage(new ServiceBusMessage("fire and forget"));
    ServiceBusReceiverClient receiver =
        fixture.track(
            fixture
                .builder()
                .receiver()
                .queueName(QUEUE)
                .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE)
                .buildClient());

    // Act
    ServiceBusReceivedMessage received = receiveOne(receiver);

    // Assert
    assertEquals("fire and forget", received.getBody().toString());
    assertEquals(0, emulator.peekMessages(QUEUE).size());
  }

  @Test
  void aDeferredMessageIsReceivedBySequenceNumber() {
    // Arrange
    sender(QUEUE).sendMessage(new ServiceBusMessage("later"));
    ServiceBusReceiverClient receiver = receiver(QUEUE);
    ServiceBusReceivedMessage received = receiveOne(receiver);

    // Act
    receiver.defer(received);
    ServiceBusReceivedMessage deferred =
        receiver.receiveDeferredMessage(received.getSequenceNumber());

    // Assert
    assertEquals("later", deferred.getBody().toString());
    assertEquals(1, emulator.stats(QUEUE).deferred());
    receiver.complete(deferred);
    assertEquals(new EntityStats(0, 0, 0, 0, 0), emulator.stats(QUEUE));
  }

  @Test
  void peekingShowsMessagesWithoutLockingThem() {
    // Arrange
    ServiceBusSenderClient sender = sender(QUEUE);
    sender.sendMessage(new ServiceBusMessage("one"));
    sender.sendMessage(new ServiceBusMessage("two"));

    // Act
    List<ServiceBusReceivedMessage> peeked = receiver(QUEUE).peekMessages(10).stream().toList();

    // Assert
    assertEquals(List.of("one", "two"), peeked.stream().map(m -> m.getBody().toString()).toList());
    assertEquals(0, emulator.stats(QUEUE).locked());
  }

  @Test
  void duplicateDetectionDropsARepeatedMessageId() {
    // Arrange
    ServiceBusSenderClient sender = sender(DEDUP_QUEUE);

    // Act
    sender.sendMessage(new ServiceBusMessage("first").setMessageId("event-1"));
    sender.sendMessage(new ServiceBusMessage("again").setMessageId("event-1"));
    sender.sendMessage(new ServiceBusMessage("other").setMessageId("event-2"));

    // Assert
    assertEquals(
        List.of("first", "other"),
        emulator.peekMessages(DEDUP_QUEUE).stream().map(EmulatorMessage::bodyAsString).toList());
  }

  @Test
  void aScheduledMessageStaysInvisibleUntilItsTimeAndCanBeCancelled() {
    // Arrange
    ServiceBusSenderClient sender = sender(QUEUE);
    OffsetDateTime soon = OffsetDateTime.now().plusSeconds(2);

    // Act
    long kept = sender.scheduleMessage(new ServiceBusMessage("scheduled"), soon);
    long cancelled = sender.scheduleMessage(new ServiceBusMessage("cancelled"), soon);
    sender.cancelScheduledMessage(cancelled);

    // Assert
    assertTrue(kept != cancelled);
    assertEquals(1, emulator.stats(QUEUE).scheduled());
    ServiceBusReceivedMessage received = receiveOne(receiver(QUEUE));
    assertEquals("scheduled", received.getBody().toString());
    assertEquals(kept, received.getSequenceNumber());
  }

  @Test
  void peekingShowsAScheduledMessageWithItsStateTimeAndNumberSoItCanBeCancelled() {
    // Arrange
    ServiceBusSenderClient sender = sender(QUEUE);
    OffsetDateTime later = OffsetDateTime.now().plusHours(1).withNano(0);
    ServiceBusMessage held = new ServiceBusMessage("held").setMessageId("held-1");
    held.getApplicationProperties().put("heldUntil", later.toString());
    long number = sender.scheduleMessage(held, later);

    // Act
    List<ServiceBusReceivedMessage> peeked = receiver(QUEUE).peekMessages(10).stream().toList();
    sender.cancelScheduledMessage(peeked.get(0).getSequenceNumber());

    // Assert
    assertEquals(1, peeked.size());
    ServiceBusReceivedMessage m = peeked.get(0);
    assertEquals(
        com.azure.messaging.servicebus.models.ServiceBusMessageState.SCHEDULED, m.getState());
    assertEquals(number, m.getSequenceNumber());
    assertEquals("held-1", m.getMessageId());
    assertEquals(later.toInstant(), m.getScheduledEnqueueTime().toInstant());
    assertEquals(later.toString(), m.getApplicationProperties().get("heldUntil"));
    assertEquals(0, emulator.stats(QUEUE).scheduled());
    assertEquals(0, receiver(QUEUE).peekMessages(10).stream().count());
  }

  @Test
  void anExpiredMessageIsDeadLetteredWhenTheQueueAsksForIt() {
    // Arrange
    ServiceBusSenderClient sender = sender(EXPIRING_QUEUE);

    // Act
    sender.sendMessage(new ServiceBusMessage("stale").setTimeToLive(Duration.ofMillis(300)));

    // Assert
    await().atMost(WAIT).until(() -> emulator.deadLetterMessageCount(EXPIRING_QUEUE) == 1);
    assertEquals(
        "TTLExpiredException",
        emulator.peekDeadLetterMessages(EXPIRING_QUEUE).get(0).deadLetterReason());
    assertEquals(0, emulator.activeMessageCount(EXPIRING_QUEUE));
  }

  @Test
  void sendingToAnUnknownQueueFailsWithEntityNotFound() {
    // Arrange
    ServiceBusSenderClient sender = sender("no-such-queue");

    // Act
    ServiceBusException error =
        assertThrows(
            ServiceBusException.class, () -> sender.sendMessage(new ServiceBusMessage("lost")));

    // Assert
    assertEquals(ServiceBusFailureReason.MESSAGING_ENTITY_NOT_FOUND, error.getReason());
  }

  @Test
  void aSenderWithoutTheSendRightIsRefusedAsUnauthorizedWhileReceivingGoesOn() {
    // Arrange: a message there before the right is taken away
    sender(QUEUE).sendMessage(new ServiceBusMessage("before").setMessageId("before"));
    emulator.denySend(QUEUE, true);
    ServiceBusSenderClient refused = sender(QUEUE);

    // Act
    ServiceBusException error =
        assertThrows(
            ServiceBusException.class, () -> refused.sendMessage(new ServiceBusMessage("refused")));
    ServiceBusReceivedMessage received = receiveOne(receiver(QUEUE));
    emulator.denySend(QUEUE, false);
    sender(QUEUE).sendMessage(new ServiceBusMessage("after").setMessageId("after"));

    // Assert
    assertEquals(ServiceBusFailureReason.UNAUTHORIZED, error.getReason());
    assertFalse(error.isTransient());
    assertTrue(error.getMessage().contains("'Send' claim(s) are required"), error.getMessage());
    assertEquals("before", received.getMessageId());
    assertEquals(
        List.of("after"),
        emulator.peekMessages(QUEUE).stream()
            .map(EmulatorMessage::messageId)
            .filter(id -> !id.equals("before"))
            .toList());
  }

  @Test
  void receivingFromAnUnknownQueueFailsWithEntityNotFound() {
    // Arrange
    ServiceBusReceiverClient receiver = receiver("no-such-queue");

    // Act: the synchronous receiver wraps the link error in its own "terminated" exception.
    RuntimeException error =
        assertThrows(
            RuntimeException.class, () -> receiver.receiveMessages(1, WAIT).stream().toList());

    // Assert
    AmqpException cause = causeOfType(error, AmqpException.class);
    assertEquals(AmqpErrorCondition.NOT_FOUND, cause.getErrorCondition());
    assertFalse(cause.isTransient());
  }

  private static <T extends Throwable> T causeOfType(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + error, error);
  }

  @Test
  void aStringBodyRoundTripsAsUtf8() {
    // Arrange
    String text = "Zoë's leaver – ünïcødé ✓";

    // Act
    sender(QUEUE).sendMessage(new ServiceBusMessage(text));

    // Assert
    assertEquals(
        text, new String(receiveOne(receiver(QUEUE)).getBody().toBytes(), StandardCharsets.UTF_8));
  }
}
