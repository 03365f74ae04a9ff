package dev.offboarding.testkit.servicebus;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Starts an emulator and hands out SDK builders on it; closes the clients and then the emulator.
 */
final class SdkFixture implements AutoCloseable {
  final ServiceBusEmulator emulator;
  private final Deque<AutoCloseable> clients = new ArrayDeque<>();

  SdkFixture(EmulatorConfig config) {
    this.emulator = ServiceBusEmulator.start(config, 0);
  }

  /**
   * A builder with the emulator's connection string and short timeouts, so a broken emulator fails
   * fast.
   */
  ServiceBusClientBuilder builder() {
    return builder(emulator.connectionString());
  }

  /**
   * A builder with another connection string (another key's, a hand-made signature's) and short
   * timeouts.
   */
  ServiceBusClientBuilder builder(String connectionString) {
    return new ServiceBusClientBuilder()
        .connectionString(connectionString)
        .retryOptions(
            new AmqpRetryOptions().setTryTimeout(Duration.ofSeconds(20)).setMaxRetries(1));
  }

  /** Registers a client to close after the test. */
  <T extends AutoCloseable> T track(T client) {
    clients.push(client);
    return client;
  }

  @Override
  public void close() {
    while (!clients.isEmpty()) {
      try {
        clients.pop().close();
      } catch (Exception ignored) {
        // Closing clients of a finished test must not hide its result.
      }
    }
    emulator.close();
  }
}
