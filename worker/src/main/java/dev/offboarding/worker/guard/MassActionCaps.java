package dev.offboarding.worker.guard;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The mass-action brake's caps, by the intake queue an event arrived on: the one place that says
 * which cap a user counts against. Users of events from the events queue count against the bulk cap
 * ({@code MAX_USERS_PER_HOUR}), users of events from the urgent queue against the urgent cap
 * ({@code MAX_URGENT_USERS_PER_HOUR}), whatever the event's type (its priority still follows the
 * type); an event from any other queue counts against the bulk cap. Immutable.
 */
public final class MassActionCaps {
  /** The cap of the events queue; also the metric's label value. */
  public static final String BULK = "bulk";

  /** The cap of the urgent queue; also the metric's label value. */
  public static final String URGENT = "urgent";

  private final Map<String, MassActionBrake.Cap> byQueue;
  private final MassActionBrake.Cap bulk;
  private final MassActionBrake.Cap urgent;

  private MassActionCaps(
      String eventsQueue,
      MassActionBrake.Cap bulk,
      String urgentQueue,
      MassActionBrake.Cap urgent) {
    this.bulk = bulk;
    this.urgent = urgent;
    this.byQueue =
        Map.of(
            Objects.requireNonNull(eventsQueue, "eventsQueue"),
            bulk,
            Objects.requireNonNull(urgentQueue, "urgentQueue"),
            urgent);
  }

  /**
   * @param usersPerHour {@code MAX_USERS_PER_HOUR}, for {@code eventsQueue}
   * @param urgentUsersPerHour {@code MAX_URGENT_USERS_PER_HOUR}, for {@code urgentQueue}
   */
  public static MassActionCaps of(
      String eventsQueue, int usersPerHour, String urgentQueue, int urgentUsersPerHour) {
    return new MassActionCaps(
        eventsQueue,
        new MassActionBrake.Cap(BULK, usersPerHour),
        urgentQueue,
        new MassActionBrake.Cap(URGENT, urgentUsersPerHour));
  }

  /** The cap that users of an event from {@code intakeQueue} count against. */
  public MassActionBrake.Cap capOf(String intakeQueue) {
    return byQueue.getOrDefault(intakeQueue, bulk);
  }

  /**
   * Users a replica may lease ahead of its work for {@code cap} and keep for a while, so that its
   * next events of a few users take no round trip to the shared count before their first write: for
   * the urgent cap, 5 (fewer when the cap is small: a fortieth of it), so that the compromise path
   * is as fast with the brake as without; none for the bulk cap, whose chunks are big and whose
   * latency matters less. What a replica keeps counts against the cap until given back.
   */
  public int aheadOf(MassActionBrake.Cap cap) {
    return cap.name().equals(URGENT) ? Math.min(5, cap.usersPerHour() / 40) : 0;
  }

  /** Every cap: bulk, then urgent. */
  public List<MassActionBrake.Cap> all() {
    return List.of(bulk, urgent);
  }
}
