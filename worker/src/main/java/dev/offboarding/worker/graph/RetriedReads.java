package dev.offboarding.worker.graph;

import dev.offboarding.worker.execute.Retries;
import dev.offboarding.worker.execute.Sleeper;
import dev.offboarding.worker.plan.GraphFailure;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * How every Graph read is retried: a transient failure ({@link GraphErrors#translate}) is tried
 * again after the wait {@code policy} gives (its {@code Retry-After} when Graph sent one), until
 * the policy gives up; then, or on a failure that is not transient, the failure is thrown.
 */
final class RetriedReads {
  private RetriedReads() {}

  static <T> T read(Retries policy, Sleeper sleeper, Clock clock, Supplier<T> call) {
    Retries.Attempts retry = policy.newCall();
    while (true) {
      try {
        T result = call.get();
        retry.onSuccess();
        return result;
      } catch (RuntimeException e) {
        GraphFailure failure = e instanceof GraphFailure g ? g : GraphErrors.translate(e, clock);
        long wait = retry.onError(failure);
        if (wait < 0) {
          throw failure;
        }
        try {
          sleeper.sleep(Duration.ofMillis(wait));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new GraphFailure(
              GraphFailure.Kind.UNAVAILABLE,
              0,
              "Interrupted",
              "interrupted while waiting to retry",
              failure.requestId(),
              null,
              interrupted);
        }
      }
    }
  }
}
