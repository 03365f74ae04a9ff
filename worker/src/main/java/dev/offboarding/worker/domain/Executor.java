package dev.offboarding.worker.domain;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a plan's writes: per user, in order, disable (when asked) then revoke, each write through
 * the shared {@link WriteBudget} and retried by the {@link RetryPolicy}. Users run concurrently on
 * virtual threads, at most {@code concurrency} of one event at a time, as the plan streams them in;
 * results stream out as users finish. Every counted user and every unresolved target gets exactly
 * one terminal result. Thread-safe.
 */
public final class Executor {
  private static final int MAX_MESSAGE = 500;

  private final AccountWrites writes;
  private final WriteBudget budget;
  private final RetryPolicy retryPolicy;
  private final CircuitBreaker outage;
  private final Sleeper sleeper;
  private final Clock clock;
  private final int concurrency;

  public Executor(AccountWrites writes, WriteBudget budget, RetryPolicy retryPolicy, Sleeper sleeper,
      Clock clock, int concurrency) {
    this(writes, budget, retryPolicy, OutageBreaker.create(clock), sleeper, clock, concurrency);
  }

  /** With its own outage breaker ({@link OutageBreaker}), which should be one per process. */
  public Executor(AccountWrites writes, WriteBudget budget, RetryPolicy retryPolicy, CircuitBreaker outage,
      Sleeper sleeper, Clock clock, int concurrency) {
    this.outage = outage;
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

  /** How a streamed execution ended. */
  public enum End {
    /** Every counted user was reached. */
    DONE,
    /** The directory failed during the second pass; users not reached are FAILED (DirectoryUnavailable). */
    DIRECTORY_FAILED,
    /** The result sink threw; execution stopped early and the remaining users have no result. */
    SINK_FAILED,
    /** The calling thread was interrupted; users not reached are FAILED (Interrupted). */
    INTERRUPTED
  }

  /**
   * What a streamed execution produced, besides the results themselves.
   *
   * @param end how it ended
   * @param counts terminal results by outcome
   * @param failure the directory or sink failure, when {@code end} says there was one
   * @param retriesExhausted users whose writes gave up on transient failures (429, 503, 504,
   *     timeouts) after every attempt, or were not sent while Graph was down: the event is worth
   *     processing again
   */
  public record Outcome(End end, Map<TargetOutcome, Integer> counts, RuntimeException failure,
      int retriesExhausted) {}

  /**
   * The error code of an action whose every attempt failed transiently; the message carries the
   * last answer's own code and text.
   */
  public static final String RETRIES_EXHAUSTED = "RetriesExhausted";

  /**
   * Executes a streaming plan: runs its second pass and each user's writes, and hands every
   * terminal result to {@code results} as soon as it is known, one call at a time (never
   * concurrently), in completion order. A dry run writes nothing and reports every user SKIPPED.
   * Counted users no longer found by the second pass are reported SKIPPED. If {@code results}
   * throws, no further users are started and the failure is returned. Interrupting the calling
   * thread stops users that have not started; they are reported FAILED with code {@code
   * Interrupted} and the thread's interrupt flag is set again on return.
   */
  public Outcome execute(StreamingPlan plan, boolean redelivery, Consumer<TargetAudit> results, Progress progress) {
    String eventId = plan.event().id();
    boolean dryRun = plan.event().data().dryRun();
    boolean urgent = plan.event().type().urgent();
    List<Action> actions = plan.actions();
    ResultGate gate = new ResultGate(results, progress, eventId);
    Semaphore slots = new Semaphore(concurrency);
    boolean interrupted = false;
    RuntimeException directoryFailure = null;
    progress.started(eventId, urgent, plan.userCount());
    try {
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        try {
          plan.stream(user -> {
            if (gate.failed()) {
              return false;
            }
            if (user.isProtected() || dryRun) {
              gate.accept(notWritten(eventId, user, actions, redelivery, dryRun));
              return true;
            }
            try {
              slots.acquire();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
            threads.submit(() -> {
              try {
                gate.accept(runUserSafely(eventId, user, actions, urgent, redelivery));
              } finally {
                slots.release();
              }
            });
            return true;
          });
        } catch (GraphFailure e) {
          directoryFailure = e;
        }
        // Leaving the block waits for every user in flight.
        interrupted = Thread.interrupted();
      }
      interrupted |= Thread.interrupted();
      if (gate.failed()) {
        return new Outcome(End.SINK_FAILED, gate.counts(), gate.failure(), gate.retriesExhausted());
      }
      End end = interrupted ? End.INTERRUPTED : directoryFailure != null ? End.DIRECTORY_FAILED : End.DONE;
      RuntimeException failure = directoryFailure;
      plan.forEachNotStreamed((id, via) -> gate.accept(notReached(eventId, id, via, actions, redelivery, end,
          failure)));
      for (Plan.Unresolved u : plan.unresolved()) {
        gate.accept(unresolved(eventId, u, actions, redelivery));
      }
      return new Outcome(gate.failed() ? End.SINK_FAILED : end, gate.counts(),
          gate.failed() ? gate.failure() : directoryFailure, gate.retriesExhausted());
    } finally {
      progress.finished(eventId);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Executes a streaming plan exactly as {@link #execute(StreamingPlan, boolean, Consumer, Progress)}
   * does and returns every result, in completion order (unresolved targets last). For callers that
   * want the results in hand: small events and tests.
   */
  public List<TargetAudit> executeAll(StreamingPlan plan, boolean redelivery) {
    List<TargetAudit> results = new ArrayList<>(plan.userCount() + plan.unresolved().size());
    execute(plan, redelivery, results::add, Progress.NONE);
    return results;
  }

  /** Serialises results into the caller's consumer, counts them, and remembers a sink failure. */
  private static final class ResultGate {
    private final Consumer<TargetAudit> sink;
    private final Progress progress;
    private final String eventId;
    private final Map<TargetOutcome, Integer> counts = new EnumMap<>(TargetOutcome.class);
    private int retriesExhausted;
    private volatile RuntimeException failure;

    ResultGate(Consumer<TargetAudit> sink, Progress progress, String eventId) {
      this.sink = sink;
      this.progress = progress;
      this.eventId = eventId;
    }

    synchronized void accept(TargetAudit result) {
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
      if (result.actions().stream().anyMatch(a -> RETRIES_EXHAUSTED.equals(a.errorCode()))) {
        retriesExhausted++;
      }
      progress.advanced(eventId);
    }

    synchronized int retriesExhausted() {
      return retriesExhausted;
    }

    boolean failed() {
      return failure != null;
    }

    RuntimeException failure() {
      return failure;
    }

    synchronized Map<TargetOutcome, Integer> counts() {
      return new EnumMap<>(counts);
    }
  }

  private TargetAudit runUserSafely(String eventId, PlannedUser user, List<Action> actions, boolean urgent,
      boolean redelivery) {
    try {
      return runUser(eventId, user, actions, urgent, redelivery);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failedUser(eventId, user.user().id(), user.user().userPrincipalName(), user.via(), user.guest(), actions,
          redelivery, "Interrupted", "interrupted before its writes finished");
    } catch (RuntimeException e) {
      // A bug or an unexpected runtime error: the user still gets a terminal result.
      return failedUser(eventId, user.user().id(), user.user().userPrincipalName(), user.via(), user.guest(), actions,
          redelivery, "InternalError", truncate(String.valueOf(e)));
    }
  }

  private static TargetAudit failedUser(String eventId, String id, String upn, List<String> via, boolean guest,
      List<Action> actions, boolean redelivery, String code, String message) {
    List<ActionResult> failed = actions.stream()
        .map(a -> new ActionResult(a, TargetOutcome.FAILED, 0, null, null, null, code, message))
        .toList();
    return new TargetAudit(eventId, id, upn, via, guest, TargetOutcome.FAILED, message, failed, redelivery);
  }

  private static TargetAudit notReached(String eventId, String id, List<String> via, List<Action> actions,
      boolean redelivery, End end, RuntimeException failure) {
    return switch (end) {
      case DONE -> {
        String why = "no longer reached by the event's targets when executed; not written";
        yield new TargetAudit(eventId, id, null, via, false, TargetOutcome.SKIPPED, why,
            actions.stream().map(a -> ActionResult.skipped(a, why)).toList(), redelivery);
      }
      case DIRECTORY_FAILED -> failedUser(eventId, id, null, via, false, actions, redelivery, "DirectoryUnavailable",
          truncate("the directory could not be read to reach this user: " + failure.getMessage()));
      case INTERRUPTED, SINK_FAILED -> failedUser(eventId, id, null, via, false, actions, redelivery, "Interrupted",
          "interrupted before this user was reached");
    };
  }

  private static TargetAudit unresolved(String eventId, Plan.Unresolved u, List<Action> actions, boolean redelivery) {
    List<ActionResult> skipped = actions.stream().map(a -> ActionResult.skipped(a, u.detail())).toList();
    return new TargetAudit(eventId, null, null, List.of(u.via()), false, TargetOutcome.NOT_FOUND, u.detail(), skipped,
        redelivery);
  }

  private TargetAudit notWritten(String eventId, PlannedUser user, List<Action> actions, boolean redelivery,
      boolean dryRun) {
    String why = user.isProtected() ? "protected: " + user.protectedBecause() : "dry run: nothing written";
    List<ActionResult> skipped = actions.stream().map(a -> ActionResult.skipped(a, why)).toList();
    TargetOutcome outcome = user.isProtected() ? TargetOutcome.PROTECTED : TargetOutcome.SKIPPED;
    return new TargetAudit(eventId, user.user().id(), user.user().userPrincipalName(), user.via(), user.guest(),
        outcome, why, skipped, redelivery);
  }

  private TargetAudit runUser(String eventId, PlannedUser user, List<Action> actions, boolean urgent,
      boolean redelivery) throws InterruptedException {
    String id = user.user().id();
    List<ActionResult> results = new ArrayList<>(actions.size());
    boolean gone = false;
    for (Action action : actions) {
      if (gone) {
        results.add(ActionResult.skipped(action, "user not found"));
        continue;
      }
      ActionResult result = runAction(action, id, urgent);
      results.add(result);
      // A missing user stays missing; any other failure of disable still lets revoke try.
      gone = result.outcome() == TargetOutcome.NOT_FOUND;
    }
    TargetOutcome overall = overall(results);
    String detail = results.stream()
        .filter(r -> r.outcome() != TargetOutcome.SUCCEEDED && r.errorMessage() != null)
        .map(r -> r.action().wireName() + ": " + r.errorMessage())
        .findFirst()
        .orElse(user.guest() ? "guest account: sessions in the home tenant are not revoked" : null);
    return new TargetAudit(eventId, id, user.user().userPrincipalName(), user.via(), user.guest(), overall, detail,
        results, redelivery);
  }

  private ActionResult runAction(Action action, String userId, boolean urgent) throws InterruptedException {
    Retry.AsyncContext<Object> retry = retryPolicy.newCall();
    Instant started = clock.instant();
    int attempts = 0;
    String lastRequestId = null;
    while (true) {
      if (!outage.tryAcquirePermission()) {
        return new ActionResult(action, TargetOutcome.FAILED, attempts, lastRequestId, started, clock.instant(),
            RETRIES_EXHAUSTED, "not sent: Graph is unavailable (most recent writes failed); the event is tried again"
                + " later");
      }
      try {
        budget.acquire(urgent);
      } catch (InterruptedException e) {
        outage.releasePermission();
        throw e;
      }
      attempts++;
      try {
        String requestId = switch (action) {
          case DISABLE_ACCOUNT -> writes.disableAccount(userId);
          case REVOKE_SESSIONS -> writes.revokeSignInSessions(userId);
        };
        outage.onSuccess(0, TimeUnit.NANOSECONDS);
        retry.onComplete();
        budget.onAccepted();
        return ActionResult.succeeded(action, attempts, requestId, started, clock.instant());
      } catch (GraphFailure failure) {
        outage.onError(0, TimeUnit.NANOSECONDS, failure);
        lastRequestId = failure.requestId();
        if (failure.kind() == GraphFailure.Kind.THROTTLED) {
          budget.onThrottled(failure.retryAfter().orElse(java.time.Duration.ofSeconds(1)));
        }
        long waitMillis = retry.onError(failure);
        if (waitMillis < 0) {
          if (failure.isTransient()) {
            return new ActionResult(action, TargetOutcome.FAILED, attempts, failure.requestId(), started,
                clock.instant(), RETRIES_EXHAUSTED,
                truncate("gave up after " + attempts + " attempts; last: " + failure.getMessage()));
          }
          return new ActionResult(action, outcomeOf(failure), attempts, failure.requestId(), started,
              clock.instant(), failure.errorCode(), truncate(failure.getMessage()));
        }
        sleeper.sleep(java.time.Duration.ofMillis(waitMillis));
      }
    }
  }

  private static TargetOutcome outcomeOf(GraphFailure failure) {
    return switch (failure.kind()) {
      case NOT_FOUND -> TargetOutcome.NOT_FOUND;
      case FORBIDDEN -> TargetOutcome.FORBIDDEN;
      default -> TargetOutcome.FAILED;
    };
  }

  /** A user's outcome is its worst action's: missing, then failed, then forbidden, else succeeded. */
  static TargetOutcome overall(List<ActionResult> results) {
    for (TargetOutcome worst : List.of(TargetOutcome.NOT_FOUND, TargetOutcome.FAILED, TargetOutcome.FORBIDDEN)) {
      if (results.stream().anyMatch(r -> r.outcome() == worst)) {
        return worst;
      }
    }
    return TargetOutcome.SUCCEEDED;
  }

  static String truncate(String s) {
    if (s == null) {
      return null;
    }
    return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
  }
}
