package dev.offboarding.worker.flow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A {@link Delivery} that records how it was settled; may be told to refuse settlements. */
final class RecordingDelivery implements Delivery {
  final List<String> settlements = new ArrayList<>();
  final byte[] body;
  String queue = "offboarding-events";
  String messageId = "msg-1";
  final long deliveryCount;
  String replyTo;
  String replyToSessionId;
  RuntimeException refuse;
  String deadLetterReason;
  String deadLetterDescription;

  RecordingDelivery(byte[] body, long deliveryCount) {
    this.body = body;
    this.deliveryCount = deliveryCount;
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public String messageId() {
    return messageId;
  }

  @Override
  public long sequenceNumber() {
    return 1;
  }

  @Override
  public byte[] body() {
    return body;
  }

  @Override
  public long deliveryCount() {
    return deliveryCount;
  }

  @Override
  public Instant enqueuedAt() {
    return Instant.parse("2026-11-27T09:00:00Z");
  }

  @Override
  public String replyTo() {
    return replyTo;
  }

  @Override
  public String replyToSessionId() {
    return replyToSessionId;
  }

  @Override
  public synchronized void complete() {
    record("complete");
  }

  @Override
  public synchronized void abandon() {
    record("abandon");
  }

  @Override
  public synchronized void deadLetter(String reason, String description) {
    record("deadLetter");
    deadLetterReason = reason;
    deadLetterDescription = description;
  }

  synchronized List<String> settlements() {
    return List.copyOf(settlements);
  }

  private void record(String what) {
    if (refuse != null) {
      throw refuse;
    }
    settlements.add(what);
  }
}
