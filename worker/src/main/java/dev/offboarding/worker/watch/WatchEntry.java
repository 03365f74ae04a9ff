package dev.offboarding.worker.watch;

import dev.offboarding.contracts.Provenance;
import dev.offboarding.contracts.Target;
import dev.offboarding.worker.intake.Inbound;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One watch entry: the state of the sign-in watch over some users of one run of an event, carried
 * by the broker alone as a scheduled message on the worker's own queue. Each poll reads the log for
 * its users, publishes what is new, and hands on the next entry (poll + 1, the sign-ins already
 * published added) before the delivered one is completed; ids derive from the event's origin, the
 * part and the poll, so the queue's duplicate detection keeps one copy of each.
 *
 * <p>Only the worker writes its own queue; a watch entry anywhere else is dead-lettered unread
 * ({@code ForgedInternalMessage}). Even there, an entry asks for nothing but reads of the sign-in
 * log for the users it names, and its users and windows are bounded here.
 *
 * @param origin the broker's identity of the event message ({@link Inbound#origin}), from which the
 *     ids of the entry's messages derive
 * @param eventId the event's id, the correlation id of what the watch publishes
 * @param part which entry of the run this is ({@code <step>.<index>}: the delivery that revoked the
 *     users and the slice of them), so that two entries of one run never share an id
 * @param poll how many reads of the log came before this one
 * @param provenance the event's provenance; its queue is the intake queue the event arrived on
 * @param users the users still watched, by id
 */
public record WatchEntry(
    String origin,
    String eventId,
    String part,
    int poll,
    Provenance provenance,
    List<Watched> users) {
  /** Users one entry carries: a few kilobytes on the wire, and a poll of them within one lease. */
  public static final int MAX_USERS = 150;

  /**
   * Sign-ins one user's entry remembers; a user seen signing in this often is no longer watched.
   */
  public static final int MAX_SEEN = 50;

  /** Polls of one entry: a 28-hour window polled every 10 s stays far below it. */
  public static final int MAX_POLLS = 1_000_000;

  public WatchEntry {
    if (origin == null || !Inbound.isOrigin(origin)) {
      throw new IllegalArgumentException("origin must be <sequence number>@<queue>");
    }
    if (eventId == null
        || eventId.isBlank()
        || eventId.length() > 256
        || eventId.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("eventId must be printable, at most 256 characters");
    }
    if (part == null || !part.matches("\\d{1,6}\\.\\d{1,4}")) {
      throw new IllegalArgumentException("part must be <step>.<index>");
    }
    if (poll < 0 || poll > MAX_POLLS) {
      throw new IllegalArgumentException("poll must be 0.." + MAX_POLLS);
    }
    Objects.requireNonNull(provenance, "provenance");
    if (provenance.queue() == null || !Inbound.isEntityName(provenance.queue())) {
      throw new IllegalArgumentException("provenance must name the intake queue");
    }
    users =
        List.copyOf(Objects.requireNonNull(users, "users")).stream()
            .sorted(Comparator.comparing(Watched::userId))
            .toList();
    if (users.isEmpty() || users.size() > MAX_USERS) {
      throw new IllegalArgumentException("an entry watches 1.." + MAX_USERS + " users");
    }
    if (users.stream().map(Watched::userId).distinct().count() != users.size()) {
      throw new IllegalArgumentException("a user is watched once per entry");
    }
  }

  /** The same entry for the next poll, watching {@code users}. */
  public WatchEntry next(List<Watched> users) {
    return new WatchEntry(origin, eventId, part, poll + 1, provenance, users);
  }

  /**
   * One watched user.
   *
   * @param userId the user's object id
   * @param revokedAt when Graph accepted the user's first revoke, disable or password reset
   * @param allResourcesBy when the window closes; not before {@code revokedAt}, at most 28 hours
   *     after it
   * @param seen ids of the sign-ins already published, at most {@link #MAX_SEEN}
   */
  public record Watched(
      String userId, Instant revokedAt, Instant allResourcesBy, Set<String> seen) {
    public Watched {
      if (!Target.isGuid(userId)) {
        throw new IllegalArgumentException("userId must be an object id");
      }
      userId = userId.toLowerCase(java.util.Locale.ROOT);
      Objects.requireNonNull(revokedAt, "revokedAt");
      Objects.requireNonNull(allResourcesBy, "allResourcesBy");
      if (allResourcesBy.isBefore(revokedAt)
          || allResourcesBy.isAfter(
              revokedAt.plus(
                  dev.offboarding.contracts.AccessWindow.LONGEST_ACCESS_TOKEN_LIFETIME))) {
        throw new IllegalArgumentException(
            "allResourcesBy must lie within 28 hours after revokedAt");
      }
      seen = new TreeSet<>(Objects.requireNonNull(seen, "seen"));
      if (seen.size() > MAX_SEEN || !seen.stream().allMatch(Target::isGuid)) {
        throw new IllegalArgumentException("seen holds at most " + MAX_SEEN + " sign-in ids");
      }
      seen = java.util.Collections.unmodifiableSet((TreeSet<String>) seen);
    }

    /** The same user, with {@code more} sign-ins published. */
    public Watched seeing(java.util.Collection<String> more) {
      TreeSet<String> all = new TreeSet<>(seen);
      all.addAll(more);
      return new Watched(userId, revokedAt, allResourcesBy, all);
    }
  }
}
