package dev.offboarding.worker.domain;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import io.github.resilience4j.retry.Retry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs a plan's writes: per user, in order, disable (when asked) then revoke, each write through
 * the shared {@link WriteBudget} and retried by the {@link RetryPolicy}. Users run concurrently on
 * virtual threads, bounded by {@code concurrency}. Every planned user and every unresolved target
 * gets exactly one terminal result. Thread-safe.
 */
public final class Executor {
  private static final int MAX_MESSAGE = 500;

  private final AccountWrites writes;
  private final WriteBudget budget;
  private final RetryPolicy retryPolicy;
  private final Sleeper sleeper;
  private final Clock clock;
  private final int concurrency;

  public Executor(AccountWrites writes, WriteBudget budget, RetryPolicy retryPolicy, Sleeper sleeper,
      Clock clock, int concurrency) {
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
   * Executes the plan and returns one result per user (plan order), then one per unresolved target.
   * A dry run writes nothing and reports every user SKIPPED. Interrupting the calling thread stops
   * work that has not started; the users not reached are reported FAILED with code {@code
   * Interrupted}.
   */
  public List<TargetAudit> execute(Plan plan, boolean redelivery) throws InterruptedException {
    String eventId = plan.event().id();
    boolean dryRun = plan.event().data().dryRun();
    boolean urgent = plan.event().type().urgent();
    List<Action> actions = plan.actions();
    List<TargetAudit> results = new ArrayList<>(plan.users().size() + plan.unresolved().size());

    List<Future<TargetAudit>> pending = new ArrayList<>(plan.users().size());
    Semaphore slots = new Semaphore(concurrency);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (PlannedUser user : plan.users()) {
        if (user.isProtected() || dryRun) {
          pending.add(java.util.concurrent.CompletableFuture.completedFuture(
              notWritten(eventId, user, actions, redelivery, dryRun)));
          continue;
        }
        slots.acquire();
        pending.add(threads.submit(() -> {
          try {
            return runUser(eventId, user, actions, urgent, redelivery);
          } finally {
            slots.release();
          }
        }));
      }
      for (int i = 0; i < pending.size(); i++) {
        results.add(await(pending.get(i), eventId, plan.users().get(i), actions, redelivery));
      }
    }
    for (Plan.Unresolved u : plan.unresolved()) {
      List<ActionResult> skipped = actions.stream().map(a -> ActionResult.skipped(a, u.detail())).toList();
      results.add(new TargetAudit(eventId, null, null, List.of(u.via()), false, TargetOutcome.NOT_FOUND,
          u.detail(), skipped, redelivery));
    }
    return results;
  }

  private TargetAudit await(Future<TargetAudit> future, String eventId, PlannedUser user, List<Action> actions,
      boolean redelivery) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      // A bug or an unexpected runtime error: the user still gets a terminal result.
      List<ActionResult> failed = actions.stream()
          .map(a -> new ActionResult(a, TargetOutcome.FAILED, 0, null, null, null, "InternalError",
              truncate(String.valueOf(e.getCause()))))
          .toList();
      return new TargetAudit(eventId, user.user().id(), user.user().userPrincipalName(), user.via(),
          user.guest(), TargetOutcome.FAILED, "internal error", failed, redelivery);
    }
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
    while (true) {
      budget.acquire(urgent);
      attempts++;
      try {
        String requestId = switch (action) {
          case DISABLE_ACCOUNT -> writes.disableAccount(userId);
          case REVOKE_SESSIONS -> writes.revokeSignInSessions(userId);
        };
        retry.onComplete();
        budget.onAccepted();
        return ActionResult.succeeded(action, attempts, requestId, started, clock.instant());
      } catch (GraphFailure failure) {
        if (failure.kind() == GraphFailure.Kind.THROTTLED) {
          budget.onThrottled(failure.retryAfter().orElse(java.time.Duration.ofSeconds(1)));
        }
        long waitMillis = retry.onError(failure);
        if (waitMillis < 0) {
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

  private static String truncate(String s) {
    if (s == null) {
      return null;
    }
    return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
  }
}
