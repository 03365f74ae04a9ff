package dev.offboarding.contracts;

import java.util.Objects;

/**
 * The {@code data} of a {@code dev.offboarding.cancel.v1} event: which event to cancel, why, and
 * who asked. A scheduled event is removed from the broker before it runs; an event already running
 * starts no further user.
 *
 * @param eventId the CloudEvents id of the event to cancel
 * @param reason why, for the audit trail
 * @param requestedBy who asked, for the audit trail
 */
public record Cancellation(String eventId, String reason, String requestedBy) {
  public Cancellation {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(requestedBy, "requestedBy");
    if (eventId.isBlank() || reason.isBlank() || requestedBy.isBlank()) {
      throw new IllegalArgumentException("eventId, reason and requestedBy must not be blank");
    }
  }
}
