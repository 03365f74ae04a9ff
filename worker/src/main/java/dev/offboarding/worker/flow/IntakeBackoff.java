package dev.offboarding.worker.flow;

import dev.offboarding.worker.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The intake's answer to transient failures (Graph or Service Bus unavailable): pause every event
 * handler, for a delay that doubles with each consecutive failure, and resume on the first success.
 *
 * <p>The policy, as a whole (see also {@code ServiceBusIntake}):
 *
 * <ol>
 *   <li>When an event ends in {@code Abandon}, or completes having left users to a follow-up
 *       because Graph failed transiently, intake pauses for {@code initial × 2^(n−1)} (n = the
 *       consecutive failures, counted once per pause, not once per handler), capped at {@code max},
 *       with up to 20 % jitter downwards. Handlers about to start an event wait here, holding their
 *       message (its lock is renewed), so no further messages are pulled while Graph is down.
 *   <li>After the pause the same delivery is tried again in-process: an outage does not raise the
 *       message's delivery count, so it cannot burn the message into the dead-letter queue.
 *   <li>Only a delivery held for longer than {@code maxHold} is abandoned (delivery count + 1), so
 *       another replica may try; with MaxDeliveryCount 10 and the defaults, a message survives an
 *       outage of about 10 × maxHold before the broker dead-letters it.
 *   <li>The first event that completes resets the count and opens the gate for everyone.
 * </ol>
 *
 * Thread-safe. Waiting is bounded by the pause and cut short by {@link #close()}.
 */
public final class IntakeBackoff {

  /**
   * @param initial the first pause
   * @param max the longest pause
   * @param maxHold how long one delivery is retried in-process before it is abandoned
   */
  public record Policy(Duration initial, Duration max, Duration maxHold) {
    public Policy {
      if (initial.isNegative() || max.compareTo(initial) < 0 || maxHold.isNegative()) {
        throw new IllegalArgumentException("need 0 <= initial <= max and maxHold >= 0");
      }
    }

    /** 1 s doubling to 1 min; a delivery is held in-process for up to 15 min. */
    public static Policy defaults() {
      return new Policy(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(15));
    }

    /** The pause after the n-th consecutive failure (n >= 1), before jitter. */
    Duration pause(int n) {
      long millis = initial.toMillis();
      for (int i = 1; i < n && millis < max.toMillis(); i++) {
        millis *= 2;
      }
      return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
  }

  private final Policy policy;
  private final Clock clock;
  private final Metrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private int failures;
  private Instant pausedUntil = Instant.EPOCH;
  private boolean closed;

  /** A backoff not paused yet; whether intake is paused shows in {@code metrics}. */
  public IntakeBackoff(Policy policy, Clock clock, Metrics metrics) {
    this.policy = policy;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** How long pauses and holds last. */
  Policy policy() {
    return policy;
  }

  /** Blocks while intake is paused; returns at once after {@link #close()}. */
  public void awaitOpen() throws InterruptedException {
    lock.lock();
    try {
      while (!closed) {
        long left = Duration.between(clock.instant(), pausedUntil).toNanos();
        if (left <= 0) {
          metrics.intakePaused(false);
          return;
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * A transient failure: pauses intake, longer with each failure that happens while not already
   * paused. Returns the pause now in force.
   */
  public Duration onTransientFailure() {
    lock.lock();
    try {
      Instant now = clock.instant();
      if (!now.isBefore(pausedUntil)) {
        failures++;
        Duration pause = policy.pause(failures);
        long jittered =
            (long) (pause.toMillis() * (0.8 + 0.2 * ThreadLocalRandom.current().nextDouble()));
        pausedUntil = now.plusMillis(jittered);
        metrics.intakePaused(jittered > 0);
      }
      return Duration.between(now, pausedUntil).isNegative()
          ? Duration.ZERO
          : Duration.between(now, pausedUntil);
    } finally {
      lock.unlock();
    }
  }

  /** An event completed: the failure count resets and waiting handlers resume. */
  public void onSuccess() {
    lock.lock();
    try {
      if (failures > 0 || pausedUntil.isAfter(Instant.EPOCH)) {
        failures = 0;
        pausedUntil = Instant.EPOCH;
        changed.signalAll();
      }
      metrics.intakePaused(false);
    } finally {
      lock.unlock();
    }
  }

  /** Consecutive transient failures so far. */
  public int failures() {
    lock.lock();
    try {
      return failures;
    } finally {
      lock.unlock();
    }
  }

  /** True while intake is paused. */
  public boolean paused() {
    lock.lock();
    try {
      return clock.instant().isBefore(pausedUntil);
    } finally {
      lock.unlock();
    }
  }

  /** Lets every waiter go (shutdown); later waits return at once. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
