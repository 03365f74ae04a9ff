package dev.offboarding.worker.budget;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * How a thread waits for its turn inside the governor. Production waits on the condition; tests
 * substitute a strategy that advances a hand-driven {@link Ticker} instead, so they never sleep.
 * Called with the governor's lock held; must release it while waiting (as {@link Condition} does).
 */
@FunctionalInterface
public interface Waiter {
  /** Waits on the condition, without a time limit. */
  long UNTIMED = Long.MAX_VALUE;

  Waiter CONDITION =
      (condition, nanos) -> {
        if (nanos == UNTIMED) {
          condition.await();
        } else {
          condition.await(nanos, TimeUnit.NANOSECONDS);
        }
      };

  /**
   * Waits until signalled or, unless {@code nanos} is {@link #UNTIMED}, until {@code nanos} pass.
   */
  void await(Condition condition, long nanos) throws InterruptedException;
}
