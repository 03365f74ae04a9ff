package dev.offboarding.testkit.servicebus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sasl;
import org.junit.jupiter.api.Test;

/** Connection-level behaviour below the SDK: SASL, heartbeats, shutdown. */
class ConnectionLifecycleTest {
  private static final EmulatorConfig CONFIG = EmulatorConfig.builder().queue("q").build();

  @Test
  void answersSaslAnonymousAndKeepsAnIdleConnectionAliveWithHeartbeats() throws Exception {
    try (ServiceBusEmulator emulator = ServiceBusEmulator.start(CONFIG, 0);
        RawAmqpClient client = new RawAmqpClient(emulator.port(), 600)) {
      // Arrange: the SASL exchange and the open handshake.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                client.pump();
                return client.connection.getRemoteState() == EndpointState.ACTIVE;
              });
      assertEquals(Sasl.SaslOutcome.PN_SASL_OK, client.transport.sasl().getOutcome());
      int afterOpen = client.bytesReceived.get();

      // Act: stay idle for several idle-timeout periods; the client's engine fails if the server
      // goes quiet.
      long until = System.currentTimeMillis() + 2_000;
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                client.pump();
                return System.currentTimeMillis() > until;
              });

      // Assert: empty frames (8 bytes each) arrived, and the connection is still open.
      assertTrue(client.bytesReceived.get() - afterOpen >= 16, "no heartbeats received");
      assertEquals(EndpointState.ACTIVE, client.connection.getRemoteState());
      assertEquals(null, client.transport.getCondition());
    }
  }

  @Test
  void closingReleasesThePortAndNeverThrows() {
    // Arrange
    ServiceBusEmulator first = ServiceBusEmulator.start(CONFIG, 0);
    int port = first.port();

    // Act
    first.close();
    first.close();

    // Assert
    try (ServiceBusEmulator second = ServiceBusEmulator.start(CONFIG, port)) {
      assertEquals(port, second.port());
    }
  }

  @Test
  void closingSendsAnAmqpCloseToConnectedClients() throws Exception {
    ServiceBusEmulator emulator = ServiceBusEmulator.start(CONFIG, 0);
    try (RawAmqpClient client = new RawAmqpClient(emulator.port(), 0)) {
      // Arrange
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                client.pump();
                return client.connection.getRemoteState() == EndpointState.ACTIVE;
              });

      // Act
      emulator.close();

      // Assert
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                client.pump();
                return client.connection.getRemoteState() == EndpointState.CLOSED;
              });
      assertEquals(
          "amqp:connection:forced",
          client.connection.getRemoteCondition().getCondition().toString());
    }
  }
}
