package dev.offboarding.contracts;

import java.util.List;
import java.util.Objects;

/**
 * The {@code data} of a {@code dev.offboarding.audit.target.v1} message: what happened to one user.
 *
 * @param eventId the id of the event that asked for it
 * @param userId the user's object id, when resolved; null for a user target that was not found
 * @param userPrincipalName the UPN, when known
 * @param via how the user was reached: {@code user:<id or upn>}, {@code group:<id>}, {@code
 *     attribute:<name>}; several when reached more than once
 * @param guest true for guest accounts (revocation does not reach their home tenant)
 * @param outcome the user's overall outcome
 * @param detail why the user was protected or skipped, or the worst error, in words
 * @param actions one result per action, in execution order
 * @param redelivery true when the event had been delivered before
 */
public record TargetAudit(
    String eventId,
    String userId,
    String userPrincipalName,
    List<String> via,
    boolean guest,
    TargetOutcome outcome,
    String detail,
    List<ActionResult> actions,
    boolean redelivery) {

  public static final String TYPE = "dev.offboarding.audit.target.v1";

  public TargetAudit {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(outcome, "outcome");
    via = List.copyOf(Objects.requireNonNull(via, "via"));
    actions = List.copyOf(Objects.requireNonNull(actions, "actions"));
  }
}
