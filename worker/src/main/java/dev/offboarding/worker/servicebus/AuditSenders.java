package dev.offboarding.worker.servicebus;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Where the worker's outgoing messages go: the audit topic, the worker's own queue and reply
 * entities, by name. The Service Bus implementation ({@link SdkAuditSenders}) keeps one sender per
 * entity and packs messages into as few batches as the entity's size limit allows; tests use a
 * recording fake. Implementations are thread-safe.
 */
public interface AuditSenders {

  /**
   * Sends {@code messages} to {@code entity} in order, in one or more batches. {@code stop} is
   * asked before each batch: once it is true, nothing more is sent and this returns false (the
   * batches sent before stay sent).
   *
   * @return true when every message was sent, false when {@code stop} cut the sending short
   * @throws MessageTooLargeException when a message alone is larger than the entity's limit: the
   *     batches filled before it were sent, the one it would have joined was not, nor anything
   *     after
   * @throws RuntimeException when the broker is unreachable or refuses
   */
  boolean sendAll(String entity, List<OutgoingMessage> messages, BooleanSupplier stop);

  /**
   * Sends one message to {@code entity}; it has arrived when this returns.
   *
   * @throws MessageTooLargeException when it is larger than the entity's limit
   * @throws RuntimeException when the broker is unreachable or refuses
   */
  default void send(String entity, OutgoingMessage message) {
    sendAll(entity, List.of(message), () -> false);
  }

  /**
   * A message that does not fit even alone in a batch of the entity it was for; nothing sent it.
   */
  final class MessageTooLargeException extends RuntimeException {
    private final String entity;
    private final long maxSizeInBytes;

    /**
     * @param entity the entity the message was for
     * @param maxSizeInBytes the entity's limit, as its link announced it
     */
    public MessageTooLargeException(String entity, long maxSizeInBytes) {
      super("a message is larger than " + maxSizeInBytes + " bytes, the limit of " + entity);
      this.entity = entity;
      this.maxSizeInBytes = maxSizeInBytes;
    }

    /** The entity the message was for. */
    public String entity() {
      return entity;
    }

    /** The entity's limit in bytes (262144 on the Standard tier). */
    public long maxSizeInBytes() {
      return maxSizeInBytes;
    }
  }
}
