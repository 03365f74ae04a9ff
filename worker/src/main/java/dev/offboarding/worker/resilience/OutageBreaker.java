package dev.offboarding.worker.resilience;

import dev.offboarding.worker.execute.OutageGuard;
import dev.offboarding.worker.tenant.GraphFailure;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Notices that Graph is down, so that writes stop being started while it is. Without it, an outage
 * costs every user of an event its whole retry budget (minutes each) before the event can be handed
 * back for a later try; with it, once most recent writes failed as unavailable (5xx, timeouts,
 * broken connections), writes not yet sent give up at once ({@code RetriesExhausted}), their users
 * continue in a follow-up and intake backs off. After {@code waitInOpen} a few probe writes decide
 * whether Graph is back (resilience4j's circuit breaker, behind the domain's {@link OutageGuard}).
 * 429s are not outages (the write budget handles them), nor are 403 or 404.
 */
public final class OutageBreaker {
  /** How long writes stay stopped before the first probe writes, by default. */
  public static final Duration DEFAULT_WAIT_IN_OPEN = Duration.ofSeconds(30);

  private OutageBreaker() {}

  /**
   * Opens when half of the last 20 writes (at least 10) failed as unavailable; probes after 30 s.
   */
  public static OutageGuard create(Clock clock) {
    return create(clock, DEFAULT_WAIT_IN_OPEN);
  }

  /**
   * Opens when half of the last 20 writes (at least 10) failed as unavailable; probes after {@code
   * waitInOpen}.
   */
  public static OutageGuard create(Clock clock, Duration waitInOpen) {
    return create(clock, 20, 10, waitInOpen);
  }

  /**
   * Opens when half of the last {@code window} writes (at least {@code minimumCalls}) failed as
   * unavailable; probes after {@code waitInOpen}.
   */
  public static OutageGuard create(Clock clock, int window, int minimumCalls, Duration waitInOpen) {
    return guard(
        CircuitBreaker.of(
            "graph-writes",
            CircuitBreakerConfig.custom()
                .clock(clock)
                .slidingWindow(
                    window, minimumCalls, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(50)
                .waitDurationInOpenState(waitInOpen)
                .permittedNumberOfCallsInHalfOpenState(3)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(
                    t -> t instanceof GraphFailure f && f.kind() == GraphFailure.Kind.UNAVAILABLE)
                .build()));
  }

  private static OutageGuard guard(CircuitBreaker breaker) {
    return new OutageGuard() {
      @Override
      public boolean tryAcquirePermission() {
        return breaker.tryAcquirePermission();
      }

      @Override
      public void releasePermission() {
        breaker.releasePermission();
      }

      @Override
      public void onSuccess() {
        breaker.onSuccess(0, TimeUnit.NANOSECONDS);
      }

      @Override
      public void onFailure(GraphFailure failure) {
        breaker.onError(0, TimeUnit.NANOSECONDS, failure);
      }
    };
  }
}
