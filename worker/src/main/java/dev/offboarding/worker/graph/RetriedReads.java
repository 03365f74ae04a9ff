package dev.offboarding.worker.graph;

import dev.offboarding.worker.execute.Retries;
import dev.offboarding.worker.execute.RetryLoop;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * How every Graph read is retried: a transient failure ({@link GraphErrors#translate}) is tried
 * again after the wait {@code policy} gives (its {@code Retry-After} when Graph sent one), until
 * the policy gives up; then, or on a failure that is not transient, the failure is thrown. A read
 * interrupted while it waits to try again keeps the interrupt and fails as unavailable.
 */
final class RetriedReads {
  private RetriedReads() {}

  static <T> T read(Retries policy, Sleeper sleeper, Clock clock, Supplier<T> call) {
    Read<T> read = new Read<>(call, clock);
    try {
      return RetryLoop.run(policy, sleeper, read);
    } catch (InterruptedException interrupted) {
      // Only the wait before another attempt is interruptible, so a failure came before it.
      Thread.currentThread().interrupt();
      throw new GraphFailure(
          GraphFailure.Kind.UNAVAILABLE,
          0,
          "Interrupted",
          "interrupted while waiting to retry",
          read.last.requestId(),
          null,
          interrupted);
    }
  }

  /** One read: any failure is translated into a {@link GraphFailure}, the last one kept. */
  private static final class Read<T> implements RetryLoop.Call<T> {
    private final Supplier<T> call;
    private final Clock clock;
    private GraphFailure last;

    Read(Supplier<T> call, Clock clock) {
      this.call = call;
      this.clock = clock;
    }

    @Override
    public T attempt(int attempt) {
      try {
        return call.get();
      } catch (GraphFailure failure) {
        throw failure;
      } catch (RuntimeException e) {
        throw GraphErrors.translate(e, clock);
      }
    }

    @Override
    public void afterFailure(GraphFailure failure) {
      last = failure;
    }

    @Override
    public T gaveUp(GraphFailure failure, int attempts) {
      throw failure;
    }
  }
}
