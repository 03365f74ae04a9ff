package dev.offboarding.worker.domain;

import java.time.Instant;

/**
 * Port: hands an event's continuation back to the broker, on the queue its delivery came from, so
 * that any replica can take it. Each follow-up of an event has a message id derived from the event
 * id, its origin and the step, so the broker's duplicate detection drops a second copy (a delivery processed
 * again after a crash sends the same follow-up again). Implementations are safe for concurrent use.
 */
public interface FollowUps {

  /**
   * Enqueues the follow-up of event {@code eventId}, visible from {@code notBefore} (now or earlier: at once).
   *
   * @throws AuditSink.AuditException when the broker did not take it: the delivery must not be
   *     completed
   */
  void send(String eventId, Continuation next, Instant notBefore);

  /**
   * Hands an event that takes effect later back to the broker, unchanged, to be delivered again at
   * {@code dueAt} as a message the worker recognises as held ({@code Delivery#heldUntilDue}), so it
   * runs then and is not held again. Its message id is derived from the event id alone, so the
   * broker's duplicate detection drops a second copy and a cancellation can find it.
   *
   * @param eventType the event's CloudEvents type, for the message's subject
   * @param event the event message's body, exactly as received
   * @throws AuditSink.AuditException when the broker did not take it: the delivery must not be
   *     completed
   */
  void hold(String eventId, String eventType, byte[] event, Instant dueAt);
}
