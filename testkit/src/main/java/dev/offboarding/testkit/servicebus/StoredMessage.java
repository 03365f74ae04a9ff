package dev.offboarding.testkit.servicebus;

import java.time.Instant;
import java.util.UUID;
import org.apache.qpid.proton.message.Message;

/**
 * One message in a {@link MessageStore}, with its broker-side state. Confined to the emulator's
 * loop thread.
 */
final class StoredMessage {

  /**
   * Where a message stands: receivable, set aside by sequence number, or waiting for its enqueue
   * time.
   */
  enum State {
    ACTIVE,
    DEFERRED,
    SCHEDULED
  }

  final long sequenceNumber;
  final Instant enqueuedTime;

  /** Owned by the store: mutated only when a disposition changes application properties. */
  final Message message;

  final String deadLetterSource;
  long deliveryCount;
  State state;
  Instant scheduledEnqueueTime;
  Instant expiresAt;
  UUID lockToken;
  Instant lockedUntil;

  StoredMessage(
      long sequenceNumber, Instant enqueuedTime, Message message, String deadLetterSource) {
    this.sequenceNumber = sequenceNumber;
    this.enqueuedTime = enqueuedTime;
    this.message = message;
    this.deadLetterSource = deadLetterSource;
    this.state = State.ACTIVE;
  }

  boolean isLocked() {
    return lockToken != null;
  }

  void unlock() {
    lockToken = null;
    lockedUntil = null;
  }
}
