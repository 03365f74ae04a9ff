package dev.offboarding.testkit.servicebus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;
import org.junit.jupiter.api.Test;

/** Connection-level behaviour below the SDK: SASL, heartbeats, shutdown. */
class ConnectionLifecycleTest {
  private static final EmulatorConfig CONFIG = EmulatorConfig.builder().queue("q").build();

  /** A bare Proton-J client engine over a blocking socket, pumped by the test thread. */
  private static final class RawClient implements AutoCloseable {
    final Socket socket;
    final Transport transport = Proton.transport();
    final Connection connection = Proton.connection();
    final AtomicInteger bytesReceived = new AtomicInteger();

    RawClient(int port, int idleTimeoutMillis) throws Exception {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(50);
      transport.setIdleTimeout(idleTimeoutMillis);
      Sasl sasl = transport.sasl();
      sasl.client();
      sasl.setMechanisms("ANONYMOUS");
      transport.bind(connection);
      connection.setHostname("localhost");
      connection.setContainer("raw-test-client");
      connection.open();
    }

    /** Exchanges whatever is pending in both directions once. */
    void pump() throws Exception {
      OutputStream out = socket.getOutputStream();
      int pending;
      while ((pending = transport.pending()) > 0) {
        ByteBuffer head = transport.head();
        byte[] bytes = new byte[pending];
        head.get(bytes);
        out.write(bytes);
        transport.pop(pending);
      }
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      try {
        int n = in.read(buffer);
        if (n > 0) {
          bytesReceived.addAndGet(n);
          transport.tail().put(buffer, 0, n);
          transport.process();
        }
      } catch (java.net.SocketTimeoutException nothingYet) {
        // Keep pumping.
      }
      transport.tick(System.currentTimeMillis());
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  @Test
  void answersSaslAnonymousAndKeepsAnIdleConnectionAliveWithHeartbeats() throws Exception {
    try (ServiceBusEmulator emulator = ServiceBusEmulator.start(CONFIG, 0);
        RawClient client = new RawClient(emulator.port(), 600)) {
      // Arrange: the SASL exchange and the open handshake.
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        client.pump();
        return client.connection.getRemoteState() == EndpointState.ACTIVE;
      });
      assertEquals(Sasl.SaslOutcome.PN_SASL_OK, client.transport.sasl().getOutcome());
      int afterOpen = client.bytesReceived.get();

      // Act: stay idle for several idle-timeout periods; the client's engine fails if the server goes quiet.
      long until = System.currentTimeMillis() + 2_000;
      await().atMost(Duration.ofSeconds(10)).until(() -> {
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
    try (RawClient client = new RawClient(emulator.port(), 0)) {
      // Arrange
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        client.pump();
        return client.connection.getRemoteState() == EndpointState.ACTIVE;
      });

      // Act
      emulator.close();

      // Assert
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        client.pump();
        return client.connection.getRemoteState() == EndpointState.CLOSED;
      });
      assertEquals("amqp:connection:forced",
          client.connection.getRemoteCondition().getCondition().toString());
    }
  }
}
