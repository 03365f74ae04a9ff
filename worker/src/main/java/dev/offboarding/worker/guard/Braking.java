package dev.offboarding.worker.guard;

import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.worker.process.EventProcessor;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mass-action brake as {@link EventProcessor} meets it: before a chunk's first write, its new
 * users are leased against the cap of the queue the event arrived on ({@link MassActionCaps}); the
 * users the cap has no room for wait in the event's follow-up until the window has room, and the
 * delivery publishes a non-final CONTINUING summary with detail {@value #DETAIL}. Users tried again
 * (a follow-up's pending users) were leased when first selected and are not counted twice, and a
 * delivery tried again in this process (after its audit could not be published) reuses its chunk's
 * lease; a delivery taken again by another process leases again, which errs on the side of holding
 * back. Dry runs write nothing and lease nothing. Remembers, per cap, until when it last held work
 * back, for the gauge {@code offboarding_mass_action_brake}. Thread-safe.
 */
public final class Braking {
  /** The detail a braked event's summary begins with. */
  public static final String DETAIL = "MassActionBrake";

  private final MassActionBrake brake;
  private final MassActionCaps caps;
  private final Clock clock;

  /** Per cap name, until when its last lease held users back. */
  private final Map<String, Instant> heldUntil = new ConcurrentHashMap<>();

  /** The leases of recent chunks, by chunk, so that a delivery tried again is not counted again. */
  private final Map<String, Admission> recent =
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Admission> eldest) {
          return size() > RECENT;
        }
      };

  private final java.util.concurrent.locks.ReentrantLock recentLock =
      new java.util.concurrent.locks.ReentrantLock();

  /** Chunks whose lease is remembered. */
  static final int RECENT = 10_000;

  /**
   * @param brake the shared count
   * @param caps which cap each intake queue's users count against
   */
  public Braking(MassActionBrake brake, MassActionCaps caps, Clock clock) {
    this.brake = Objects.requireNonNull(brake, "brake");
    this.caps = Objects.requireNonNull(caps, "caps");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * No brake: every user is granted, nothing is counted. For processors built without one (unit
   * tests).
   */
  public static Braking none(Clock clock) {
    return new Braking(
        (cap, users) -> MassActionBrake.Lease.all(users),
        MassActionCaps.of("-", Integer.MAX_VALUE, "--", Integer.MAX_VALUE),
        clock);
  }

  /**
   * What the brake let a chunk do.
   *
   * @param cap the cap its users counted against
   * @param lease what was granted of the chunk's new users
   * @param asked the chunk's new users
   */
  public record Admission(
      MassActionBrake.Cap cap, MassActionBrake.Lease lease, int asked, Instant at) {
    /** Whether the brake held users back. */
    public boolean braked() {
      return lease.braked();
    }

    /** The new users that wait for room. */
    int heldBack() {
      return asked - lease.granted();
    }
  }

  /**
   * Leases a chunk's {@code newUsers} for an event from {@code intakeQueue}.
   *
   * @param chunk names the chunk: its event message's origin and its step; a chunk leased here
   *     within the window is not leased again
   * @param approved true when a second person approved the event's size: the brake does not hold it
   *     (the seam for approvals; nothing sets it yet)
   * @throws MassActionBrake.Unavailable when the count could not be read: the chunk waits
   */
  public Admission admit(
      OffboardingEvent event, String intakeQueue, String chunk, int newUsers, boolean approved) {
    MassActionBrake.Cap cap = caps.capOf(intakeQueue);
    Instant now = clock.instant();
    if (newUsers == 0 || approved || event.data().dryRun()) {
      return new Admission(cap, MassActionBrake.Lease.all(newUsers), newUsers, now);
    }
    Admission before = remembered(chunk);
    if (before != null
        && before.asked() == newUsers
        && before.cap().equals(cap)
        && now.isBefore(before.at().plus(MassActionBrake.WINDOW))
        && (!before.braked() || now.isBefore(before.lease().roomAt()))) {
      return before;
    }
    MassActionBrake.Lease lease = brake.lease(cap, newUsers);
    if (lease.granted() > newUsers || lease.granted() < newUsers && !lease.braked()) {
      throw new IllegalStateException(
          "the brake granted more users than asked for, or fewer without saying when"
              + " room comes back");
    }
    if (lease.braked()) {
      heldUntil.merge(cap.name(), lease.roomAt(), (a, b) -> a.isAfter(b) ? a : b);
    } else {
      heldUntil.remove(cap.name());
    }
    Admission admitted = new Admission(cap, lease, newUsers, now);
    recentLock.lock();
    try {
      recent.put(chunk, admitted);
    } finally {
      recentLock.unlock();
    }
    return admitted;
  }

  private Admission remembered(String chunk) {
    recentLock.lock();
    try {
      return recent.get(chunk);
    } finally {
      recentLock.unlock();
    }
  }

  /** True while the cap named {@code capName} holds work back, as far as this process has seen. */
  public boolean holding(String capName) {
    Instant until = heldUntil.get(capName);
    return until != null && clock.instant().isBefore(until);
  }

  /** The summary's detail for a braked delivery. */
  public static String detail(Admission admitted) {
    return DETAIL
        + ": the "
        + admitted.cap().name()
        + " cap ("
        + admitted.cap().usersPerHour()
        + " users per rolling hour) has no room for "
        + admitted.heldBack()
        + " user(s) of this event; they wait"
        + " on the worker's own queue until "
        + admitted.lease().roomAt()
        + ", nothing is lost";
  }
}
