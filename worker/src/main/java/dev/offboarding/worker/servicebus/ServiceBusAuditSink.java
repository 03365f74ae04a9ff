package dev.offboarding.worker.servicebus;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.worker.domain.AuditSink;
import dev.offboarding.worker.metrics.Metrics;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
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
public final class ServiceBusAuditSink implements AuditSink {
  /** The CloudEvents content type of every audit message. */
  public static final String CONTENT_TYPE = "application/cloudevents+json";
  /** Application property: the event's CloudEvents type as received. */
  public static final String EVENT_TYPE = "eventType";
  /** Application property of summaries: the summary status. */
  public static final String STATUS = "status";
  /** Application property of target audits: the user's outcome. */
  public static final String OUTCOME = "outcome";
  /** Application property: true when the event had been delivered before. */
  public static final String REDELIVERY = "redelivery";
  /** Application property of summaries when the event asked for a reply: the entity it named. */
  public static final String REPLY_TO = "replyTo";
  /** Application property of summaries when the event asked for a reply: {@code sent} or {@code ignored}. */
  public static final String REPLY_TO_STATUS = "replyToStatus";

  private static final Logger LOG = System.getLogger(ServiceBusAuditSink.class.getName());

  /**
   * What the sink knows of the delivery it audits.
   *
   * @param messageId the event message's id: the correlation id when the event's own id is unreadable
   * @param eventType the event's type as received, or null
   * @param enqueuedAt when the event message was enqueued, for time-to-revoke
   * @param replyTo the entity the producer asked the summary to go to, or null
   * @param replyToSessionId the session id for that reply, or null
   */
  public record Context(String messageId, String eventType, Instant enqueuedAt, String replyTo,
      String replyToSessionId) {}

  private final AuditSenders senders;
  private final AuditCodec codec;
  private final String topic;
  private final Set<String> replyToAllowed;
  private final Context context;
  private final Clock clock;
  private final Metrics metrics;
  private final BooleanSupplier cancelled;
  private String publishedStatus;

  public ServiceBusAuditSink(AuditSenders senders, AuditCodec codec, String topic, Set<String> replyToAllowed,
      Context context, Clock clock, Metrics metrics, BooleanSupplier cancelled) {
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
    List<ServiceBusMessage> messages = new ArrayList<>(results.size());
    for (TargetAudit result : results) {
      ServiceBusMessage message = message(codec.encodeTarget(newId(), clock.instant(), result),
          TargetAudit.TYPE, result.eventId(), result.redelivery());
      message.getApplicationProperties().put(OUTCOME, result.outcome().name());
      messages.add(message);
    }
    sendAll(topic, messages);
    metrics.auditPublished("target", "topic", messages.size());
    for (TargetAudit result : results) {
      metrics.targetResult(context.eventType(), result, context.enqueuedAt());
    }
  }

  @Override
  public void summary(SummaryAudit summary) {
    ServiceBusMessage message = summaryMessage(summary);
    String reply = context.replyTo();
    boolean replying = reply != null && !reply.isBlank();
    boolean allowed = replying && replyToAllowed.contains(reply);
    if (replying) {
      message.getApplicationProperties().put(REPLY_TO, reply);
      message.getApplicationProperties().put(REPLY_TO_STATUS, allowed ? "sent" : "ignored");
      if (!allowed) {
        LOG.log(Level.WARNING, "event " + correlationId(summary.eventId())
            + " asked for a reply to an entity not in SERVICEBUS_REPLY_TO_ALLOWED; ignored");
      }
    }
    sendAll(topic, List.of(message));
    metrics.auditPublished("summary", "topic", 1);
    if (allowed) {
      ServiceBusMessage answer = summaryMessage(summary);
      if (context.replyToSessionId() != null && !context.replyToSessionId().isBlank()) {
        answer.setSessionId(context.replyToSessionId());
      }
      sendAll(reply, List.of(answer));
      metrics.auditPublished("summary", "reply", 1);
    }
    publishedStatus = summary.status().name();
  }

  /** The status of the summary this sink published, or null before. */
  public String publishedStatus() {
    return publishedStatus;
  }

  private ServiceBusMessage summaryMessage(SummaryAudit summary) {
    ServiceBusMessage message = message(codec.encodeSummary(newId(), clock.instant(), summary), SummaryAudit.TYPE,
        summary.eventId(), summary.redelivery());
    message.getApplicationProperties().put(STATUS, summary.status().name());
    return message;
  }

  private ServiceBusMessage message(byte[] body, String auditType, String eventId, boolean redelivery) {
    ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(body));
    message.setContentType(CONTENT_TYPE);
    message.setSubject(auditType);
    String correlation = correlationId(eventId);
    if (correlation != null) {
      message.setCorrelationId(correlation);
    }
    message.setMessageId(UUID.randomUUID().toString());
    if (context.eventType() != null) {
      message.getApplicationProperties().put(EVENT_TYPE, context.eventType());
    }
    message.getApplicationProperties().put(REDELIVERY, redelivery);
    return message;
  }

  private String correlationId(String eventId) {
    return eventId != null ? eventId : context.messageId();
  }

  /** Packs messages into batches in order, sending each batch when the next message does not fit. */
  private void sendAll(String entity, List<ServiceBusMessage> messages) {
    try {
      ServiceBusMessageBatch batch = senders.createBatch(entity);
      for (ServiceBusMessage message : messages) {
        if (batch.tryAddMessage(message)) {
          continue;
        }
        if (batch.getCount() == 0) {
          throw new AuditException("an audit message is larger than " + batch.getMaxSizeInBytes()
              + " bytes, the limit of " + entity, null);
        }
        send(entity, batch);
        batch = senders.createBatch(entity);
        if (!batch.tryAddMessage(message)) {
          throw new AuditException("an audit message is larger than " + batch.getMaxSizeInBytes()
              + " bytes, the limit of " + entity, null);
        }
      }
      if (batch.getCount() > 0) {
        send(entity, batch);
      }
    } catch (AuditException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new AuditException("publishing to " + entity + " failed: " + e.getMessage(), e);
    }
  }

  private void send(String entity, ServiceBusMessageBatch batch) {
    if (cancelled.getAsBoolean()) {
      throw new AuditException("shutting down: the event is left for another delivery", null);
    }
    senders.send(entity, batch);
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }
}
