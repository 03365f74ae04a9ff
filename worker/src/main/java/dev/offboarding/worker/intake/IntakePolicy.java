package dev.offboarding.worker.intake;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Problem;
import dev.offboarding.contracts.Target;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the sender of one intake queue may ask for. Service Bus stamps no sender identity on a
 * message: the queue it arrives on is who sent it, so what a queue's sender may do is the queue's
 * policy, checked after decoding and before planning. Immutable.
 *
 * @param queue the intake queue
 * @param eventTypes the event types it may carry
 * @param actions the actions its events may ask for (their effective actions, defaults included)
 * @param targetKinds the kinds of target its events may name
 * @param maxTargets the most target entries one of its events may name (the largest event)
 * @param usersPerHour its hourly allowance: users written per rolling hour for events of this
 *     queue, the cap the mass-action brake enforces for it; carried here, not checked here
 * @param cancelsReachEveryQueue true when a cancel from this queue reaches events that arrived on
 *     any queue (the operators'); otherwise its cancels reach only events of this queue
 */
public record IntakePolicy(
    String queue,
    Set<EventType> eventTypes,
    Set<Action> actions,
    Set<TargetKind> targetKinds,
    int maxTargets,
    int usersPerHour,
    boolean cancelsReachEveryQueue) {

  /**
   * The dead-letter reason, and the summary's rejection reason, of an event its queue's policy
   * refuses.
   */
  public static final String VIOLATION = "PolicyViolation";

  /** The kinds of target a policy tells apart, with their names in {@code INTAKE_POLICY_FILE}. */
  public enum TargetKind {
    /** A user by object id. */
    USER_ID("userId"),
    /** A user by user principal name. */
    USER_PRINCIPAL_NAME("userPrincipalName"),
    /** Every transitive member of a group. */
    GROUP("group"),
    /** Users selected by an allow-listed attribute. */
    ATTRIBUTE("attribute");

    private final String wireName;

    TargetKind(String wireName) {
      this.wireName = wireName;
    }

    /** The name in {@code INTAKE_POLICY_FILE}. */
    public String wireName() {
      return wireName;
    }

    /** The kind with this name in {@code INTAKE_POLICY_FILE}. */
    public static Optional<TargetKind> fromWire(String name) {
      return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }

    /** The kind of {@code target}. */
    public static TargetKind of(Target target) {
      return switch (target) {
        case Target.User u -> u.isObjectId() ? USER_ID : USER_PRINCIPAL_NAME;
        case Target.Group g -> GROUP;
        case Target.Attribute a -> ATTRIBUTE;
      };
    }
  }

  public IntakePolicy {
    Objects.requireNonNull(queue, "queue");
    eventTypes = Collections.unmodifiableSet(copy(eventTypes, EventType.class));
    actions = Collections.unmodifiableSet(copy(actions, Action.class));
    targetKinds = Collections.unmodifiableSet(copy(targetKinds, TargetKind.class));
    if (maxTargets < 1 || usersPerHour < 1) {
      throw new IllegalArgumentException("maxTargets and usersPerHour must be >= 1");
    }
  }

  /**
   * A policy that lets every event of the contract through, with no hourly allowance to speak of.
   */
  public static IntakePolicy unrestricted(String queue) {
    return new IntakePolicy(
        queue,
        EnumSet.allOf(EventType.class),
        EnumSet.allOf(Action.class),
        EnumSet.allOf(TargetKind.class),
        Integer.MAX_VALUE,
        Integer.MAX_VALUE,
        true);
  }

  /**
   * The rule {@code event} breaks, or null when this queue may carry it. Each rule is checked in
   * turn and the first broken one is told: the event type, then each action, then each target's
   * kind, then the number of targets.
   */
  public Violation check(OffboardingEvent event) {
    if (!eventTypes.contains(event.type())) {
      return new Violation(
          "eventTypes",
          "$.type",
          queue
              + " accepts "
              + names(eventTypes, EventType::wireName)
              + " only (rule eventTypes); got "
              + event.type().wireName());
    }
    List<Action> asked = event.effectiveActions();
    for (Action action : asked) {
      if (!actions.contains(action)) {
        String path =
            event.data().actions().isEmpty()
                ? "$.data"
                : "$.data.actions[" + asked.indexOf(action) + "]";
        return new Violation(
            "actions",
            path,
            queue
                + " allows the actions "
                + names(actions, Action::wireName)
                + " only (rule actions); the event asks for "
                + action.wireName()
                + (event.data().actions().isEmpty() ? " by default" : ""));
      }
    }
    if (event.data() == null) {
      return null;
    }
    List<Target> targets = event.data().targets();
    for (int i = 0; i < targets.size(); i++) {
      TargetKind kind = TargetKind.of(targets.get(i));
      if (!targetKinds.contains(kind)) {
        return new Violation(
            "targetKinds",
            "$.data.targets[" + i + "]",
            queue
                + " allows targets of kind "
                + names(targetKinds, TargetKind::wireName)
                + " only (rule targetKinds); target "
                + i
                + " is a "
                + kind.wireName());
      }
    }
    if (targets.size() > maxTargets) {
      return new Violation(
          "maxTargets",
          "$.data.targets",
          queue
              + " allows at most "
              + maxTargets
              + " targets in one event (rule maxTargets); the event names "
              + targets.size());
    }
    return null;
  }

  /**
   * A broken rule.
   *
   * @param rule the rule's name, as in {@code INTAKE_POLICY_FILE}
   * @param path where in the event it is broken
   * @param description the queue, the rule and what the event asked, naming no user
   */
  public record Violation(String rule, String path, String description) {
    /** The problem, for the REJECTED summary. */
    public Problem problem() {
      return new Problem(path, "not allowed on this queue (rule " + rule + ")");
    }
  }

  private static <E extends Enum<E>> EnumSet<E> copy(Set<E> values, Class<E> type) {
    Objects.requireNonNull(values, "values");
    return values.isEmpty() ? EnumSet.noneOf(type) : EnumSet.copyOf(values);
  }

  private static <E extends Enum<E>> String names(
      Set<E> values, java.util.function.Function<E, String> name) {
    return values.isEmpty()
        ? "(none)"
        : values.stream().map(name).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return queue
        + ": eventTypes "
        + names(eventTypes, EventType::wireName)
        + "; actions "
        + names(actions, Action::wireName)
        + "; targetKinds "
        + names(targetKinds, TargetKind::wireName)
        + "; maxTargets "
        + maxTargets
        + "; usersPerHour "
        + usersPerHour
        + (cancelsReachEveryQueue ? "; its cancels reach every queue" : "");
  }
}
