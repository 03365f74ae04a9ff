package dev.offboarding.worker.servicebus;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusMessage;
import dev.offboarding.contracts.OffboardingEvent;

/**
 * How an event travels as a Service Bus message: the CloudEvents JSON as body, {@code contentType}
 * {@code application/cloudevents+json}, {@code messageId} = the event id (so the queue's duplicate
 * detection drops a re-sent event) and {@code subject} = the event type.
 */
public final class EventMessages {
  /** The content type of structured-mode CloudEvents. */

  private EventMessages() {}

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
