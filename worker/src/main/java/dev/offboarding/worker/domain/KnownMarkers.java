package dev.offboarding.worker.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cancellation markers a process knows, by event id, until they expire. Bounded by what the
 * broker holds: each marker is dropped at its {@code until} (checked on every add and lookup).
 * Thread-safe.
 */
public final class KnownMarkers {
  private final Clock clock;
  private final ConcurrentHashMap<String, List<CancellationMarkers.Marker>> byEvent = new ConcurrentHashMap<>();

  public KnownMarkers(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The longest a marker may live. The worker's own live a day, or its longest run of an event
   * when that is longer; one that claims more was not written by a worker (anyone who may send to
   * the queue can write one) and is not kept, so no marker can cancel an event id for good.
   */
  public static final Duration MAX_LIFETIME = Duration.ofDays(30);

  /**
   * Remembers a marker (a second copy of the same cancel's marker is kept once).
   *
   * @return false when it was not kept: expired, or living longer than {@link #MAX_LIFETIME}
   */
  public boolean add(CancellationMarkers.Marker marker) {
    Instant now = clock.instant();
    if (!marker.until().isAfter(now) || marker.until().isAfter(now.plus(MAX_LIFETIME))) {
      return false;
    }
    byEvent.compute(marker.eventId(), (id, list) -> {
      List<CancellationMarkers.Marker> all = list == null ? new ArrayList<>() : new ArrayList<>(list);
      all.removeIf(m -> !m.until().isAfter(now));
      // A later marker of the same cancel may say more (what it removed): it replaces the earlier.
      all.removeIf(m -> m.cancelId().equals(marker.cancelId()) && marker.removed() != null);
      if (all.stream().noneMatch(m -> m.cancelId().equals(marker.cancelId()))) {
        all.add(marker);
      }
      return List.copyOf(all);
    });
    return true;
  }

  /** The unexpired markers of {@code eventId}, oldest first. */
  public List<CancellationMarkers.Marker> of(String eventId) {
    List<CancellationMarkers.Marker> all = byEvent.get(eventId);
    if (all == null) {
      return List.of();
    }
    Instant now = clock.instant();
    List<CancellationMarkers.Marker> live = all.stream().filter(m -> m.until().isAfter(now)).toList();
    if (live.size() != all.size()) {
      byEvent.computeIfPresent(eventId, (id, list) -> {
        List<CancellationMarkers.Marker> kept = list.stream().filter(m -> m.until().isAfter(now)).toList();
        return kept.isEmpty() ? null : kept;
      });
    }
    return live;
  }

  /** Drops every expired marker; returns how many are left. */
  public int expire() {
    Instant now = clock.instant();
    for (String id : List.copyOf(byEvent.keySet())) {
      byEvent.computeIfPresent(id, (k, list) -> {
        List<CancellationMarkers.Marker> kept = list.stream().filter(m -> m.until().isAfter(now)).toList();
        return kept.isEmpty() ? null : kept;
      });
    }
    return byEvent.values().stream().mapToInt(List::size).sum();
  }
}
