package dev.offboarding.worker.execute;

import dev.offboarding.worker.tenant.GraphFailure;

/**
 * Port: what is retried and how long to wait before the next attempt, decided by policy rather than
 * by loops in the domain. The caller does the waiting (through the write budget and an injected
 * {@link dev.offboarding.worker.tenant.Sleeper}), so tests never sleep. Implementations are
 * thread-safe; each call has its own {@link Attempts}.
 */
public interface Retries {

  /** A fresh per-call state. */
  Attempts newCall();

  /** The retry state of one call. Not thread-safe: one call, one thread. */
  interface Attempts {
    /**
     * The attempt failed: milliseconds to wait before the next, or -1 when the failure is final or
     * attempts are used up.
     */
    long onError(GraphFailure failure);

    /** The attempt succeeded. */
    void onSuccess();
  }
}
