package dev.offboarding.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that moves only when told to: tests advance it (or let a fake sleep advance it)
 * instead of waiting, so lock expiry, write budgets and backoffs are checked without sleeping.
 * Thread-safe.
 */
public final class ManualClock extends Clock {
  private final AtomicReference<Instant> now;

  public ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** A clock standing at an ISO-8601 instant such as {@code 2026-11-27T09:00:00Z}. */
  public static ManualClock startingAt(String isoInstant) {
    return new ManualClock(Instant.parse(isoInstant));
  }

  /** Moves the clock forward. */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("a clock does not run backwards");
    }
    now.updateAndGet(t -> t.plus(by));
  }

  /** Moves the clock forward to {@code t}, e.g. to a minute a test names. */
  public void set(Instant t) {
    now.updateAndGet(
        current -> {
          if (t.isBefore(current)) {
            throw new IllegalArgumentException("a clock does not run backwards");
          }
          return t;
        });
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
