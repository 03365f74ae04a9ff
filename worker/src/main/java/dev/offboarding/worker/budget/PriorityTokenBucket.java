package dev.offboarding.worker.budget;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The governor's arithmetic, free of threads and clocks: an adaptive token bucket with two FIFO
 * queues of waiting tickets, urgent ones always served first. Every method takes the current time
 * in nanoseconds, so tests drive it step by step. Not thread-safe: {@link TenantWriteGovernor}
 * guards it with one lock.
 *
 * <p>Pacing: tokens accrue at the current {@code rate} up to a burst of {@code rate * burst} (at
 * least one), plus {@link #URGENT_RESERVE} that only urgent writes may take. A 429 empties the
 * bucket, stops accrual until its Retry-After (capped at {@link
 * GovernorSettings#MAX_RETRY_AFTER_PAUSE}) has passed, and multiplies the rate by {@code decrease}
 * (once per episode). Each accepted write adds {@code recoveryPerSecond / rate} to the rate, which
 * amounts to {@code recoveryPerSecond} per second of clean answers (faster after five quiet
 * seconds), up to the configured budget: additive increase, multiplicative decrease, the rule under
 * which independent senders sharing one bottleneck converge on a fair share of it without talking
 * to each other.
 *
 * <p>Near the pace of the last 429 (from {@link #PLATEAU_FROM} to {@link #PLATEAU_TO} times it) the
 * climb is twenty times slower and the quiet-spell speed-up waits for one and a half times the
 * usual gap between 429 episodes: replicas that found their shares stay near them longer before
 * probing again, so they meet fewer 429s (three replicas in {@code SharedTenantSimulationTest}: 0.9
 * % of writes instead of 2.1 %), while a share freed by a replica that finished is still taken up
 * once the 429s stay away for longer than usual.
 *
 * <p>Graph's early warning ({@code x-ms-throttle-limit-percentage}, sent on answers once more than
 * {@link #WARN_FROM} of the tenant's budget is used) acts before any write is refused: while
 * warnings come the pace does not climb, and every {@link #EASE_INTERVAL_NANOS} it eases, a little
 * below {@link #EASE_HARD_FROM} of the budget used and more above it. Every replica of the
 * application sees the same warnings, so they ease together and stay fair; a replica alone at its
 * budget never drains the tenant's bucket and never sees one. The pace where a spell of warnings
 * began becomes the plateau's ceiling, as a 429's pace does. With a tenant that warns, a spell is
 * quiet (the climb speeds up) after {@link #WARNED_QUIET_SECONDS} without a warning or a 429 rather
 * than five: the warnings, not the absence of 429s, say how near the budget is, so a replica whose
 * peers finished takes up their shares sooner. (Lifting the plateau as well after a short quiet
 * spell brought the 429s back in {@code SharedTenantSimulationTest}: 67 instead of 7.)
 */
final class PriorityTokenBucket {
  private static final double NANOS = 1_000_000_000d;
  private static final double QUIET_SECONDS = 5;
  private static final long MAX_PAUSE_NANOS = GovernorSettings.MAX_RETRY_AFTER_PAUSE.toNanos();

  /** The plateau around the pace of the last 429 starts at this fraction of it ... */
  static final double PLATEAU_FROM = 0.9;

  /** ... and ends at this multiple of it. */
  static final double PLATEAU_TO = 1.4;

  /** How much slower the pace climbs on the plateau. */
  private static final double PLATEAU_SLOWDOWN = 0.05;

  /**
   * With a tenant that warns, the plateau slows the climb less: its warnings stop the climb before
   * a 429 anyway, and a replica whose peers finished crosses the plateau sooner (in {@code
   * SharedTenantSimulationTest}, 0.97 of the budget once alone instead of 0.94, with the same 7
   * 429s; 0.25 brought 36).
   */
  private static final double WARNED_PLATEAU_SLOWDOWN = 0.1;

  /** On the plateau, a spell is quiet after this many times the usual gap between 429 episodes. */
  private static final double PLATEAU_QUIET_GAPS = 1.5;

  /**
   * Tokens bulk writes leave in the bucket for urgent ones: under a steady bulk load the bucket
   * holds about one, so a compromise write finds a token at once instead of waiting for the next (a
   * second one arriving with it waits one token). The pace is unchanged: tokens accrue as before,
   * the reserve is whole again after a pause, and bulk writes only wait for it after an urgent
   * write took it. (A reserve of two cost a replica left alone in {@code
   * SharedTenantSimulationTest} a tenth of its budget; one changes none of its figures.)
   */
  static final double URGENT_RESERVE = 1;

  /** Graph sends its warning from this share of the budget used on. */
  static final double WARN_FROM = 0.8;

  /**
   * From this share used on, the pace eases by {@link #EASE_HARD}, below it by {@link #EASE_SOFT}.
   */
  static final double EASE_HARD_FROM = 0.9;

  private static final double EASE_SOFT = 0.95;
  private static final double EASE_HARD = 0.85;

  /**
   * At most one easing per this long: about one round trip, so each easing is seen before the next.
   */
  static final long EASE_INTERVAL_NANOS = 250_000_000L;

  /** With a tenant that warns, a spell is quiet after this long without a warning or a 429. */
  private static final double WARNED_QUIET_SECONDS = 2;

  /** The climb stays stopped for this long after the last warning. */
  static final long WARNING_HOLD_NANOS = 500_000_000L;

  /** One waiting write. */
  static final class Ticket {
    final boolean urgent;
    boolean granted;

    /** Whatever the owner attaches: the governor keeps the waiting thread's condition here. */
    Object attachment;

    Ticket(boolean urgent) {
      this.urgent = urgent;
    }
  }

  private final GovernorSettings settings;
  private final ArrayDeque<Ticket> urgent = new ArrayDeque<>();
  private final ArrayDeque<Ticket> bulk = new ArrayDeque<>();
  private double rate;
  private double tokens;
  private long lastRefill;
  private long pausedUntil;
  private long nextDecreaseAllowed;
  private long lastThrottled;

  /** The pace when the last 429 episode lowered it; 0 before any. */
  private double ceiling;

  /** The usual gap between 429 episodes, in seconds (a moving average); 0 before two episodes. */
  private double episodeGap;

  private long lastDecrease;
  private boolean decreasedBefore;
  private boolean pausing;
  private long throttles;
  private long granted;
  private long warnings;
  private long lastWarning;
  private long nextEaseAllowed;

  PriorityTokenBucket(GovernorSettings settings, long now) {
    this.settings = settings;
    this.rate = settings.maxRate();
    this.tokens = capacity();
    this.lastRefill = now;
    this.pausedUntil = now;
    this.nextDecreaseAllowed = now;
    this.lastThrottled = now;
    this.nextEaseAllowed = now;
  }

  void enqueue(Ticket ticket) {
    (ticket.urgent ? urgent : bulk).addLast(ticket);
  }

  /** Forgets a ticket whose thread stopped waiting (interrupted). */
  void remove(Ticket ticket) {
    (ticket.urgent ? urgent : bulk).remove(ticket);
  }

  /**
   * Takes back the token of a granted ticket whose write will not be made (its thread was
   * interrupted).
   */
  void giveBack() {
    tokens = Math.min(capacity(), tokens + 1);
    granted--;
  }

  /** The ticket the next token goes to: the oldest urgent one, else the oldest bulk one. */
  Ticket nextInLine() {
    Ticket t = urgent.peekFirst();
    return t != null ? t : bulk.peekFirst();
  }

  int waiting(boolean urgentOnes) {
    return urgentOnes ? urgent.size() : bulk.size();
  }

  /**
   * Hands out every token available at {@code now}, urgent tickets first, calling {@code onGrant}
   * for each. Returns when the next token is due (or {@code Long.MAX_VALUE} when nobody waits).
   */
  long pump(long now, Consumer<Ticket> onGrant) {
    refill(now);
    while (now >= pausedUntil) {
      Ticket next;
      if (!urgent.isEmpty() && tokens >= 1) {
        next = urgent.pollFirst();
      } else if (urgent.isEmpty() && !bulk.isEmpty() && tokens >= 1 + URGENT_RESERVE) {
        next = bulk.pollFirst();
      } else {
        break;
      }
      tokens -= 1;
      next.granted = true;
      granted++;
      onGrant.accept(next);
    }
    if (urgent.isEmpty() && bulk.isEmpty()) {
      return Long.MAX_VALUE;
    }
    return nextTokenAt(now);
  }

  /** When the next token will be there, if nothing changes. */
  long nextTokenAt(long now) {
    if (now < pausedUntil) {
      return pausedUntil;
    }
    double needed = urgent.isEmpty() ? 1 + URGENT_RESERVE : 1;
    double missing = Math.max(0, needed - tokens);
    return now + (long) Math.ceil(missing / rate * NANOS);
  }

  /**
   * Graph answered 429 and asked for {@code retryAfterNanos}, taken as at least zero and at most
   * {@link GovernorSettings#MAX_RETRY_AFTER_PAUSE}, so {@code now} plus it never overflows.
   */
  void throttled(long now, long retryAfterNanos) {
    retryAfterNanos = Math.clamp(retryAfterNanos, 0, MAX_PAUSE_NANOS);
    refill(now);
    throttles++;
    lastThrottled = now;
    long until = now + retryAfterNanos;
    if (until - pausedUntil > 0) {
      pausedUntil = until;
    }
    pausing = true;
    tokens = 0;
    if (now - nextDecreaseAllowed >= 0) {
      if (decreasedBefore) {
        double gap = (now - lastDecrease) / NANOS;
        episodeGap = episodeGap == 0 ? gap : 0.7 * episodeGap + 0.3 * gap;
      }
      decreasedBefore = true;
      lastDecrease = now;
      ceiling = rate;
      rate = Math.max(settings.minRate(), rate * settings.decrease());
      nextDecreaseAllowed = now + Math.max(retryAfterNanos, settings.decreaseCooldown().toNanos());
    }
  }

  /**
   * Graph warned that {@code use} of the tenant's budget is used (its {@code
   * x-ms-throttle-limit-percentage}); values below {@link #WARN_FROM}, or not numbers, are ignored.
   */
  void limitUse(long now, double use) {
    if (!(use >= WARN_FROM)) {
      return;
    }
    boolean episodeBegins = warnings == 0 || now - lastWarning >= WARNING_HOLD_NANOS;
    warnings++;
    lastWarning = now;
    if (episodeBegins) {
      ceiling = rate;
    }
    if (now - nextEaseAllowed >= 0) {
      rate = Math.max(settings.minRate(), rate * (use >= EASE_HARD_FROM ? EASE_HARD : EASE_SOFT));
      nextEaseAllowed = now + EASE_INTERVAL_NANOS;
    }
  }

  /** Graph accepted a write. */
  void accepted(long now) {
    if (now - pausedUntil < 0) {
      return;
    }
    boolean warned = warnings > 0;
    if (warned && now - lastWarning < WARNING_HOLD_NANOS) {
      return;
    }
    // After a quiet spell (no 429 for 5 s; with a tenant that warns, no warning or 429 for 2 s) the
    // climb speeds up: the budget others were using has probably been freed (a replica finished),
    // and creeping back would leave it idle.
    long lastSignal = warned && lastWarning - lastThrottled > 0 ? lastWarning : lastThrottled;
    double quietSeconds = (now - lastSignal) / NANOS;
    // Near the pace of the last 429 or warning episode the climb is slow.
    boolean plateau = rate >= ceiling * PLATEAU_FROM && rate <= ceiling * PLATEAU_TO;
    double quietAfter =
        warned
            ? WARNED_QUIET_SECONDS
            : plateau ? Math.max(QUIET_SECONDS, PLATEAU_QUIET_GAPS * episodeGap) : QUIET_SECONDS;
    double boost = 1 + Math.max(0, quietSeconds - quietAfter) / 2.5;
    double step = Math.min(8, boost) * settings.recoveryPerSecond() / rate;
    double slowdown = warned ? WARNED_PLATEAU_SLOWDOWN : PLATEAU_SLOWDOWN;
    rate = Math.min(settings.maxRate(), rate + (plateau ? step * slowdown : step));
  }

  double rate() {
    return rate;
  }

  boolean paused(long now) {
    return now - pausedUntil < 0;
  }

  long throttles() {
    return throttles;
  }

  long warnings() {
    return warnings;
  }

  long granted() {
    return granted;
  }

  private double capacity() {
    return Math.max(1, rate * settings.burst().toNanos() / NANOS) + URGENT_RESERVE;
  }

  private void refill(long now) {
    if (pausing) {
      if (now - pausedUntil < 0) {
        return;
      }
      // No tokens accrue during a pause: after it, writes resume at the pace, not in a burst. The
      // urgent reserve is whole again, so bulk writes do not wait for it to refill first.
      pausing = false;
      lastRefill = pausedUntil;
      tokens = Math.max(tokens, URGENT_RESERVE);
    }
    long elapsed = now - lastRefill;
    if (elapsed > 0) {
      tokens = Math.min(capacity(), tokens + elapsed * rate / NANOS);
      lastRefill = now;
    }
  }
}
