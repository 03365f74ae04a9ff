package dev.offboarding.worker.servicebus;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusMessage;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.intake.MessageClassifier;
import dev.offboarding.worker.scheduling.ScheduledEvents;
import java.time.Instant;

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
  public static OutgoingMessage held(Inbound.Event event, Instant dueAt) {
    return OutgoingMessage.of(
            event.body(),
            OffboardingEvent.CONTENT_TYPE,
            event.eventType(),
            MessageIds.scheduled(event.origin(), event.eventId()),
            event.eventId())
        .withProperty(MessageClassifier.HELD_UNTIL, dueAt.toString())
        .withProperty(MessageClassifier.INTAKE_QUEUE, event.intakeQueue())
        .withScheduledEnqueueTime(dueAt);
  }

  /**
   * The scheduled message, for the worker's own queue, that holds an event until a second person
   * approves it or {@code dueAt} comes: as {@link #held}, with message id {@link
   * MessageIds#awaitingApproval} and the property {@link MessageClassifier#AWAITING_APPROVAL}.
   */
  public static OutgoingMessage awaitingApproval(Inbound.Event event, Instant dueAt) {
    return held(event, dueAt)
        .withMessageId(MessageIds.awaitingApproval(event.origin(), event.eventId()))
        .withProperty(MessageClassifier.AWAITING_APPROVAL, true);
  }

  /**
   * The message, for the worker's own queue, due at once, that releases an approved held copy: its
   * body unchanged, message id {@link MessageIds#approved}, {@code correlationId} the event id, and
   * the properties {@link MessageClassifier#HELD_UNTIL} (now), {@link
   * MessageClassifier#INTAKE_QUEUE}, {@link MessageClassifier#APPROVED_BY}, {@link
   * MessageClassifier#APPROVAL_ID} and, when the approval names users, {@link
   * MessageClassifier#APPROVED_USERS}.
   */
  public static OutgoingMessage approved(
      ScheduledEvents.Held held, String eventType, Approved approved, Instant now) {
    OutgoingMessage message =
        OutgoingMessage.of(
                held.body(),
                OffboardingEvent.CONTENT_TYPE,
                eventType,
                MessageIds.approved(held.sequenceNumber() + "@" + held.queue(), held.eventId()),
                held.eventId())
            .withProperty(MessageClassifier.HELD_UNTIL, now.toString())
            .withProperty(MessageClassifier.INTAKE_QUEUE, held.intakeQueue())
            .withProperty(MessageClassifier.APPROVED_BY, approved.approvedBy())
            .withProperty(MessageClassifier.APPROVAL_ID, approved.approvalId());
    if (!approved.users().isEmpty()) {
      message = message.withProperty(MessageClassifier.APPROVED_USERS, approved.usersProperty());
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
