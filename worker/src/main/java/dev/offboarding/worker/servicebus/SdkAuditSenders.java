package dev.offboarding.worker.servicebus;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link AuditSenders} over the SDK: one {@link ServiceBusSenderClient} per entity, created on
 * first use, all on the builder's shared connection. {@link #healthy()} is false from a failed send
 * until the next one succeeds. Thread-safe; {@link #close()} never throws.
 */
public final class SdkAuditSenders implements AuditSenders, AutoCloseable {
  private static final Logger LOG = System.getLogger(SdkAuditSenders.class.getName());

  private final ServiceBusClientBuilder builder;
  private final Map<String, ServiceBusSenderClient> senders = new ConcurrentHashMap<>();
  private volatile boolean healthy;
  private volatile boolean closed;

  public SdkAuditSenders(ServiceBusClientBuilder builder) {
    this.builder = builder;
  }

  /**
   * Opens the sender for {@code entity} now (attaching its link), so a bad name or credential fails
   * at start.
   */
  public void connect(String entity) {
    sender(entity).createMessageBatch();
    healthy = true;
  }

  /** False from a failed send until the next success, and after close. */
  public boolean healthy() {
    return healthy && !closed;
  }

  @Override
  public ServiceBusMessageBatch createBatch(String entity) {
    return track(() -> sender(entity).createMessageBatch());
  }

  @Override
  public void send(String entity, ServiceBusMessageBatch batch) {
    track(
        () -> {
          sender(entity).sendMessages(batch);
          return null;
        });
  }

  private <T> T track(java.util.function.Supplier<T> call) {
    try {
      T result = call.get();
      healthy = true;
      return result;
    } catch (RuntimeException e) {
      healthy = false;
      throw e;
    }
  }

  private ServiceBusSenderClient sender(String entity) {
    if (closed) {
      throw new IllegalStateException("audit senders are closed");
    }
    return senders.computeIfAbsent(entity, name -> builder.sender().queueName(name).buildClient());
  }

  @Override
  public void close() {
    closed = true;
    senders
        .values()
        .forEach(
            s -> {
              try {
                s.close();
              } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing a Service Bus sender failed", e);
              }
            });
    senders.clear();
  }
}
