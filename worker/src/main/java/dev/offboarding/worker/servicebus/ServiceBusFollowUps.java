package dev.offboarding.worker.servicebus;

import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.codec.PendingResumeCodec;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.continuation.FollowUps;
import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.lifecycle.PendingResume;
import dev.offboarding.worker.scheduling.ScheduledEvents;
import java.time.Clock;
import java.time.Instant;

/**
 * {@link FollowUps} on Service Bus: continuations and held events go to the worker's own queue
 * ({@code SERVICEBUS_INTERNAL_QUEUE}), as scheduled messages when they must wait, with message ids
 * derived from the event's origin, its id and the step ({@link MessageIds}) so that the queue's
 * duplicate detection drops a second copy. A follow-up has subject {@value
 * ContinuationCodec#FORMAT} and {@code correlationId} the event id. Thread-safe.
 */
public final class ServiceBusFollowUps implements FollowUps {
  private final AuditSenders senders;
  private final String queue;
  private final ContinuationCodec codec;
  private final Clock clock;

  /** Follow-ups, held events and pending resumes, sent to {@code queue}: the worker's own. */
  public ServiceBusFollowUps(
      AuditSenders senders, String queue, ContinuationCodec codec, Clock clock) {
    this.senders = senders;
    this.queue = queue;
    this.codec = codec;
    this.clock = clock;
  }

  @Override
  public void hold(Inbound.Event event, Instant dueAt) {
    enqueue(EventMessages.held(event, dueAt), "the event", "scheduling the event on " + queue);
  }

  @Override
  public void holdForApproval(Inbound.Event event, Instant dueAt) {
    enqueue(
        EventMessages.awaitingApproval(event, dueAt),
        "the event",
        "holding the event for approval on " + queue);
  }

  @Override
  public void release(ScheduledEvents.Held held, Approved approved) {
    String type =
        new EventCodec().decode(held.body()) instanceof DecodeResult.Valid v
            ? v.event().type().wireName()
            : null;
    enqueue(
        EventMessages.approved(held, type, approved, clock.instant()),
        "the event",
        "releasing the approved event on " + queue);
  }

  /**
   * Sends one message to the worker's own queue.
   *
   * @param what what the message carries, for the error when it is over the queue's size limit
   * @param doing what sending it does, for the error when the broker did not take it
   * @throws AuditSink.AuditException when the broker did not take it
   */
  private void enqueue(OutgoingMessage message, String what, String doing) {
    try {
      senders.send(queue, message);
    } catch (AuditSenders.MessageTooLargeException e) {
      throw new AuditSink.AuditException(
          what + " is larger than " + e.maxSizeInBytes() + " bytes, the limit of " + queue, null);
    } catch (RuntimeException e) {
      throw new AuditSink.AuditException(doing + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void send(String eventId, Continuation next, Instant notBefore) {
    OutgoingMessage message =
        OutgoingMessage.of(
            codec.encode(next),
            "application/json",
            ContinuationCodec.FORMAT,
            MessageIds.followUp(next.origin(), eventId, next.step()),
            eventId);
    if (notBefore.isAfter(clock.instant())) {
      message = message.withScheduledEnqueueTime(notBefore);
    }
    enqueue(message, "the follow-up of an event", "sending the follow-up to " + queue);
  }

  @Override
  public void pendingResume(String eventId, PendingResume resume) {
    OutgoingMessage message =
        OutgoingMessage.of(
            new PendingResumeCodec().encode(resume),
            "application/json",
            PendingResumeCodec.FORMAT,
            MessageIds.pendingResume(eventId),
            eventId);
    enqueue(message, "the pending resume of an event", "sending the pending resume to " + queue);
  }
}
