package dev.offboarding.worker.plan;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.worker.tenant.GraphFailure;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an event resolved to, before any write: the distinct users (protected ones included,
 * marked), the targets that resolved to nothing, and the group members that were not users.
 */
public record Plan(
    OffboardingEvent event,
    List<PlannedUser> users,
    List<Unresolved> unresolved,
    Map<String, Integer> skippedMembers) {

  public Plan {
    Objects.requireNonNull(event, "event");
    users = List.copyOf(users);
    unresolved = List.copyOf(unresolved);
    skippedMembers = java.util.Collections.unmodifiableMap(new TreeMap<>(skippedMembers));
  }

  /** The actions each user receives, in order. */
  public List<Action> actions() {
    return event.effectiveActions();
  }

  /** Users that will be written to. */
  public List<PlannedUser> writable() {
    return users.stream().filter(u -> !u.isProtected()).toList();
  }

  /**
   * A target that resolved to no user, or could not be resolved for a reason that retrying will not
   * fix (a group whose members the app may not read, a request Graph refuses).
   *
   * @param via the target, as {@code user:...}, {@code group:...} or {@code attribute:...}
   * @param outcome {@code NOT_FOUND}, {@code FORBIDDEN} or {@code FAILED}
   * @param errorCode Graph's error code, or null when the directory simply has no such object
   * @param detail why, in words
   */
  public record Unresolved(
      String via,
      dev.offboarding.contracts.TargetOutcome outcome,
      String errorCode,
      String detail) {
    public Unresolved {
      Objects.requireNonNull(outcome, "outcome");
    }

    /** The directory has no such object. */
    public static Unresolved notFound(String via, String detail) {
      return new Unresolved(via, dev.offboarding.contracts.TargetOutcome.NOT_FOUND, null, detail);
    }

    /** Reading the target failed for good: {@code FORBIDDEN} for a 403, else {@code FAILED}. */
    public static Unresolved failed(String via, GraphFailure failure) {
      return new Unresolved(
          via,
          failure.kind() == GraphFailure.Kind.FORBIDDEN
              ? dev.offboarding.contracts.TargetOutcome.FORBIDDEN
              : dev.offboarding.contracts.TargetOutcome.FAILED,
          failure.errorCode(),
          "the target could not be resolved: " + failure.getMessage());
    }
  }
}
