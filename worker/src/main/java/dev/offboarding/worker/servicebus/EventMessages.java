package dev.offboarding.worker.servicebus;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusMessage;
import dev.offboarding.contracts.OffboardingEvent;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * How an event travels as a Service Bus message: the CloudEvents JSON as body, {@code contentType}
 * {@code application/cloudevents+json}, {@code messageId} = the event id (so the queue's duplicate
 * detection drops a re-sent event) and {@code subject} = the event type.
 */
public final class EventMessages {
  /**
   * The application property that marks an event the worker handed back to the broker to wait for
   * its {@code effectiveAt}; its value is that instant. A delivery carrying it runs at once: the
   * broker held it until then. Forging it gains nothing: it makes an event run now, as the same
   * event without {@code effectiveAt} would.
   */
  public static final String HELD_UNTIL = "heldUntil";

  private EventMessages() {}

  /**
   * The scheduled message that holds an event until {@code dueAt}: its body unchanged, message id
   * {@link MessageIds#scheduled} (duplicate detection drops a second copy; {@code cancel} finds
   * it), {@code correlationId} the event id, {@link #HELD_UNTIL} set.
   */
  public static ServiceBusMessage held(byte[] body, String eventId, String eventType, Instant dueAt) {
    ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(body));
    message.setContentType(OffboardingEvent.CONTENT_TYPE);
    message.setMessageId(MessageIds.scheduled(eventId));
    message.setCorrelationId(eventId);
    message.setSubject(eventType);
    message.getApplicationProperties().put(HELD_UNTIL, dueAt.toString());
    message.setScheduledEnqueueTime(dueAt.atOffset(ZoneOffset.UTC));
    return message;
  }

  /**
   * The message for a validated event.
   *
   * @param body the event exactly as validated
   * @param event what the body decoded to
   */
  public static ServiceBusMessage of(byte[] body, OffboardingEvent event) {
    ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(body));
    message.setContentType(OffboardingEvent.CONTENT_TYPE);
    message.setMessageId(event.id());
    message.setSubject(event.type().wireName());
    return message;
  }
}
