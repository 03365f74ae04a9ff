package dev.offboarding.worker.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cancellation markers a process knows, by event id, until they expire, and at most a bounded
 * number of them: a flood of markers cannot exhaust the heap. Each marker is dropped at its {@code
 * until} (checked on every add and lookup). Thread-safe.
 */
public final class KnownMarkers {
  /**
   * The longest a marker may live. The worker's own live a day, or its longest run of an event when
   * that is longer; one that claims more was not written by a worker and is not kept, so no marker
   * can cancel an event id for good.
   */
  public static final Duration MAX_LIFETIME = Duration.ofDays(30);

  /**
   * The most unexpired markers a process keeps: far more cancels than any tenant sends in a
   * marker's life (a day), at about half a kilobyte each.
   */
  public static final int MAX_KNOWN = 100_000;

  /** What became of a marker offered to {@link #add}. */
  public enum Added {
    /** Kept, or already known. */
    KEPT,
    /** Not kept: expired, or living longer than {@link #MAX_LIFETIME}. */
    REFUSED,
    /** Not kept: {@link #bound()} markers are known already. */
    FULL
  }

  private final Clock clock;
  private final int bound;
  private final ConcurrentHashMap<String, List<CancellationMarkers.Marker>> byEvent =
      new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();

  /** An empty set that keeps at most {@code MAX_KNOWN} markers, expiring them by {@code clock}. */
  public KnownMarkers(Clock clock) {
    this(clock, MAX_KNOWN);
  }

  /**
   * @param bound the most unexpired markers kept
   */
  public KnownMarkers(Clock clock, int bound) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (bound < 1) {
      throw new IllegalArgumentException("bound must be >= 1");
    }
    this.bound = bound;
  }

  /** The most unexpired markers kept. */
  public int bound() {
    return bound;
  }

  /** Remembers a marker (a second copy of the same cancel's marker is kept once). */
  public Added add(CancellationMarkers.Marker marker) {
    Instant now = clock.instant();
    if (!marker.until().isAfter(now) || marker.until().isAfter(now.plus(MAX_LIFETIME))) {
      return Added.REFUSED;
    }
    if (size.get() >= bound && expire() >= bound && !knows(marker)) {
      return Added.FULL;
    }
    boolean[] full = {false};
    byEvent.compute(
        marker.eventId(),
        (id, list) -> {
          List<CancellationMarkers.Marker> all =
              list == null ? new ArrayList<>() : new ArrayList<>(list);
          int before = all.size();
          all.removeIf(m -> !m.until().isAfter(now));
          // A later marker of the same cancel may say more (what it removed): it replaces the
          // earlier.
          all.removeIf(m -> m.cancelId().equals(marker.cancelId()) && marker.removed() != null);
          if (all.stream().noneMatch(m -> m.cancelId().equals(marker.cancelId()))) {
            if (size.get() - (before - all.size()) >= bound) {
              full[0] = true;
            } else {
              all.add(marker);
            }
          }
          size.addAndGet(all.size() - before);
          return all.isEmpty() ? null : List.copyOf(all);
        });
    return full[0] ? Added.FULL : Added.KEPT;
  }

  private boolean knows(CancellationMarkers.Marker marker) {
    return of(marker.eventId()).stream().anyMatch(m -> m.cancelId().equals(marker.cancelId()));
  }

  /** The unexpired markers of {@code eventId}, oldest first. */
  public List<CancellationMarkers.Marker> of(String eventId) {
    List<CancellationMarkers.Marker> all = byEvent.get(eventId);
    if (all == null) {
      return List.of();
    }
    Instant now = clock.instant();
    List<CancellationMarkers.Marker> live =
        all.stream().filter(m -> m.until().isAfter(now)).toList();
    if (live.size() != all.size()) {
      dropExpired(eventId, now);
    }
    return live;
  }

  /** Drops every expired marker; returns how many are left. */
  public int expire() {
    Instant now = clock.instant();
    for (String id : List.copyOf(byEvent.keySet())) {
      dropExpired(id, now);
    }
    return size.get();
  }

  private void dropExpired(String eventId, Instant now) {
    byEvent.computeIfPresent(
        eventId,
        (k, list) -> {
          List<CancellationMarkers.Marker> kept =
              list.stream().filter(m -> m.until().isAfter(now)).toList();
          size.addAndGet(kept.size() - list.size());
          return kept.isEmpty() ? null : kept;
        });
  }
}
