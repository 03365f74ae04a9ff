package dev.offboarding.worker.flow;

import dev.offboarding.contracts.Provenance;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.worker.audit.AuditSink;
import java.time.Instant;

/**
 * The audit sink of one delivery attempt, as the handler sees it: an {@link AuditSink} that also
 * tells which summary it published (for the settlement metric and the event's log line). The
 * Service Bus adapter implements it; one instance per attempt, used by one thread.
 */
public interface DeliveryAudit extends AuditSink {

  /** The summary published last, or null before. */
  SummaryAudit publishedSummary();

  /** The status of the summary published, or null before. */
  default String publishedStatus() {
    SummaryAudit summary = publishedSummary();
    return summary == null ? null : summary.status().name();
  }

  /**
   * What the sink knows of the delivery it audits.
   *
   * @param messageId the event message's id: the correlation id when the event's own id is
   *     unreadable
   * @param origin the run of the event this delivery belongs to ({@code
   *     EventProcessor.Work#origin}), from which audit message ids are derived
   * @param eventType the event's type as received, or null
   * @param enqueuedAt when the event message was enqueued, for time-to-revoke
   * @param replyTo the entity the producer asked the summary to go to, or null
   * @param replyToSessionId the session id for that reply, or null
   * @param provenance who asked, on whose word, from which queue: carried by every audit message
   */
  record Context(
      String messageId,
      String origin,
      String eventType,
      Instant enqueuedAt,
      String replyTo,
      String replyToSessionId,
      Provenance provenance) {}
}
