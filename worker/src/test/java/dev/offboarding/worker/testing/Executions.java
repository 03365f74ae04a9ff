package dev.offboarding.worker.testing;

import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.worker.continuation.Progress;
import dev.offboarding.worker.execute.AccountWrites;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.execute.OutageGuard;
import dev.offboarding.worker.execute.WriteBudget;
import dev.offboarding.worker.plan.StreamingPlan;
import dev.offboarding.worker.resilience.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a plan through an {@link Executor} on its own, without planner or processor, for tests of
 * the executor and the Graph adapters: unbounded, every result in hand, in completion order
 * (unresolved targets last).
 */
public final class Executions {
  private Executions() {}

  /**
   * An executor for tests of what surrounds the writes: no write budget, no outage guard, no
   * verification, three attempts a millisecond apart, waits that return at once.
   */
  public static Executor unthrottled(AccountWrites writes, Clock clock, int concurrency) {
    return new Executor(
        writes,
        WriteBudget.UNLIMITED,
        new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1)),
        OutageGuard.NONE,
        null,
        d -> {},
        clock,
        concurrency);
  }

  /** Every result of {@code plan}, as {@link Executor#execute} hands them out, unbounded. */
  public static List<TargetAudit> all(Executor executor, StreamingPlan plan, boolean redelivery) {
    List<TargetAudit> results = new ArrayList<>(plan.userCount() + plan.unresolved().size());
    executor.execute(
        plan, Executor.Bounds.unbounded(redelivery), true, results::add, Progress.NONE);
    return results;
  }
}
