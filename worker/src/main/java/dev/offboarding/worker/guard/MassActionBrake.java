package dev.offboarding.worker.guard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Port: the mass-action brake's count, shared by every replica. It caps the users written per
 * rolling hour, tenant-wide: before a chunk's first write the worker leases the chunk's new users
 * against the cap of the queue its event arrived on ({@link MassActionCaps}), and writes only the
 * users it was granted. The count lives outside any one process (in production the session state of
 * the worker's state queue, one session per cap), so a restart does not reset it and replicas do
 * not multiply it.
 *
 * <p>Implementations are safe for concurrent use. A lease may go to the broker, so it is asked for
 * once per chunk, never per user.
 */
public interface MassActionBrake {
  /** The rolling window every cap counts over. */
  Duration WINDOW = Duration.ofHours(1);

  /**
   * One cap.
   *
   * @param name its name: the metric's label value and the key of its count ({@code bulk}, {@code
   *     urgent})
   * @param usersPerHour users it lets be written per rolling hour, at least 1
   */
  record Cap(String name, int usersPerHour) {
    public Cap {
      if (name == null || !name.matches("[a-z]{1,32}")) {
        throw new IllegalArgumentException("a cap's name is 1 to 32 lower-case letters");
      }
      if (usersPerHour < 1) {
        throw new IllegalArgumentException("usersPerHour must be >= 1");
      }
    }
  }

  /**
   * What a lease granted.
   *
   * @param granted users that may be written now, counted against the cap
   * @param roomAt when the cap held some back: when the window has room again for the rest (as far
   *     as the cap allows); null when every user asked for was granted
   */
  record Lease(int granted, Instant roomAt) {
    public Lease {
      if (granted < 0) {
        throw new IllegalArgumentException("granted must be >= 0");
      }
    }

    /** Every one of {@code users}. */
    public static Lease all(int users) {
      return new Lease(users, null);
    }

    /** True when the cap held some users back. */
    public boolean braked() {
      return roomAt != null;
    }
  }

  /**
   * Leases {@code users} (>= 1) against {@code cap}: grants as many as the rolling hour has room
   * for, counts them at once, and says when room comes back for the rest.
   *
   * @throws Unavailable when the count could not be read or written: nothing is granted, and the
   *     chunk waits like any transient failure (no write without a lease)
   */
  Lease lease(Cap cap, int users);

  /** The count could not be read or written; transient: try again later. */
  final class Unavailable extends RuntimeException {
    /**
     * @param message what failed, without user data
     * @param cause the broker's failure, or null
     */
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A count in this process's memory alone, for work run outside the service (the benchmark) and
   * for tests: replicas and restarts would each start from zero, so {@code run} never uses it.
   */
  static MassActionBrake inMemory(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    java.util.Map<String, BrakeLedger> ledgers = new java.util.HashMap<>();
    // A lock rather than a monitor: callers are virtual threads.
    java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    return (cap, users) -> {
      lock.lock();
      try {
        BrakeLedger.Grant grant =
            ledgers
                .getOrDefault(cap.name(), BrakeLedger.EMPTY)
                .grant(clock.instant(), cap.usersPerHour(), users);
        ledgers.put(cap.name(), grant.ledger());
        return grant.lease();
      } finally {
        lock.unlock();
      }
    };
  }
}
