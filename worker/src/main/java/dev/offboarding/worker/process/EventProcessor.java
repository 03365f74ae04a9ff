package dev.offboarding.worker.process;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Problem;
import dev.offboarding.contracts.Provenance;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Audits;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.audit.Summaries;
import dev.offboarding.worker.continuation.Chunks;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.continuation.DeliveryBounds;
import dev.offboarding.worker.continuation.FollowUps;
import dev.offboarding.worker.continuation.Progress;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.guard.Approvals;
import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.guard.Braking;
import dev.offboarding.worker.guard.MassActionBrake;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.intake.IntakePolicies;
import dev.offboarding.worker.intake.IntakePolicy;
import dev.offboarding.worker.intake.MessageClassifier;
import dev.offboarding.worker.lifecycle.LifecycleWorkflows;
import dev.offboarding.worker.lifecycle.Resumer;
import dev.offboarding.worker.plan.Planned;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.plan.StreamingPlan;
import dev.offboarding.worker.scheduling.CancellationMarkers;
import dev.offboarding.worker.scheduling.Cancellations;
import dev.offboarding.worker.scheduling.KnownMarkers;
import dev.offboarding.worker.scheduling.RunningEvents;
import dev.offboarding.worker.scheduling.ScheduledEvents;
import dev.offboarding.worker.scheduling.Scheduling;
import dev.offboarding.worker.watch.SignInWatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One delivery, start to finish: the message decoded once ({@link Inbound}) is refused, held,
 * cancelled or run. Running it plans the event, executes a bounded chunk of its users, publishes
 * the audit, hands what is left to a follow-up, and decides the settlement. Knows nothing of
 * Service Bus or Graph; thread-safe, one call per delivery.
 *
 * <p>An event's users are done in ascending id order, at most {@link DeliveryBounds} of them per
 * delivery ({@link Chunks}). Users that finish get their one final result; users whose writes gave
 * up on transient failures, and users not started (the bound, shutdown), go into a {@link
 * Continuation} that the broker holds on the worker's own queue, so finished users stay finished
 * and only the rest are tried again, by any replica. Every delivery, follow-ups included, plans the
 * event again first: the blast-radius limit and the protected set are checked before each chunk's
 * first write. A follow-up is believed only as far as it can be checked: its counts are bounded by
 * the event, and the actions it says were done are read back before they are reported.
 *
 * <p>Before anything is planned, the event must be one its intake queue's sender may send ({@link
 * IntakePolicies}); else it is REJECTED and dead-lettered {@value IntakePolicy#VIOLATION}. Events
 * that take effect later are held ({@link Scheduling}); cancel events and marked events are {@link
 * Cancellations}'; big events and restores wait for a second person, and approve events release
 * them ({@link Approvals}).
 */
public final class EventProcessor {
  /** The shortest life of a cancellation marker, whatever the delivery bounds. */
  public static final Duration MIN_MARKER_LIFETIME = Duration.ofDays(1);

  /** {@code MAX_SCHEDULE_AHEAD}'s default: 90 days. */
  public static final Duration DEFAULT_MAX_SCHEDULE_AHEAD = Duration.ofDays(90);

  /**
   * How far ahead of this clock a follow-up's {@code startedAt} may lie (another replica's clock).
   */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

  /**
   * One delivery's inputs.
   *
   * @param message the message, decoded once, with the queue it came from
   * @param redelivery true when the message was delivered or tried before
   * @param audit where this delivery's audit goes
   * @param followUps where the event's continuation goes (the worker's own queue)
   * @param stop true once no further user should be started (shutdown)
   * @param heartbeat called after planning and after each chunk of results, so intake can renew the
   *     lock
   */
  public record Work(
      Inbound message,
      boolean redelivery,
      AuditSink audit,
      FollowUps followUps,
      BooleanSupplier stop,
      Runnable heartbeat) {
    public Work {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(audit, "audit");
      Objects.requireNonNull(followUps, "followUps");
      Objects.requireNonNull(stop, "stop");
      Objects.requireNonNull(heartbeat, "heartbeat");
    }
  }

  private final Planner planner;
  private final Executor executor;
  private final Clock clock;
  private final Progress progress;
  private final DeliveryBounds bounds;
  private final RunningEvents running;
  private final Scheduling scheduling;
  private final Cancellations cancellations;
  private final IntakePolicies policies;
  private final Approvals approvals;
  private final Braking braking;

  /** Watches revoked users' sign-ins; null when the watch is off. */
  private final SignInWatch watch;

  private final LifecycleWorkflows lifecycle;
  private final Resumer resumer;

  /**
   * The longest an event's run can last: a follow-up claiming to have started earlier was not
   * written by a worker.
   */
  private final Duration longestRun;

  private EventProcessor(Builder b) {
    this.planner = b.planner;
    this.executor = b.executor;
    this.clock = b.clock;
    this.progress = b.progress;
    this.bounds = b.bounds;
    this.running = b.running;
    this.scheduling = new Scheduling(b.maxScheduleAhead, b.clock);
    this.longestRun =
        b.markerLifetime.compareTo(MIN_MARKER_LIFETIME) < 0
            ? MIN_MARKER_LIFETIME
            : b.markerLifetime.compareTo(KnownMarkers.MAX_LIFETIME) > 0
                ? KnownMarkers.MAX_LIFETIME
                : b.markerLifetime;
    this.policies = b.policies;
    this.approvals = new Approvals(b.approvals, b.scheduled, b.policies, b.clock);
    this.cancellations =
        new Cancellations(
            b.scheduled,
            b.running,
            b.markers,
            longestRun,
            b.planner,
            b.clock,
            b.policies,
            b.lifecycle);
    this.braking = b.braking == null ? Braking.none(b.clock) : b.braking;
    this.watch = b.watch;
    this.lifecycle = b.lifecycle;
    this.resumer = b.resumer;
  }

  /**
   * A processor planning with {@code planner} and writing through {@code executor}; the rest
   * defaults.
   */
  public static Builder builder(Planner planner, Executor executor, Clock clock) {
    return new Builder(planner, executor, clock);
  }

  /**
   * The parts of a processor besides planning and writing, each with a default. Not thread-safe.
   */
  public static final class Builder {
    private final Planner planner;
    private final Executor executor;
    private final Clock clock;
    private Progress progress = Progress.NONE;
    private DeliveryBounds bounds = DeliveryBounds.defaults();
    private Duration maxScheduleAhead = DEFAULT_MAX_SCHEDULE_AHEAD;
    private ScheduledEvents scheduled = ScheduledEvents.UNAVAILABLE;
    private RunningEvents running = new RunningEvents();
    private CancellationMarkers markers;
    private Duration markerLifetime = MIN_MARKER_LIFETIME;
    private IntakePolicies policies = IntakePolicies.unrestricted();
    private Approvals.Rules approvals = Approvals.Rules.NONE;
    private Braking braking;
    private SignInWatch watch;
    private LifecycleWorkflows lifecycle = LifecycleWorkflows.off();
    private Resumer resumer;

    private Builder(Planner planner, Executor executor, Clock clock) {
      this.planner = Objects.requireNonNull(planner, "planner");
      this.executor = Objects.requireNonNull(executor, "executor");
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Where the progress of events in flight is told (metrics and the progress log); none by
     * default.
     */
    public Builder progress(Progress progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /** How much one delivery does; {@link DeliveryBounds#defaults()} by default. */
    public Builder bounds(DeliveryBounds bounds) {
      this.bounds = Objects.requireNonNull(bounds, "bounds");
      return this;
    }

    /**
     * How far ahead an {@code effectiveAt} may lie ({@code MAX_SCHEDULE_AHEAD}); 90 days by
     * default.
     */
    public Builder maxScheduleAhead(Duration maxScheduleAhead) {
      this.maxScheduleAhead = Objects.requireNonNull(maxScheduleAhead, "maxScheduleAhead");
      return this;
    }

    /** Where cancel events look for held events; by default no broker (a cancel then waits). */
    public Builder scheduled(ScheduledEvents scheduled) {
      this.scheduled = Objects.requireNonNull(scheduled, "scheduled");
      return this;
    }

    /**
     * The events this process runs, which a cancel taken here may stop; shared by a process's
     * processors.
     */
    public Builder running(RunningEvents running) {
      this.running = Objects.requireNonNull(running, "running");
      return this;
    }

    /**
     * The cancellation markers every worker knows, and how long one lives: longer than any run of
     * an event ({@link DeliveryBounds#longestRun}), at least {@link #MIN_MARKER_LIFETIME}, at most
     * {@link KnownMarkers#MAX_LIFETIME}; by default markers in this process's memory only.
     */
    public Builder markers(CancellationMarkers markers, Duration lifetime) {
      this.markers = Objects.requireNonNull(markers, "markers");
      this.markerLifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    /**
     * What each intake queue's sender may send, and who a cancel reaches; by default no policy:
     * every queue carries every event, and every cancel reaches every event.
     */
    public Builder policies(IntakePolicies policies) {
      this.policies = Objects.requireNonNull(policies, "policies");
      return this;
    }

    /**
     * Which events wait for a second person's approval: every restore, and events planning more
     * than {@code threshold} users ({@code APPROVAL_THRESHOLD}), each for at most {@code ttl}
     * ({@code APPROVAL_TTL}); by default none waits.
     */
    public Builder approvals(int threshold, Duration ttl) {
      this.approvals = new Approvals.Rules(threshold, ttl, true);
      return this;
    }

    /**
     * The mass-action brake each chunk's new users are leased from; by default none (every user
     * granted).
     */
    public Builder brake(Braking braking) {
      this.braking = Objects.requireNonNull(braking, "braking");
      return this;
    }

    /**
     * The sign-in watch: each delivery hands the users whose access its writes ended to it, and its
     * entries are polled when the internal queue delivers them; by default none (entries delivered
     * are dropped).
     */
    public Builder signInWatch(SignInWatch watch) {
      this.watch = Objects.requireNonNull(watch, "watch");
      return this;
    }

    /**
     * Lifecycle Workflows: events whose id names a task are checked and flagged ({@link
     * LifecycleWorkflows}), and with resuming on, their pending resumes are answered by {@code
     * resumer}; by default resuming is off (events are only flagged while they wait).
     */
    public Builder lifecycle(LifecycleWorkflows lifecycle, Resumer resumer) {
      this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
      if (lifecycle.resumes() && resumer == null) {
        throw new IllegalArgumentException("resuming tasks needs a resumer");
      }
      this.resumer = resumer;
      return this;
    }

    /** The processor; markers held in memory unless {@link #markers} was given. */
    public EventProcessor build() {
      if (markers == null) {
        markers = CancellationMarkers.inMemory(clock);
      }
      return new EventProcessor(this);
    }
  }

  /**
   * Processes one delivery.
   *
   * @return how to settle the message; never throws except on interruption
   */
  public Settlement process(Work work) throws InterruptedException {
    Instant started = clock.instant();
    return switch (work.message()) {
      // A cancellation marker that came due: its life is over, and it is dropped. What it said was
      // learnt by peeking while it was scheduled; a delivered one asks for nothing.
      case Inbound.DueMarker m -> new Settlement.Complete();
      // A watch entry of a worker that has the watch on; this one has it off (WATCH_SIGN_INS), and
      // the entry ends here: nothing it names is read.
      case Inbound.WatchEntry w ->
          watch == null ? new Settlement.Complete() : watch.poll(w.entry());
      case Inbound.Forged f ->
          Audits.reject(
              work.audit(),
              Summaries.rejected(
                  null,
                  null,
                  MessageClassifier.FORGED
                      + ": a "
                      + f.kind()
                      + " arrived on "
                      + f.queue()
                      + "; "
                      + f.why(),
                  List.of(),
                  started,
                  clock.instant(),
                  work.redelivery()),
              MessageClassifier.FORGED,
              "a " + f.kind() + " arrived on " + f.queue() + "; " + f.why());
      case Inbound.Invalid i ->
          Audits.reject(
              work.audit(),
              Summaries.rejected(
                  i.eventId(),
                  i.eventType(),
                  i.reason() + ": " + i.description(),
                  i.problems(),
                  started,
                  clock.instant(),
                  work.redelivery()),
              i.reason(),
              i.description());
      case Inbound.Event e -> event(work, e, started);
      case Inbound.FollowUp f -> followUp(work, f, started);
      case Inbound.Resume r -> resume(work, r);
    };
  }

  /**
   * A resume a Lifecycle Workflows task is owed: answered once through Graph, its outcome audited,
   * then completed. Its event is checked again against the rule for tasks' events; a worker with
   * resuming off dead-letters it, for an operator to resubmit once resuming is on again.
   */
  private Settlement resume(Work work, Inbound.Resume message) throws InterruptedException {
    if (!lifecycle.resumes()) {
      return new Settlement.DeadLetter(
          "LifecycleWorkflowsResumeOff",
          "a pending resume arrived while"
              + " LIFECYCLE_WORKFLOWS_RESUME is off; resubmit it once it is on");
    }
    String broken = lifecycle.ruleBroken(message.event(), message.resume().intakeQueue());
    if (broken != null) {
      return new Settlement.DeadLetter("InvalidPendingResume", broken);
    }
    return resumer.resume(message, work.audit(), work.redelivery());
  }

  /** The same work with its audit going to {@code audit}. */
  private static Work withAudit(Work work, AuditSink audit) {
    return audit == work.audit()
        ? work
        : new Work(
            work.message(),
            work.redelivery(),
            audit,
            work.followUps(),
            work.stop(),
            work.heartbeat());
  }

  /**
   * The REJECTED summary and dead-letter of an event whose id claims a Lifecycle Workflows task but
   * is not exactly one, or that breaks the rule for tasks' events; null when neither. Nothing is
   * planned or written, and no Graph call is made.
   */
  private Settlement refusedAsTask(
      Work work, OffboardingEvent event, String intakeQueue, Instant started) {
    String why = lifecycle.refusal(event, intakeQueue);
    if (why == null) {
      return null;
    }
    return Audits.reject(
        work.audit(),
        Summaries.rejected(
            event.id(),
            event.type().wireName(),
            LifecycleWorkflows.INVALID + ": " + why,
            List.of(new Problem("$.id", why)),
            started,
            clock.instant(),
            work.redelivery()),
        LifecycleWorkflows.INVALID,
        why);
  }

  private Settlement event(Work given, Inbound.Event message, Instant started)
      throws InterruptedException {
    OffboardingEvent event = message.event();
    Settlement refused = refusedAsTask(given, event, message.intakeQueue(), started);
    if (refused != null) {
      return refused;
    }
    Work work =
        withAudit(
            given,
            lifecycle.sink(
                given.audit(),
                event,
                message.body(),
                message.origin(),
                message.intakeQueue(),
                given.followUps()));
    refused = refusedByPolicy(work, event, message.intakeQueue(), started);
    if (refused != null) {
      return refused;
    }
    if (event.type() == EventType.CANCEL) {
      return cancellations.cancel(work, message, started);
    }
    if (event.type() == EventType.APPROVE) {
      return approvals.approve(work, message, started);
    }
    CancellationMarkers.Marker marker = cancellations.markerOf(event.id(), message.intakeQueue());
    if (marker != null) {
      return cancellations.finishMarked(work, event, null, marker, started);
    }
    if (message.awaitingApproval()) {
      return approvals.expire(work, message, started);
    }
    if (scheduling.mustWait(message, started)) {
      return scheduling.hold(work, message, started);
    }
    return run(
        work,
        event,
        message.body(),
        message.origin(),
        message.intakeQueue(),
        null,
        message,
        message.approved(),
        started);
  }

  private Settlement followUp(Work given, Inbound.FollowUp message, Instant started)
      throws InterruptedException {
    OffboardingEvent event = message.event();
    Continuation from = message.continuation();
    Settlement refusedTask = refusedAsTask(given, event, from.queue(), started);
    if (refusedTask != null) {
      return refusedTask;
    }
    Work work =
        withAudit(
            given,
            lifecycle.sink(
                given.audit(),
                event,
                from.event(),
                from.origin(),
                from.queue(),
                given.followUps()));
    String unbelievable =
        !event.type().actsOnTargets()
            ? "a " + event.type().wireName() + " event has no follow-ups"
            : unbelievable(from, event, started);
    if (unbelievable == null) {
      unbelievable = approvals.unapproved(event, from);
    }
    if (unbelievable != null) {
      return Audits.reject(
          work.audit(),
          Summaries.rejected(
              event.id(),
              event.type().wireName(),
              "InvalidContinuation: " + unbelievable,
              List.of(),
              started,
              clock.instant(),
              work.redelivery()),
          "InvalidContinuation",
          unbelievable);
    }
    // A follow-up is its event's: the policy of the queue the event arrived on, as in force now.
    Settlement refused = refusedByPolicy(work, event, from.queue(), started);
    if (refused != null) {
      return refused;
    }
    CancellationMarkers.Marker marker = cancellations.markerOf(event.id(), from.queue());
    if (marker != null) {
      return cancellations.finishMarked(work, event, from, marker, started);
    }
    return run(
        work,
        event,
        from.event(),
        from.origin(),
        from.queue(),
        from,
        null,
        from.approved(),
        started);
  }

  /**
   * The REJECTED summary and dead-letter of an event its intake queue's sender may not send, or
   * null when the queue's policy lets it through. Nothing is planned or written.
   */
  private Settlement refusedByPolicy(
      Work work, OffboardingEvent event, String intakeQueue, Instant started) {
    IntakePolicy.Violation broken = policies.of(intakeQueue).check(event);
    if (broken == null) {
      return null;
    }
    return Audits.reject(
        work.audit(),
        Summaries.rejected(
            event.id(),
            event.type().wireName(),
            IntakePolicy.VIOLATION + ": " + broken.description(),
            List.of(broken.problem()),
            started,
            clock.instant(),
            work.redelivery()),
        IntakePolicy.VIOLATION,
        broken.description());
  }

  /**
   * What in a follow-up cannot be true of a run of its event, or null: a start still to come, more
   * users resolved than the blast-radius limit allows, or more results counted (and users pending)
   * than the event's users and targets could have given. (How long ago the event started bounds
   * nothing: a follow-up the mass-action brake holds back may wait for days behind a flood.)
   */
  private String unbelievable(Continuation from, OffboardingEvent event, Instant now) {
    if (from.startedAt().isAfter(now.plus(CLOCK_SKEW))) {
      return "its event's start lies in the future";
    }
    if (from.usersResolved() > planner.maxUsersPerEvent()) {
      return "it counts more users than an event may plan (MAX_TARGETS_PER_EVENT)";
    }
    long results =
        from.counts().values().stream().mapToLong(Integer::longValue).sum() + from.pending().size();
    if (results > (long) from.usersResolved() + event.data().targets().size()) {
      return "it counts more results than its event has users and targets";
    }
    return null;
  }

  /**
   * Runs one chunk of the event's users.
   *
   * @param eventBody the event as received, carried by a follow-up
   * @param origin the broker's identity of the event message
   * @param intakeQueue the intake queue the event arrived on
   * @param from the follow-up this delivery continues, or null for the event's first run
   * @param first the event message of its first run, or null for a follow-up
   * @param approved the approval that released the event, or null
   */
  private Settlement run(
      Work work,
      OffboardingEvent event,
      byte[] eventBody,
      String origin,
      String intakeQueue,
      Continuation from,
      Inbound.Event first,
      Approved approved,
      Instant started)
      throws InterruptedException {
    AuditSink audit = work.audit();
    boolean redelivery = work.redelivery();
    int step = from == null ? 0 : from.step();
    Planned planned = Planned.of(planner, event, audit, redelivery, started, clock);
    if (planned.settlement() != null) {
      return planned.settlement();
    }
    StreamingPlan plan = planned.plan();
    if (first != null && approvals.mustWait(event, plan.userCount(), approved)) {
      return approvals.hold(work, first, plan.userCount(), started);
    }
    Chunks.Chunk selected = Chunks.next(plan, from, Chunks.limit(eventBody, bounds));
    // The mass-action brake, once per chunk before its first write: the new users are leased
    // against
    // the cap of the queue the event arrived on; those it has no room for wait in the follow-up.
    Braking.Admission admitted;
    try {
      // An event a second person approved is not held back by the brake.
      admitted =
          braking.admit(
              event, intakeQueue, origin + "#" + step, selected.newUsers(), approved != null);
    } catch (MassActionBrake.Unavailable e) {
      return new Settlement.Abandon(
          "mass-action brake unavailable, nothing written: " + e.getMessage(), e);
    }
    Chunks.Chunk chunk = Chunks.withNewUsers(selected, admitted.lease().granted(), plan);
    plan.select(chunk.users());
    work.heartbeat().run();

    // Results go out in batches as users finish: a huge group never sits in memory. The sign-in
    // watch keeps the few it needs (those whose access a write ended) as they go out.
    List<TargetAudit> ended = new ArrayList<>();
    AuditSink results =
        watch == null
            ? audit
            : new AuditSink() {
              @Override
              public void targets(List<TargetAudit> batch) {
                audit.targets(batch);
                batch.stream().filter(r -> watch.windowOf(r) != null).forEach(ended::add);
              }

              @Override
              public void summary(SummaryAudit summary) {
                audit.summary(summary);
              }
            };
    Audits.Batch publish = new Audits.Batch(results, work.heartbeat());
    Map<TargetOutcome, Integer> counts = new EnumMap<>(TargetOutcome.class);
    if (from != null) {
      counts.putAll(from.counts());
    }
    Instant eventStarted = from == null ? started : from.startedAt();
    // Registered while it executes, so that a cancel event processed here can stop it between
    // users.
    try (RunningEvents.Run run = running.start(event.id(), intakeQueue)) {
      // A cancel taken here flags the run; one taken by another replica arrives as a marker.
      BooleanSupplier stop =
          () ->
              work.stop().getAsBoolean()
                  || run.cancelled()
                  || cancellations.markerOf(event.id(), intakeQueue) != null;
      Executor.Outcome outcome;
      try {
        for (String gone : chunk.noLongerReached()) {
          publish.accept(
              Audits.skipped(
                  event,
                  gone,
                  "no longer reached by the event's targets when tried again; not written",
                  redelivery));
          counts.merge(TargetOutcome.SKIPPED, 1, Integer::sum);
        }
        outcome =
            executor.execute(
                plan,
                new Executor.Bounds(
                    redelivery,
                    started.plus(bounds.maxDuration()),
                    stop,
                    id -> chunk.rounds().getOrDefault(id, 0),
                    id -> chunk.done().getOrDefault(id, Set.of()),
                    eventStarted,
                    bounds.maxRounds(),
                    approved),
                step == 0,
                publish,
                progress);
        if (outcome.end() == Executor.End.SINK_FAILED) {
          throw outcome.failure();
        }
        if (outcome.end() == Executor.End.INTERRUPTED) {
          throw new InterruptedException("interrupted while executing event " + event.id());
        }
        publish.flush();
        if (watch != null && !ended.isEmpty()) {
          watch.start(origin, step, event.id(), Provenance.of(event, intakeQueue), ended);
        }
      } catch (AuditSink.AuditException e) {
        // The writes are idempotent: processing again is safe, losing the audit is not.
        return new Settlement.Abandon("audit not published: " + e.getMessage(), e);
      }
      outcome.counts().forEach((o, n) -> counts.merge(o, n, Integer::sum));

      Map<String, Integer> skipped = from == null ? plan.skippedMembers() : from.skippedMembers();
      int usersResolved = from == null ? plan.userCount() : from.usersResolved();
      List<Continuation.Pending> pending =
          outcome.unfinished().stream()
              .map(u -> new Continuation.Pending(u.userId(), u.rounds(), u.done()))
              .toList();
      try {
        String cancelledBecause =
            run.cancelled()
                ? run.cancelledBecause()
                : cancellations.cancelledBecause(event.id(), intakeQueue);
        if (cancelledBecause != null && !chunk.last(pending.size())) {
          // Cancelled while running: what is left gets its final result now instead of a follow-up.
          Map<String, Set<Action>> left = new LinkedHashMap<>();
          outcome.unfinished().forEach(u -> left.put(u.userId(), u.done()));
          Chunks.afterCursor(plan, chunk.cursor()).forEach(id -> left.putIfAbsent(id, Set.of()));
          Cancellations.skip(event, left, cancelledBecause, redelivery, audit);
          counts.merge(TargetOutcome.SKIPPED, left.size(), Integer::sum);
          audit.summary(
              Summaries.withDetail(
                  Summaries.withAllResourcesBy(
                      Summaries.of(
                          event,
                          counts,
                          skipped,
                          usersResolved,
                          eventStarted,
                          clock.instant(),
                          redelivery,
                          step),
                      outcome.allResourcesBy()),
                  "cancelled while running, "
                      + cancelledBecause
                      + "; "
                      + left.size()
                      + " user(s) not yet written were skipped"));
          return new Settlement.Complete();
        }
        if (chunk.last(pending.size())) {
          audit.summary(
              Summaries.withAllResourcesBy(
                  Summaries.of(
                      event,
                      counts,
                      skipped,
                      usersResolved,
                      eventStarted,
                      clock.instant(),
                      redelivery,
                      step),
                  outcome.allResourcesBy()));
          return new Settlement.Complete();
        }
        Continuation next =
            new Continuation(
                eventBody,
                origin,
                intakeQueue,
                step + 1,
                eventStarted,
                counts,
                skipped,
                usersResolved,
                chunk.cursor(),
                pending,
                approved);
        int worstRound =
            outcome.unfinished().stream()
                .filter(Executor.Unfinished::transientFailure)
                .mapToInt(Executor.Unfinished::rounds)
                .max()
                .orElse(0);
        // Users that failed transiently wait before their next round; users merely not reached go
        // on at once.
        Duration wait = worstRound == 0 ? Duration.ZERO : bounds.delay(worstRound);
        Instant notBefore = clock.instant().plus(wait);
        // Users the brake held back wait until the window has room for them.
        if (admitted.braked() && admitted.lease().roomAt().isAfter(notBefore)) {
          notBefore = admitted.lease().roomAt();
        }
        work.followUps().send(event.id(), next, notBefore);
        SummaryAudit continuing =
            Summaries.withAllResourcesBy(
                Summaries.continuing(
                    event,
                    counts,
                    skipped,
                    usersResolved,
                    eventStarted,
                    clock.instant(),
                    redelivery,
                    step,
                    pending.size() + chunk.usersBeyond()),
                outcome.allResourcesBy());
        audit.summary(
            admitted.braked()
                ? Summaries.withDetail(continuing, Braking.detail(admitted))
                : continuing);
      } catch (AuditSink.AuditException e) {
        return new Settlement.Abandon(
            "continuation or summary not published: " + e.getMessage(), e);
      }
      return new Settlement.Complete(
          outcome.graphUnavailable()
              ? Settlement.Complete.TRANSIENT
              : work.stop().getAsBoolean()
                  ? Settlement.Complete.SHUTDOWN
                  : admitted.braked() ? Settlement.Complete.BRAKE : Settlement.Complete.BOUND);
    }
  }
}
