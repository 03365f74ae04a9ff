package dev.offboarding.contracts;

import java.util.List;
import java.util.Objects;

/**
 * The {@code data} of a {@code dev.offboarding.approve.v1} event: a second person's approval of an
 * event the worker holds until one (an event planning more users than the approval threshold, and
 * every restore). It must name a requester other than the held event's own; the worker refuses a
 * self-approval.
 *
 * @param eventId the CloudEvents id of the event approved
 * @param requestedBy who approves, for the audit trail and the two-person check
 * @param reason why, for the audit trail; null when not given
 * @param users users (object ids or UPNs) the approval names: for a restore, the users it lets
 *     through although their sessions were revoked recently ({@code RESTORE_COOLDOWN}); empty when
 *     it names none
 */
public record Approval(String eventId, String requestedBy, String reason, List<String> users) {
  /** The most users one approval names. */
  public static final int MAX_USERS = 1000;

  public Approval {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(requestedBy, "requestedBy");
    users = List.copyOf(Objects.requireNonNull(users, "users"));
    if (eventId.isBlank() || requestedBy.isBlank() || (reason != null && reason.isBlank())) {
      throw new IllegalArgumentException(
          "eventId, requestedBy and a reason when given must not be blank");
    }
    if (users.size() > MAX_USERS) {
      throw new IllegalArgumentException("an approval names at most " + MAX_USERS + " users");
    }
    for (String user : users) {
      if (!Target.isGuid(user) && !Target.isUpn(user)) {
        throw new IllegalArgumentException(
            "users must be object ids (GUIDs) or user principal names");
      }
    }
  }
}
