package dev.offboarding.testkit.graph;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The tenant's write quota as a token bucket: {@code capacity} tokens, refilled continuously at
 * {@code tokensPerWindow / window}. Time comes from a {@link Clock} so tests move it by hand.
 * Thread-safe; the critical section is a few arithmetic operations.
 */
final class WriteBudget {

  private final Clock clock;
  private final double capacity;
  private final double tokensPerNano;
  private double tokens;
  private Instant last;

  WriteBudget(Clock clock, int tokensPerWindow, Duration window, int capacity) {
    this.clock = clock;
    this.capacity = capacity;
    this.tokensPerNano = tokensPerWindow / (double) window.toNanos();
    this.tokens = capacity;
    this.last = clock.instant();
  }

  /** Takes one token; returns {@link Duration#ZERO} on success, else how long until one is back. */
  synchronized Duration tryAcquire() {
    Instant now = clock.instant();
    long elapsed = Duration.between(last, now).toNanos();
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
      last = now;
    }
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return Duration.ZERO;
    }
    long wait = (long) Math.ceil((1.0 - tokens) / tokensPerNano);
    return Duration.ofNanos(Math.max(1, wait));
  }

  /** Tokens available now (refill applied), for stats and tests. */
  synchronized double available() {
    Instant now = clock.instant();
    long elapsed = Duration.between(last, now).toNanos();
    return elapsed > 0 ? Math.min(capacity, tokens + elapsed * tokensPerNano) : tokens;
  }
}
