package dev.offboarding.worker.metrics;

import dev.offboarding.worker.execute.WriteBudget;
import java.time.Duration;

/**
 * A {@link WriteBudget} decorator that counts 429s and Graph's early throttling warnings: every
 * throttled or warned write reaches the budget, including items of a {@code $batch} that an
 * HTTP-level counter cannot see.
 */
public final class MeteredWriteBudget implements WriteBudget {
  private final WriteBudget delegate;
  private final Metrics metrics;

  /** {@code delegate}, its throttles and Graph's limit warnings counted in {@code metrics}. */
  public MeteredWriteBudget(WriteBudget delegate, Metrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  @Override
  public void acquire(boolean urgent) throws InterruptedException {
    delegate.acquire(urgent);
  }

  @Override
  public void onThrottled(Duration retryAfter) {
    metrics.graphThrottled();
    delegate.onThrottled(retryAfter);
  }

  @Override
  public void onAccepted() {
    delegate.onAccepted();
  }

  @Override
  public void onLimitUse(double use) {
    metrics.graphLimitWarning();
    delegate.onLimitUse(use);
  }
}
