package dev.offboarding.worker.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.BooleanSupplier;

/**
 * Exports readiness as a gauge, {@value #READY}: 1 while {@code /health/ready} answers 200, else 0
 * (the preflight failed, or an intake or the audit sender is down), so alerts need no probe of
 * their own. Bound with {@code Metrics.bind}.
 */
public final class Readiness implements MeterBinder {
  /** The exported Prometheus name. */
  public static final String READY = "offboarding_ready";

  private final BooleanSupplier ready;

  public Readiness(BooleanSupplier ready) {
    this.ready = ready;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("offboarding.ready", () -> ready.getAsBoolean() ? 1 : 0)
        .description("1 while /health/ready answers 200").register(registry);
  }
}
