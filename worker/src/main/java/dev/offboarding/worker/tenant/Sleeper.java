package dev.offboarding.worker.tenant;

import java.time.Duration;

/** Waits; injected so that tests of retries and budgets never sleep for real. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM = d -> Thread.sleep(d);

  void sleep(Duration duration) throws InterruptedException;
}
