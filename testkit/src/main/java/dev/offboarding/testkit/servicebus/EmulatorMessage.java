package dev.offboarding.testkit.servicebus;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;

/**
 * A snapshot of a message held by the emulator, for test assertions; it does not lock or remove the
 * message.
 *
 * @param sequenceNumber the entity's sequence number
 * @param messageId the message id as text, or null
 * @param correlationId the correlation id as text, or null
 * @param subject the subject (label), or null
 * @param contentType the content type, or null
 * @param applicationProperties the application properties with their AMQP-decoded Java values
 * @param body the body bytes ({@code data} sections; a string or binary {@code amqp-value}
 *     converted)
 * @param deliveryCount failed deliveries so far (abandons and lock expiries)
 * @param enqueuedTime when the emulator accepted the message
 * @param state {@code ACTIVE}, {@code DEFERRED} or {@code SCHEDULED}
 * @param locked whether a receiver holds a lock on it right now
 * @param deadLetterSource for dead-lettered messages, the entity they came from
 */
public record EmulatorMessage(
    long sequenceNumber,
    String messageId,
    String correlationId,
    String subject,
    String contentType,
    Map<String, Object> applicationProperties,
    byte[] body,
    long deliveryCount,
    Instant enqueuedTime,
    String state,
    boolean locked,
    String deadLetterSource) {

  public EmulatorMessage {
    applicationProperties = Collections.unmodifiableMap(new LinkedHashMap<>(applicationProperties));
    body = body.clone();
  }

  /** The body decoded as UTF-8. */
  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The {@code DeadLetterReason} application property, or null. */
  public String deadLetterReason() {
    Object value = applicationProperties.get(MessageStore.DEAD_LETTER_REASON);
    return value == null ? null : value.toString();
  }

  /** The {@code DeadLetterErrorDescription} application property, or null. */
  public String deadLetterErrorDescription() {
    Object value = applicationProperties.get(MessageStore.DEAD_LETTER_DESCRIPTION);
    return value == null ? null : value.toString();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  static EmulatorMessage of(StoredMessage m) {
    byte[] body = new byte[0];
    if (m.message.getBody() instanceof Data data) {
      Binary b = data.getValue();
      body =
          java.util.Arrays.copyOfRange(
              b.getArray(), b.getArrayOffset(), b.getArrayOffset() + b.getLength());
    } else if (m.message.getBody() instanceof AmqpValue value && value.getValue() != null) {
      body =
          value.getValue() instanceof Binary b
              ? java.util.Arrays.copyOfRange(
                  b.getArray(), b.getArrayOffset(), b.getArrayOffset() + b.getLength())
              : value.getValue().toString().getBytes(StandardCharsets.UTF_8);
    }
    Map<String, Object> props = new LinkedHashMap<>();
    if (m.message.getApplicationProperties() != null
        && m.message.getApplicationProperties().getValue() != null) {
      props.putAll(m.message.getApplicationProperties().getValue());
    }
    return new EmulatorMessage(
        m.sequenceNumber,
        SqlFilter.idToString(m.message.getMessageId()),
        SqlFilter.idToString(m.message.getCorrelationId()),
        m.message.getSubject(),
        m.message.getContentType(),
        props,
        body,
        m.deliveryCount,
        m.enqueuedTime,
        m.state.name(),
        m.isLocked(),
        m.deadLetterSource);
  }
}
