package dev.offboarding.worker.flow;

import java.time.Instant;

/**
 * One received event message and the three ways to settle it. The Service Bus adapter wraps the
 * SDK's message context; tests use a recording fake. Settling methods block until the broker
 * answered and throw when it did not accept the settlement (e.g. the lock was lost).
 */
public interface Delivery {

  /** The entity the message was delivered from. */
  String queue();

  /** The message id, as the producer set it ({@code send} sets the event id). */
  String messageId();

  /**
   * The broker's sequence number of the message: the same for every delivery of it, new for a
   * message sent again, so it tells a redelivery from a deliberate re-send of the same event.
   */
  long sequenceNumber();

  /** The body, as sent. */
  byte[] body();

  /**
   * How many times the message was delivered before this delivery. The Java SDK reports the AMQP
   * header verbatim: 0 on the first delivery, +1 per abandon or lock expiry.
   */
  long deliveryCount();

  /** When the broker enqueued the message, or null when it did not say. */
  Instant enqueuedAt();

  /** The entity the producer asked the answer to go to, or null. */
  String replyTo();

  /** The session id for the answer, or null. */
  String replyToSessionId();

  /** The application property {@code name}, or null when the message has none. */
  default Object property(String name) {
    return null;
  }

  void complete();

  void abandon();

  void deadLetter(String reason, String description);

  /** True when the message was delivered before: its work may have been done already. */
  default boolean redelivery() {
    return deliveryCount() > 0;
  }
}
