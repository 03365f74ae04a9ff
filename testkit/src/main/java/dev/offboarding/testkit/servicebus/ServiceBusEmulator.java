package dev.offboarding.testkit.servicebus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * An embedded Azure Service Bus emulator: plain AMQP 1.0 on 127.0.0.1 with the Service Bus
 * conventions, so the official Java SDK runs against it unmodified using {@link
 * #connectionString()}.
 *
 * <p>It serves the queues, topics and subscriptions of an {@link EmulatorConfig} with peek-lock and
 * receive-and-delete, dead-letter subqueues, lock renewal, deferral, scheduling, duplicate
 * detection, subscription filters and sessions; {@code testkit/README.md} lists what it does not
 * do. State lives in memory and is lost on {@link #close()}.
 *
 * <p>Authorization follows Service Bus's shared access signatures when the configuration names keys
 * ({@link EmulatorConfig#withSharedAccessKey}): a {@code $cbs} put-token is refused with 401 {@code
 * amqp:unauthorized-access} for an unknown key name, a wrong signature or an expired token; a
 * sender's attach needs Send on its queue or topic, a receiver's Listen (on the topic, for a
 * subscription or a dead-letter queue), and the {@code $management} operations Send (schedule,
 * cancel a scheduled message) or Listen (peek, deferred receive, lock renewal, settlement, session
 * state, rules), each refused as the service refuses them: {@code amqp:unauthorized-access},
 * "Unauthorized access. 'Send' claim(s) are required to perform this operation.", which the SDK
 * reports as a non-transient {@code UNAUTHORIZED}. The built-in {@value #SHARED_ACCESS_KEY_NAME}
 * (key {@value #SHARED_ACCESS_KEY}) has Manage on the namespace; get a connection string for any
 * key with {@link #connectionString(String)}. Without configured keys, as in the official emulator,
 * any token is accepted for anything.
 *
 * <p>Threading: the AMQP connections and all messages belong to one loop thread started by {@link
 * #start}. The inspection methods may be called from any thread; they run on the loop and return
 * snapshots.
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

  /**
   * The key the official emulator's connection string uses. Without configured keys any key is
   * accepted; with them this is the key of {@value #SHARED_ACCESS_KEY_NAME}.
   */
  public static final String SHARED_ACCESS_KEY = "SAS_KEY_VALUE";

  private static final String HOST = "127.0.0.1";

  private final AmqpServer server;
  private final Broker broker;
  private final EmulatorConfig config;

  private ServiceBusEmulator(AmqpServer server, Broker broker, EmulatorConfig config) {
    this.server = server;
    this.broker = broker;
    this.config = config;
  }

  /**
   * Starts serving the configured entities on 127.0.0.1.
   *
   * @param port the TCP port, or 0 for an ephemeral one (see {@link #port()})
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static ServiceBusEmulator start(EmulatorConfig config, int port) {
    Objects.requireNonNull(config, "config");
    Clock clock = Clock.systemUTC();
    Broker broker = new Broker(config, clock);
    try {
      AmqpServer server =
          new AmqpServer(broker, new AccessControl(config.sharedAccessKeys(), clock), HOST, port);
      server.start();
      return new ServiceBusEmulator(server, broker, config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + HOST + ":" + port, e);
    }
  }

  /** The port the emulator listens on. */
  public int port() {
    return server.port();
  }

  /**
   * The connection string for the SDK: the official emulator's format, {@code
   * UseDevelopmentEmulator=true} (plain AMQP, no TLS) and the host {@code localhost}.
   */
  public String connectionString() {
    return connectionString(SHARED_ACCESS_KEY_NAME, SHARED_ACCESS_KEY);
  }

  /**
   * The connection string of a configured shared access key, in the format of {@link
   * #connectionString()}: a client using it has that key's rights and no more.
   *
   * @param keyName a key of the {@link EmulatorConfig} (case-insensitively), or {@value
   *     #SHARED_ACCESS_KEY_NAME}
   * @throws IllegalArgumentException when the configuration has no key of that name
   */
  public String connectionString(String keyName) {
    if (SHARED_ACCESS_KEY_NAME.equalsIgnoreCase(keyName)) {
      return connectionString();
    }
    EmulatorConfig.SharedAccessKey key =
        config
            .sharedAccessKey(keyName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no shared access key named " + keyName + " is configured"));
    return connectionString(key.name(), key.primaryKey());
  }

  private String connectionString(String keyName, String key) {
    return "Endpoint=sb://localhost:"
        + port()
        + ";SharedAccessKeyName="
        + keyName
        + ";SharedAccessKey="
        + key
        + ";UseDevelopmentEmulator=true;";
  }

  /**
   * Counts of a queue or subscription ({@code topic/subscriptions/name}); for a dead-letter queue
   * path ({@code .../$DeadLetterQueue}) the counts of that subqueue.
   *
   * @throws IllegalArgumentException when no such entity exists
   */
  public EntityStats stats(String entityPath) {
    return server.call(
        () -> {
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

  /**
   * Every message of a queue, subscription or dead-letter queue path, in sequence order, without
   * locking.
   */
  public List<EmulatorMessage> peekMessages(String entityPath) {
    return server.call(() -> store(entityPath).all().stream().map(EmulatorMessage::of).toList());
  }

  /** Every message in the dead-letter subqueue of a queue or subscription, in sequence order. */
  public List<EmulatorMessage> peekDeadLetterMessages(String entityPath) {
    return server.call(
        () -> {
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
   * Sets the most bytes one transfer (a message, or a batch of them) to {@code entityPath} (a queue
   * or topic) may have. By default every entity has 262144 (256 KB), what the Standard tier
   * announces; a Premium entity has 1 MB or more ({@code maxMessageSizeInKilobytes}), which is what
   * a test of messages past 256 KB reaching a receiver needs. The limit is announced as AMQP {@code
   * max-message-size} on the links attached afterwards (the SDK sizes its batches by it) and
   * enforced on every transfer: a larger one is rejected with {@code
   * amqp:link:message-size-exceeded}.
   *
   * @throws IllegalArgumentException when {@code bytes} is not positive
   */
  public void maxMessageSize(String entityPath, int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("a message size limit must be positive, was " + bytes);
    }
    server.maxMessageSize(entityPath, bytes);
  }

  /**
   * Fault injection: takes the Send right on {@code entityPath} (a queue or topic) from every key,
   * as if the identity had lost its Data Sender role: a new sender's attach, and scheduling or
   * cancelling a scheduled message, are answered {@code amqp:unauthorized-access}, "'Send' claim(s)
   * are required", which the SDK reports as a non-transient {@code UNAUTHORIZED} failure. Receiving
   * is unaffected, and senders already attached keep sending (the service checks at attach). {@code
   * false} gives the right back to the keys that had it. Works with or without configured keys.
   */
  public void denySend(String entityPath, boolean denied) {
    server.denySend(entityPath, denied);
  }

  /**
   * Closes every client connection and the listening socket, and drops all messages; never throws.
   */
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
