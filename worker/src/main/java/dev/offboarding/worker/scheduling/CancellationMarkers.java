package dev.offboarding.worker.scheduling;

import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.intake.IntakePolicies;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Port: durable cancellation markers, kept by the broker alone (no database), so that a cancel
 * reaches an event wherever it runs: on another replica, or between two of its chunks (its
 * follow-up waiting in the queue). A cancel event leaves a marker for the event it names; every
 * worker learns of every marker ({@link #catchUp()}, and in the background) and keeps those not yet
 * expired in memory ({@link #known}). A running event asks between users; a delivery of a marked
 * event (a follow-up, or its first delivery) finishes it as cancelled instead of running it.
 *
 * <p>A marker lives until {@link Marker#until()}, longer than any run of an event can last, and is
 * then dropped; a marker for an unknown id, or for an event that already finished, simply expires.
 * Implementations are thread-safe; {@link #known} is a memory lookup, cheap enough for every user.
 */
public interface CancellationMarkers {

  /**
   * What a cancel removed from the broker itself: the held copies of a scheduled event. Recorded in
   * the marker before they are removed, so that a cancel delivered again after a crash between the
   * removal and its audit can still say what was removed.
   *
   * @param queue where the copies were
   * @param eventType the cancelled event's type, or null when its body could not be read
   * @param dueAt when the first copy was due, or null
   * @param messages how many copies
   */
  record Removed(String queue, String eventType, Instant dueAt, int messages) {
    public Removed {
      Objects.requireNonNull(queue, "queue");
      if (messages < 1) {
        throw new IllegalArgumentException("messages must be >= 1");
      }
    }
  }

  /**
   * One cancellation of one event.
   *
   * @param eventId the event cancelled
   * @param cancelId the cancel event that left the marker
   * @param requestedBy who asked, as the cancel event says
   * @param reason why, as the cancel event says
   * @param until when the marker expires
   * @param removed what the cancel removed from the broker, or null
   * @param queue the intake queue the cancel arrived on: the marker reaches only the events a
   *     cancel from there may reach ({@link IntakePolicies#reaches}); null in a marker written
   *     before markers named it, which reaches every event
   */
  record Marker(
      String eventId,
      String cancelId,
      String requestedBy,
      String reason,
      Instant until,
      Removed removed,
      String queue) {
    public Marker {
      Objects.requireNonNull(eventId, "eventId");
      Objects.requireNonNull(cancelId, "cancelId");
      Objects.requireNonNull(requestedBy, "requestedBy");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(until, "until");
      if (queue != null && !Inbound.isEntityName(queue)) {
        throw new IllegalArgumentException("queue must be a Service Bus entity name");
      }
    }

    /** A marker that names no queue: it reaches every event. */
    public Marker(
        String eventId,
        String cancelId,
        String requestedBy,
        String reason,
        Instant until,
        Removed removed) {
      this(eventId, cancelId, requestedBy, reason, until, removed, null);
    }

    /**
     * Who cancelled the event and why, for the audit: {@code by cancel event X requested by Y: Z}.
     */
    public String why() {
      return "by cancel event " + cancelId + " requested by " + requestedBy + ": " + reason;
    }
  }

  /**
   * Leaves {@code marker} in the broker, durably, and knows it here at once. Placing the same
   * marker twice is harmless.
   *
   * @param origin the cancel event's origin ({@link Inbound#origin}), from which the marker's
   *     message id derives: a cancel delivered again leaves one marker
   * @throws AuditSink.AuditException when the broker did not take it: nothing may be claimed
   */
  void place(Marker marker, String origin);

  /**
   * The unexpired markers known for {@code eventId}, oldest first; empty when none. A memory
   * lookup.
   */
  List<Marker> known(String eventId);

  /**
   * Reads what the broker holds now that this process has not seen yet, so that {@link #known}
   * answers for every marker placed before the call.
   *
   * @throws AuditSink.AuditException when the broker could not be read
   */
  void catchUp();

  /**
   * True while more unexpired markers lie in the broker than a process keeps ({@link
   * KnownMarkers#MAX_KNOWN}): some are not known here, so new bulk work must not start until they
   * fit again. Urgent work goes on.
   */
  default boolean saturated() {
    return false;
  }

  /** Markers in this process's memory only: for tests and for tools without a broker. */
  static CancellationMarkers inMemory(Clock clock) {
    KnownMarkers known = new KnownMarkers(clock);
    return new CancellationMarkers() {
      @Override
      public void place(Marker marker, String origin) {
        known.add(marker);
      }

      @Override
      public List<Marker> known(String eventId) {
        return known.of(eventId);
      }

      @Override
      public void catchUp() {}
    };
  }
}
