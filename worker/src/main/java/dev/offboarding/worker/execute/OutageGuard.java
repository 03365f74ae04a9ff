package dev.offboarding.worker.execute;

import dev.offboarding.worker.tenant.GraphFailure;

/**
 * Port: notices that Graph is down, so that writes stop being started while it is (see the
 * resilience4j circuit breaker behind it). One per process, shared by every event; thread-safe.
 */
public interface OutageGuard {

  /** False while Graph is considered down: the write is not sent. */
  boolean tryAcquirePermission();

  /** A permission taken by {@link #tryAcquirePermission} was not used. */
  void releasePermission();

  /** A write was answered. */
  void onSuccess();

  /** A write failed; only transient unavailability counts toward an outage. */
  void onFailure(GraphFailure failure);

  /** Never trips: for dry runs and tests that do not exercise outages. */
  OutageGuard NONE =
      new OutageGuard() {
        @Override
        public boolean tryAcquirePermission() {
          return true;
        }

        @Override
        public void releasePermission() {}

        @Override
        public void onSuccess() {}

        @Override
        public void onFailure(GraphFailure failure) {}
      };
}
