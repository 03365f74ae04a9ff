package dev.offboarding.worker.scheduling;

import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.continuation.FollowUps;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Port: the events the broker holds until their {@code effectiveAt} ({@link FollowUps#hold}), on
 * the worker's queues, found by event id and cancelled before they run. Implementations are safe
 * for concurrent use; each call goes to the broker, so it is for rare operations (a cancellation,
 * an operator's list), not for every event.
 */
public interface ScheduledEvents {

  /**
   * One held copy of an event.
   *
   * @param queue the queue holding it
   * @param sequenceNumber the broker's number of the scheduled message, which cancels it
   * @param eventId the event's id
   * @param dueAt when the broker will deliver it
   * @param body the event, as received
   * @param intakeQueue the intake queue the event first arrived on, as the held copy names it; null
   *     when it names none
   * @param awaitingApproval true for a copy held until a second person approves it (or its approval
   *     expires), false for one held until its {@code effectiveAt}
   */
  record Held(
      String queue,
      long sequenceNumber,
      String eventId,
      Instant dueAt,
      byte[] body,
      String intakeQueue,
      boolean awaitingApproval) {
    public Held {
      Objects.requireNonNull(queue, "queue");
      Objects.requireNonNull(eventId, "eventId");
      Objects.requireNonNull(body, "body");
    }

    /** A copy held until its {@code effectiveAt}, naming no intake queue. */
    public Held(String queue, long sequenceNumber, String eventId, Instant dueAt, byte[] body) {
      this(queue, sequenceNumber, eventId, dueAt, body, null, false);
    }
  }

  /**
   * Every held copy of event {@code eventId} (normally one; two when the event was re-sent after
   * the queue's duplicate detection window).
   *
   * @throws AuditSink.AuditException when the broker could not be asked: try again later
   */
  List<Held> find(String eventId);

  /**
   * Removes a held copy from the broker, so it never runs.
   *
   * @throws AuditSink.AuditException when the broker could not be asked: try again later
   */
  void cancel(Held held);

  /**
   * No broker to ask: every call fails as a transient failure, so nothing is claimed that was not
   * checked.
   */
  ScheduledEvents UNAVAILABLE =
      new ScheduledEvents() {
        @Override
        public List<Held> find(String eventId) {
          throw new AuditSink.AuditException(
              "no broker is configured to look for scheduled events in", null);
        }

        @Override
        public void cancel(Held held) {
          throw new AuditSink.AuditException(
              "no broker is configured to cancel scheduled events in", null);
        }
      };
}
