package dev.offboarding.contracts;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The {@code data} of an offboarding event.
 *
 * @param targets what to act on, at least one
 * @param actions the actions asked for, in canonical order without repeats; empty means the event
 *     type's default ({@link EventType#defaultActions()})
 * @param reason free text for the audit trail
 * @param ticket optional reference in the requester's system
 * @param requestedBy optional identity of the requesting system or person
 * @param dryRun resolve and report only; make no write
 * @param effectiveAt when a leaver event is to take effect, or null for at once: an event whose
 *     moment lies in the future is held by the broker until then; compromise events never carry one
 * @param deviceIds restore events only: the devices {@code enableDevices} may re-enable, by object
 *     id, as an earlier result's {@code deviceIds} listed them (what this worker disabled); a
 *     device is re-enabled only when it is also registered to a restored user and disabled. Empty
 *     for every other event; at most {@link #MAX_DEVICE_IDS} distinct GUIDs
 */
public record EventData(
    List<Target> targets,
    List<Action> actions,
    String reason,
    String ticket,
    String requestedBy,
    boolean dryRun,
    Instant effectiveAt,
    List<String> deviceIds) {

  public static final int MAX_TARGET_ENTRIES = 1000;

  /** The most devices one restore names. */
  public static final int MAX_DEVICE_IDS = 1000;

  public EventData {
    targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("targets must not be empty");
    }
    actions =
        Objects.requireNonNull(actions, "actions").stream()
            .distinct()
            .sorted(Comparator.naturalOrder())
            .toList();
    Objects.requireNonNull(reason, "reason");
    deviceIds = List.copyOf(deviceIds == null ? List.of() : deviceIds);
    if (deviceIds.size() > MAX_DEVICE_IDS
        || !deviceIds.stream().allMatch(Target::isGuid)
        || deviceIds.stream().distinct().count() != deviceIds.size()) {
      throw new IllegalArgumentException(
          "deviceIds must be at most " + MAX_DEVICE_IDS + " distinct GUIDs");
    }
  }

  /** Data without device ids. */
  public EventData(
      List<Target> targets,
      List<Action> actions,
      String reason,
      String ticket,
      String requestedBy,
      boolean dryRun,
      Instant effectiveAt) {
    this(targets, actions, reason, ticket, requestedBy, dryRun, effectiveAt, List.of());
  }

  /** Data that takes effect at once. */
  public EventData(
      List<Target> targets,
      List<Action> actions,
      String reason,
      String ticket,
      String requestedBy,
      boolean dryRun) {
    this(targets, actions, reason, ticket, requestedBy, dryRun, null);
  }
}
