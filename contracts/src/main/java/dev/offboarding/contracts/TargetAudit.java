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
 * @param provenance who asked for the event, on whose word, and from which queue; null only in an
 *     audit written before audits carried it
 * @param access when the user's access ends, for a result whose revoke, disable or password reset
 *     Graph accepted; null otherwise
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
    boolean redelivery,
    Provenance provenance,
    AccessWindow access) {

  public static final String TYPE = "dev.offboarding.audit.target.v1";

  public TargetAudit {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(outcome, "outcome");
    via = List.copyOf(Objects.requireNonNull(via, "via"));
    actions = List.copyOf(Objects.requireNonNull(actions, "actions"));
  }

  /** An audit without an access window; {@link #withAccess} adds it. */
  public TargetAudit(
      String eventId,
      String userId,
      String userPrincipalName,
      List<String> via,
      boolean guest,
      TargetOutcome outcome,
      String detail,
      List<ActionResult> actions,
      boolean redelivery,
      Provenance provenance) {
    this(
        eventId,
        userId,
        userPrincipalName,
        via,
        guest,
        outcome,
        detail,
        actions,
        redelivery,
        provenance,
        null);
  }

  /** An audit that does not say who asked; {@link #withProvenance} adds it. */
  public TargetAudit(
      String eventId,
      String userId,
      String userPrincipalName,
      List<String> via,
      boolean guest,
      TargetOutcome outcome,
      String detail,
      List<ActionResult> actions,
      boolean redelivery) {
    this(
        eventId, userId, userPrincipalName, via, guest, outcome, detail, actions, redelivery, null);
  }

  /** The same audit, saying who asked for the event. */
  public TargetAudit withProvenance(Provenance p) {
    Objects.requireNonNull(p, "provenance");
    return new TargetAudit(
        eventId,
        userId,
        userPrincipalName,
        via,
        guest,
        outcome,
        detail,
        actions,
        redelivery,
        p,
        access);
  }

  /** The same audit, saying when the user's access ends. */
  public TargetAudit withAccess(AccessWindow window) {
    Objects.requireNonNull(window, "access");
    return new TargetAudit(
        eventId,
        userId,
        userPrincipalName,
        via,
        guest,
        outcome,
        detail,
        actions,
        redelivery,
        provenance,
        window);
  }
}
