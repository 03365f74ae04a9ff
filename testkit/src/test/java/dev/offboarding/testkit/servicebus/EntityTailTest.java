package dev.offboarding.testkit.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Subscription;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The browsing reader over the official SDK: everything seen once, in order, nothing taken. */
class EntityTailTest {
  private static final String TOPIC = "audit";
  private static final String ALL = TOPIC + "/subscriptions/all";

  private SdkFixture fixture;

  @BeforeEach
  void startEmulator() {
    fixture =
        new SdkFixture(
            EmulatorConfig.builder()
                .topic(Topic.named(TOPIC).withSubscription(Subscription.named("all")))
                .build());
  }

  @AfterEach
  void stopEmulator() {
    fixture.close();
  }

  @Test
  void seesEveryMessageOfAStreamOnceInOrderWhilePollingDuringIt() throws Exception {
    // Arrange: more messages than several pages, sent in batches while the tail polls
    int count = EntityTail.PAGE * 4 + 17;
    ServiceBusSenderClient sender =
        fixture.track(fixture.builder().sender().topicName(TOPIC).buildClient());
    EntityTail tail = fixture.track(EntityTail.of(fixture.builder(), ALL));
    CompletableFuture<Void> sending =
        CompletableFuture.runAsync(
            () -> {
              for (int from = 0; from < count; from += 50) {
                ServiceBusMessageBatch batch = sender.createMessageBatch();
                IntStream.range(from, Math.min(count, from + 50))
                    .forEach(
                        i ->
                            batch.tryAddMessage(
                                new ServiceBusMessage("m" + i).setMessageId("m" + i)));
                sender.sendMessages(batch);
              }
            });

    // Act
    List<String> seen = new ArrayList<>();
    while (!sending.isDone()) {
      tail.poll().forEach(m -> seen.add(m.getMessageId()));
    }
    sending.join();
    tail.poll().forEach(m -> seen.add(m.getMessageId()));

    // Assert: exactly the messages sent, in sending order, and all still in the subscription
    assertEquals(IntStream.range(0, count).mapToObj(i -> "m" + i).toList(), seen);
    assertEquals(
        List.of(), tail.poll().stream().map(ServiceBusReceivedMessage::getMessageId).toList());
    assertEquals(count, fixture.emulator.stats(ALL).active());
  }
}
