package dev.offboarding.worker.budget;

import dev.offboarding.worker.execute.WriteBudget;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one write budget of the process: every Graph write of every in-flight event waits here for a
 * token. Urgent (compromise) writes are served before any queued bulk write; a 429 pauses all
 * writes for its Retry-After (at most {@link GovernorSettings#MAX_RETRY_AFTER_PAUSE}) and lowers
 * the pace; clean answers raise it back toward the configured budget, and Graph's early warning
 * ({@code x-ms-throttle-limit-percentage} on accepted writes) stops the climb and eases the pace
 * before a 429 (see {@link PriorityTokenBucket} for the rule). Replicas sharing a tenant need no
 * coordination: the warnings and 429s every one of them sees are the signal, and additive increase
 * with multiplicative decrease makes them settle on shares of the one budget.
 *
 * <p>Why not resilience4j's {@code RateLimiter}: it has no priority between callers, no "pause
 * until" and no adaptive pace beyond {@code changeLimitForPeriod}, and its time source is not
 * injectable. resilience4j still decides each write's retries ({@code RetryPolicy}).
 *
 * <p>Threading: thread-safe; waiting threads (virtual ones are fine: the lock is a {@link
 * ReentrantLock}) each wait on their own condition, and only the next in line waits with a timeout,
 * so a grant wakes one thread rather than all of them; whoever stops being the next in line
 * (granted, or interrupted) wakes the new one. An interrupted waiter leaves the queue, and gives
 * its token back if it was granted one meanwhile. No thread of its own; nothing to close.
 */
public final class TenantWriteGovernor implements WriteBudget {
  private final ReentrantLock lock = new ReentrantLock();
  private final Ticker ticker;
  private final Waiter waiter;
  private final PriorityTokenBucket bucket;
  private final GovernorSettings settings;

  TenantWriteGovernor(GovernorSettings settings, Ticker ticker, Waiter waiter) {
    this.settings = settings;
    this.ticker = ticker;
    this.waiter = waiter;
    this.bucket = new PriorityTokenBucket(settings, ticker.nanoTime());
  }

  /** A governor on the system clock for a budget of {@code writesPerSecond}. */
  public static TenantWriteGovernor forBudget(double writesPerSecond) {
    return new TenantWriteGovernor(
        GovernorSettings.forBudget(writesPerSecond), Ticker.SYSTEM, Waiter.CONDITION);
  }

  @Override
  public void acquire(boolean urgent) throws InterruptedException {
    PriorityTokenBucket.Ticket ticket = new PriorityTokenBucket.Ticket(urgent);
    lock.lock();
    try {
      bucket.enqueue(ticket);
      Condition mine = lock.newCondition();
      ticket.attachment = mine;
      while (true) {
        long now = ticker.nanoTime();
        long nextAt = bucket.pump(now, this::wake);
        if (ticket.granted) {
          // Whoever is next in line now must start timing its wait.
          wakeNextInLine();
          return;
        }
        long wait = bucket.nextInLine() == ticket ? Math.max(1, nextAt - now) : Waiter.UNTIMED;
        waiter.await(mine, wait);
      }
    } catch (InterruptedException e) {
      if (ticket.granted) {
        // Granted by another thread's pump after the interrupt, before this thread saw it: the
        // write will not be made, and the next in line (waiting untimed until now) was never told.
        bucket.giveBack();
        wakeNextInLine();
      } else {
        boolean wasNext = bucket.nextInLine() == ticket;
        bucket.remove(ticket);
        if (wasNext) {
          wakeNextInLine();
        }
      }
      throw e;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onThrottled(Duration retryAfter) {
    lock.lock();
    try {
      // Capped before the conversion: Duration.toNanos() throws beyond about 292 years.
      Duration pause =
          retryAfter.compareTo(GovernorSettings.MAX_RETRY_AFTER_PAUSE) > 0
              ? GovernorSettings.MAX_RETRY_AFTER_PAUSE
              : retryAfter;
      bucket.throttled(ticker.nanoTime(), pause.toNanos());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onAccepted() {
    lock.lock();
    try {
      bucket.accepted(ticker.nanoTime());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onLimitUse(double use) {
    lock.lock();
    try {
      bucket.limitUse(ticker.nanoTime(), use);
    } finally {
      lock.unlock();
    }
  }

  /** The current pace in writes per second. */
  public double rate() {
    lock.lock();
    try {
      return bucket.rate();
    } finally {
      lock.unlock();
    }
  }

  /** True while a Retry-After holds every write back. */
  public boolean paused() {
    lock.lock();
    try {
      return bucket.paused(ticker.nanoTime());
    } finally {
      lock.unlock();
    }
  }

  /** Writes waiting for a token, urgent or bulk. */
  public int waiting(boolean urgent) {
    lock.lock();
    try {
      return bucket.waiting(urgent);
    } finally {
      lock.unlock();
    }
  }

  /** 429s reported so far. */
  public long throttles() {
    lock.lock();
    try {
      return bucket.throttles();
    } finally {
      lock.unlock();
    }
  }

  /** The rates and limits it runs with. */
  public GovernorSettings settings() {
    return settings;
  }

  private void wake(PriorityTokenBucket.Ticket ticket) {
    ((Condition) ticket.attachment).signal();
  }

  private void wakeNextInLine() {
    PriorityTokenBucket.Ticket next = bucket.nextInLine();
    if (next != null) {
      wake(next);
    }
  }
}
