package dev.offboarding.worker.execute;

import dev.offboarding.contracts.AccessWindow;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.continuation.Progress;
import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.plan.Plan;
import dev.offboarding.worker.plan.PlannedUser;
import dev.offboarding.worker.plan.StreamingPlan;
import dev.offboarding.worker.tenant.AccountState;
import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import dev.offboarding.worker.verify.Verification;
import dev.offboarding.worker.verify.Verifier;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Runs a plan's writes: per user, in order, disable (when asked) then revoke, each write through
 * the shared {@link WriteBudget} and retried under the {@link Retries} policy. Users run
 * concurrently on virtual threads, at most {@code concurrency} of one event at a time, as the plan
 * streams them in; results stream out as users finish. Every counted user and every unresolved
 * target gets exactly one terminal result. Thread-safe.
 */
public final class Executor {
  private static final System.Logger LOG = System.getLogger(Executor.class.getName());

  /** The actions this executor writes through {@link AccountWrites}. */
  private static final Set<Action> WRITTEN_HERE =
      EnumSet.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS, Action.ENABLE_ACCOUNT);

  /** The actions whose success starts a user's access window ({@link AccessWindow#revokedAt}). */
  private static final Set<Action> ENDS_ACCESS =
      EnumSet.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS, Action.RESET_PASSWORD);

  /** The error code of an action skipped because this executor does not write it. */
  static final String NOT_WRITTEN_HERE = "ActionNotSupported";

  private final AccountWrites writes;
  private final GovernedWrites governed;

  /** The containment actions; null when this executor does not carry them out. */
  private final Containment containment;

  /**
   * {@code ACCESS_TOKEN_MAX_LIFETIME}: how long after the revoke an access token may still be used.
   */
  private final java.time.Duration accessTokenLifetime;

  private final WriteBudget budget;
  private final Retries retryPolicy;
  private final OutageGuard outage;
  private final Verifier verifier;
  private final Sleeper sleeper;
  private final Clock clock;
  private final int concurrency;

  /** A restore of a user revoked more recently than this is refused for it; null: no such guard. */
  private final java.time.Duration restoreCooldown;

  /**
   * @param outage the process's one outage guard, shared by every event
   * @param verifier reads each acknowledged write back; null when writes are not verified ({@code
   *     VERIFY=false})
   */
  public Executor(
      AccountWrites writes,
      WriteBudget budget,
      Retries retryPolicy,
      OutageGuard outage,
      Verifier verifier,
      Sleeper sleeper,
      Clock clock,
      int concurrency) {
    this(
        writes,
        budget,
        retryPolicy,
        outage,
        verifier,
        sleeper,
        clock,
        concurrency,
        null,
        null,
        AccessWindow.DEFAULT_MAX_ACCESS_TOKEN_LIFETIME);
  }

  private Executor(
      AccountWrites writes,
      WriteBudget budget,
      Retries retryPolicy,
      OutageGuard outage,
      Verifier verifier,
      Sleeper sleeper,
      Clock clock,
      int concurrency,
      java.time.Duration restoreCooldown,
      Containment containment,
      java.time.Duration accessTokenLifetime) {
    this.restoreCooldown = restoreCooldown;
    this.containment = containment;
    this.accessTokenLifetime = Objects.requireNonNull(accessTokenLifetime, "accessTokenLifetime");
    this.governed = new GovernedWrites(budget, retryPolicy, outage, sleeper, clock);
    this.outage = outage;
    this.verifier = verifier;
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1");
    }
    this.writes = writes;
    this.budget = budget;
    this.retryPolicy = retryPolicy;
    this.sleeper = sleeper;
    this.clock = clock;
    this.concurrency = concurrency;
  }

  /**
   * This executor, refusing to re-enable a user whose {@code signInSessionsValidFromDateTime} is
   * more recent than {@code cooldown} ago ({@code RESTORE_COOLDOWN}: "recently revoked") unless the
   * approval that released the restore names the user ({@link Bounds#approved}). The user gets a
   * SKIPPED result with error code {@value #RESTORE_COOLDOWN}; nothing is written to it.
   */
  public Executor withRestoreCooldown(java.time.Duration cooldown) {
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException("cooldown must not be negative");
    }
    return copy(cooldown, containment, accessTokenLifetime);
  }

  /**
   * This executor, also carrying out the containment actions ({@code resetPassword}, {@code
   * confirmCompromised}, {@code disableDevices}) after each user's revoke, through the same budget,
   * retries and outage guard, each read back when this executor verifies its writes.
   *
   * @param limit the process's one Identity Protection limit
   */
  public Executor withContainment(
      ContainmentWrites containmentWrites, IdentityProtectionLimit limit) {
    RiskConfirmations risks =
        new RiskConfirmations(containmentWrites, limit, budget, retryPolicy, sleeper, clock);
    Containment c =
        new Containment(
            containmentWrites,
            governed,
            risks,
            new Passwords(),
            sleeper,
            clock,
            verifier != null,
            Verifier.DEFAULT_CLOCK_SKEW,
            Verifier.DEFAULT_READS,
            Verifier.DEFAULT_FIRST_DELAY);
    return copy(restoreCooldown, c, accessTokenLifetime);
  }

  /**
   * This executor, with {@code lifetime} ({@code ACCESS_TOKEN_MAX_LIFETIME}) as the longest an
   * access token issued before a revoke may still be used: each result's {@code allResourcesBy}.
   */
  public Executor withAccessTokenLifetime(java.time.Duration lifetime) {
    // Checked here as the window will check it, so that a bad value fails at start, not per user.
    AccessWindow.from(Instant.EPOCH, lifetime, null);
    return copy(restoreCooldown, containment, lifetime);
  }

  /** This executor with its optional parts replaced. */
  private Executor copy(
      java.time.Duration restoreCooldown,
      Containment containment,
      java.time.Duration accessTokenLifetime) {
    return new Executor(
        writes,
        budget,
        retryPolicy,
        outage,
        verifier,
        sleeper,
        clock,
        concurrency,
        restoreCooldown,
        containment,
        accessTokenLifetime);
  }

  /** How a streamed execution ended. */
  public enum End {
    /**
     * Every selected user was reached, or the bounds stopped the pass (see {@link
     * Outcome#unfinished}).
     */
    DONE,
    /** The result sink threw; execution stopped early and the remaining users have no result. */
    SINK_FAILED,
    /** The calling thread was interrupted; users not reached have no result. */
    INTERRUPTED
  }

  /**
   * What one delivery may do.
   *
   * @param redelivery whether the event was delivered before (said in each result)
   * @param deadline no user is started after this instant; users not started are unfinished
   * @param stop when true, no further user is started (shutdown); users not started are unfinished
   * @param roundsSoFar for a user id, how many earlier deliveries gave up on it after transient
   *     failures
   * @param doneSoFar for a user id, its actions that succeeded in an earlier delivery: not sent
   *     again unless the read-back does not show them
   * @param doneSince when the event's first delivery began: actions done earlier were sent after
   *     it, so the read-back must show their effect from then on
   * @param maxRounds a user given up on in this many deliveries gets its final FAILED result
   * @param approved the second person's approval that released the event, or null: a restore
   *     re-enables a recently revoked user only when it names that user
   */
  public record Bounds(
      boolean redelivery,
      Instant deadline,
      BooleanSupplier stop,
      ToIntFunction<String> roundsSoFar,
      Function<String, Set<Action>> doneSoFar,
      Instant doneSince,
      int maxRounds,
      Approved approved) {
    /** Bounds of an event no approval released. */
    public Bounds(
        boolean redelivery,
        Instant deadline,
        BooleanSupplier stop,
        ToIntFunction<String> roundsSoFar,
        Function<String, Set<Action>> doneSoFar,
        Instant doneSince,
        int maxRounds) {
      this(redelivery, deadline, stop, roundsSoFar, doneSoFar, doneSince, maxRounds, null);
    }

    public Bounds {
      Objects.requireNonNull(deadline, "deadline");
      Objects.requireNonNull(doneSince, "doneSince");
      Objects.requireNonNull(stop, "stop");
      Objects.requireNonNull(roundsSoFar, "roundsSoFar");
      Objects.requireNonNull(doneSoFar, "doneSoFar");
      if (maxRounds < 1) {
        throw new IllegalArgumentException("maxRounds must be >= 1");
      }
    }

    /** No deadline, no stop, one round: every user gets its final result now. */
    public static Bounds unbounded(boolean redelivery) {
      return new Bounds(
          redelivery, Instant.MAX, () -> false, id -> 0, id -> Set.of(), Instant.MIN, 1);
    }
  }

  /**
   * A selected user without a final result from this delivery, to be tried again by a follow-up.
   *
   * @param userId the user
   * @param rounds deliveries so far that gave up on this user after transient failures
   * @param transientFailure true when its writes gave up on transient failures (or were not sent
   *     while Graph was down); false when it was not started (deadline, shutdown, the directory
   *     unavailable while streaming)
   * @param done its actions that succeeded so far, in this delivery or an earlier one
   */
  public record Unfinished(String userId, int rounds, boolean transientFailure, Set<Action> done) {}

  /**
   * What a streamed execution produced, besides the results themselves.
   *
   * @param end how it ended
   * @param counts final results by outcome
   * @param failure the sink failure, when {@code end} says there was one
   * @param unfinished selected users without a final result, in id order
   * @param allResourcesBy the latest {@link AccessWindow#allResourcesBy} of the results handed out;
   *     null when none carried an access window
   */
  public record Outcome(
      End end,
      Map<TargetOutcome, Integer> counts,
      RuntimeException failure,
      List<Unfinished> unfinished,
      Instant allResourcesBy) {

    /** An outcome whose results carried no access window. */
    public Outcome(
        End end,
        Map<TargetOutcome, Integer> counts,
        RuntimeException failure,
        List<Unfinished> unfinished) {
      this(end, counts, failure, unfinished, null);
    }

    /**
     * True when some users are unfinished because Graph failed transiently: an outage, most likely.
     */
    public boolean graphUnavailable() {
      return unfinished.stream().anyMatch(Unfinished::transientFailure);
    }
  }

  /**
   * The error code of an action whose every attempt failed transiently; the message carries the
   * last answer's own code and text.
   */
  public static final String RETRIES_EXHAUSTED = "RetriesExhausted";

  /**
   * The error code of a restore refused for a user whose sessions were revoked within {@code
   * RESTORE_COOLDOWN}.
   */
  public static final String RESTORE_COOLDOWN = "RestoreCooldown";

  /**
   * Executes a streaming plan (its selection, see {@link StreamingPlan#select}): runs its second
   * pass and each user's writes, and hands every final result to {@code results} as soon as it is
   * known, one call at a time (never concurrently), in completion order. A dry run writes nothing
   * and reports every user SKIPPED. Counted users no longer found by a complete second pass are
   * reported SKIPPED; unresolved targets are reported when {@code reportUnresolved}.
   *
   * <p>A user whose writes gave up on transient failures gets no final result while it has rounds
   * left ({@link Bounds#maxRounds}): it is returned as {@link Unfinished}, as are users not started
   * before the deadline or the stop signal, or while the directory was unavailable. If {@code
   * results} throws, no further users are started and the failure is returned. Interrupting the
   * calling thread stops users that have not started; the thread's interrupt flag is set again on
   * return.
   */
  public Outcome execute(
      StreamingPlan plan,
      Bounds bounds,
      boolean reportUnresolved,
      Consumer<TargetAudit> results,
      Progress progress) {
    String eventId = plan.event().id();
    boolean dryRun = plan.event().data().dryRun();
    boolean urgent = plan.event().type().urgent();
    boolean redelivery = bounds.redelivery();
    List<Action> actions = plan.actions();
    // A restore's deviceIds: the only devices its enableDevices may re-enable.
    Set<String> namedDevices = Set.copyOf(plan.event().data().deviceIds());
    ResultGate gate = new ResultGate(results, progress, eventId);
    Semaphore slots = new Semaphore(concurrency);
    boolean interrupted = false;
    boolean[] cutShort = {false};
    List<Unfinished> unfinished = java.util.Collections.synchronizedList(new ArrayList<>());
    progress.started(eventId, urgent, plan.selectedCount());
    try {
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        try {
          plan.stream(
              user -> {
                if (gate.failed()) {
                  return false;
                }
                if (bounds.stop().getAsBoolean() || !clock.instant().isBefore(bounds.deadline())) {
                  cutShort[0] = true;
                  return false;
                }
                if (user.isProtected() || dryRun) {
                  gate.accept(
                      notWritten(
                          eventId, described(plan.directory(), user), actions, redelivery, dryRun));
                  return true;
                }
                try {
                  slots.acquire();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return false;
                }
                // Waiting for a slot can take as long as a user's writes: the stop or the deadline
                // may
                // have come meanwhile, and a user started now would be written after it.
                if (bounds.stop().getAsBoolean() || !clock.instant().isBefore(bounds.deadline())) {
                  slots.release();
                  cutShort[0] = true;
                  return false;
                }
                // The slot bounds users whose account writes are under way; a user past its revoke
                // gives it back before its containment, which waits in the budget's bulk lane, so
                // that slow containment never holds back another user's revoke.
                java.util.concurrent.atomic.AtomicBoolean released =
                    new java.util.concurrent.atomic.AtomicBoolean();
                Runnable releaseSlot =
                    () -> {
                      if (released.compareAndSet(false, true)) {
                        slots.release();
                      }
                    };
                threads.submit(
                    () -> {
                      try {
                        String id = user.user().id();
                        TargetAudit result =
                            runUserSafely(
                                eventId,
                                user,
                                actions,
                                bounds.doneSoFar().apply(id),
                                bounds.doneSince(),
                                urgent,
                                redelivery,
                                plan.directory(),
                                bounds.approved(),
                                releaseSlot,
                                namedDevices);
                        int rounds = bounds.roundsSoFar().applyAsInt(id);
                        if (gaveUpTransiently(result) && rounds + 1 < bounds.maxRounds()) {
                          Set<Action> done = EnumSet.noneOf(Action.class);
                          result.actions().stream()
                              .filter(a -> a.outcome() == TargetOutcome.SUCCEEDED)
                              .forEach(a -> done.add(a.action()));
                          unfinished.add(new Unfinished(id, rounds + 1, true, done));
                          gate.unfinished();
                        } else {
                          gate.accept(result);
                        }
                      } finally {
                        releaseSlot.run();
                      }
                    });
                return true;
              });
        } catch (GraphFailure e) {
          // The directory failed while streaming: the users not reached yet are tried again later.
          cutShort[0] = true;
          LOG.log(
              System.Logger.Level.WARNING,
              "listing the users of event "
                  + eventId
                  + " again failed ("
                  + e.getMessage()
                  + "); the users not reached continue later");
        }
        // Leaving the block waits for every user in flight.
        interrupted = Thread.interrupted();
      }
      interrupted |= Thread.interrupted();
      if (gate.failed()) {
        return new Outcome(
            End.SINK_FAILED, gate.counts(), gate.failure(), List.of(), gate.allResourcesBy());
      }
      if (interrupted) {
        return new Outcome(End.INTERRUPTED, gate.counts(), null, List.of(), gate.allResourcesBy());
      }
      plan.forEachNotStreamed(
          (id, via) -> {
            if (cutShort[0]) {
              unfinished.add(
                  new Unfinished(
                      id,
                      bounds.roundsSoFar().applyAsInt(id),
                      false,
                      bounds.doneSoFar().apply(id)));
            } else {
              gate.accept(noLongerReached(eventId, id, via, actions, redelivery));
            }
          });
      if (reportUnresolved) {
        for (Plan.Unresolved u : plan.unresolved()) {
          gate.accept(unresolved(eventId, u, actions, redelivery));
        }
      }
      List<Unfinished> left = new ArrayList<>(unfinished);
      left.sort(java.util.Comparator.comparing(Unfinished::userId));
      return new Outcome(
          gate.failed() ? End.SINK_FAILED : End.DONE,
          gate.counts(),
          gate.failed() ? gate.failure() : null,
          List.copyOf(left),
          gate.allResourcesBy());
    } finally {
      progress.finished(eventId);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * True when some action of the user gave up on transient failures, or was not sent during an
   * outage.
   */
  private static boolean gaveUpTransiently(TargetAudit result) {
    return result.actions().stream().anyMatch(a -> RETRIES_EXHAUSTED.equals(a.errorCode()));
  }

  /** Serialises results into the caller's consumer, counts them, and remembers a sink failure. */
  private static final class ResultGate {
    private final Consumer<TargetAudit> sink;
    private final Progress progress;
    private final String eventId;
    private final Map<TargetOutcome, Integer> counts = new EnumMap<>(TargetOutcome.class);
    private Instant allResourcesBy;
    // Not synchronized: the sink blocks on the network, and a monitor held there would pin the
    // virtual thread's carrier on JDK 21.
    private final ReentrantLock lock = new ReentrantLock();
    private volatile RuntimeException failure;

    ResultGate(Consumer<TargetAudit> sink, Progress progress, String eventId) {
      this.sink = sink;
      this.progress = progress;
      this.eventId = eventId;
    }

    void accept(TargetAudit result) {
      lock.lock();
      try {
        if (failure != null) {
          return;
        }
        try {
          sink.accept(result);
        } catch (RuntimeException e) {
          failure = e;
          return;
        }
        counts.merge(result.outcome(), 1, Integer::sum);
        if (result.access() != null
            && (allResourcesBy == null
                || result.access().allResourcesBy().isAfter(allResourcesBy))) {
          allResourcesBy = result.access().allResourcesBy();
        }
        progress.advanced(eventId);
      } finally {
        lock.unlock();
      }
    }

    /** A user left for a follow-up: no result now, but no longer waiting in this delivery. */
    void unfinished() {
      progress.advanced(eventId);
    }

    boolean failed() {
      return failure != null;
    }

    Instant allResourcesBy() {
      lock.lock();
      try {
        return allResourcesBy;
      } finally {
        lock.unlock();
      }
    }

    RuntimeException failure() {
      return failure;
    }

    Map<TargetOutcome, Integer> counts() {
      lock.lock();
      try {
        return new EnumMap<>(counts);
      } finally {
        lock.unlock();
      }
    }
  }

  private TargetAudit runUserSafely(
      String eventId,
      PlannedUser user,
      List<Action> actions,
      Set<Action> done,
      Instant doneSince,
      boolean urgent,
      boolean redelivery,
      Directory directory,
      Approved approved,
      Runnable accountWritesDone,
      Set<String> namedDevices) {
    try {
      TargetAudit refused =
          refusedByCooldown(eventId, user, actions, done, redelivery, directory, approved);
      if (refused != null) {
        return refused;
      }
      return runUser(
          eventId,
          user,
          actions,
          done,
          doneSince,
          urgent,
          redelivery,
          directory,
          accountWritesDone,
          namedDevices);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failedUser(
          eventId,
          user.user().id(),
          user.user().userPrincipalName(),
          user.via(),
          user.guest(),
          actions,
          redelivery,
          "Interrupted",
          "interrupted before its writes finished");
    } catch (RuntimeException e) {
      // A bug or an unexpected runtime error: the user still gets a terminal result.
      return failedUser(
          eventId,
          user.user().id(),
          user.user().userPrincipalName(),
          user.via(),
          user.guest(),
          actions,
          redelivery,
          "InternalError",
          GovernedWrites.truncate(String.valueOf(e)));
    }
  }

  /**
   * The result of a restore refused for a user revoked within {@code RESTORE_COOLDOWN} that the
   * approval does not name, or null when the user may be re-enabled. Reads the user first (one
   * read, no write budget); a read that fails transiently leaves the user for a later round, as a
   * write would, and one that fails for good is the user's final result.
   */
  private TargetAudit refusedByCooldown(
      String eventId,
      PlannedUser user,
      List<Action> actions,
      Set<Action> done,
      boolean redelivery,
      Directory directory,
      Approved approved) {
    if (restoreCooldown == null
        || directory == null
        || !actions.contains(Action.ENABLE_ACCOUNT)
        || done.contains(Action.ENABLE_ACCOUNT)) {
      return null;
    }
    String id = user.user().id();
    java.util.Optional<AccountState> state;
    try {
      state = directory.accountState(id);
    } catch (GraphFailure f) {
      String code = f.isTransient() ? RETRIES_EXHAUSTED : f.errorCode();
      String message =
          "reading the user before its restore failed: " + GovernedWrites.truncate(f.getMessage());
      List<ActionResult> results =
          actions.stream()
              .map(
                  a ->
                      ActionResult.failed(
                          a,
                          f.isTransient() ? TargetOutcome.FAILED : outcomeOf(f),
                          0,
                          f.requestId(),
                          null,
                          null,
                          code,
                          message))
              .toList();
      return TargetAudit.builder(eventId, overall(results))
          .userId(id)
          .userPrincipalName(user.user().userPrincipalName())
          .via(user.via())
          .guest(user.guest())
          .detail(message)
          .actions(results)
          .redelivery(redelivery)
          .build();
    }
    if (state.isEmpty() || state.get().signInSessionsValidFrom() == null) {
      // Not found: the write answers 404 as for any user; no watermark: never revoked.
      return null;
    }
    Instant revoked = state.get().signInSessionsValidFrom();
    if (!revoked.isAfter(clock.instant().minus(restoreCooldown))) {
      return null;
    }
    PlannedUser named = user.describedBy(state.get().userPrincipalName(), state.get().userType());
    if (approved != null && approved.names(id, named.user().userPrincipalName())) {
      return null;
    }
    String why =
        "sessions revoked at "
            + revoked
            + ", within RESTORE_COOLDOWN ("
            + restoreCooldown
            + "): not re-enabled; an approval naming this user (approve --user "
            + id
            + ") lets it through";
    List<ActionResult> results =
        actions.stream().map(a -> ActionResult.skipped(a, RESTORE_COOLDOWN, why)).toList();
    return TargetAudit.builder(eventId, TargetOutcome.SKIPPED)
        .userId(id)
        .userPrincipalName(named.user().userPrincipalName())
        .via(named.via())
        .guest(named.guest())
        .detail(why)
        .actions(results)
        .redelivery(redelivery)
        .build();
  }

  private static TargetAudit failedUser(
      String eventId,
      String id,
      String upn,
      List<String> via,
      boolean guest,
      List<Action> actions,
      boolean redelivery,
      String code,
      String message) {
    List<ActionResult> failed =
        actions.stream()
            .map(
                a ->
                    ActionResult.failed(
                        a, TargetOutcome.FAILED, 0, null, null, null, code, message))
            .toList();
    return TargetAudit.builder(eventId, TargetOutcome.FAILED)
        .userId(id)
        .userPrincipalName(upn)
        .via(via)
        .guest(guest)
        .detail(message)
        .actions(failed)
        .redelivery(redelivery)
        .build();
  }

  private static TargetAudit noLongerReached(
      String eventId, String id, List<String> via, List<Action> actions, boolean redelivery) {
    String why = "no longer reached by the event's targets when executed; not written";
    return TargetAudit.builder(eventId, TargetOutcome.SKIPPED)
        .userId(id)
        .via(via)
        .detail(why)
        .actions(actions.stream().map(a -> ActionResult.skipped(a, why)).toList())
        .redelivery(redelivery)
        .build();
  }

  private static TargetAudit unresolved(
      String eventId, Plan.Unresolved u, List<Action> actions, boolean redelivery) {
    List<ActionResult> skipped =
        actions.stream()
            .map(
                a ->
                    u.errorCode() == null
                        ? ActionResult.skipped(a, u.detail())
                        : ActionResult.failed(
                            a,
                            u.outcome(),
                            0,
                            null,
                            null,
                            null,
                            u.errorCode(),
                            GovernedWrites.truncate(u.detail())))
            .toList();
    return TargetAudit.builder(eventId, u.outcome())
        .via(List.of(u.via()))
        .detail(GovernedWrites.truncate(u.detail()))
        .actions(skipped)
        .redelivery(redelivery)
        .build();
  }

  private TargetAudit notWritten(
      String eventId, PlannedUser user, List<Action> actions, boolean redelivery, boolean dryRun) {
    String why =
        user.isProtected() ? "protected: " + user.protectedBecause() : "dry run: nothing written";
    List<ActionResult> skipped = actions.stream().map(a -> ActionResult.skipped(a, why)).toList();
    TargetOutcome outcome = user.isProtected() ? TargetOutcome.PROTECTED : TargetOutcome.SKIPPED;
    return TargetAudit.builder(eventId, outcome)
        .userId(user.user().id())
        .userPrincipalName(user.user().userPrincipalName())
        .via(user.via())
        .guest(user.guest())
        .detail(why)
        .actions(skipped)
        .redelivery(redelivery)
        .build();
  }

  /**
   * The user as the directory names it: a user an id target gave unread is read now (after its
   * writes, or instead of them when it is protected); a failed read leaves it unnamed, as the audit
   * can do without its UPN.
   */
  private static PlannedUser described(Directory directory, PlannedUser user) {
    if (user.user().described() || directory == null) {
      return user;
    }
    try {
      return directory
          .user(user.user().id())
          .map(found -> user.describedBy(found.userPrincipalName(), found.userType()))
          .orElse(user);
    } catch (GraphFailure e) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "reading user " + user.user().id() + " for its audit failed: " + e.getMessage());
      return user;
    }
  }

  private TargetAudit runUser(
      String eventId,
      PlannedUser planned,
      List<Action> actions,
      Set<Action> done,
      Instant doneSince,
      boolean urgent,
      boolean redelivery,
      Directory directory,
      Runnable accountWritesDone,
      Set<String> namedDevices)
      throws InterruptedException {
    PlannedUser user = planned;
    String id = user.user().id();
    List<Sent> sent = new ArrayList<>(actions.size());
    boolean gone = false;
    for (Action action : actions) {
      if (gone) {
        sent.add(new Sent(ActionResult.skipped(action, "user not found"), null));
        continue;
      }
      if (action.containment() && containment != null) {
        accountWritesDone.run();
        // After the account's own writes (declaration order), so that nothing delays the revoke;
        // each is read back on its own, so the account's read-back below leaves it alone.
        sent.add(
            new Sent(containment.run(action, id, urgent, done.contains(action), doneSince), null));
        continue;
      }
      if (action == Action.ENABLE_DEVICES && containment != null) {
        accountWritesDone.run();
        sent.add(new Sent(containment.enableDevices(id, namedDevices), null));
        continue;
      }
      if (!WRITTEN_HERE.contains(action)) {
        // Containment or device restores in an executor built without them get a result that says
        // it was not done, never a silent success.
        sent.add(
            new Sent(
                ActionResult.skipped(
                    action,
                    NOT_WRITTEN_HERE,
                    action.wireName() + " is not carried out by this worker version"),
                null));
        continue;
      }
      if (done.contains(action)) {
        // Said to have succeeded in an earlier delivery: not sent again, but read back with this
        // delivery's writes like any acknowledged write, so that nothing is reported verified on a
        // follow-up's word alone. One the read-back does not show is sent once more below.
        sent.add(new Sent(doneEarlier(action), verifier == null ? null : doneSince));
        continue;
      }
      Sent result = send(action, id, urgent, clock.instant(), 0);
      sent.add(result);
      // A missing user stays missing; any other failure of disable still lets revoke try.
      gone = result.result().outcome() == TargetOutcome.NOT_FOUND;
    }
    // Read back only after every write was sent, so that verifying the disable never delays the
    // revoke.
    ReadBack readBack =
        verifier == null
            ? new ReadBack(sent.stream().map(Sent::result).toList(), null)
            : verified(id, sent, urgent);
    List<ActionResult> results = readBack.results();
    if (readBack.state() != null) {
      user = user.describedBy(readBack.state().userPrincipalName(), readBack.state().userType());
    }
    if (!gone) {
      // Not read back (VERIFY=false, or no write acknowledged): one plain read names the user.
      user = described(directory, user);
    }
    TargetOutcome overall = overall(results);
    boolean guest = user.guest();
    String detail =
        gone && !user.user().described()
            ? "user not found: the directory has no user with this object id (its write was answered 404)"
            : results.stream()
                .filter(r -> r.outcome() != TargetOutcome.SUCCEEDED && r.errorMessage() != null)
                .map(r -> r.action().wireName() + ": " + r.errorMessage())
                .findFirst()
                .orElse(
                    guest ? "guest account: sessions in the home tenant are not revoked" : null);
    TargetAudit audit =
        TargetAudit.builder(eventId, overall)
            .userId(id)
            .userPrincipalName(user.user().userPrincipalName())
            .via(user.via())
            .guest(user.guest())
            .detail(detail)
            .actions(results)
            .redelivery(redelivery)
            .build();
    Instant revokedAt = revokedAt(results, doneSince);
    return revokedAt == null
        ? audit
        : audit.withAccess(AccessWindow.forUser(revokedAt, accessTokenLifetime, guest));
  }

  /**
   * When Graph accepted the first of the user's revoke, disable or password reset that succeeded,
   * or null when none did. One done in an earlier delivery of the event (no time of its own here)
   * counts from when the event's first delivery began, the earliest it can have been accepted.
   */
  private static Instant revokedAt(List<ActionResult> results, Instant doneSince) {
    Instant first = null;
    for (ActionResult r : results) {
      if (r.outcome() != TargetOutcome.SUCCEEDED || !ENDS_ACCESS.contains(r.action())) {
        continue;
      }
      Instant at = r.finishedAt() != null ? r.finishedAt() : doneSince;
      if (at == null || at.equals(Instant.MIN)) {
        continue;
      }
      if (first == null || at.isBefore(first)) {
        first = at;
      }
    }
    return first;
  }

  /** A user's results once read back, and its state as read back (null when nothing was read). */
  private record ReadBack(List<ActionResult> results, AccountState state) {}

  /**
   * The results of a user's writes once read back: one read answers every acknowledged write. A
   * write Graph accepted but the read-back does not show is sent once more and read back again;
   * still not showing, it is UNVERIFIED, never SUCCEEDED.
   */
  private ReadBack verified(String userId, List<Sent> sent, boolean urgent)
      throws InterruptedException {
    Map<Action, Instant> acknowledged = new EnumMap<>(Action.class);
    for (Sent s : sent) {
      if (s.result().outcome() == TargetOutcome.SUCCEEDED && s.at() != null) {
        acknowledged.put(s.result().action(), s.at());
      }
    }
    if (acknowledged.isEmpty()) {
      return new ReadBack(sent.stream().map(Sent::result).toList(), null);
    }
    Verifier.ReadBack readBack = verifier.readBack(userId, acknowledged);
    Map<Action, Verification> checks = readBack.checks();
    List<ActionResult> results = new ArrayList<>(sent.size());
    for (Sent s : sent) {
      Verification check = checks.get(s.result().action());
      if (check == null) {
        results.add(s.result());
      } else if (check.verified()) {
        results.add(check.applyTo(s.result()));
      } else {
        Instant since = s.result().startedAt() != null ? s.result().startedAt() : clock.instant();
        Sent again = send(s.result().action(), userId, urgent, since, s.result().attempts());
        results.add(
            again.result().outcome() != TargetOutcome.SUCCEEDED
                ? again.result()
                : verifier.verify(s.result().action(), userId, again.at()).applyTo(again.result()));
      }
    }
    return new ReadBack(results, readBack.state());
  }

  /**
   * The result of an action done in an earlier delivery of the event: no request in this one. It is
   * verified only once this delivery's read-back shows it ({@link #verified}).
   */
  private static ActionResult doneEarlier(Action action) {
    return ActionResult.succeeded(action, 0, null, null, null);
  }

  private Sent send(
      Action action, String userId, boolean urgent, Instant started, int priorAttempts)
      throws InterruptedException {
    return governed.send(
        action,
        () ->
            switch (action) {
              case DISABLE_ACCOUNT -> writes.disableAccount(userId);
              case REVOKE_SESSIONS -> writes.revokeSignInSessions(userId);
              case ENABLE_ACCOUNT -> writes.enableAccount(userId);
              case RESET_PASSWORD, CONFIRM_COMPROMISED, DISABLE_DEVICES, ENABLE_DEVICES ->
                  throw new IllegalStateException(action.wireName() + " is not an account write");
            },
        urgent,
        started,
        priorAttempts);
  }

  private static TargetOutcome outcomeOf(GraphFailure failure) {
    return switch (failure.kind()) {
      case NOT_FOUND -> TargetOutcome.NOT_FOUND;
      case FORBIDDEN -> TargetOutcome.FORBIDDEN;
      default -> TargetOutcome.FAILED;
    };
  }

  /**
   * A user's outcome is its worst action's: missing, then failed, then forbidden, then unverified,
   * else succeeded.
   */
  static TargetOutcome overall(List<ActionResult> results) {
    for (TargetOutcome worst :
        List.of(
            TargetOutcome.NOT_FOUND,
            TargetOutcome.FAILED,
            TargetOutcome.FORBIDDEN,
            TargetOutcome.UNVERIFIED)) {
      if (results.stream().anyMatch(r -> r.outcome() == worst)) {
        return worst;
      }
    }
    return TargetOutcome.SUCCEEDED;
  }
}
