package dev.offboarding.worker.execute;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sends one write the way every write is sent: not while Graph is down ({@link OutageGuard}),
 * through the tenant's {@link WriteBudget} (urgent first), retried under the {@link Retries} policy
 * honouring {@code Retry-After}; 404 and 403 are final outcomes. Thread-safe.
 */
final class GovernedWrites {
  private static final int MAX_MESSAGE = 500;

  private final WriteBudget budget;
  private final Retries retryPolicy;
  private final OutageGuard outage;
  private final Sleeper sleeper;
  private final Clock clock;

  GovernedWrites(
      WriteBudget budget, Retries retryPolicy, OutageGuard outage, Sleeper sleeper, Clock clock) {
    this.budget = budget;
    this.retryPolicy = retryPolicy;
    this.outage = outage;
    this.sleeper = sleeper;
    this.clock = clock;
  }

  /**
   * Sends {@code write} until it is accepted, fails for good or the retries are used up.
   *
   * @param write one attempt; returns Graph's request id or throws {@link GraphFailure}
   * @param started when the action started (kept in the result)
   * @param priorAttempts attempts already made for this action (a write sent once more)
   * @return the result, and when its accepted attempt was sent (null unless accepted)
   */
  Sent send(
      Action action, Supplier<String> write, boolean urgent, Instant started, int priorAttempts)
      throws InterruptedException {
    return RetryLoop.run(
        retryPolicy,
        sleeper,
        priorAttempts,
        new RetryLoop.Call<>() {
          private String lastRequestId;

          @Override
          public Optional<Sent> beforeAttempt(int attemptsMade) throws InterruptedException {
            if (!outage.tryAcquirePermission()) {
              return Optional.of(
                  new Sent(
                      ActionResult.failed(
                          action,
                          TargetOutcome.FAILED,
                          attemptsMade,
                          lastRequestId,
                          started,
                          clock.instant(),
                          Executor.RETRIES_EXHAUSTED,
                          "not sent: Graph is unavailable (most recent writes failed);"
                              + " the user is tried again later"),
                      null));
            }
            try {
              budget.acquire(urgent);
            } catch (InterruptedException e) {
              outage.releasePermission();
              throw e;
            }
            return Optional.empty();
          }

          @Override
          public Sent attempt(int attempt) {
            Instant sentAt = clock.instant();
            String requestId = write.get();
            outage.onSuccess();
            budget.onAccepted();
            return new Sent(
                ActionResult.succeeded(action, attempt, requestId, started, clock.instant()),
                sentAt);
          }

          @Override
          public void afterFailure(GraphFailure failure) {
            outage.onFailure(failure);
            lastRequestId = failure.requestId();
            if (failure.kind() == GraphFailure.Kind.THROTTLED) {
              budget.onThrottled(failure.retryAfter().orElse(Duration.ofSeconds(1)));
            }
          }

          @Override
          public Sent gaveUp(GraphFailure failure, int attempts) {
            return new Sent(failed(action, failure, attempts, started), null);
          }
        });
  }

  /** The final result of an action whose last attempt failed with {@code failure}. */
  ActionResult failed(Action action, GraphFailure failure, int attempts, Instant started) {
    if (failure.isTransient()) {
      return ActionResult.failed(
          action,
          TargetOutcome.FAILED,
          attempts,
          failure.requestId(),
          started,
          clock.instant(),
          Executor.RETRIES_EXHAUSTED,
          truncate("gave up after " + attempts + " attempts; last: " + failure.getMessage()));
    }
    return ActionResult.failed(
        action,
        outcomeOf(failure),
        attempts,
        failure.requestId(),
        started,
        clock.instant(),
        failure.errorCode(),
        truncate(failure.getMessage()));
  }

  static TargetOutcome outcomeOf(GraphFailure failure) {
    return switch (failure.kind()) {
      case NOT_FOUND -> TargetOutcome.NOT_FOUND;
      case FORBIDDEN -> TargetOutcome.FORBIDDEN;
      default -> TargetOutcome.FAILED;
    };
  }

  /**
   * An audit's message, cut to the length every result's message keeps (one rule for all writes).
   */
  static String truncate(String s) {
    if (s == null) {
      return null;
    }
    return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
  }
}
