package dev.offboarding.worker.execute;

import java.time.Duration;

/**
 * The tenant-wide write budget every Graph write passes through, shared by all in-flight events of
 * the process. Implementations are thread-safe.
 */
public interface WriteBudget {

  /** Blocks until one write may be sent; urgent callers go ahead of bulk ones. */
  void acquire(boolean urgent) throws InterruptedException;

  /** Graph answered 429: writes pause for {@code retryAfter} and the pace may drop. */
  void onThrottled(Duration retryAfter);

  /** A write was accepted: the pace may recover toward the configured budget. */
  void onAccepted();

  /**
   * Graph's early warning on an accepted write: the tenant's budget is {@code use} used ({@code
   * x-ms-throttle-limit-percentage}, sent only above 0.8; 1.0 is where throttling starts). The pace
   * stops climbing, and eases off near the limit, before any write is refused.
   */
  default void onLimitUse(double use) {}

  /** A budget that never waits, for dry runs and tests. */
  WriteBudget UNLIMITED =
      new WriteBudget() {
        @Override
        public void acquire(boolean urgent) {}

        @Override
        public void onThrottled(Duration retryAfter) {}

        @Override
        public void onAccepted() {}
      };
}
