package dev.offboarding.worker.resilience;

import dev.offboarding.worker.execute.Retries;
import dev.offboarding.worker.tenant.GraphFailure;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What is retried and how long to wait, configured once: transient {@link GraphFailure}s (429, 503,
 * 504, timeouts, resets) are retried up to {@code maxAttempts}; a server's Retry-After is honoured
 * (capped at {@code maxWait}); without one, exponential backoff with jitter. Final failures (404,
 * 403, 400) are never retried.
 */
public final class RetryPolicy implements Retries {
  private final Retry retry;

  /**
   * @param maxAttempts attempts of one call, the first included
   * @param initialBackoff the first wait without a Retry-After, doubling with jitter
   * @param maxWait the longest wait, a server's Retry-After included
   */
  public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxWait) {
    IntervalBiFunction<Object> interval =
        (attempt, either) -> {
          if (either.isLeft()
              && either.getLeft() instanceof GraphFailure failure
              && failure.retryAfter().isPresent()) {
            Duration asked = failure.retryAfter().get();
            return Math.max(0, Math.min(asked.toMillis(), maxWait.toMillis()));
          }
          double backoff = initialBackoff.toMillis() * Math.pow(2, Math.max(0, attempt - 1));
          double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
          return (long) Math.min(maxWait.toMillis(), backoff * jitter);
        };
    this.retry =
        Retry.of(
            "graph-write",
            RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .retryOnException(t -> t instanceof GraphFailure f && f.isTransient())
                .intervalBiFunction(interval)
                .build());
  }

  /** 8 attempts, 1 s first backoff, waits capped at 2 minutes. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofMinutes(2));
  }

  @Override
  public Attempts newCall() {
    Retry.AsyncContext<Object> context = retry.asyncContext();
    return new Attempts() {
      @Override
      public long onError(GraphFailure failure) {
        return context.onError(failure);
      }

      @Override
      public void onSuccess() {
        context.onComplete();
      }
    };
  }
}
