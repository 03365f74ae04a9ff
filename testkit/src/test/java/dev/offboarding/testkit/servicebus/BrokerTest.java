package dev.offboarding.testkit.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.offboarding.testkit.ManualClock;
import dev.offboarding.testkit.servicebus.EmulatorConfig.EntityProperties;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Queue;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Subscription;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

/** Time-driven broker rules, with a clock the test moves instead of waiting. */
class BrokerTest {

  private final ManualClock clock = ManualClock.startingAt("2026-11-27T09:00:00Z");

  private static Message message(String id) {
    Message message = Proton.message();
    message.setMessageId(id);
    message.setBody(new AmqpValue(id));
    return message;
  }

  @Test
  void aCorrelationFilterMatchesSystemFieldsAndTypedApplicationProperties() {
    // Arrange
    EmulatorConfig.CorrelationFilter filter =
        new EmulatorConfig.CorrelationFilter(
            "event-1",
            null,
            null,
            "replies",
            "summary",
            null,
            null,
            "application/json",
            Map.of("targets", 3L, "dryRun", false));
    Message matching = message("m1");
    matching.setCorrelationId("event-1");
    matching.setReplyTo("replies");
    matching.setSubject("summary");
    matching.setContentType("application/json");
    matching.setApplicationProperties(
        new org.apache.qpid.proton.amqp.messaging.ApplicationProperties(
            Map.of("targets", 3, "dryRun", false, "other", "x")));
    Message wrongProperty = AmqpCodec.copy(matching);
    wrongProperty.setApplicationProperties(
        new org.apache.qpid.proton.amqp.messaging.ApplicationProperties(
            Map.of("targets", 4L, "dryRun", false)));
    Message missingField = AmqpCodec.copy(matching);
    missingField.setSubject(null);

    // Act / Assert
    assertEquals(true, Broker.matches(filter, matching));
    assertEquals(false, Broker.matches(filter, wrongProperty));
    assertEquals(false, Broker.matches(filter, missingField));
  }

  @Test
  void aTopicsDefaultTimeToLiveCapsItsSubscriptionsCopies() {
    // Arrange
    Broker broker =
        new Broker(
            EmulatorConfig.builder()
                .topic(
                    Topic.named("t")
                        .withDefaultMessageTimeToLive(Duration.ofMinutes(5))
                        .withSubscription(Subscription.named("s")))
                .build(),
            clock);
    broker.target("t").send(message("m1"));

    // Act
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    broker.housekeeping();

    // Assert
    assertEquals(0, broker.source("t/subscriptions/s").all().size());
  }

  @Test
  void duplicateDetectionForgetsAnIdOnceItsWindowHasPassed() {
    // Arrange
    Broker broker =
        new Broker(
            EmulatorConfig.builder()
                .queue(
                    Queue.named("q")
                        .withProperties(
                            EntityProperties.DEFAULTS.withDuplicateDetection(
                                Duration.ofSeconds(20))))
                .build(),
            clock);
    Broker.SendTarget queue = broker.target("q");
    queue.send(message("m1"));

    // Act
    long duplicate = queue.send(message("m1"));
    clock.advance(Duration.ofSeconds(21));
    long accepted = queue.send(message("m1"));

    // Assert
    assertEquals(-1, duplicate);
    assertEquals(2, accepted);
  }

  @Test
  void aLockExpiresAfterTheLockDurationAndCountsAsAFailedDelivery() {
    // Arrange
    Broker broker =
        new Broker(
            EmulatorConfig.builder()
                .queue(
                    Queue.named("q")
                        .withProperties(
                            EntityProperties.DEFAULTS.withLockDuration(Duration.ofSeconds(30))))
                .build(),
            clock);
    broker.target("q").send(message("m1"));
    MessageStore store = broker.source("q");
    StoredMessage first = store.nextAvailable();
    UUID token = store.lock(first);

    // Act
    clock.advance(Duration.ofSeconds(29));
    StoredMessage whileLocked = store.nextAvailable();
    clock.advance(Duration.ofSeconds(1));
    broker.housekeeping();

    // Assert
    assertNull(whileLocked);
    assertEquals(MessageStore.Outcome.LOCK_LOST, store.complete(token));
    assertEquals(1, store.nextAvailable().deliveryCount);
  }

  @Test
  void renewingALockExtendsItByTheLockDurationFromNow() {
    // Arrange
    Broker broker =
        new Broker(
            EmulatorConfig.builder()
                .queue(
                    Queue.named("q")
                        .withProperties(
                            EntityProperties.DEFAULTS.withLockDuration(Duration.ofSeconds(30))))
                .build(),
            clock);
    broker.target("q").send(message("m1"));
    MessageStore store = broker.source("q");
    UUID token = store.lock(store.nextAvailable());

    // Act
    clock.advance(Duration.ofSeconds(20));
    Instant renewedUntil = store.renew(token);
    clock.advance(Duration.ofSeconds(20));
    broker.housekeeping();

    // Assert
    assertEquals(clock.instant().plusSeconds(10), renewedUntil);
    assertEquals(MessageStore.Outcome.DONE, store.complete(token));
  }

  @Test
  void deadLetteringFromADeadLetterQueueKeepsTheMessageThereWithTheNewReason() {
    // Arrange
    Broker broker = new Broker(EmulatorConfig.builder().queue("q").build(), clock);
    broker.target("q").send(message("m1"));
    MessageStore store = broker.source("q");
    store.deadLetter(store.lock(store.nextAvailable()), "First", null, Map.of());
    MessageStore dlq = broker.source("q/$DeadLetterQueue");

    // Act
    dlq.deadLetter(dlq.lock(dlq.nextAvailable()), "Second", "again", Map.of());

    // Assert
    EmulatorMessage dead = EmulatorMessage.of(dlq.all().get(0));
    assertEquals("Second", dead.deadLetterReason());
    assertEquals("again", dead.deadLetterErrorDescription());
    assertEquals("q", dead.deadLetterSource());
  }
}
