package dev.offboarding.testkit.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The message size limit as the official Java SDK meets it: announced on attach ({@code
 * max-message-size}, 262144 as on the Standard tier, or what a test set for the entity), sizing the
 * SDK's batches, and enforced on each transfer.
 */
class MaxMessageSizeWithSdkTest {
  private static final int STANDARD = 256 * 1024;
  private static final int PREMIUM = 1024 * 1024;

  private final SdkFixture fixture =
      new SdkFixture(EmulatorConfig.builder().queue("standard").queue("premium").build());

  @AfterEach
  void stop() {
    fixture.close();
  }

  private ServiceBusSenderClient sender(String queue) {
    return fixture.track(fixture.builder().sender().queueName(queue).buildClient());
  }

  @Test
  void announcesTheStandardTiersLimitUnlessTheEntityWasGivenAnother() {
    fixture.emulator.maxMessageSize("premium", PREMIUM);

    assertEquals(STANDARD, sender("standard").createMessageBatch().getMaxSizeInBytes());
    assertEquals(PREMIUM, sender("premium").createMessageBatch().getMaxSizeInBytes());
  }

  @Test
  void takesAMessageUpToTheEntitysLimitAndNoLarger() {
    fixture.emulator.maxMessageSize("premium", PREMIUM);

    ServiceBusException refused =
        assertThrows(
            ServiceBusException.class,
            () -> sender("standard").sendMessage(new ServiceBusMessage(new byte[300 * 1024])));
    sender("premium").sendMessage(new ServiceBusMessage(new byte[300 * 1024]));

    assertEquals(ServiceBusFailureReason.MESSAGE_SIZE_EXCEEDED, refused.getReason());
    assertEquals(0, fixture.emulator.activeMessageCount("standard"));
    assertEquals(1, fixture.emulator.activeMessageCount("premium"));
  }

  @Test
  void rejectsATransferLargerThanTheLimitEvenOnALinkThatAnnouncedMore() {
    fixture.emulator.maxMessageSize("premium", PREMIUM);
    ServiceBusSenderClient attached = sender("premium");
    attached.sendMessage(new ServiceBusMessage(new byte[10]));
    fixture.emulator.maxMessageSize("premium", STANDARD);

    ServiceBusException refused =
        assertThrows(
            ServiceBusException.class,
            () -> attached.sendMessage(new ServiceBusMessage(new byte[300 * 1024])));

    assertEquals(ServiceBusFailureReason.MESSAGE_SIZE_EXCEEDED, refused.getReason());
    assertTrue(
        refused.getMessage().contains("exceeds the limit (262144 bytes)"), refused.getMessage());
    assertEquals(1, fixture.emulator.activeMessageCount("premium"));
  }
}
