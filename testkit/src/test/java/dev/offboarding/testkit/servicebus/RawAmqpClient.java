package dev.offboarding.testkit.servicebus;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;

/**
 * A bare Proton-J client engine over a blocking socket, pumped by the test thread: for tests that
 * need frames the SDKs do not let them shape (heartbeats, the link attaches of other SDKs' AMQP
 * stacks).
 */
final class RawAmqpClient implements AutoCloseable {
  final Socket socket;
  final Transport transport = Proton.transport();
  final Connection connection = Proton.connection();
  final AtomicInteger bytesReceived = new AtomicInteger();

  RawAmqpClient(int port, int idleTimeoutMillis) throws Exception {
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
    } catch (SocketTimeoutException nothingYet) {
      // Keep pumping.
    }
    transport.tick(System.currentTimeMillis());
  }

  @Override
  public void close() throws java.io.IOException {
    socket.close();
  }
}
