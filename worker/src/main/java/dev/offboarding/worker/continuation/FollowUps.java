package dev.offboarding.worker.continuation;

import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.intake.MessageClassifier;
import dev.offboarding.worker.lifecycle.PendingResume;
import dev.offboarding.worker.scheduling.ScheduledEvents;
import java.time.Instant;

/**
 * Port: hands an event's continuation, or an event that takes effect later, to the broker on the
 * worker's own queue ({@code SERVICEBUS_INTERNAL_QUEUE}), which only the worker's identity may
 * write, so that any replica can take it and no producer can forge it. Each message has an id
 * derived from its event's origin (the broker's sequence number of the event message and its queue)
 * and the event id, so the broker's duplicate detection drops a second copy (a delivery processed
 * again after a crash sends the same message again). Implementations are safe for concurrent use.
 */
public interface FollowUps {

  /**
   * Enqueues the follow-up of event {@code eventId}, visible from {@code notBefore} (now or
   * earlier: at once).
   *
   * @throws AuditSink.AuditException when the broker did not take it: the delivery must not be
   *     completed
   */
  void send(String eventId, Continuation next, Instant notBefore);

  /**
   * Hands an event that takes effect later to the broker, its body unchanged, to be delivered again
   * at {@code dueAt} from the worker's own queue, marked as held and naming the intake queue it
   * came from ({@link MessageClassifier#HELD_UNTIL}, {@link MessageClassifier#INTAKE_QUEUE}), so it
   * runs then and is not held again. Its correlation id is the event id, so that a cancellation
   * finds it.
   *
   * @param event the event message as delivered
   * @throws AuditSink.AuditException when the broker did not take it: the delivery must not be
   *     completed
   */
  void hold(Inbound.Event event, Instant dueAt);

  /**
   * Hands an event that waits for a second person's approval to the broker, its body unchanged, to
   * be delivered at {@code dueAt} (when an approval no longer counts) from the worker's own queue,
   * marked as awaiting approval and naming its intake queue ({@link
   * MessageClassifier#AWAITING_APPROVAL}). Its correlation id is the event id, so that an approval
   * or a cancellation finds it ({@link ScheduledEvents#find}).
   *
   * @throws AuditSink.AuditException when the broker did not take it: the delivery must not be
   *     completed
   */
  default void holdForApproval(Inbound.Event event, Instant dueAt) {
    throw new AuditSink.AuditException("no broker to hold events for approval in", null);
  }

  /**
   * Hands a held copy that was approved back to the broker on the worker's own queue, due now, its
   * body unchanged, marked approved ({@link MessageClassifier#APPROVED_BY}) and naming its intake
   * queue, with a message id derived from the held copy, so that an approval processed again sends
   * one copy. The held copy itself is not removed here ({@link ScheduledEvents#cancel}).
   *
   * @throws AuditSink.AuditException when the broker did not take it: the delivery must not be
   *     completed
   */
  default void release(ScheduledEvents.Held held, Approved approved) {
    throw new AuditSink.AuditException("no broker to release approved events to", null);
  }

  /**
   * Hands the resume event {@code eventId} owes its Lifecycle Workflows task to the broker on the
   * worker's own queue, due now, with a message id derived from the event id alone, so that the
   * queue's duplicate detection drops a second copy (a delivery processed again, the event sent
   * again).
   *
   * @throws AuditSink.AuditException when the broker did not take it: the delivery must not be
   *     completed
   */
  default void pendingResume(String eventId, PendingResume resume) {
    throw new AuditSink.AuditException("no broker to hold pending resumes in", null);
  }
}
