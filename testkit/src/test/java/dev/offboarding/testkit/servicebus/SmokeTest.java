package dev.offboarding.testkit.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void sendsAndReceives() {
    try (ServiceBusEmulator emulator = ServiceBusEmulator.start(EmulatorConfig.builder().queue("q").build(), 0)) {
      ServiceBusClientBuilder b = new ServiceBusClientBuilder().connectionString(emulator.connectionString());
      try (ServiceBusSenderClient sender = b.sender().queueName("q").buildClient();
          ServiceBusReceiverClient receiver = b.receiver().queueName("q").buildClient()) {
        sender.sendMessage(new ServiceBusMessage("hello"));
        List<ServiceBusReceivedMessage> got = receiver.receiveMessages(1, Duration.ofSeconds(10)).stream().toList();
        assertEquals(1, got.size());
        assertEquals("hello", got.get(0).getBody().toString());
        receiver.complete(got.get(0));
        assertEquals(0, emulator.activeMessageCount("q"));
      }
    }
  }
}
