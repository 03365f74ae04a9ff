package dev.offboarding.testkit.servicebus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * An embedded Azure Service Bus emulator: plain AMQP 1.0 on 127.0.0.1 with the Service Bus conventions, so the
 * official Java SDK runs against it unmodified using {@link #connectionString()}.
 *
 * <p>It serves the queues, topics and subscriptions of an {@link EmulatorConfig} with peek-lock and
 * receive-and-delete, dead-letter subqueues, lock renewal, deferral, scheduling, duplicate detection,
 * subscription filters and sessions; {@code testkit/README.md} lists what it does not do. State lives in memory
 * and is lost on {@link #close()}.
 *
 * <p>Threading: the AMQP connections and all messages belong to one loop thread started by {@link #start}. The
 * inspection methods may be called from any thread; they run on the loop and return snapshots.
 *
 * <pre>{@code
 * try (ServiceBusEmulator emulator = ServiceBusEmulator.start(EmulatorConfig.builder().queue("orders").build(), 0);
 *     ServiceBusSenderClient sender = new ServiceBusClientBuilder()
 *         .connectionString(emulator.connectionString()).sender().queueName("orders").buildClient()) {
 *   sender.sendMessage(new ServiceBusMessage("hello"));
 *   await().until(() -> emulator.activeMessageCount("orders") == 1);
 * }
 * }</pre>
 */
public final class ServiceBusEmulator implements AutoCloseable {

  /** The key name the official emulator's connection string uses. */
  public static final String SHARED_ACCESS_KEY_NAME = "RootManageSharedAccessKey";
  /** The key the official emulator's connection string uses; any key is accepted. */
  public static final String SHARED_ACCESS_KEY = "SAS_KEY_VALUE";

  private static final String HOST = "127.0.0.1";

  private final AmqpServer server;
  private final Broker broker;

  private ServiceBusEmulator(AmqpServer server, Broker broker) {
    this.server = server;
    this.broker = broker;
  }

  /**
   * Starts serving the configured entities on 127.0.0.1.
   *
   * @param port the TCP port, or 0 for an ephemeral one (see {@link #port()})
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static ServiceBusEmulator start(EmulatorConfig config, int port) {
    Objects.requireNonNull(config, "config");
    Broker broker = new Broker(config, Clock.systemUTC());
    try {
      AmqpServer server = new AmqpServer(broker, HOST, port);
      server.start();
      return new ServiceBusEmulator(server, broker);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + HOST + ":" + port, e);
    }
  }

  /** The port the emulator listens on. */
  public int port() {
    return server.port();
  }

  /**
   * The connection string for the SDK: the official emulator's format, {@code UseDevelopmentEmulator=true} (plain
   * AMQP, no TLS) and the host {@code localhost}.
   */
  public String connectionString() {
    return "Endpoint=sb://localhost:" + port() + ";SharedAccessKeyName=" + SHARED_ACCESS_KEY_NAME
        + ";SharedAccessKey=" + SHARED_ACCESS_KEY + ";UseDevelopmentEmulator=true;";
  }

  /**
   * Counts of a queue or subscription ({@code topic/subscriptions/name}); for a dead-letter queue path
   * ({@code .../$DeadLetterQueue}) the counts of that subqueue.
   *
   * @throws IllegalArgumentException when no such entity exists
   */
  public EntityStats stats(String entityPath) {
    return server.call(() -> {
      MessageStore store = store(entityPath);
      long active = 0;
      long locked = 0;
      long deferred = 0;
      long scheduled = 0;
      for (StoredMessage m : store.all()) {
        switch (m.state) {
          case ACTIVE -> {
            active++;
            locked += m.isLocked() ? 1 : 0;
          }
          case DEFERRED -> deferred++;
          case SCHEDULED -> scheduled++;
        }
      }
      long dead = store.isDeadLetterQueue() ? 0 : store.deadLetterQueue().all().size();
      return new EntityStats(active, locked, deferred, scheduled, dead);
    });
  }

  /** Receivable plus locked messages of a queue or subscription. */
  public long activeMessageCount(String entityPath) {
    return stats(entityPath).active();
  }

  /** Messages in the dead-letter subqueue of a queue or subscription. */
  public long deadLetterMessageCount(String entityPath) {
    return stats(entityPath).deadLettered();
  }

  /** Every message of a queue, subscription or dead-letter queue path, in sequence order, without locking. */
  public List<EmulatorMessage> peekMessages(String entityPath) {
    return server.call(() -> store(entityPath).all().stream().map(EmulatorMessage::of).toList());
  }

  /** Every message in the dead-letter subqueue of a queue or subscription, in sequence order. */
  public List<EmulatorMessage> peekDeadLetterMessages(String entityPath) {
    return server.call(() -> {
      MessageStore store = store(entityPath);
      MessageStore dlq = store.isDeadLetterQueue() ? store : store.deadLetterQueue();
      return dlq.all().stream().map(EmulatorMessage::of).toList();
    });
  }

  /**
   * Fault injection: closes the transport of every open client connection at once, without an AMQP
   * close, as a network fault or a broker failover does. Messages and their locks stay: a message
   * locked by a dropped receiver is delivered again when its lock expires, and settling it with the
   * old lock token then fails with {@code com.microsoft:message-lock-lost}. New connections are
   * accepted at once. Call it periodically (e.g. from a {@code ScheduledExecutorService}) for a
   * flapping network.
   *
   * @return how many connections were dropped
   */
  public int dropConnections() {
    return server.dropConnections();
  }

  /**
   * Fault injection: refuses every new sender on {@code entityPath} (a queue or topic) the way
   * Service Bus refuses an identity without the Send right (no Data Sender role): the attach is
   * answered {@code amqp:unauthorized-access}, "'Send' claim(s) are required", which the SDK
   * reports as a non-transient {@code UNAUTHORIZED} failure. Receiving is unaffected, and senders
   * already attached keep sending (the service checks at attach). {@code false} admits them again.
   */
  public void denySend(String entityPath, boolean denied) {
    server.denySend(entityPath, denied);
  }

  /** Closes every client connection and the listening socket, and drops all messages; never throws. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (RuntimeException e) {
      System.getLogger(ServiceBusEmulator.class.getName())
          .log(System.Logger.Level.WARNING, "closing the Service Bus emulator failed", e);
    }
  }

  private MessageStore store(String entityPath) {
    MessageStore store = broker.source(entityPath);
    if (store == null) {
      throw new IllegalArgumentException("no queue or subscription at " + entityPath);
    }
    return store;
  }
}
