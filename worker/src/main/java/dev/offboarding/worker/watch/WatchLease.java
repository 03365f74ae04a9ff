package dev.offboarding.worker.watch;

import dev.offboarding.worker.tenant.Sleeper;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Port: the one lease under which the sign-in watch reads the log, so that one replica at a time
 * polls and the reporting API's limit (about 5 requests per 10 s per tenant, {@link
 * SignInRequests}) is kept by all of them together. In production the lease is the session lock of
 * one session on the worker's state queue, and the requests of the last window its session state
 * ({@code ServiceBusWatchLease}). Thread-safe.
 */
public interface WatchLease {

  /**
   * Runs {@code poll} holding the lease; the gate it gets spaces requests under the limit, counting
   * those of every replica.
   *
   * @throws Unavailable when the lease could not be had or kept: the poll did not run, or its
   *     requests could not be counted
   */
  <T> T hold(Poll<T> poll) throws InterruptedException;

  /** What runs holding the lease. */
  @FunctionalInterface
  interface Poll<T> {
    T run(SignInLog.RequestGate gate) throws InterruptedException;
  }

  /** The lease could not be had or kept; transient: the entry polls again later. */
  final class Unavailable extends RuntimeException {
    /**
     * @param message what failed, without user data
     * @param cause the broker's failure, or null
     */
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A lease in this process's memory alone, for tests and for work outside the service: replicas
   * would each keep their own count, so {@code run} never uses it.
   */
  static WatchLease inMemory(Clock clock, Sleeper sleeper) {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    ReentrantLock lock = new ReentrantLock();
    SignInRequests[] requests = {SignInRequests.EMPTY};
    return new WatchLease() {
      @Override
      public <T> T hold(Poll<T> poll) throws InterruptedException {
        lock.lockInterruptibly();
        try {
          return poll.run(SignInRequests.gate(requests, clock, sleeper));
        } finally {
          lock.unlock();
        }
      }
    };
  }
}
