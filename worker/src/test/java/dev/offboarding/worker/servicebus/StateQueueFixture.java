package dev.offboarding.worker.servicebus;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSessionReceiverClient;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.testing.WorkerSystem;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker's state queue on an embedded emulator, for the tests of what keeps a ledger in its
 * session state (the mass-action brake, the sign-in watch's lease): each replica's own client
 * builder, sessions the test holds or reads as another replica would, and what the test opened,
 * closed with the fixture.
 */
final class StateQueueFixture implements AutoCloseable {
  /** The state queue's name in the project's entities. */
  static final String QUEUE = "offboarding-state";

  /** The emulator; a test may close it early to play a broker that cannot be reached. */
  final ServiceBusEmulator emulator = WorkerSystem.projectEntities();

  private final List<AutoCloseable> opened = new ArrayList<>();

  /** A client builder of its own, so its own AMQP connection: one replica's. */
  ServiceBusClientBuilder clients() {
    return new ServiceBusClientBuilder().connectionString(emulator.connectionString());
  }

  /** Closes {@code closeable} with the fixture. */
  <T extends AutoCloseable> T closing(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  /** Accepts {@code sessionId} as another replica would: its lock is held until it is closed. */
  ServiceBusReceiverClient hold(String sessionId) {
    return closing(sessions()).acceptSession(sessionId);
  }

  /** The state of {@code sessionId}, read in a turn of its own. */
  byte[] state(String sessionId) {
    try (ServiceBusSessionReceiverClient sessions = sessions();
        ServiceBusReceiverClient session = sessions.acceptSession(sessionId)) {
      return session.getSessionState();
    }
  }

  /** Writes the state of {@code sessionId} in a turn of its own. */
  void setState(String sessionId, byte[] state) {
    try (ServiceBusSessionReceiverClient sessions = sessions();
        ServiceBusReceiverClient session = sessions.acceptSession(sessionId)) {
      session.setSessionState(state);
    }
  }

  private ServiceBusSessionReceiverClient sessions() {
    return clients().sessionReceiver().queueName(QUEUE).buildClient();
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    emulator.close();
  }
}
