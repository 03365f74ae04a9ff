package dev.offboarding.worker.domain;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.OffboardingEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an event resolved to, before any write: the distinct users (protected ones included, marked),
 * the targets that resolved to nothing, and the group members that were not users.
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

  public List<Action> actions() {
    return event.effectiveActions();
  }

  /** Users that will be written to. */
  public List<PlannedUser> writable() {
    return users.stream().filter(u -> !u.isProtected()).toList();
  }

  /**
   * A target that resolved to no user.
   *
   * @param via the target, as {@code user:...} or {@code group:...}
   * @param detail why, in words
   */
  public record Unresolved(String via, String detail) {}
}
