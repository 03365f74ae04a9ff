package dev.offboarding.testkit.servicebus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import dev.offboarding.testkit.servicebus.EmulatorConfig.EntityProperties;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ServiceBusEmulator#dropConnections()}: every client's transport closed at once, messages
 * kept.
 */
class ConnectionDropTest {
  private static final Duration LOCK = Duration.ofSeconds(2);

  @Test
  void theSdkReconnectsAfterItsConnectionsAreDroppedAndNoMessageIsLost() {
    try (SdkFixture fixture =
            new SdkFixture(
                EmulatorConfig.builder()
                    .queue(
                        Queue.named("q")
                            .withProperties(EntityProperties.DEFAULTS.withLockDuration(LOCK)))
                    .build());
        ServiceBusSenderClient sender = fixture.builder().sender().queueName("q").buildClient();
        ServiceBusReceiverClient receiver =
            fixture
                .builder()
                .receiver()
                .queueName("q")
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
                .maxAutoLockRenewDuration(Duration.ZERO)
                .buildClient()) {
      // Arrange: one message sent and locked by the receiver, not settled.
      sender.sendMessage(new ServiceBusMessage("before").setMessageId("1"));
      List<ServiceBusReceivedMessage> first = receive(receiver, 1);
      assertEquals("before", first.get(0).getBody().toString());

      // Act
      int dropped = fixture.emulator.dropConnections();

      // Assert: both clients were connected; the sender reconnects and sends, the locked message
      // comes back once its lock expires, and nothing was lost.
      assertTrue(dropped >= 1, "no connection was open");
      sender.sendMessage(new ServiceBusMessage("after").setMessageId("2"));
      List<ServiceBusReceivedMessage> again = receive(receiver, 2);
      assertEquals(
          List.of("1", "2"),
          again.stream().map(ServiceBusReceivedMessage::getMessageId).sorted().toList());
      again.forEach(receiver::complete);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> fixture.emulator.activeMessageCount("q") == 0);
      assertEquals(0, fixture.emulator.deadLetterMessageCount("q"));
    }
  }

  @Test
  void dropsNothingWhenNoClientIsConnected() {
    try (ServiceBusEmulator emulator =
        ServiceBusEmulator.start(EmulatorConfig.builder().queue("q").build(), 0)) {
      assertEquals(0, emulator.dropConnections());
    }
  }

  private static List<ServiceBusReceivedMessage> receive(
      ServiceBusReceiverClient receiver, int count) {
    List<ServiceBusReceivedMessage> got = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              receiver
                  .receiveMessages(count - got.size(), Duration.ofSeconds(3))
                  .forEach(
                      m -> {
                        got.add(m);
                      });
              return got.size() >= count;
            });
    return got;
  }
}
