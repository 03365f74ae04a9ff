package dev.offboarding.worker.budget;

/** A monotonic nanosecond clock; injected so that tests of pacing move time by hand. */
@FunctionalInterface
public interface Ticker {
  Ticker SYSTEM = System::nanoTime;

  long nanoTime();
}
