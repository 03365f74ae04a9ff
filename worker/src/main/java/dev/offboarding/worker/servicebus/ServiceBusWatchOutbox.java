package dev.offboarding.worker.servicebus;

import dev.offboarding.contracts.AccessAudit;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.codec.WatchEntryCodec;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.watch.WatchEntry;
import dev.offboarding.worker.watch.WatchOutbox;
import java.time.Clock;
import java.time.Instant;

/**
 * {@link WatchOutbox} on Service Bus: access audits go to the audit topic (subject {@value
 * AccessAudit#TYPE}, correlation id the event id, application properties {@value #OUTCOME} and
 * {@value #WATCH_POLL}); entries go to the worker's own queue as scheduled messages (subject
 * {@value WatchEntryCodec#FORMAT}). Ids derive from the entry's origin ({@link MessageIds#access},
 * {@link MessageIds#watchEntry}), so both entities' duplicate detection drop what a poll done again
 * sends again. Thread-safe.
 */
public final class ServiceBusWatchOutbox implements WatchOutbox {
  /** Application property of access audits: {@code SIGN_IN_SEEN} or {@code NONE_SEEN}. */
  public static final String OUTCOME = "outcome";

  /** Application property of access audits: the poll of the entry that saw it (0 is the first). */
  public static final String WATCH_POLL = "watchPoll";

  private final AuditSenders senders;
  private final String topic;
  private final String queue;
  private final AuditCodec audits;
  private final WatchEntryCodec entries;
  private final Clock clock;
  private final Metrics metrics;

  /**
   * Access audits published to {@code topic}, the next watch entries scheduled on {@code queue}
   * (the worker's own).
   */
  public ServiceBusWatchOutbox(
      AuditSenders senders,
      String topic,
      String queue,
      AuditCodec audits,
      WatchEntryCodec entries,
      Clock clock,
      Metrics metrics) {
    this.senders = senders;
    this.topic = topic;
    this.queue = queue;
    this.audits = audits;
    this.entries = entries;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public void publish(WatchEntry entry, AccessAudit audit, int poll) {
    String what =
        audit.outcome() == AccessAudit.Outcome.NONE_SEEN ? "none" : audit.signIns().get(0).id();
    String id = MessageIds.access(entry.origin(), entry.eventId(), audit.userId(), what);
    OutgoingMessage message =
        OutgoingMessage.of(
                audits.encodeAccess(id, clock.instant(), audit),
                OffboardingEvent.CONTENT_TYPE,
                AccessAudit.TYPE,
                id,
                entry.eventId())
            .withProperty(OUTCOME, audit.outcome().name())
            .withProperty(WATCH_POLL, poll);
    send(topic, message, "publishing a sign-in watch audit to " + topic);
    metrics.auditPublished("access", "topic", 1);
  }

  @Override
  public void schedule(WatchEntry next, Instant dueAt) {
    OutgoingMessage message =
        OutgoingMessage.of(
            entries.encode(next),
            "application/json",
            WatchEntryCodec.FORMAT,
            MessageIds.watchEntry(next.origin(), next.eventId(), next.part(), next.poll()),
            next.eventId());
    if (dueAt.isAfter(clock.instant())) {
      message = message.withScheduledEnqueueTime(dueAt);
    }
    send(queue, message, "scheduling a sign-in watch entry on " + queue);
  }

  private void send(String entity, OutgoingMessage message, String doing) {
    try {
      senders.send(entity, message);
    } catch (AuditSenders.MessageTooLargeException e) {
      throw new AuditSink.AuditException(
          "a sign-in watch message is larger than "
              + e.maxSizeInBytes()
              + " bytes, the limit of "
              + entity,
          null);
    } catch (RuntimeException e) {
      throw new AuditSink.AuditException(doing + " failed: " + e.getMessage(), e);
    }
  }
}
