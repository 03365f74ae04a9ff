package dev.offboarding.worker.watch;

import dev.offboarding.contracts.AccessWindow;
import java.time.Duration;
import java.util.Objects;

/**
 * How the sign-in watch runs ({@code WATCH_SIGN_INS}, {@code WATCH_SIGN_INS_POLL_INTERVAL}, {@code
 * SIGN_IN_LOG_LATENCY}, {@code ACCESS_TOKEN_MAX_LIFETIME}).
 *
 * @param enabled whether revoked users are watched at all (off by default)
 * @param pollInterval how long an entry waits between two reads of the log
 * @param logLatency how long after a sign-in the log may first show it: a window is read once more
 *     this long after it closed before "none seen" is said
 * @param accessTokenMaxLifetime the tenant's longest access-token lifetime: the window's length
 *     when a result carries no {@code access} of its own
 */
public record WatchSettings(
    boolean enabled, Duration pollInterval, Duration logLatency, Duration accessTokenMaxLifetime) {
  /** {@code WATCH_SIGN_INS_POLL_INTERVAL}'s default: one read per minute per entry. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(1);

  /**
   * {@code SIGN_IN_LOG_LATENCY}'s default: Microsoft gave 2 minutes at p95 and 5 at p99 for sign-in
   * logs; twice the p99 leaves room for a slow day.
   */
  public static final Duration DEFAULT_LOG_LATENCY = Duration.ofMinutes(10);

  public WatchSettings {
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(logLatency, "logLatency");
    Objects.requireNonNull(accessTokenMaxLifetime, "accessTokenMaxLifetime");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive");
    }
    if (logLatency.isNegative()) {
      throw new IllegalArgumentException("logLatency must not be negative");
    }
    if (accessTokenMaxLifetime.isNegative()
        || accessTokenMaxLifetime.isZero()
        || accessTokenMaxLifetime.compareTo(AccessWindow.LONGEST_ACCESS_TOKEN_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          "accessTokenMaxLifetime must be positive and at most 28 hours");
    }
  }

  /** The watch off, everything else at its default. */
  public static WatchSettings off() {
    return new WatchSettings(
        false,
        DEFAULT_POLL_INTERVAL,
        DEFAULT_LOG_LATENCY,
        AccessWindow.DEFAULT_MAX_ACCESS_TOKEN_LIFETIME);
  }
}
