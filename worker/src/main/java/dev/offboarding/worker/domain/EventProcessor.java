package dev.offboarding.worker.domain;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.Cancellation;
import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Problem;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One delivery of an event, start to finish: decode and validate, plan, execute a bounded chunk,
 * publish the audit, hand what is left to a follow-up, and decide the settlement. Knows nothing of
 * Service Bus or Graph; thread-safe, one call per delivery.
 *
 * <p>An event's users are done in ascending id order, at most {@link DeliveryBounds} of them per
 * delivery. Users that finish get their one final result; users whose writes gave up on transient
 * failures, and users not started (the bound, shutdown), go into a {@link Continuation} that the
 * broker holds, so finished users stay finished and only the rest are tried again, by any replica.
 * Every delivery, follow-ups included, plans the event again first: the blast-radius limit and the
 * protected set are checked before each chunk's first write.
 *
 * <p>An event whose {@code effectiveAt} lies ahead is not planned: it is handed back to the broker
 * to be held until then ({@link FollowUps#hold}) and audited SCHEDULED. A cancel event removes a
 * held event through {@link ScheduledEvents}, stops one this process is running ({@link
 * RunningEvents}), and first leaves a {@link CancellationMarkers cancellation marker} in the broker,
 * so that the event also stops wherever else it runs: a running event checks the markers between
 * users, and a follow-up or first delivery of a marked event finishes it as cancelled instead of
 * running it.
 */
public final class EventProcessor {
  /** How many target results go to the sink in one call. */
  static final int AUDIT_CHUNK = 100;

  /** The shortest life of a cancellation marker, whatever the delivery bounds. */
  public static final Duration MIN_MARKER_LIFETIME = Duration.ofDays(1);

  /** {@code MAX_SCHEDULE_AHEAD}'s default: 90 days. */
  public static final Duration DEFAULT_MAX_SCHEDULE_AHEAD = Duration.ofDays(90);

  /**
   * One delivery's inputs.
   *
   * @param body the message body: an event, or a follow-up ({@link ContinuationCodec})
   * @param origin the broker's identity of the event message (its sequence number); a follow-up
   *     carries its event's own
   * @param redelivery true when the message was delivered or tried before
   * @param audit where this delivery's audit goes
   * @param followUps where the event's continuation goes (the queue the message came from)
   * @param stop true once no further user should be started (shutdown)
   * @param heartbeat called after planning and after each chunk of results, so intake can renew the lock
   * @param heldUntilDue true when the broker held this event until its {@code effectiveAt}: it runs now
   */
  public record Work(byte[] body, String origin, boolean redelivery, AuditSink audit, FollowUps followUps,
      BooleanSupplier stop, Runnable heartbeat, boolean heldUntilDue) {
    public Work {
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(audit, "audit");
      Objects.requireNonNull(followUps, "followUps");
      Objects.requireNonNull(stop, "stop");
      Objects.requireNonNull(heartbeat, "heartbeat");
    }

    /** A delivery of a message the worker did not hold. */
    public Work(byte[] body, String origin, boolean redelivery, AuditSink audit, FollowUps followUps,
        BooleanSupplier stop, Runnable heartbeat) {
      this(body, origin, redelivery, audit, followUps, stop, heartbeat, false);
    }
  }

  private final EventCodec codec;
  private final ContinuationCodec continuations = new ContinuationCodec();
  private final CancellationMarkerCodec markerCodec = new CancellationMarkerCodec();
  private final Planner planner;
  private final Executor executor;
  private final Clock clock;
  private final Progress progress;
  private final DeliveryBounds bounds;
  private final Duration maxScheduleAhead;
  private final ScheduledEvents scheduled;
  private final RunningEvents running;
  private final CancellationMarkers markers;
  private final Duration markerLifetime;

  /** A processor with the default horizon of {@code effectiveAt}, {@link #DEFAULT_MAX_SCHEDULE_AHEAD}. */
  public EventProcessor(EventCodec codec, Planner planner, Executor executor, Clock clock, Progress progress,
      DeliveryBounds bounds) {
    this(codec, planner, executor, clock, progress, bounds, DEFAULT_MAX_SCHEDULE_AHEAD, ScheduledEvents.UNAVAILABLE,
        new RunningEvents());
  }

  /**
   * A processor.
   *
   * @param maxScheduleAhead how far ahead an event's {@code effectiveAt} may lie; beyond it the
   *     event is rejected ({@code MAX_SCHEDULE_AHEAD})
   * @param scheduled where cancel events look for the events they cancel
   * @param running the events this process is executing, which a cancel event may stop
   */
  public EventProcessor(EventCodec codec, Planner planner, Executor executor, Clock clock, Progress progress,
      DeliveryBounds bounds, Duration maxScheduleAhead, ScheduledEvents scheduled, RunningEvents running) {
    this(codec, planner, executor, clock, progress, bounds, maxScheduleAhead, scheduled, running,
        CancellationMarkers.inMemory(clock), MIN_MARKER_LIFETIME);
  }

  /**
   * A processor whose cancel events also leave markers in the broker.
   *
   * @param markers the cancellation markers every worker knows, checked between users and before a delivery runs
   * @param markerLifetime how long a marker lives: longer than any run of an event ({@link
   *     DeliveryBounds#longestRun}), at least {@link #MIN_MARKER_LIFETIME}, at most {@link
   *     KnownMarkers#MAX_LIFETIME}
   */
  public EventProcessor(EventCodec codec, Planner planner, Executor executor, Clock clock, Progress progress,
      DeliveryBounds bounds, Duration maxScheduleAhead, ScheduledEvents scheduled, RunningEvents running,
      CancellationMarkers markers, Duration markerLifetime) {
    this.markers = Objects.requireNonNull(markers, "markers");
    this.markerLifetime = markerLifetime.compareTo(MIN_MARKER_LIFETIME) < 0 ? MIN_MARKER_LIFETIME
        : markerLifetime.compareTo(KnownMarkers.MAX_LIFETIME) > 0 ? KnownMarkers.MAX_LIFETIME : markerLifetime;
    this.scheduled = Objects.requireNonNull(scheduled, "scheduled");
    this.running = Objects.requireNonNull(running, "running");
    if (maxScheduleAhead.isNegative() || maxScheduleAhead.isZero()) {
      throw new IllegalArgumentException("maxScheduleAhead must be positive");
    }
    this.maxScheduleAhead = maxScheduleAhead;
    this.codec = codec;
    this.planner = planner;
    this.executor = executor;
    this.clock = clock;
    this.progress = progress;
    this.bounds = bounds;
  }

  /**
   * Processes one delivery.
   *
   * @return how to settle the message; never throws except on interruption
   */
  public Settlement process(Work work) throws InterruptedException {
    Instant started = clock.instant();
    AuditSink audit = work.audit();
    boolean redelivery = work.redelivery();
    Continuation from = null;
    byte[] eventBody = work.body();
    if (markerCodec.isMarker(eventBody)) {
      // A cancellation marker that came due: its life is over, and it is dropped. What it said was
      // learnt by peeking while it was scheduled; a delivered one asks for nothing.
      return new Settlement.Complete();
    }
    if (continuations.isContinuation(eventBody)) {
      try {
        from = continuations.decode(eventBody);
      } catch (IllegalArgumentException e) {
        return reject(audit, Summaries.rejected(null, null, "InvalidContinuation: " + e.getMessage(), List.of(),
            started, clock.instant(), redelivery), "InvalidContinuation", e.getMessage());
      }
      eventBody = from.event();
    }
    DecodeResult decoded = codec.decode(eventBody);
    if (decoded instanceof DecodeResult.Invalid invalid) {
      String description = invalid.problems().stream().map(Problem::toString).collect(Collectors.joining("; "));
      return reject(audit, Summaries.rejected(invalid.eventId(), invalid.eventType(), "InvalidEvent: " + description,
          invalid.problems(), started, clock.instant(), redelivery), "InvalidEvent", description);
    }
    OffboardingEvent event = ((DecodeResult.Valid) decoded).event();
    int step = from == null ? 0 : from.step();
    if (event.type() == EventType.CANCEL) {
      if (from != null) {
        return reject(audit, Summaries.rejected(event.id(), event.type().wireName(),
            "InvalidContinuation: a cancel event has no follow-ups", List.of(), started, clock.instant(), redelivery),
            "InvalidContinuation", "a cancel event has no follow-ups");
      }
      return cancel(work, event, started);
    }
    List<CancellationMarkers.Marker> marked = markers.known(event.id());
    if (!marked.isEmpty()) {
      return finishMarked(work, event, from, marked.get(0), started);
    }
    if (from == null && !work.heldUntilDue() && event.dueAfter(started)) {
      return hold(work, event, eventBody, started);
    }

    Planned planned = plan(work, event, started);
    if (planned.settlement() != null) {
      return planned.settlement();
    }
    StreamingPlan plan = planned.plan();
    Chunk chunk = chunk(plan, from, chunkLimit(eventBody));
    plan.select(chunk.users());
    work.heartbeat().run();

    // Results go out in batches as users finish: a huge group never sits in memory.
    List<TargetAudit> batch = new ArrayList<>(AUDIT_CHUNK);
    Consumer<TargetAudit> publish = result -> {
      batch.add(result);
      if (batch.size() == AUDIT_CHUNK) {
        flush(audit, batch);
        work.heartbeat().run();
      }
    };
    Map<TargetOutcome, Integer> counts = new EnumMap<>(TargetOutcome.class);
    if (from != null) {
      counts.putAll(from.counts());
    }
    // Registered while it executes, so that a cancel event processed here can stop it between users.
    try (RunningEvents.Run run = running.start(event.id())) {
      // A cancel taken here flags the run; one taken by another replica arrives as a marker.
      BooleanSupplier stop = () -> work.stop().getAsBoolean() || run.cancelled()
          || !markers.known(event.id()).isEmpty();
      Executor.Outcome outcome;
      try {
        for (String gone : chunk.noLongerReached()) {
          publish.accept(noLongerReached(event, gone, redelivery));
          counts.merge(TargetOutcome.SKIPPED, 1, Integer::sum);
        }
        outcome = executor.execute(plan, new Executor.Bounds(redelivery, started.plus(bounds.maxDuration()),
            stop, id -> chunk.rounds().getOrDefault(id, 0), id -> chunk.done().getOrDefault(id, Set.of()),
            bounds.maxRounds()), step == 0, publish, progress);
        if (outcome.end() == Executor.End.SINK_FAILED) {
          throw outcome.failure();
        }
        if (outcome.end() == Executor.End.INTERRUPTED) {
          throw new InterruptedException("interrupted while executing event " + event.id());
        }
        flush(audit, batch);
      } catch (AuditSink.AuditException e) {
        // The writes are idempotent: processing again is safe, losing the audit is not.
        return new Settlement.Abandon("audit not published: " + e.getMessage(), e);
      }
      outcome.counts().forEach((o, n) -> counts.merge(o, n, Integer::sum));

      Instant eventStarted = from == null ? started : from.startedAt();
      Map<String, Integer> skipped = from == null ? plan.skippedMembers() : from.skippedMembers();
      int usersResolved = from == null ? plan.userCount() : from.usersResolved();
      List<Continuation.Pending> pending = outcome.unfinished().stream()
          .map(u -> new Continuation.Pending(u.userId(), u.rounds(), u.done()))
          .toList();
      try {
        String cancelledBecause = run.cancelled() ? run.cancelledBecause()
            : markers.known(event.id()).stream().findFirst().map(CancellationMarkers.Marker::why).orElse(null);
        if (cancelledBecause != null && !(pending.isEmpty() && chunk.usersBeyond() == 0)) {
          // Cancelled while running: what is left gets its final result now instead of a follow-up.
          Map<String, Set<Action>> left = new java.util.LinkedHashMap<>();
          outcome.unfinished().forEach(u -> left.put(u.userId(), u.done()));
          afterCursor(plan, chunk.cursor()).forEach(id -> left.putIfAbsent(id, Set.of()));
          skipCancelled(event, left, cancelledBecause, redelivery, audit);
          counts.merge(TargetOutcome.SKIPPED, left.size(), Integer::sum);
          audit.summary(Summaries.withDetail(Summaries.of(event, counts, skipped, usersResolved, eventStarted,
              clock.instant(), redelivery, step), "cancelled while running, " + cancelledBecause + "; "
              + left.size() + " user(s) not yet written were skipped"));
          return new Settlement.Complete();
        }
        if (pending.isEmpty() && chunk.usersBeyond() == 0) {
          audit.summary(Summaries.of(event, counts, skipped, usersResolved, eventStarted, clock.instant(), redelivery,
              step));
          return new Settlement.Complete();
        }
        Continuation next = new Continuation(eventBody, from == null ? work.origin() : from.origin(), step + 1,
            eventStarted, counts, skipped, usersResolved,
            chunk.cursor(), pending);
        Instant now = clock.instant();
        int worstRound = outcome.unfinished().stream().filter(Executor.Unfinished::transientFailure)
            .mapToInt(Executor.Unfinished::rounds).max().orElse(0);
        // Users that failed transiently wait before their next round; users merely not reached go on at once.
        Duration wait = worstRound == 0 ? Duration.ZERO : bounds.delay(worstRound);
        work.followUps().send(event.id(), next, now.plus(wait));
        audit.summary(Summaries.continuing(event, counts, skipped, usersResolved, eventStarted, clock.instant(),
            redelivery, step, pending.size() + chunk.usersBeyond()));
      } catch (AuditSink.AuditException e) {
        return new Settlement.Abandon("continuation or summary not published: " + e.getMessage(), e);
      }
      return new Settlement.Complete(outcome.graphUnavailable() ? Settlement.Complete.TRANSIENT
          : work.stop().getAsBoolean() ? Settlement.Complete.SHUTDOWN : Settlement.Complete.BOUND);
    }
  }

  /**
   * The users of one delivery: the follow-up's pending users still reached, then the next users in
   * id order after its cursor, up to the bound.
   *
   * @param users the selection, in the order to stream it
   * @param rounds rounds used so far by pending users
   * @param done actions pending users already had done
   * @param noLongerReached pending users the event's targets no longer reach
   * @param cursor the highest id taken in order after this chunk
   * @param usersBeyond counted users after the cursor, for a later delivery
   */
  private record Chunk(List<String> users, Map<String, Integer> rounds, Map<String, Set<Action>> done,
      List<String> noLongerReached, String cursor, int usersBeyond) {}

  /**
   * Users one delivery may take: the bound, and no more than a follow-up can carry beside the event
   * itself if every one of them had to be tried again (about 30 bytes each; 40 to be safe).
   */
  private int chunkLimit(byte[] eventBody) {
    int room = (ContinuationCodec.MAX_BYTES - eventBody.length - 4096) / 40;
    return Math.max(1, Math.min(bounds.maxUsers(), room));
  }

  private Chunk chunk(StreamingPlan plan, Continuation from, int limit) {
    List<String> ids = plan.sortedIds();
    List<String> users = new ArrayList<>();
    Map<String, Integer> rounds = new HashMap<>();
    Map<String, Set<Action>> done = new HashMap<>();
    List<String> gone = new ArrayList<>();
    String cursor = null;
    if (from != null) {
      cursor = from.cursor();
      for (Continuation.Pending p : from.pending()) {
        if (rounds.containsKey(p.userId())) {
          continue;
        }
        if (plan.reaches(p.userId())) {
          users.add(p.userId());
          rounds.put(p.userId(), p.rounds());
          done.put(p.userId(), p.done());
        } else {
          gone.add(p.userId());
        }
      }
    }
    int next = cursor == null ? 0 : -Collections.binarySearch(ids, cursor + "\u0000") - 1;
    while (users.size() < limit && next < ids.size()) {
      String id = ids.get(next++);
      cursor = id;
      if (!rounds.containsKey(id)) {
        users.add(id);
      }
    }
    return new Chunk(users, rounds, done, gone, cursor, ids.size() - next);
  }

  /**
   * An event that takes effect later: nothing is planned; the broker holds it until then and a
   * SCHEDULED summary says so. Beyond the horizon it is rejected: a date decades ahead is a
   * producer's mistake, and a message held that long would outlive anyone's memory of it.
   */
  private Settlement hold(Work work, OffboardingEvent event, byte[] eventBody, Instant started) {
    Instant due = event.data().effectiveAt();
    Instant horizon = started.plus(maxScheduleAhead);
    if (due.isAfter(horizon)) {
      String detail = "effectiveAt " + due + " is more than " + maxScheduleAhead + " ahead (MAX_SCHEDULE_AHEAD)";
      return reject(work.audit(), Summaries.rejected(event.id(), event.type().wireName(),
          "ScheduleTooFarAhead: " + detail, List.of(new Problem("$.data.effectiveAt", "more than "
              + maxScheduleAhead + " ahead")), started, clock.instant(), work.redelivery()),
          "ScheduleTooFarAhead", detail);
    }
    try {
      work.followUps().hold(event.id(), event.type().wireName(), eventBody, due);
      work.audit().summary(Summaries.scheduled(event, due, started, clock.instant(), work.redelivery()));
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon("event not scheduled: " + e.getMessage(), e);
    }
    return new Settlement.Complete();
  }

  /**
   * A cancel event. First it leaves a cancellation marker for the named event in the broker (with
   * what it is about to remove), then it removes every held copy of the event, then it asks a run
   * of the event in this process to stop, and then it audits. The marker comes first so that no
   * crash can make the cancel lie: delivered again after a crash between the removal and the audit,
   * the cancel finds its own marker, which says what was removed, and publishes the same summaries
   * (their message ids are derived from the cancel's delivery, so the topic keeps one copy).
   *
   * <p>The cancelled event, when held copies were removed, gets its final CANCELLED summary; the
   * cancel event gets COMPLETED with a detail saying what was done: removed before it ran, stopped
   * here, or only marked (not scheduled and not running here: any replica running it stops at its
   * next user, a later delivery of it is finished as cancelled, an unknown id simply expires).
   */
  private Settlement cancel(Work work, OffboardingEvent event, Instant started) {
    Cancellation c = event.cancellation();
    String asked = "requested by " + c.requestedBy() + ": " + c.reason();
    String by = "by cancel event " + event.id() + " " + asked;
    try {
      List<ScheduledEvents.Held> held = scheduled.find(c.eventId());
      markers.catchUp();
      CancellationMarkers.Removed removed = held.isEmpty()
          ? markers.known(c.eventId()).stream().filter(m -> m.cancelId().equals(event.id()) && m.removed() != null)
              .map(CancellationMarkers.Marker::removed).findFirst().orElse(null)
          : new CancellationMarkers.Removed(held.get(0).queue(), typeOf(held.get(0).body()), held.get(0).dueAt(),
              held.size());
      Instant until = clock.instant().plus(markerLifetime);
      markers.place(new CancellationMarkers.Marker(c.eventId(), event.id(), c.requestedBy(), c.reason(), until,
          removed));
      for (ScheduledEvents.Held copy : held) {
        scheduled.cancel(copy);
      }
      String marked = "marked cancelled until " + until + " for every replica";
      if (removed != null) {
        String due = removed.dueAt() != null ? "due " + removed.dueAt() + ", " : "";
        work.audit().summary(Summaries.cancelled(c.eventId(), removed.eventType(), "cancelled before it ran, " + due
            + by, started, clock.instant(), work.redelivery()));
        work.audit().summary(Summaries.cancel(event, SummaryStatus.COMPLETED, "cancelled event " + c.eventId()
            + (removed.dueAt() != null ? ", due " + removed.dueAt() : "") + ", before it ran (" + removed.messages()
            + " scheduled message(s) removed from " + removed.queue() + "); " + marked + "; " + asked, started,
            clock.instant(), work.redelivery()));
        return new Settlement.Complete();
      }
      if (running.cancel(c.eventId(), by)) {
        work.audit().summary(Summaries.cancel(event, SummaryStatus.COMPLETED, "event " + c.eventId()
            + " is running in this worker: it starts no further user, and users not yet written get SKIPPED"
            + " results (Cancelled); " + marked + "; " + asked, started, clock.instant(), work.redelivery()));
        return new Settlement.Complete();
      }
      work.audit().summary(Summaries.cancel(event, SummaryStatus.COMPLETED, "event " + c.eventId()
          + " is not scheduled on the worker's queues and not running in this worker; " + marked + ": any replica"
          + " running it stops at its next user, and a follow-up or later delivery of it is finished as cancelled"
          + " (users not yet written get SKIPPED results, Cancelled); an unknown id, or an event already finished,"
          + " simply expires; " + asked, started, clock.instant(), work.redelivery()));
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon("cancellation not done or not audited: " + e.getMessage(), e);
    }
    return new Settlement.Complete();
  }

  /** The event's plan, or how its delivery settles instead (planning failed, or the event is refused). */
  private record Planned(StreamingPlan plan, Settlement settlement) {}

  private Planned plan(Work work, OffboardingEvent event, Instant started) {
    PlanResult planned;
    try {
      planned = planner.prepare(event);
    } catch (GraphFailure e) {
      // Only transient failures get here (a target that fails for good is reported on its own):
      // the directory or the protected set is unavailable. Nothing was written; try again later.
      return new Planned(null, new Settlement.Abandon("planning failed: " + e.getMessage(), e));
    }
    if (planned instanceof PlanResult.Rejected rejected) {
      return new Planned(null, reject(work.audit(), Summaries.rejected(event.id(), event.type().wireName(),
          rejected.code() + ": " + rejected.detail(), List.of(), started, clock.instant(), work.redelivery()),
          rejected.code(), rejected.detail()));
    }
    return new Planned(((PlanResult.Streamed) planned).plan(), null);
  }

  private String typeOf(byte[] body) {
    return codec.decode(body) instanceof DecodeResult.Valid v ? v.event().type().wireName() : null;
  }

  /** The users of the plan after {@code cursor} in id order (all of them when it is null). */
  private static List<String> afterCursor(StreamingPlan plan, String cursor) {
    List<String> ids = plan.sortedIds();
    int next = cursor == null ? 0 : -Collections.binarySearch(ids, cursor + "\u0000") - 1;
    return ids.subList(Math.max(0, Math.min(next, ids.size())), ids.size());
  }

  /**
   * Publishes a SKIPPED result, code {@code Cancelled}, for each user of a cancelled event not yet
   * written, naming the actions a user caught between its writes already had done.
   *
   * @param users the users, each with the actions already done
   */
  private static void skipCancelled(OffboardingEvent event, Map<String, Set<Action>> users, String why,
      boolean redelivery, AuditSink audit) {
    List<TargetAudit> batch = new ArrayList<>(AUDIT_CHUNK);
    for (Map.Entry<String, Set<Action>> user : users.entrySet()) {
      Set<Action> already = user.getValue();
      String detail = "cancelled " + why + "; not written" + (already.isEmpty() ? ""
          : " further (already done: " + already.stream().map(Action::wireName).collect(Collectors.joining(", "))
              + ")");
      List<dev.offboarding.contracts.ActionResult> actions = event.effectiveActions().stream()
          .filter(a -> !already.contains(a))
          .map(a -> new dev.offboarding.contracts.ActionResult(a, TargetOutcome.SKIPPED, 0, null, null, null,
              "Cancelled", detail))
          .toList();
      batch.add(new TargetAudit(event.id(), user.getKey(), null, List.of(), false, TargetOutcome.SKIPPED, detail,
          actions, redelivery));
      if (batch.size() == AUDIT_CHUNK) {
        flush(audit, batch);
      }
    }
    flush(audit, batch);
  }

  /**
   * A delivery of an event a cancellation marker names, taken instead of running it. Its first
   * delivery (held or not) gets the final CANCELLED summary: nothing of it was planned or written.
   * A follow-up (the event was cancelled between two of its chunks, or while another replica ran
   * one) plans the event again to name every user not yet final, gives each a SKIPPED result
   * ({@code Cancelled}), and publishes the event's final summary naming the cancel; no further
   * follow-up is sent.
   */
  private Settlement finishMarked(Work work, OffboardingEvent event, Continuation from,
      CancellationMarkers.Marker marker, Instant started) {
    AuditSink audit = work.audit();
    boolean redelivery = work.redelivery();
    if (from == null) {
      try {
        audit.summary(Summaries.cancelled(event.id(), event.type().wireName(), "cancelled before it ran, "
            + marker.why() + "; nothing planned or written", started, clock.instant(), redelivery));
      } catch (AuditSink.AuditException e) {
        return new Settlement.Abandon("cancellation not audited: " + e.getMessage(), e);
      }
      return new Settlement.Complete();
    }
    Planned planned = plan(work, event, started);
    if (planned.settlement() != null) {
      return planned.settlement();
    }
    StreamingPlan plan = planned.plan();
    Map<String, Set<Action>> left = new java.util.LinkedHashMap<>();
    from.pending().forEach(p -> left.putIfAbsent(p.userId(), p.done()));
    afterCursor(plan, from.cursor()).forEach(id -> left.putIfAbsent(id, Set.of()));
    Map<TargetOutcome, Integer> counts = new EnumMap<>(TargetOutcome.class);
    counts.putAll(from.counts());
    counts.merge(TargetOutcome.SKIPPED, left.size(), Integer::sum);
    try {
      skipCancelled(event, left, marker.why(), redelivery, audit);
      work.heartbeat().run();
      audit.summary(Summaries.withDetail(Summaries.of(event, counts, from.skippedMembers(), from.usersResolved(),
          from.startedAt(), clock.instant(), redelivery, from.step()), "cancelled between deliveries, "
          + marker.why() + "; " + left.size() + " user(s) not yet written were skipped"));
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon("cancellation not audited: " + e.getMessage(), e);
    }
    return new Settlement.Complete();
  }

  private static TargetAudit noLongerReached(OffboardingEvent event, String userId, boolean redelivery) {
    String why = "no longer reached by the event's targets when tried again; not written";
    return new TargetAudit(event.id(), userId, null, List.of(), false, TargetOutcome.SKIPPED, why,
        event.effectiveActions().stream().map(a -> dev.offboarding.contracts.ActionResult.skipped(a, why)).toList(),
        redelivery);
  }

  private static void flush(AuditSink audit, List<TargetAudit> chunk) {
    if (!chunk.isEmpty()) {
      audit.targets(List.copyOf(chunk));
      chunk.clear();
    }
  }

  private static Settlement reject(AuditSink audit, SummaryAudit summary, String reason, String description) {
    try {
      audit.summary(summary);
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon("rejection audit not published: " + e.getMessage(), e);
    }
    return new Settlement.DeadLetter(reason, description);
  }
}
