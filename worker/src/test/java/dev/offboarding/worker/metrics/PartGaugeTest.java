package dev.offboarding.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Gauges read from the worker's parts ({@link Metrics#gauge}) keep reading after a garbage
 * collection.
 */
class PartGaugeTest {

  @Test
  void keepsReadingAGaugeWhoseSupplierNothingElseHoldsAfterAGarbageCollection() {
    Metrics metrics = new Metrics();
    AtomicInteger ready = new AtomicInteger(1);
    // As Wiring registers them: a lambda that only the gauge holds.
    metrics.gauge(
        Metrics.PROTECTION_READY,
        "1 while the protected set is fresh enough for events",
        () -> ready.get());

    assertTrue(collectGarbage(), "the JVM did not collect an unreachable object");

    assertEquals(1.0, metrics.gauge(Metrics.PROTECTION_READY));
    assertTrue(metrics.scrape().contains("offboarding_protection_ready 1.0"), metrics.scrape());
  }

  /** Runs the collector until an object reachable from nowhere is gone; false if it never is. */
  private static boolean collectGarbage() {
    WeakReference<Object> unreachable = new WeakReference<>(new Object());
    for (int i = 0; i < 50 && unreachable.get() != null; i++) {
      System.gc();
    }
    return unreachable.get() == null;
  }
}
