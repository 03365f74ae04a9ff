package dev.offboarding.worker.budget;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Time that moves only when a test (or {@link #advancingWaiter()}) moves it. */
final class ManualTicker implements Ticker {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Override
  public long nanoTime() {
    return now.get();
  }

  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  Duration since(long start) {
    return Duration.ofNanos(now.get() - start);
  }

  /** For single-threaded tests: "waiting" moves time forward instead of sleeping. */
  Waiter advancingWaiter() {
    return (condition, nanos) -> {
      if (nanos == Waiter.UNTIMED) {
        throw new AssertionError("a lone caller must never wait without a time limit");
      }
      now.addAndGet(nanos);
    };
  }
}
