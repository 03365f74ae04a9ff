package dev.offboarding.worker.execute;

import dev.offboarding.worker.tenant.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The one pace of every Identity Protection request of the process, reads included: Graph allows
 * about one request per second per tenant for {@code riskyUsers} and answers 429 without {@code
 * Retry-After} above it, so requests are spaced here rather than discovered by throttling. Each
 * caller reserves the next free slot and sleeps until it. The interval counts from each answer
 * ({@link #answered}), not from each send: two requests sent an interval apart can arrive closer
 * together when the first was slow on the way, while a request sent an interval after the previous
 * answer arrives at least an interval after the previous request did. A 429 pushes the next slot
 * back by one interval too. Thread-safe.
 */
public final class IdentityProtectionLimit {
  /**
   * Graph's documented limit, one request per second, plus a margin for the clocks' granularity.
   */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(1050);

  private final Duration interval;
  private final Clock clock;
  private final Sleeper sleeper;
  private Instant nextFree = Instant.MIN;

  /**
   * @param interval the least time between an answer and the next request ({@link
   *     #DEFAULT_INTERVAL})
   * @param clock where the slots are measured
   * @param sleeper how callers wait for their slot
   */
  public IdentityProtectionLimit(Duration interval, Clock clock, Sleeper sleeper) {
    this.interval = Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /** Waits for this caller's slot: returns when one more request may be sent. */
  public void acquire() throws InterruptedException {
    Duration wait;
    synchronized (this) {
      Instant now = clock.instant();
      Instant slot = nextFree.isAfter(now) ? nextFree : now;
      nextFree = slot.plus(interval);
      wait = Duration.between(now, slot);
    }
    if (!wait.isZero()) {
      sleeper.sleep(wait);
    }
  }

  /**
   * Waits a fifth of the interval, so that a request about to be sent collects what arrives
   * meanwhile (a batch of risk confirmations); the pace stays one request per interval.
   */
  public void linger() throws InterruptedException {
    Duration wait = interval.dividedBy(5);
    if (!wait.isZero()) {
      sleeper.sleep(wait);
    }
  }

  /** The request sent last was answered: the next goes at least an interval from now. */
  public void answered() {
    onThrottled();
  }

  /** Graph answered 429: nothing more is sent for one interval. */
  public synchronized void onThrottled() {
    Instant later = clock.instant().plus(interval);
    if (later.isAfter(nextFree)) {
      nextFree = later;
    }
  }

  /** The interval between requests. */
  public Duration interval() {
    return interval;
  }
}
