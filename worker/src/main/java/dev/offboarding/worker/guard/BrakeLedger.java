package dev.offboarding.worker.guard;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The count of one cap of the mass-action brake over the rolling window ({@link
 * MassActionBrake#WINDOW}): the users leased, by the minute they were booked in. A lease is booked
 * at the end of its minute, so it leaves the window no earlier than a full window after it was
 * granted, and the ledger holds at most one entry per minute. A replica that leases users ahead of
 * its work (a reserve) books them at the end of the reserve's life instead ({@link
 * #MAX_BOOKED_AHEAD} at most), so that they too are first written before the moment they are booked
 * at and the users first written in any rolling hour never exceed the cap; what the reserve did not
 * use is given back ({@link #release}). Immutable.
 *
 * <p>Its wire form ({@code BrakeLedgerCodec}), kept as the session state of the cap's session on
 * the worker's state queue, is compact JSON: {@code
 * {"format":"dev.offboarding.brake.v1","leases":[[<epoch second>,<users>],...]}}. Only the worker
 * may write that queue, but nothing read back from the broker is trusted beyond what can be
 * checked: decoding is strict, and a lease booked further ahead than a reserve and another
 * replica's clock allow ({@link #MAX_BOOKED_AHEAD} and {@link #CLOCK_SKEW}) is counted as booked
 * now, so that no entry can hold the window shut for much longer than one window.
 *
 * @param leases users leased, by the epoch second their minute ends
 */
public record BrakeLedger(NavigableMap<Long, Long> leases) {
  /** How far ahead of this clock another replica's clock may book a lease. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

  /** The furthest ahead a lease may be booked: the longest life of a replica's reserve. */
  public static final Duration MAX_BOOKED_AHEAD = Duration.ofMinutes(10);

  /** No lease yet. */
  public static final BrakeLedger EMPTY = new BrakeLedger(new TreeMap<>());

  public BrakeLedger {
    TreeMap<Long, Long> copy = new TreeMap<>();
    leases.forEach(
        (t, n) -> {
          if (t == null || n == null || n < 1) {
            throw new IllegalArgumentException("a lease books at least one user at a time");
          }
          copy.put(t, n);
        });
    leases = Collections.unmodifiableNavigableMap(copy);
  }

  /**
   * The outcome of a lease.
   *
   * @param ledger the count to keep, the grant booked and leases out of the window dropped
   * @param lease what was granted of the users wanted
   * @param extra users granted beyond those wanted (a reserve), booked with them
   * @param booked the epoch second the grant is booked at
   * @param fullUntil when the cap has no room at all after this grant: the earliest moment a lease
   *     leaves the window (nothing else frees room); null while room is left
   */
  public record Grant(
      BrakeLedger ledger, MassActionBrake.Lease lease, int extra, long booked, Instant fullUntil) {}

  /**
   * Grants up to {@code wanted} users against {@code cap} at {@code now}: as many as the window has
   * room for, booked at once.
   */
  public Grant grant(Instant now, int cap, int wanted) {
    return grant(now, cap, wanted, 0, now);
  }

  /**
   * Grants up to {@code wanted} users, then up to {@code extra} more, against {@code cap} at {@code
   * now}, booked at {@code bookAt} (now, or the end of a reserve's life): as many as the window has
   * room for. When fewer than {@code wanted} are granted, the lease says when room comes back for
   * the rest of them.
   */
  public Grant grant(Instant now, int cap, int wanted, int extra, Instant bookAt) {
    if (wanted < 0 || extra < 0) {
      throw new IllegalArgumentException("wanted and extra must be >= 0");
    }
    if (bookAt.isBefore(now) || bookAt.isAfter(now.plus(MAX_BOOKED_AHEAD))) {
      throw new IllegalArgumentException(
          "a lease is booked from now to " + MAX_BOOKED_AHEAD + " ahead");
    }
    long nowSecond = now.getEpochSecond();
    long left = nowSecond - MassActionBrake.WINDOW.getSeconds();
    long latest = nowSecond + CLOCK_SKEW.getSeconds() + MAX_BOOKED_AHEAD.getSeconds();
    TreeMap<Long, Long> kept = new TreeMap<>();
    for (Map.Entry<Long, Long> e : leases.entrySet()) {
      long at = e.getKey() > latest ? endOfMinute(nowSecond) : e.getKey();
      if (at > left) {
        kept.merge(at, e.getValue(), Math::addExact);
      }
    }
    long used = kept.values().stream().mapToLong(Long::longValue).sum();
    long room = Math.max(0, cap - used);
    int granted = (int) Math.min(wanted, room);
    int extraGranted = (int) Math.min(extra, room - granted);
    long booked = endOfMinute(bookAt.getEpochSecond());
    if (granted + extraGranted > 0) {
      kept.merge(booked, (long) granted + extraGranted, Math::addExact);
    }
    long total = used + granted + extraGranted;
    Instant roomAt =
        granted < wanted ? freedAt(kept, total - cap + Math.min(wanted - granted, cap)) : null;
    Instant fullUntil = total >= cap ? freedAt(kept, total - cap + 1) : null;
    return new Grant(
        new BrakeLedger(kept),
        new MassActionBrake.Lease(granted, roomAt),
        extraGranted,
        booked,
        fullUntil);
  }

  /**
   * Gives back {@code users} booked at {@code booked} and never written (what a reserve did not
   * use), as far as they are still in the ledger.
   */
  public BrakeLedger release(long booked, int users) {
    Long at = leases.get(booked);
    if (at == null || users <= 0) {
      return this;
    }
    TreeMap<Long, Long> next = new TreeMap<>(leases);
    if (at <= users) {
      next.remove(booked);
    } else {
      next.put(booked, at - users);
    }
    return new BrakeLedger(next);
  }

  /** Users counted in the window at {@code now}. */
  public long used(Instant now) {
    long left = now.getEpochSecond() - MassActionBrake.WINDOW.getSeconds();
    return leases.entrySet().stream()
        .filter(e -> e.getKey() > left)
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /**
   * A ledger that counts the whole cap as leased now: the cap holds everything back for one window.
   */
  public static BrakeLedger full(Instant now, int cap) {
    TreeMap<Long, Long> one = new TreeMap<>();
    one.put(endOfMinute(now.getEpochSecond()), (long) cap);
    return new BrakeLedger(one);
  }

  /** When, leases leaving the window oldest first, {@code users} have left it. */
  private static Instant freedAt(NavigableMap<Long, Long> leases, long users) {
    long freed = 0;
    for (Map.Entry<Long, Long> e : leases.entrySet()) {
      freed += e.getValue();
      if (freed >= users) {
        return Instant.ofEpochSecond(e.getKey()).plus(MassActionBrake.WINDOW);
      }
    }
    // Only when the cap is larger than everything booked, which a caller never asks about.
    return Instant.ofEpochSecond(leases.isEmpty() ? 0 : leases.lastKey())
        .plus(MassActionBrake.WINDOW);
  }

  private static long endOfMinute(long epochSecond) {
    return Math.ceilDiv(epochSecond, 60L) * 60L;
  }
}
