package dev.offboarding.worker.continuation;

import java.time.Duration;

/**
 * How much of an event one delivery may do, so that no delivery outlives its lock and a crash loses
 * little: at most {@code maxUsers} users and no user started after {@code maxDuration}; the rest
 * continue in a follow-up that any replica can take. A user whose writes gave up on transient
 * failures is tried again in up to {@code maxRounds} deliveries, the n-th after {@link
 * #delay(int)}, before it gets its final {@code FAILED} result.
 *
 * @param maxDuration {@code DELIVERY_MAX_DURATION}
 * @param maxUsers {@code DELIVERY_MAX_USERS}, at most {@link Continuation#MAX_PENDING}
 * @param maxRounds deliveries one user may be tried in
 * @param firstDelay the wait before a user's second round; doubling, capped at {@code maxDelay}
 * @param maxDelay the longest wait between rounds
 */
public record DeliveryBounds(
    Duration maxDuration, int maxUsers, int maxRounds, Duration firstDelay, Duration maxDelay) {
  /** 5 minutes per delivery: well inside any lock renewal, and little lost to a crash. */
  public static final Duration DEFAULT_MAX_DURATION = Duration.ofMinutes(5);

  public DeliveryBounds {
    if (maxDuration.isNegative() || maxDuration.isZero()) {
      throw new IllegalArgumentException("maxDuration must be positive");
    }
    if (maxUsers < 1 || maxUsers > Continuation.MAX_PENDING) {
      throw new IllegalArgumentException("maxUsers must be 1.." + Continuation.MAX_PENDING);
    }
    if (maxRounds < 1) {
      throw new IllegalArgumentException("maxRounds must be >= 1");
    }
    if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
      throw new IllegalArgumentException("need 0 <= firstDelay <= maxDelay");
    }
  }

  /**
   * The defaults: 5 minutes and 5,000 users per delivery; 14 rounds, 30 s apart doubling to 15 min
   * (the waits add up to 2.5 hours before a user is given up on: as long an outage as the broker's
   * delivery count let an event survive before).
   */
  public static DeliveryBounds defaults() {
    return new DeliveryBounds(
        DEFAULT_MAX_DURATION,
        Continuation.MAX_PENDING,
        14,
        Duration.ofSeconds(30),
        Duration.ofMinutes(15));
  }

  /** With another duration and user bound, the round policy of {@link #defaults()}. */
  public static DeliveryBounds of(Duration maxDuration, int maxUsers) {
    DeliveryBounds d = defaults();
    return new DeliveryBounds(maxDuration, maxUsers, d.maxRounds(), d.firstDelay(), d.maxDelay());
  }

  /** The wait before a user's round {@code round + 1}, after {@code round} (>= 1) gave up. */
  public Duration delay(int round) {
    Duration d = firstDelay;
    for (int i = 1; i < round && d.compareTo(maxDelay) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxDelay) > 0 ? maxDelay : d;
  }

  /**
   * An upper bound on how long one run of an event may last, from its first delivery to its last: a
   * delivery per chunk of {@code maxUsers} of at most {@code maxTargets} users and one per retry
   * round, each lasting at most {@code maxDuration} plus {@code holdPerDelivery} (the in-process
   * hold of an outage), and the waits between rounds. A cancellation marker outlives it.
   */
  public Duration longestRun(int maxTargets, Duration holdPerDelivery) {
    long deliveries = (Math.max(1, maxTargets) + (long) maxUsers - 1) / maxUsers + maxRounds;
    Duration waits = Duration.ZERO;
    for (int round = 1; round < maxRounds; round++) {
      waits = waits.plus(delay(round));
    }
    return waits.plus(maxDuration.plus(holdPerDelivery).multipliedBy(deliveries));
  }
}
