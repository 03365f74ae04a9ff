package dev.offboarding.worker.verify;

import dev.offboarding.contracts.Action;
import dev.offboarding.worker.tenant.AccountState;
import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a user back after Graph acknowledged a write, to tell a write that took effect from one
 * that was only accepted: a revoke is in effect when {@code signInSessionsValidFromDateTime} is at
 * or after the moment the revoke was sent (less an allowed clock skew), a disable when {@code
 * accountEnabled} is false.
 *
 * <p>The directory is eventually consistent, so a read that does not show the write yet is made
 * again, {@code reads} times in all, waiting {@code firstDelay} and then twice as long before each
 * further read; only then is the write reported unverified. A failed read (the directory has
 * already retried what was transient) ends verification at once as unverified, with the failure as
 * the reason: verification never turns an acknowledged write into an exception. Thread-safe; every
 * wait goes through the injected {@link Sleeper}.
 */
public final class Verifier {

  /**
   * How far before the worker's send time a revoke's watermark may be and still count as this
   * revoke's. Entra stamps {@code signInSessionsValidFromDateTime} with its own clock when it
   * processes the revoke, and the worker compares it with its own; two NTP-synchronised clocks
   * differ by well under a second, so 2 minutes absorbs a badly drifting host (or container) clock
   * without a false UNVERIFIED. It stays far below what it guards against: a watermark left by an
   * earlier revoke is usually hours or days old, and access tokens live 60 to 90 minutes anyway.
   * The price: a revoke made less than 2 minutes before this one would hide this one's failure,
   * which then matters little, as tokens from those 2 minutes are all that survive.
   */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(2);

  /** Reads in all before a write is reported unverified. */
  public static final int DEFAULT_READS = 3;

  /**
   * The wait before the second read, doubled before each further one (1 s, then 2 s: 3 s at most
   * per write with the defaults). Directory replication usually catches up within a second or two;
   * longer would hold every user's audit back for the rare write that never shows.
   */
  public static final Duration DEFAULT_FIRST_DELAY = Duration.ofSeconds(1);

  private final Directory directory;
  private final Sleeper sleeper;
  private final Clock clock;
  private final Duration clockSkew;
  private final int reads;
  private final Duration firstDelay;

  /** A verifier with the default skew, reads and delay. */
  public Verifier(Directory directory, Sleeper sleeper, Clock clock) {
    this(directory, sleeper, clock, DEFAULT_CLOCK_SKEW, DEFAULT_READS, DEFAULT_FIRST_DELAY);
  }

