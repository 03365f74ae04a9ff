package dev.offboarding.testkit.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.ServiceBusSessionReceiverClient;
import dev.offboarding.testkit.servicebus.EmulatorConfig.EntityProperties;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Queue;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Session-enabled queues as the official Java SDK sees them. */
class SessionsWithSdkTest {
  private static final String QUEUE = "sessions";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private SdkFixture fixture;

  @BeforeEach
  void startEmulator() {
    fixture =
        new SdkFixture(
            EmulatorConfig.builder()
                .queue(Queue.named(QUEUE).withProperties(EntityProperties.DEFAULTS.withSessions()))
                .build());
  }

  @AfterEach
  void stopEmulator() {
    fixture.close();
  }

  private ServiceBusSessionReceiverClient sessions() {
    return fixture.track(
        fixture.builder().sessionReceiver().queueName(QUEUE).disableAutoComplete().buildClient());
  }

  private static List<String> bodies(ServiceBusReceiverClient receiver, int count) {
    List<String> bodies = new ArrayList<>();
    for (ServiceBusReceivedMessage m : receiver.receiveMessages(count, WAIT)) {
      bodies.add(m.getBody().toString());
      receiver.complete(m);
    }
    return bodies;
  }

  @Test
  void aSessionReceiverGetsItsSessionsMessagesInOrderAndTheNextSessionGoesToTheNextReceiver() {
    // Arrange
    ServiceBusSenderClient sender =
        fixture.track(fixture.builder().sender().queueName(QUEUE).buildClient());
    sender.sendMessage(new ServiceBusMessage("a1").setSessionId("a"));
    sender.sendMessage(new ServiceBusMessage("b1").setSessionId("b"));
    sender.sendMessage(new ServiceBusMessage("a2").setSessionId("a"));
    ServiceBusSessionReceiverClient sessions = sessions();

    // Act
    ServiceBusReceiverClient a = fixture.track(sessions.acceptSession("a"));
    List<String> fromA = bodies(a, 2);
    ServiceBusReceiverClient next = fixture.track(sessions.acceptNextSession());

    // Assert
    assertEquals("a", a.getSessionId());
    assertEquals(List.of("a1", "a2"), fromA);
    assertEquals("b", next.getSessionId());
    assertEquals(List.of("b1"), bodies(next, 1));
  }

  @Test
  void keepsSessionStateAndRenewsTheSessionLock() {
    ServiceBusReceiverClient receiver = fixture.track(sessions().acceptSession("state"));
    assertNull(receiver.getSessionState());

    receiver.setSessionState("step 2".getBytes());
    OffsetDateTime renewed = receiver.renewSessionLock();

    assertEquals("step 2", new String(receiver.getSessionState()));
    assertNotNull(renewed);
  }

  @Test
  void refusesAMessageWithoutASessionId() {
    ServiceBusSenderClient sender =
        fixture.track(fixture.builder().sender().queueName(QUEUE).buildClient());

    assertThrows(
        ServiceBusException.class,
        () -> sender.sendMessage(new ServiceBusMessage(BinaryData.fromString("x"))));
  }
}
