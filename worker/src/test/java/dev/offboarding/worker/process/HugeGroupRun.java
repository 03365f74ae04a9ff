package dev.offboarding.worker.process;

import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.execute.AccountWrites;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.execute.OutageGuard;
import dev.offboarding.worker.execute.WriteBudget;
import dev.offboarding.worker.plan.Plan;
import dev.offboarding.worker.plan.PlanResult;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.testing.Events;
import dev.offboarding.worker.testing.FollowUpLoop;
import dev.offboarding.worker.testing.SyntheticDirectory;
import java.time.Clock;
import java.util.BitSet;
import java.util.List;

/**
 * Runs one leaver event over a huge synthetic group through the real planner, executor and
 * processor, with writes that do nothing; exits 0 when every member got exactly one result. {@link
 * BoundedMemoryTest} starts it in a JVM with a small heap.
 *
 * <p>Arguments: users, UPN ballast per user in characters.
 */
public final class HugeGroupRun {
  private static final AccountWrites NO_WRITES =
      new AccountWrites() {
        @Override
        public String disableAccount(String userId) {
          return "r";
        }

        @Override
        public String revokeSignInSessions(String userId) {
          return "r";
        }

        @Override
        public String enableAccount(String userId) {
          return "r";
        }
      };

  private HugeGroupRun() {}

  public static void main(String[] args) throws Exception {
    int users = Integer.parseInt(args[0]);
    int ballast = Integer.parseInt(args[1]);
    if (args.length > 2 && args[2].equals("materialize")) {
      // The contrast: the same event planned into memory, every user listed at once.
      SyntheticDirectory directory = new SyntheticDirectory(users, 110, ballast);
      Plan plan =
          ((PlanResult.Ready)
                  new Planner(directory, Protection.none(), users)
                      .plan(Events.leaver(new Target.Group(SyntheticDirectory.GROUP))))
              .plan();
      System.out.println("materialized users=" + plan.users().size());
      System.exit(0);
    }
    System.exit(run(users, ballast) ? 0 : 1);
  }

  static boolean run(int users, int ballast) throws InterruptedException {
    SyntheticDirectory directory = new SyntheticDirectory(users, 110, ballast);
    Executor executor =
        new Executor(
            NO_WRITES,
            WriteBudget.UNLIMITED,
            RetryPolicy.defaults(),
            OutageGuard.NONE,
            null,
            d -> {
              throw new AssertionError("no retry expected");
            },
            Clock.systemUTC(),
            64);
    EventProcessor processor =
        EventProcessor.builder(
                new Planner(directory, Protection.none(), users), executor, Clock.systemUTC())
            .build();
    BitSet seen = new BitSet(users);
    int[] results = {0, 0};
    SummaryAudit[] summary = {null};
    AuditSink audit =
        new AuditSink() {
          @Override
          public void targets(List<TargetAudit> chunk) {
            for (TargetAudit t : chunk) {
              int n = Integer.parseInt(t.userId().substring(t.userId().lastIndexOf('-') + 1));
              if (seen.get(n)) {
                results[1]++;
              }
              seen.set(n);
              results[0]++;
            }
          }

          @Override
          public void summary(SummaryAudit s) {
            summary[0] = s;
          }
        };
    Settlement settlement =
        new FollowUpLoop()
            .run(
                processor,
                new EventCodec().encode(Events.leaver(new Target.Group(SyntheticDirectory.GROUP))),
                audit,
                () -> {});
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        "users=%d results=%d duplicates=%d settlement=%s succeeded=%d maxHeap=%dMiB%n",
        users,
        results[0],
        results[1],
        settlement,
        summary[0] == null ? -1 : summary[0].counts().get(TargetOutcome.SUCCEEDED),
        rt.maxMemory() >> 20);
    return settlement instanceof Settlement.Complete
        && results[0] == users
        && results[1] == 0
        && seen.cardinality() == users
        && summary[0].counts().get(TargetOutcome.SUCCEEDED) == users;
  }
}
