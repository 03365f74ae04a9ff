package dev.offboarding.worker.watch;

import dev.offboarding.worker.tenant.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The requests sent to the reporting API in its last window: Graph allows about {@value #LIMIT}
 * requests per {@link #WINDOW} per app and tenant ({@code auditLogs/signIns}). Before each request
 * the watch waits until the oldest of the last {@value #LIMIT} left the window; each is counted
 * from the moment its answer came. Immutable; kept in the lease's session state so that every
 * replica counts the same requests.
 *
 * @param times when the last requests went, oldest first, at most {@value #LIMIT}
 */
public record SignInRequests(List<Instant> times) {
  /** Requests per window. */
  public static final int LIMIT = 5;

  /** The window. */
  public static final Duration WINDOW = Duration.ofSeconds(10);

  /** No request yet. */
  public static final SignInRequests EMPTY = new SignInRequests(List.of());

  public SignInRequests {
    times = List.copyOf(Objects.requireNonNull(times, "times"));
    if (times.size() > LIMIT) {
      throw new IllegalArgumentException("at most " + LIMIT + " requests are remembered");
    }
    for (int i = 1; i < times.size(); i++) {
      if (times.get(i).isBefore(times.get(i - 1))) {
        throw new IllegalArgumentException("requests are remembered oldest first");
      }
    }
  }

  /** How long a request at {@code now} must wait; zero when it may go at once. */
  public Duration wait(Instant now) {
    if (times.size() < LIMIT) {
      return Duration.ZERO;
    }
    // A request remembered in the future (another replica's clock ahead) counts from now.
    Instant oldest = times.get(0).isAfter(now) ? now : times.get(0);
    Duration left = Duration.between(now, oldest.plus(WINDOW));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** The requests with one more at {@code at}, the oldest forgotten beyond {@value #LIMIT}. */
  public SignInRequests with(Instant at) {
    List<Instant> next = new ArrayList<>(times);
    Instant last = next.isEmpty() ? at : next.get(next.size() - 1);
    next.add(at.isBefore(last) ? last : at);
    while (next.size() > LIMIT) {
      next.remove(0);
    }
    return new SignInRequests(next);
  }

  /** Waits (on {@code sleeper}) until a request may go. */
  public void await(Clock clock, Sleeper sleeper) throws InterruptedException {
    Duration wait = wait(clock.instant());
    if (!wait.isZero()) {
      sleeper.sleep(wait);
    }
  }

  /**
   * A gate over a count kept in {@code requests}: waits for room before each request, counts each
   * when it is over.
   */
  public static dev.offboarding.worker.watch.SignInLog.RequestGate gate(
      SignInRequests[] requests, Clock clock, Sleeper sleeper) {
    return new dev.offboarding.worker.watch.SignInLog.RequestGate() {
      @Override
      public void pass() throws InterruptedException {
        requests[0].await(clock, sleeper);
      }

      @Override
      public void sent() {
        requests[0] = requests[0].with(clock.instant());
      }
    };
  }
}
