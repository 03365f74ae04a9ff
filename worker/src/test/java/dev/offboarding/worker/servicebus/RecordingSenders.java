package dev.offboarding.worker.servicebus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * {@link AuditSenders} that records what each call sent, per entity and in order. It packs nothing
 * (the packing into batches is {@link SdkAuditSenders}'s, tested against the emulator): the stop
 * signal is asked once per call, before anything is recorded. Told to, it fails every send.
 */
public final class RecordingSenders implements AuditSenders {
  /** One call: the entity and the messages it was given, in order. */
  public record Sent(String entity, List<OutgoingMessage> messages) {}

  /** Every call that sent something, in order. */
  public final List<Sent> sent = new ArrayList<>();

  /** When set, every send throws it and records nothing. */
  RuntimeException failSends;

  @Override
  public synchronized boolean sendAll(
      String entity, List<OutgoingMessage> messages, BooleanSupplier stop) {
    if (failSends != null) {
      throw failSends;
    }
    if (stop.getAsBoolean()) {
      return false;
    }
    sent.add(new Sent(entity, List.copyOf(messages)));
    return true;
  }

  /** Every message sent to {@code entity}, in order. */
  public synchronized List<OutgoingMessage> messagesTo(String entity) {
    return sent.stream()
        .filter(s -> s.entity().equals(entity))
        .flatMap(s -> s.messages().stream())
        .toList();
  }
}
