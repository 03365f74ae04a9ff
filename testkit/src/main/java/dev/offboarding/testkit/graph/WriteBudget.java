package dev.offboarding.testkit.graph;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The tenant's write quota as a token bucket of {@code capacity} tokens refilled continuously at
 * {@code tokensPerWindow / window}, computed as the equivalent generic cell rate algorithm in whole
 * nanoseconds, so that waits come out exact (a bucket of 3 per 150 s says "50 s", never
 * "50.000000001 s"). Time comes from a {@link Clock} so tests move it by hand. Thread-safe; the
 * critical section is a few additions.
 */
final class WriteBudget {

  private final Clock clock;
  private final Instant origin;

  /** Nanoseconds it takes to refill one token. */
  private final long interval;

  /** How far ahead of now the theoretical arrival time may run: (capacity - 1) intervals. */
  private final long tolerance;

  private final int capacity;

  /** Theoretical arrival time of the next write, in nanoseconds since {@link #origin}. */
  private long tat;

  /** Start of the one-second span whose writes and refusals {@link #use()} counts. */
  private long countedSince = Long.MIN_VALUE / 2;

  private long secondTotal;
  private long secondRefused;

  WriteBudget(Clock clock, int tokensPerWindow, Duration window, int capacity) {
    this.clock = clock;
    this.origin = clock.instant();
    this.interval = Math.max(1, Math.round(window.toNanos() / (double) tokensPerWindow));
    this.capacity = capacity;
    this.tolerance = saturatedProduct(capacity - 1L, interval);
  }

  private static long saturatedProduct(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  /** Takes one token; returns {@link Duration#ZERO} on success, else how long until one is back. */
  synchronized Duration tryAcquire() {
    long now = now();
    long start = Math.max(tat, now);
    long ahead = start - now;
    if (ahead > tolerance) {
      count(now, true);
      return Duration.ofNanos(ahead - tolerance);
    }
    tat = start + interval;
    count(now, false);
    return Duration.ZERO;
  }

  /**
   * The share of the budget used now, as Graph's {@code x-ms-throttle-limit-percentage} tells it: 1
   * minus the share of the bucket left, and from 1.0 on, 1 plus the share of the last second's
   * writes refused (Graph: "1.2 = 20 % throttled"), at most 1.8.
   */
  synchronized double use() {
    boolean refusingThisSecond = now() - countedSince < 1_000_000_000L && secondRefused > 0;
    return refusingThisSecond
        ? Math.min(1.8, 1 + secondRefused / (double) secondTotal)
        : 1 - available() / capacity;
  }

  private void count(long now, boolean refused) {
    if (now - countedSince >= 1_000_000_000L) {
      countedSince = now;
      secondTotal = 0;
      secondRefused = 0;
    }
    secondTotal++;
    if (refused) {
      secondRefused++;
    }
  }

  /** Tokens available now, for stats and tests. */
  synchronized double available() {
    long ahead = Math.max(0, tat - now());
    return Math.min(capacity, (tolerance + interval - ahead) / (double) interval);
  }

  private long now() {
    return Duration.between(origin, clock.instant()).toNanos();
  }
}
