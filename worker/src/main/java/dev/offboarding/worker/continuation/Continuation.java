package dev.offboarding.worker.continuation;

import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.intake.Inbound;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The state of an event that continues in a follow-up delivery, carried by the broker alone (no
 * database): the event as received, which step comes next, the counts of the users done so far,
 * where the walk through the event's users (in id order) stands, and the users to try again.
 *
 * <p>Follow-ups travel only on the worker's own queue ({@code SERVICEBUS_INTERNAL_QUEUE}), which
 * only the worker's identity may write; one that arrives anywhere else is dead-lettered unread
 * ({@code ForgedInternalMessage}). Even so, a follow-up is only ever a narrowing of its event:
 * every delivery plans the event again (so the blast-radius limit and protection are checked before
 * each chunk's first write), writes only users that the event's own targets still reach, reads back
 * the actions it says were done before reporting them, and its counts are bounded by the event.
 *
 * @param event the event message's body, exactly as received
 * @param origin which message of the event this continues ({@link Inbound#origin}: the broker's
 *     sequence number of the event message and the queue it arrived on): the audit and follow-ups
 *     of one run of an event carry ids derived from it, a deliberate re-send of the same event is a
 *     new run
 * @param queue the intake queue the event first arrived on: its provenance, whatever queue the
 *     follow-up travels on
 * @param step the delivery this follow-up starts: 1, 2, ...
 * @param startedAt when the event's first delivery began
 * @param counts final results published so far, by outcome
 * @param skippedMembers group members that were not users, as counted by the first delivery
 * @param usersResolved distinct users the first delivery resolved
 * @param cursor the highest user id already taken in order, or null when none was
 * @param pending users to try again first, with the rounds each has used
 * @param approved the second person's approval that released the event, carried so that its later
 *     chunks are not held again; null when the event needed none
 */
public record Continuation(
    byte[] event,
    String origin,
    String queue,
    int step,
    Instant startedAt,
    Map<TargetOutcome, Integer> counts,
    Map<String, Integer> skippedMembers,
    int usersResolved,
    String cursor,
    List<Pending> pending,
    Approved approved) {

  /**
   * Users one follow-up may carry, so that it stays well under the 256 KB message limit (about 30
   * bytes each on the wire, {@link ContinuationCodec}).
   */
  public static final int MAX_PENDING = 5_000;

  /** Steps of one event; far beyond any real event (100,000 users in chunks of 50 is 2,000). */
  public static final int MAX_STEP = 100_000;

  public Continuation {
    Objects.requireNonNull(event, "event");
    if (origin == null || !Inbound.isOrigin(origin)) {
      throw new IllegalArgumentException("origin must be <sequence number>@<queue>");
    }
    if (queue == null || !Inbound.isEntityName(queue)) {
      throw new IllegalArgumentException("queue must be a Service Bus entity name");
    }
    Objects.requireNonNull(startedAt, "startedAt");
    if (step < 1 || step > MAX_STEP) {
      throw new IllegalArgumentException("step must be 1.." + MAX_STEP);
    }
    EnumMap<TargetOutcome, Integer> all = new EnumMap<>(TargetOutcome.class);
    all.putAll(Objects.requireNonNull(counts, "counts"));
    all.values()
        .forEach(
            n -> {
              if (n == null || n < 0) {
                throw new IllegalArgumentException("counts must be >= 0");
              }
            });
    counts = java.util.Collections.unmodifiableMap(all);
    skippedMembers = java.util.Collections.unmodifiableMap(new TreeMap<>(skippedMembers));
    if (usersResolved < 0) {
      throw new IllegalArgumentException("usersResolved must be >= 0");
    }
    if (cursor != null && !dev.offboarding.contracts.Target.isGuid(cursor)) {
      throw new IllegalArgumentException("cursor must be a user object id");
    }
    pending = List.copyOf(pending);
    if (pending.size() > MAX_PENDING) {
      throw new IllegalArgumentException("at most " + MAX_PENDING + " pending users");
    }
  }

  /** The continuation of an event that needed no approval. */
  public Continuation(
      byte[] event,
      String origin,
      String queue,
      int step,
      Instant startedAt,
      Map<TargetOutcome, Integer> counts,
      Map<String, Integer> skippedMembers,
      int usersResolved,
      String cursor,
      List<Pending> pending) {
    this(
        event,
        origin,
        queue,
        step,
        startedAt,
        counts,
        skippedMembers,
        usersResolved,
        cursor,
        pending,
        null);
  }

  /**
   * A user to try again.
   *
   * @param userId its object id
   * @param rounds deliveries that gave up on it after transient failures so far
   * @param done its actions that already succeeded (and were read back) in an earlier delivery:
   *     they are not sent again
   */
  public record Pending(
      String userId, int rounds, java.util.Set<dev.offboarding.contracts.Action> done) {
    public Pending {
      done =
          done.isEmpty()
              ? java.util.Set.of()
              : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(done));
      if (userId == null || !dev.offboarding.contracts.Target.isGuid(userId)) {
        throw new IllegalArgumentException("a pending user must be an object id");
      }
      userId = userId.toLowerCase(java.util.Locale.ROOT);
      if (rounds < 0 || rounds > 1_000) {
        throw new IllegalArgumentException("rounds must be 0..1000");
      }
    }
  }
}