  /**
   * @param clockSkew how far before the revoke's send time its watermark may be (not negative)
   * @param reads reads in all before answering unverified (at least 1)
   * @param firstDelay the wait before the second read, doubled before each further one (not
   *     negative)
   */
  public Verifier(
      Directory directory,
      Sleeper sleeper,
      Clock clock,
      Duration clockSkew,
      int reads,
      Duration firstDelay) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
    this.firstDelay = Objects.requireNonNull(firstDelay, "firstDelay");
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("clockSkew must not be negative");
    }
    if (firstDelay.isNegative()) {
      throw new IllegalArgumentException("firstDelay must not be negative");
    }
    if (reads < 1) {
      throw new IllegalArgumentException("reads must be >= 1");
    }
    this.reads = reads;
  }

  /**
   * Reads the user back until the write shows or the reads are used up.
   *
   * @param action the write Graph acknowledged
   * @param userId the user's object id
   * @param requestedAt when the write was sent (for a retried write, the first attempt's start is
   *     earlier and so only more lenient); used for revokes only
   * @throws InterruptedException when interrupted while waiting between reads, or while the
   *     directory waited to retry a read
   */
  public Verification verify(Action action, String userId, Instant requestedAt)
      throws InterruptedException {
    Objects.requireNonNull(action, "action");
    return verify(userId, Map.of(action, requestedAt)).get(action);
  }

  /**
   * Reads the user back for several writes at once (a leaver's disable and revoke): one read
   * answers both, and reads go on only while some write does not show yet.
   *
   * @param writes each acknowledged write, with when it was sent
   * @return a verification per write, in the map's key set
   */
  public Map<Action, Verification> verify(String userId, Map<Action, Instant> writes)
      throws InterruptedException {
    return readBack(userId, writes).checks();
  }

  /**
   * What reading a user back showed: a verification per write, and the user's state as last read.
   *
   * @param checks a verification per acknowledged write
   * @param state the last state read; null when no read returned the user (not found, or failed)
   */
  public record ReadBack(Map<Action, Verification> checks, AccountState state) {}

  /**
   * As {@link #verify(String, Map)}, and also returns the state last read: it names the user (UPN,
   * type) for the audit of a user written by object id without a prior read.
   */
  public ReadBack readBack(String userId, Map<Action, Instant> writes) throws InterruptedException {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(writes, "writes");
    Map<Action, Verification> done = new EnumMap<>(Action.class);
    Map<Action, String> notYet = new EnumMap<>(Action.class);
    writes.keySet().forEach(a -> notYet.put(a, "not read back"));
    Duration delay = firstDelay;
    AccountState last = null;
    int made = 0;
    while (made < reads && !notYet.isEmpty()) {
      if (made > 0) {
        sleeper.sleep(delay);
        delay = delay.multipliedBy(2);
      }
      Optional<AccountState> state;
      try {
        made++;
        state = directory.accountState(userId);
      } catch (GraphFailure failure) {
        if (Thread.interrupted()) {
          // The directory turned an interrupted retry wait into a failure; interruption wins.
          throw new InterruptedException("interrupted while reading " + userId + " back");
        }
        for (Action action : notYet.keySet()) {
          done.put(action, unverified(last, made, "read-back failed: " + failure.getMessage()));
        }
        return new ReadBack(done, last);
      }
      if (state.isEmpty()) {
        last = null;
        notYet.replaceAll((a, why) -> "user not found on read-back");
        continue;
      }
      last = state.get();
      for (var it = notYet.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        Instant requestedAt = Objects.requireNonNull(writes.get(entry.getKey()), "requestedAt");
        // Graph reports the watermark in whole seconds: a revoke processed in the second it was
        // sent reads back as that second's start.
        Instant threshold = requestedAt.truncatedTo(ChronoUnit.SECONDS).minus(clockSkew);
        String why = notInEffect(entry.getKey(), last, requestedAt, threshold);
        if (why == null) {
          done.put(
              entry.getKey(),
              new Verification(
                  true,
                  last.accountEnabled(),
                  last.signInSessionsValidFrom(),
                  made,
                  null,
                  clock.instant()));
          it.remove();
        } else {
          entry.setValue(why);
        }
      }
    }
    for (Map.Entry<Action, String> entry : notYet.entrySet()) {
      done.put(
          entry.getKey(),
          unverified(last, made, entry.getValue() + (made > 1 ? " after " + made + " reads" : "")));
    }
    return new ReadBack(done, last);
  }

  /** Why this state does not show the write, or null when it does. */
  private String notInEffect(
      Action action, AccountState state, Instant requestedAt, Instant threshold) {
    return switch (action) {
      case REVOKE_SESSIONS -> {
        Instant validFrom = state.signInSessionsValidFrom();
        if (validFrom == null) {
          yield "signInSessionsValidFromDateTime was not returned on read-back";
        }
        yield validFrom.isBefore(threshold)
            ? "signInSessionsValidFromDateTime "
                + validFrom
                + " is before the revoke at "
                + requestedAt.truncatedTo(ChronoUnit.SECONDS)
                + " (allowing "
                + clockSkew.toSeconds()
                + " s of clock skew)"
            : null;
      }
      case DISABLE_ACCOUNT -> {
        if (state.accountEnabled() == null) {
          yield "accountEnabled was not returned on read-back";
        }
        yield state.accountEnabled() ? "accountEnabled is still true" : null;
      }
      case ENABLE_ACCOUNT -> {
        if (state.accountEnabled() == null) {
          yield "accountEnabled was not returned on read-back";
        }
        yield state.accountEnabled() ? null : "accountEnabled is still false";
      }
      case RESET_PASSWORD, CONFIRM_COMPROMISED, DISABLE_DEVICES, ENABLE_DEVICES ->
          throw new IllegalArgumentException(
              action.wireName() + " is not verified by reading the account");
    };
  }

  private Verification unverified(AccountState last, int made, String reason) {
    return new Verification(
        false,
        last == null ? null : last.accountEnabled(),
        last == null ? null : last.signInSessionsValidFrom(),
        made,
        reason,
        clock.instant());
  }
}
