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

  /**
   * A builder for the audit of one user of this event with this overall outcome; everything else
   * starts empty, false or null.
   *
   * @param eventId the id of the event that asked for it
   * @param outcome the user's overall outcome
   * @return a builder; {@link Builder#build()} checks the audit as the canonical constructor does
   */
  public static Builder builder(String eventId, TargetOutcome outcome) {
    return new Builder(eventId, outcome);
  }

  /**
   * A builder holding every value of this audit, to build a copy that differs in a few.
   *
   * @return a builder that builds this audit unless told otherwise
   */
  public Builder toBuilder() {
    return new Builder(eventId, outcome)
        .userId(userId)
        .userPrincipalName(userPrincipalName)
        .via(via)
        .guest(guest)
        .detail(detail)
        .actions(actions)
        .redelivery(redelivery)
        .provenance(provenance)
        .access(access);
  }

  /** The same audit, saying who asked for the event. */
  public TargetAudit withProvenance(Provenance p) {
    Objects.requireNonNull(p, "provenance");
    return toBuilder().provenance(p).build();
  }

  /** The same audit, saying when the user's access ends. */
  public TargetAudit withAccess(AccessWindow window) {
    Objects.requireNonNull(window, "access");
    return toBuilder().access(window).build();
  }

  /**
   * Builds a {@link TargetAudit} from its event id and outcome and whichever other values the audit
   * has. Each setter replaces the value given before. Not thread-safe; {@link #build()} can be
   * called more than once.
   */
  public static final class Builder {
    private final String eventId;
    private final TargetOutcome outcome;
    private String userId;
    private String userPrincipalName;
    private List<String> via = List.of();
    private boolean guest;
    private String detail;
    private List<ActionResult> actions = List.of();
    private boolean redelivery;
    private Provenance provenance;
    private AccessWindow access;

    private Builder(String eventId, TargetOutcome outcome) {
      this.eventId = Objects.requireNonNull(eventId, "eventId");
      this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    /** See {@link TargetAudit#userId()}; null (the default) for a user target not found. */
    public Builder userId(String userId) {
      this.userId = userId;
      return this;
    }

    /** See {@link TargetAudit#userPrincipalName()}; null by default. */
    public Builder userPrincipalName(String userPrincipalName) {
      this.userPrincipalName = userPrincipalName;
      return this;
    }

    /** See {@link TargetAudit#via()}; empty by default. */
    public Builder via(List<String> via) {
      this.via = via;
      return this;
    }

    /** See {@link TargetAudit#guest()}; false by default. */
    public Builder guest(boolean guest) {
      this.guest = guest;
      return this;
    }

    /** See {@link TargetAudit#detail()}; null by default. */
    public Builder detail(String detail) {
      this.detail = detail;
      return this;
    }

    /** See {@link TargetAudit#actions()}; empty by default. */
    public Builder actions(List<ActionResult> actions) {
      this.actions = actions;
      return this;
    }

    /** See {@link TargetAudit#redelivery()}; false by default. */
    public Builder redelivery(boolean redelivery) {
      this.redelivery = redelivery;
      return this;
    }

    /** See {@link TargetAudit#provenance()}; null by default. */
    public Builder provenance(Provenance provenance) {
      this.provenance = provenance;
      return this;
    }

    /** See {@link TargetAudit#access()}; null by default. */
    public Builder access(AccessWindow access) {
      this.access = access;
      return this;
    }

    /**
     * The audit.
     *
     * @throws NullPointerException when via or actions were set to null
     */
    public TargetAudit build() {
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
          access);
    }
  }
}
