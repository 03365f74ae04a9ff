package dev.offboarding.worker.budget;

import java.time.Duration;

/**
 * How the write governor paces and adapts.
 *
 * @param maxRate the configured budget in writes per second; the pace never goes above it
 * @param minRate the pace never drops below this, however many 429s arrive
 * @param decrease factor applied to the pace on a 429 (at most once per {@code decreaseCooldown})
 * @param recoveryPerSecond how many writes per second the pace regains per second of clean answers
 * @param burst how much of a second's budget may go out back to back after a quiet spell
 * @param decreaseCooldown 429s closer together than this (or than their Retry-After) count as one
 *     episode and lower the pace once; the answers to writes already in flight arrive together
 */
public record GovernorSettings(
    double maxRate,
    double minRate,
    double decrease,
    double recoveryPerSecond,
    Duration burst,
    Duration decreaseCooldown) {

  /**
   * The longest a 429's Retry-After may hold every write back, urgent ones included. Graph's write
   * budget is measured over 150 s, so any Retry-After that budget can justify is at most that long;
   * twice that leaves room for Graph's other throttles, while a bogus value (a day, or more than a
   * {@code long} of nanoseconds holds) cannot stop compromise revocations for longer. Should Graph
   * still be throttling after the cap, the next write's 429 pauses again: one extra 429 at most
   * every five minutes.
   */
  public static final Duration MAX_RETRY_AFTER_PAUSE = Duration.ofMinutes(5);

  public GovernorSettings {
    if (!(maxRate > 0) || !(minRate > 0) || minRate > maxRate) {
      throw new IllegalArgumentException("need 0 < minRate <= maxRate");
    }
    if (!(decrease > 0 && decrease < 1)) {
      throw new IllegalArgumentException("decrease must be in (0, 1)");
    }
    if (!(recoveryPerSecond > 0)) {
      throw new IllegalArgumentException("recoveryPerSecond must be > 0");
    }
  }

  /**
   * Defaults for a budget: halve the pace on a 429, regain a fortieth of the budget per second of
   * clean answers, bursts of 50 ms worth, floor at 2 % of the budget. Tuned with {@code
   * SharedTenantSimulationTest} (three replicas, one tenant): faster recovery or a gentler decrease
   * raise the 429 share without raising utilisation.
   */
  public static GovernorSettings forBudget(double writesPerSecond) {
    return new GovernorSettings(
        writesPerSecond,
        Math.max(0.05, writesPerSecond * 0.02),
        0.5,
        writesPerSecond / 40,
        Duration.ofMillis(50),
        Duration.ofSeconds(1));
  }
}
