package dev.offboarding.worker.servicebus;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusMessage;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.intake.MessageClassifier;
import dev.offboarding.worker.scheduling.ScheduledEvents;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * How an event travels as a Service Bus message: the CloudEvents JSON as body, {@code contentType}
 * {@code application/cloudevents+json}, {@code messageId} = the event id (so the queue's duplicate
 * detection drops a re-sent event) and {@code subject} = the event type.
 */
public final class EventMessages {
  private EventMessages() {}

  /**
   * The scheduled message, for the worker's own queue, that holds an event until {@code dueAt}: its
   * body unchanged, message id {@link MessageIds#scheduled} (duplicate detection drops a second
   * copy), {@code correlationId} the event id ({@code cancel} finds it by that), and the properties
   * {@link MessageClassifier#HELD_UNTIL} and {@link MessageClassifier#INTAKE_QUEUE}, which the
   * worker reads on its own queue only.
   */
  public static ServiceBusMessage held(Inbound.Event event, Instant dueAt) {
    ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(event.body()));
    message.setContentType(OffboardingEvent.CONTENT_TYPE);
    message.setMessageId(MessageIds.scheduled(event.origin(), event.eventId()));
    message.setCorrelationId(event.eventId());
    message.setSubject(event.eventType());
    message.getApplicationProperties().put(MessageClassifier.HELD_UNTIL, dueAt.toString());
    message.getApplicationProperties().put(MessageClassifier.INTAKE_QUEUE, event.intakeQueue());
    message.setScheduledEnqueueTime(dueAt.atOffset(ZoneOffset.UTC));
    return message;
  }

  /**
   * The scheduled message, for the worker's own queue, that holds an event until a second person
   * approves it or {@code dueAt} comes: as {@link #held}, with message id {@link
   * MessageIds#awaitingApproval} and the property {@link MessageClassifier#AWAITING_APPROVAL}.
   */
  public static ServiceBusMessage awaitingApproval(Inbound.Event event, Instant dueAt) {
    ServiceBusMessage message = held(event, dueAt);
    message.setMessageId(MessageIds.awaitingApproval(event.origin(), event.eventId()));
    message.getApplicationProperties().put(MessageClassifier.AWAITING_APPROVAL, true);
    return message;
  }

  /**
   * The message, for the worker's own queue, due at once, that releases an approved held copy: its
   * body unchanged, message id {@link MessageIds#approved}, {@code correlationId} the event id, and
   * the properties {@link MessageClassifier#HELD_UNTIL} (now), {@link
   * MessageClassifier#INTAKE_QUEUE}, {@link MessageClassifier#APPROVED_BY}, {@link
   * MessageClassifier#APPROVAL_ID} and, when the approval names users, {@link
   * MessageClassifier#APPROVED_USERS}.
   */
  public static ServiceBusMessage approved(
      ScheduledEvents.Held held, String eventType, Approved approved, Instant now) {
    ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(held.body()));
    message.setContentType(OffboardingEvent.CONTENT_TYPE);
    message.setMessageId(
        MessageIds.approved(held.sequenceNumber() + "@" + held.queue(), held.eventId()));
    message.setCorrelationId(held.eventId());
    if (eventType != null) {
      message.setSubject(eventType);
    }
    message.getApplicationProperties().put(MessageClassifier.HELD_UNTIL, now.toString());
    message.getApplicationProperties().put(MessageClassifier.INTAKE_QUEUE, held.intakeQueue());
    message.getApplicationProperties().put(MessageClassifier.APPROVED_BY, approved.approvedBy());
    message.getApplicationProperties().put(MessageClassifier.APPROVAL_ID, approved.approvalId());
    if (!approved.users().isEmpty()) {
      message
          .getApplicationProperties()
          .put(MessageClassifier.APPROVED_USERS, approved.usersProperty());
    }
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
