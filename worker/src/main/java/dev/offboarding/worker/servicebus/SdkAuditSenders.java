package dev.offboarding.worker.servicebus;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@link AuditSenders} over the SDK: one {@link ServiceBusSenderClient} per entity, created on
 * first use, all on the builder's shared connection. Messages are packed into real SDK batches,
 * which size each message as it is encoded and hold at most what the entity's link announced (AMQP
 * {@code max-message-size}: 262144 bytes on Standard). {@link #healthy()} is false from a failed
 * send until the next one succeeds. Thread-safe; {@link #close()} never throws.
 */
public final class SdkAuditSenders implements AuditSenders, AutoCloseable {
  private static final Logger LOG = System.getLogger(SdkAuditSenders.class.getName());

  private final ServiceBusClientBuilder builder;
  private final Map<String, ServiceBusSenderClient> senders = new ConcurrentHashMap<>();
  private volatile boolean healthy;
  private volatile boolean closed;

  /** Senders on {@code builder}'s connection; nothing is opened until first used or connected. */
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

  /**
   * Packs the messages into SDK batches sized by the entity's link (256 KB on Standard), in order,
   * sending a batch when the next message does not fit; {@code stop} is asked before each batch.
   */
  @Override
  public boolean sendAll(String entity, List<OutgoingMessage> messages, BooleanSupplier stop) {
    if (messages.isEmpty()) {
      return true;
    }
    ServiceBusMessageBatch batch = newBatch(entity);
    for (OutgoingMessage outgoing : messages) {
      ServiceBusMessage message = toServiceBus(outgoing);
      if (tryAdd(entity, batch, message)) {
        continue;
      }
      if (batch.getCount() == 0) {
        throw new MessageTooLargeException(entity, batch.getMaxSizeInBytes());
      }
      // Into a fresh batch before the full one goes: a message too large even alone then stops the
      // sending with the full batch unsent, as when the SDK finds it too large at once.
      ServiceBusMessageBatch next = newBatch(entity);
      if (!tryAdd(entity, next, message)) {
        throw new MessageTooLargeException(entity, next.getMaxSizeInBytes());
      }
      if (!send(entity, batch, stop)) {
        return false;
      }
      batch = next;
    }
    return batch.getCount() == 0 || send(entity, batch, stop);
  }

  /**
   * The SDK message for {@code outgoing}: each field that is not null set, the application
   * properties in their order.
   */
  static ServiceBusMessage toServiceBus(OutgoingMessage outgoing) {
    ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(outgoing.body()));
    if (outgoing.contentType() != null) {
      message.setContentType(outgoing.contentType());
    }
    if (outgoing.subject() != null) {
      message.setSubject(outgoing.subject());
    }
    if (outgoing.messageId() != null) {
      message.setMessageId(outgoing.messageId());
    }
    if (outgoing.correlationId() != null) {
      message.setCorrelationId(outgoing.correlationId());
    }
    if (outgoing.sessionId() != null) {
      message.setSessionId(outgoing.sessionId());
    }
    if (outgoing.scheduledEnqueueTime() != null) {
      message.setScheduledEnqueueTime(outgoing.scheduledEnqueueTime().atOffset(ZoneOffset.UTC));
    }
    // One by one, as the worker always set them: putAll would presize the SDK's hash map to the
    // entries, and a smaller table changes the order they are encoded in.
    outgoing.applicationProperties().forEach(message.getApplicationProperties()::put);
    return message;
  }

  /**
   * Adds the message if it fits. A message that alone exceeds the batch's limit makes the SDK throw
   * ({@link AmqpErrorCondition#LINK_PAYLOAD_SIZE_EXCEEDED}) rather than answer false: that is the
   * same refusal.
   */
  private static boolean tryAdd(
      String entity, ServiceBusMessageBatch batch, ServiceBusMessage message) {
    try {
      return batch.tryAddMessage(message);
    } catch (ServiceBusException e) {
      if (e.getCause() instanceof AmqpException amqp
          && amqp.getErrorCondition() == AmqpErrorCondition.LINK_PAYLOAD_SIZE_EXCEEDED) {
        throw new MessageTooLargeException(entity, batch.getMaxSizeInBytes());
      }
      throw e;
    }
  }

  private ServiceBusMessageBatch newBatch(String entity) {
    return track(() -> sender(entity).createMessageBatch());
  }

  /** Sends a batch unless {@code stop} says not to; false when it did not. */
  private boolean send(String entity, ServiceBusMessageBatch batch, BooleanSupplier stop) {
    if (stop.getAsBoolean()) {
      return false;
    }
    track(
        () -> {
          sender(entity).sendMessages(batch);
          return null;
        });
    return true;
  }

  private <T> T track(Supplier<T> call) {
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
