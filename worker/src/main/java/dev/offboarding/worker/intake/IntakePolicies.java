package dev.offboarding.worker.intake;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The policy of every intake queue ({@link IntakePolicy}), and who a cancel may reach. The defaults
 * give each sender what its job needs: the HR and bulk producers' queue leaver, compromise and
 * cancel events with any target; the SIEM's queue compromise events naming at most 100 users by id
 * or UPN; both may ask for the containment actions; the operators' queue restore, cancel and
 * approve events. {@code INTAKE_POLICY_FILE} may replace a queue's policy, but only to narrow it: a
 * file that widens a default is refused at start, naming the rule. Immutable and thread-safe.
 */
public final class IntakePolicies {
  /** {@code MAX_USERS_PER_HOUR}'s default: the HR (and operators') queue's hourly allowance. */
  public static final int DEFAULT_MAX_USERS_PER_HOUR = 1000;

  /** {@code MAX_URGENT_USERS_PER_HOUR}'s default: the SIEM's queue's hourly allowance. */
  public static final int DEFAULT_MAX_URGENT_USERS_PER_HOUR = 200;

  /** The most targets one event on the SIEM's queue names by default. */
  public static final int URGENT_MAX_TARGETS = 100;

  /** By queue, in the order configured; null when every queue lets everything through. */
  private final Map<String, IntakePolicy> byQueue;

  private IntakePolicies(Map<String, IntakePolicy> byQueue) {
    this.byQueue =
        byQueue == null
            ? null
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byQueue));
  }

  /**
   * The default policies of the three intake queues.
   *
   * @param events the HR and bulk producers' queue ({@code SERVICEBUS_QUEUE})
   * @param urgent the SIEM's queue ({@code SERVICEBUS_URGENT_QUEUE})
   * @param ops the operators' queue ({@code SERVICEBUS_OPS_QUEUE})
   * @param usersPerHour {@code MAX_USERS_PER_HOUR}: the events and ops queues' hourly allowance
   * @param urgentUsersPerHour {@code MAX_URGENT_USERS_PER_HOUR}: the urgent queue's hourly
   *     allowance
   */
  public static IntakePolicies defaults(
      String events, String urgent, String ops, int usersPerHour, int urgentUsersPerHour) {
    Set<IntakePolicy.TargetKind> users =
        EnumSet.of(IntakePolicy.TargetKind.USER_ID, IntakePolicy.TargetKind.USER_PRINCIPAL_NAME);
    Map<String, IntakePolicy> all = new LinkedHashMap<>();
    // Containment (password reset, risk confirmation, devices) may be asked for by both senders of
    // leaver and compromise events: it only ever follows the revoke, and the queue's caps still
    // bound how many users it reaches. Restores on the operators' queue may re-enable devices, only
    // those they name (deviceIds, from the compromise's audit).
    Set<Action> containing =
        EnumSet.of(
            Action.DISABLE_ACCOUNT,
            Action.REVOKE_SESSIONS,
            Action.RESET_PASSWORD,
            Action.CONFIRM_COMPROMISED,
            Action.DISABLE_DEVICES);
    all.put(
        events,
        new IntakePolicy(
            events,
            EnumSet.of(EventType.LEAVER, EventType.COMPROMISE, EventType.CANCEL),
            containing,
            EnumSet.allOf(IntakePolicy.TargetKind.class),
            EventData.MAX_TARGET_ENTRIES,
            usersPerHour,
            false));
    all.put(
        urgent,
        new IntakePolicy(
            urgent,
            EnumSet.of(EventType.COMPROMISE),
            containing,
            users,
            URGENT_MAX_TARGETS,
            urgentUsersPerHour,
            false));
    all.put(
        ops,
        new IntakePolicy(
            ops,
            EnumSet.of(EventType.RESTORE, EventType.CANCEL, EventType.APPROVE),
            EnumSet.of(Action.ENABLE_ACCOUNT, Action.ENABLE_DEVICES),
            EnumSet.allOf(IntakePolicy.TargetKind.class),
            EventData.MAX_TARGET_ENTRIES,
            usersPerHour,
            true));
    return new IntakePolicies(all);
  }

  /**
   * No policy: every queue carries every event of the contract, and every cancel reaches every
   * event.
   */
  public static IntakePolicies unrestricted() {
    return new IntakePolicies(null);
  }

  /** The policy of intake queue {@code queue}. */
  public IntakePolicy of(String queue) {
    if (byQueue == null) {
      return IntakePolicy.unrestricted(queue);
    }
    IntakePolicy policy = byQueue.get(queue);
    if (policy == null) {
      throw new IllegalArgumentException("not an intake queue: " + queue);
    }
    return policy;
  }

  /** Every queue's policy, in the order configured; empty when unrestricted. */
  public Collection<IntakePolicy> all() {
    return byQueue == null ? List.of() : byQueue.values();
  }

  /**
   * True when a cancel that arrived on {@code cancelQueue} reaches an event that arrived on {@code
   * eventQueue}: a cancel reaches the events of its own queue, and the operators' reach all. A
   * marker naming no queue (left before markers named it), or one this worker takes no events from
   * (left by a replica configured with other queue names), reaches all, as markers did: a cancel
   * never writes, so a doubt stops the event rather than lets it run.
   */
  public boolean reaches(String cancelQueue, String eventQueue) {
    if (byQueue == null || cancelQueue == null || cancelQueue.equals(eventQueue)) {
      return true;
    }
    IntakePolicy policy = byQueue.get(cancelQueue);
    return policy == null || policy.cancelsReachEveryQueue();
  }

  /**
   * These policies with the policies of some of their queues replaced ({@code INTAKE_POLICY_FILE},
   * read by {@code IntakePolicyFile}, which checks that a replacement only narrows).
   *
   * @param replaced new policies by queue, each naming an intake queue of these
   */
  public IntakePolicies replacing(Map<String, IntakePolicy> replaced) {
    Map<String, IntakePolicy> narrowed = new LinkedHashMap<>(byQueue == null ? Map.of() : byQueue);
    replaced.forEach(
        (queue, policy) -> {
          if (!narrowed.containsKey(queue)) {
            throw new IllegalArgumentException("not an intake queue: " + queue);
          }
          narrowed.put(queue, policy);
        });
    return new IntakePolicies(narrowed);
  }

  @Override
  public String toString() {
    return byQueue == null
        ? "unrestricted"
        : String.join(
            "; ", new ArrayList<>(byQueue.values()).stream().map(IntakePolicy::toString).toList());
  }
}
