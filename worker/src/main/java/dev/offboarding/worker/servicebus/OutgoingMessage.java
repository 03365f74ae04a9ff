package dev.offboarding.worker.servicebus;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message the worker sends to a Service Bus entity, in the project's own terms: what {@link
 * AuditSenders} takes, so that no SDK type crosses that port. {@link SdkAuditSenders} turns it into
 * the SDK's message field by field; fields that are null are not set on the wire.
 *
 * <p>Application properties keep the order they were given in (the order they are set on the SDK
 * message), and their values are limited to the AMQP types the worker uses: {@link String}, {@link
 * Boolean}, {@link Integer} and {@link Long}, or null (sent as AMQP null).
 *
 * @param body the body bytes, sent as one AMQP {@code data} section (copied in and out)
 * @param contentType the {@code content-type} property, or null
 * @param subject the subject (AMQP {@code subject}, the SDK's label), or null
 * @param messageId the message id (what the entity's duplicate detection compares), or null
 * @param correlationId the correlation id, or null
 * @param sessionId the session id, for a session-aware entity such as a reply queue, or null
 * @param scheduledEnqueueTime when the broker makes the message visible, or null for at once
 * @param applicationProperties the application properties, in order (copied, unmodifiable)
 */
public record OutgoingMessage(
    byte[] body,
    String contentType,
    String subject,
    String messageId,
    String correlationId,
    String sessionId,
    Instant scheduledEnqueueTime,
    Map<String, Object> applicationProperties) {

  /**
   * @throws IllegalArgumentException when an application property has no name or a value of a type
   *     other than String, Boolean, Integer or Long
   */
  public OutgoingMessage {
    body = Objects.requireNonNull(body, "body").clone();
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e :
        Objects.requireNonNull(applicationProperties, "applicationProperties").entrySet()) {
      if (e.getKey() == null || e.getKey().isEmpty()) {
        throw new IllegalArgumentException("an application property needs a name");
      }
      Object value = e.getValue();
      if (!(value == null
          || value instanceof String
          || value instanceof Boolean
          || value instanceof Integer
          || value instanceof Long)) {
        throw new IllegalArgumentException(
            "application property "
                + e.getKey()
                + " must be a String, Boolean, Integer or Long, was "
                + value.getClass().getSimpleName());
      }
      copy.put(e.getKey(), value);
    }
    applicationProperties = Collections.unmodifiableMap(copy);
  }

  /**
   * A message with a body, content type, subject, message id and correlation id, and nothing else.
   */
  public static OutgoingMessage of(
      byte[] body, String contentType, String subject, String messageId, String correlationId) {
    return new OutgoingMessage(
        body, contentType, subject, messageId, correlationId, null, null, Map.of());
  }

  /** The body bytes (a copy). */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** This message with one more application property, set after those it has. */
  public OutgoingMessage withProperty(String name, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(applicationProperties);
    more.put(name, value);
    return new OutgoingMessage(
        body,
        contentType,
        subject,
        messageId,
        correlationId,
        sessionId,
        scheduledEnqueueTime,
        more);
  }

  /** This message with another message id. */
  public OutgoingMessage withMessageId(String value) {
    return new OutgoingMessage(
        body,
        contentType,
        subject,
        value,
        correlationId,
        sessionId,
        scheduledEnqueueTime,
        applicationProperties);
  }

  /** This message with a session id. */
  public OutgoingMessage withSessionId(String value) {
    return new OutgoingMessage(
        body,
        contentType,
        subject,
        messageId,
        correlationId,
        value,
        scheduledEnqueueTime,
        applicationProperties);
  }

  /** This message, made visible by the broker only at {@code value}. */
  public OutgoingMessage withScheduledEnqueueTime(Instant value) {
    return new OutgoingMessage(
        body,
        contentType,
        subject,
        messageId,
        correlationId,
        sessionId,
        value,
        applicationProperties);
  }

  /** Equal when every field is, the body compared byte by byte. */
  @Override
  public boolean equals(Object o) {
    return o instanceof OutgoingMessage m
        && Arrays.equals(body, m.body)
        && Objects.equals(contentType, m.contentType)
        && Objects.equals(subject, m.subject)
        && Objects.equals(messageId, m.messageId)
        && Objects.equals(correlationId, m.correlationId)
        && Objects.equals(sessionId, m.sessionId)
        && Objects.equals(scheduledEnqueueTime, m.scheduledEnqueueTime)
        && applicationProperties.equals(m.applicationProperties);
  }

  /** Consistent with {@link #equals}, over the body's bytes. */
  @Override
  public int hashCode() {
    return Objects.hash(
                contentType,
                subject,
                messageId,
                correlationId,
                sessionId,
                scheduledEnqueueTime,
                applicationProperties)
            * 31
        + Arrays.hashCode(body);
  }

  /** The headers and the body's length, never the body (it may name users). */
  @Override
  public String toString() {
    return "OutgoingMessage[messageId="
        + messageId
        + ", subject="
        + subject
        + ", correlationId="
        + correlationId
        + ", sessionId="
        + sessionId
        + ", scheduledEnqueueTime="
        + scheduledEnqueueTime
        + ", applicationProperties="
        + applicationProperties.keySet()
        + ", body="
        + body.length
        + " bytes]";
  }
}
