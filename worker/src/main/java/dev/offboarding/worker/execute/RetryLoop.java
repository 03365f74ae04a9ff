package dev.offboarding.worker.execute;

import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.time.Duration;
import java.util.Optional;

/**
 * The one loop that runs a call under a {@link Retries} policy: before each attempt the call waits
 * for its turn, the attempt is made, and a {@link GraphFailure} is either waited out through the
 * injected {@link Sleeper} and tried again, or, once the policy gives up, turned into the call's
 * result. Each call states only what is its own ({@link Call}): its turn (write budget, outage
 * breaker, Identity Protection limit), the attempt, what a failure teaches it (a throttle), and
 * what giving up means.
 *
 * <p>resilience4j decides what is retried and how long to wait ({@link Retries.Attempts}); its
 * synchronous {@code Retry} cannot drive the attempts, since it sleeps through one static sleep
 * function for every retry of the process (not a {@link Sleeper} per caller), knows no turn to wait
 * for before an attempt and ends with the last exception, not with a result the caller builds.
 * Stateless; a call runs on its caller's thread.
 */
public final class RetryLoop {
  private RetryLoop() {}

  /**
   * What one retried call does. Only {@link #attempt} and {@link #gaveUp} are needed; the hooks
   * default to doing nothing. One call, one thread.
   *
   * @param <T> what the call yields
   */
  public interface Call<T> {
    /**
     * Before each attempt: takes the attempt's turn (waits for a budget or a limit), or ends the
     * call without attempting.
     *
     * @param attemptsMade attempts made so far, those before this call included
     * @return the call's result to end it here, or empty to make the attempt
     */
    default Optional<T> beforeAttempt(int attemptsMade) throws InterruptedException {
      return Optional.empty();
    }

    /**
     * One attempt; throws {@link GraphFailure} when it fails. Any other exception ends the call.
     *
     * @param attempt this attempt's number, counting those before this call
     */
    T attempt(int attempt) throws InterruptedException;

    /** A failed attempt, told before the policy decides whether to try again. */
    default void afterFailure(GraphFailure failure) {}

    /**
     * The call's result when the policy gives up: the failure is final or the attempts are used up.
     * May throw {@code failure}.
     *
     * @param attempts attempts made, those before this call included
     */
    T gaveUp(GraphFailure failure, int attempts) throws InterruptedException;
  }

  /** Runs {@code call} from its first attempt. */
  public static <T> T run(Retries policy, Sleeper sleeper, Call<T> call)
      throws InterruptedException {
    return run(policy, sleeper, 0, call);
  }

  /**
   * Runs {@code call} until an attempt succeeds, {@link Call#beforeAttempt} ends it or the policy
   * gives up.
   *
   * @param priorAttempts attempts already made before this call (a write sent once more): attempt
   *     numbers count on from there, while the policy's count starts afresh
   * @throws InterruptedException when interrupted while waiting to try again, or by a hook
   */
  public static <T> T run(Retries policy, Sleeper sleeper, int priorAttempts, Call<T> call)
      throws InterruptedException {
    Retries.Attempts retry = policy.newCall();
    int attempts = priorAttempts;
    while (true) {
      Optional<T> instead = call.beforeAttempt(attempts);
      if (instead.isPresent()) {
        return instead.get();
      }
      attempts++;
      GraphFailure failure;
      try {
        T result = call.attempt(attempts);
        retry.onSuccess();
        return result;
      } catch (GraphFailure f) {
        failure = f;
      }
      call.afterFailure(failure);
      long wait = retry.onError(failure);
      if (wait < 0) {
        return call.gaveUp(failure, attempts);
      }
      sleeper.sleep(Duration.ofMillis(wait));
    }
  }
}
