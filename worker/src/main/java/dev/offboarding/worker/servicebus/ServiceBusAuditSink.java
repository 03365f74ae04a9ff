package dev.offboarding.worker.servicebus;

import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.ResumeAudit;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.worker.flow.DeliveryAudit;
import dev.offboarding.worker.metrics.Metrics;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The audit of one delivery, published to the audit topic as CloudEvents: one message per target,
 * packed into as few batches as the entity's size limit allows, then the summary. Every message has
 * {@code correlationId} = the event id, {@code subject} = the audit type, {@code contentType}
 * {@code application/cloudevents+json} and application properties for subscription rules ({@link
 * #EVENT_TYPE}, {@link #STATUS} or {@link #OUTCOME}, {@link #REDELIVERY}).
 *
 * <p>Request/reply: when the event message named a {@code replyTo} entity that configuration
 * allows, the summary also goes there (with {@code replyToSessionId} as session id); an entity that
 * is not allowed gets nothing, and the summary on the topic says so in {@link #REPLY_TO_STATUS}.
 *
 * <p>One instance per delivery attempt, used by one thread. Once its {@code cancelled} signal is
 * true (shutdown cut the event short), it publishes nothing more, so the event is abandoned rather
 * than completed.
 */
public final class ServiceBusAuditSink implements DeliveryAudit {
  /**
   * Application property: the CloudEvents type of the event the message is about. For a summary it
   * is the summary's own {@code eventType}: the CANCELLED summary a cancel event publishes for the
   * event it cancelled carries the cancelled event's type, not the cancel's.
   */
  public static final String EVENT_TYPE = "eventType";

  /** Application property of summaries: the summary status. */
  public static final String STATUS = "status";

  /**
   * Application property of summaries: false while the event continues, true on its last summary.
   */
  public static final String FINAL = "final";

  /** Application property of target audits: the user's outcome. */
  public static final String OUTCOME = "outcome";

  /** Application property: true when the event had been delivered before. */
  public static final String REDELIVERY = "redelivery";

  /** Application property of summaries when the event asked for a reply: the entity it named. */
  public static final String REPLY_TO = "replyTo";

  /**
   * Application property of summaries when the event asked for a reply: {@code sent}, {@code
   * ignored} (entity not allowed) or {@code failed} (the entity refused or is gone).
   */
  public static final String REPLY_TO_STATUS = "replyToStatus";

  private static final Logger LOG = System.getLogger(ServiceBusAuditSink.class.getName());

  private final AuditSenders senders;
  private final AuditCodec codec;
  private final String topic;
  private final Set<String> replyToAllowed;
  private final DeliveryAudit.Context context;
  private final Clock clock;
  private final Metrics metrics;
  private final BooleanSupplier cancelled;
  private SummaryAudit published;

  /**
   * The audit of one delivery.
   *
   * @param senders where messages go
   * @param codec how audits are encoded
   * @param topic the audit topic
   * @param replyToAllowed the reply entities a producer may name ({@code
   *     SERVICEBUS_REPLY_TO_ALLOWED})
   * @param context the delivery: its message id, origin, reply-to and provenance
   * @param clock the time audits carry
   * @param metrics where audit messages are counted
   * @param cancelled true once the worker shuts down: nothing more is sent
   */
  public ServiceBusAuditSink(
      AuditSenders senders,
      AuditCodec codec,
      String topic,
      Set<String> replyToAllowed,
      DeliveryAudit.Context context,
      Clock clock,
      Metrics metrics,
      BooleanSupplier cancelled) {
    this.senders = senders;
    this.codec = codec;
    this.topic = topic;
    this.replyToAllowed = Set.copyOf(replyToAllowed);
    this.context = context;
    this.clock = clock;
    this.metrics = metrics;
    this.cancelled = cancelled;
  }

  @Override
  public void targets(List<TargetAudit> results) {
    if (results.isEmpty()) {
      return;
    }
    List<OutgoingMessage> messages = new ArrayList<>(results.size());
    for (TargetAudit given : results) {
      TargetAudit result =
          given.provenance() == null && context.provenance() != null
              ? given.withProvenance(context.provenance())
              : given;
      String id =
          MessageIds.target(
              context.origin(),
              result.eventId(),
              result.userId() != null ? result.userId() : "via:" + String.join(",", result.via()));
      messages.add(
          message(
                  id,
                  codec.encodeTarget(id, clock.instant(), result),
                  TargetAudit.TYPE,
                  result.eventId(),
                  context.eventType(),
                  result.redelivery())
              .withProperty(OUTCOME, result.outcome().name()));
    }
    sendAll(topic, messages);
    metrics.auditPublished("target", "topic", messages.size());
    for (TargetAudit result : results) {
      metrics.targetResult(context.eventType(), result, context.enqueuedAt());
    }
  }

  @Override
  public void summary(SummaryAudit given) {
    SummaryAudit summary =
        given.provenance() == null && context.provenance() != null
            ? given.withProvenance(context.provenance())
            : given;
    String reply = context.replyTo();
    boolean replying = reply != null && !reply.isBlank();
    String replyStatus = null;
    if (replying) {
      if (!replyToAllowed.contains(reply)) {
        replyStatus = "ignored";
        LOG.log(
            Level.WARNING,
            "event "
                + correlationId(summary.eventId())
                + " asked for a reply to an entity not in SERVICEBUS_REPLY_TO_ALLOWED; ignored");
      } else {
        OutgoingMessage answer = summaryMessage(summary);
        if (context.replyToSessionId() != null && !context.replyToSessionId().isBlank()) {
          answer = answer.withSessionId(context.replyToSessionId());
        }
        try {
          sendAll(reply, List.of(answer));
          metrics.auditPublished("summary", "reply", 1);
          replyStatus = "sent";
        } catch (AuditException e) {
          // The reply is a courtesy copy; the topic holds the audit of record. A reply entity that
          // is gone or refuses must not hold the event back (it would fail the same way forever).
          replyStatus = "failed";
          metrics.auditFailed("reply");
          LOG.log(
              Level.WARNING,
              "the reply of event "
                  + correlationId(summary.eventId())
                  + " to "
                  + reply
                  + " could not be sent; the summary is on the audit topic: "
                  + e.getMessage());
        }
      }
    }
    OutgoingMessage message = summaryMessage(summary);
    if (replying) {
      message = message.withProperty(REPLY_TO, reply).withProperty(REPLY_TO_STATUS, replyStatus);
    }
    sendAll(topic, List.of(message));
    metrics.auditPublished("summary", "topic", 1);
    published = summary;
  }

  @Override
  public void resume(ResumeAudit audit) {
    String id = MessageIds.resume(context.origin(), audit.eventId());
    OutgoingMessage message =
        message(
                id,
                codec.encodeResume(id, clock.instant(), audit),
                ResumeAudit.TYPE,
                audit.eventId(),
                context.eventType(),
                audit.redelivery())
            .withProperty(OUTCOME, audit.outcome().name());
    sendAll(topic, List.of(message));
    metrics.auditPublished("resume", "topic", 1);
  }

  @Override
  public SummaryAudit publishedSummary() {
    return published;
  }

  private OutgoingMessage summaryMessage(SummaryAudit summary) {
    String kind =
        switch (summary.status()) {
          case CONTINUING -> "continuing";
          case SCHEDULED -> "scheduled";
          case AWAITING_APPROVAL -> "awaiting-approval";
          case REJECTED -> "rejected";
          default -> "final";
        };
    String correlation = correlationId(summary.eventId());
    String id =
        correlation == null
            ? UUID.randomUUID().toString()
            : MessageIds.summary(context.origin(), correlation, summary.step(), kind);
    return message(
            id,
            codec.encodeSummary(id, clock.instant(), summary),
            SummaryAudit.TYPE,
            summary.eventId(),
            summary.eventType() != null ? summary.eventType() : context.eventType(),
            summary.redelivery())
        .withProperty(STATUS, summary.status().name())
        .withProperty(FINAL, summary.finalSummary());
  }

  private OutgoingMessage message(
      String id,
      byte[] body,
      String auditType,
      String eventId,
      String eventType,
      boolean redelivery) {
    OutgoingMessage message =
        OutgoingMessage.of(
            body, OffboardingEvent.CONTENT_TYPE, auditType, id, correlationId(eventId));
    if (eventType != null) {
      message = message.withProperty(EVENT_TYPE, eventType);
    }
    return message.withProperty(REDELIVERY, redelivery);
  }

  private String correlationId(String eventId) {
    return eventId != null ? eventId : context.messageId();
  }

  /**
   * Sends messages in order, in as few batches as the entity's size limit allows; before each batch
   * the {@code cancelled} signal is asked, and once it is true nothing more goes out.
   */
  private void sendAll(String entity, List<OutgoingMessage> messages) {
    boolean sent;
    try {
      sent = senders.sendAll(entity, messages, cancelled);
    } catch (AuditSenders.MessageTooLargeException e) {
      throw new AuditException(
          "an audit message is larger than "
              + e.maxSizeInBytes()
              + " bytes, the limit of "
              + entity,
          null);
    } catch (RuntimeException e) {
      throw new AuditException("publishing to " + entity + " failed: " + e.getMessage(), e);
    }
    if (!sent) {
      throw new AuditException("shutting down: the event is left for another delivery", null);
    }
  }
}
