package dev.offboarding.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsGaugeTest {

  @Test
  void keepsReadingAGaugeWhoseSupplierNothingElseHolds() {
    Metrics metrics = new Metrics();
    metrics.gauge(Metrics.PROTECTION_READY, "test", () -> 1);

    // A weakly held supplier would be collected here and the gauge would read NaN.
    for (int i = 0; i < 5; i++) {
      System.gc();
    }

    assertEquals(1.0, metrics.gauge(Metrics.PROTECTION_READY));
    assertEquals(true, metrics.scrape().contains("offboarding_protection_ready 1.0"));
  }
}
