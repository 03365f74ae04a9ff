package dev.offboarding.worker.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.graph.GraphAccountWrites;
import dev.offboarding.worker.graph.GraphClients;
import dev.offboarding.worker.graph.GraphDirectory;
import dev.offboarding.worker.plan.PlanResult;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.plan.StreamingPlan;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.testing.Executions;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The governor against the fake tenant's real write budget, over a socket, in simulated time: the
 * worker believes it may write twice as fast as the tenant allows, and must learn the difference
 * from 429s alone. One clock drives the tenant's bucket, the governor and every wait, so the run is
 * exact and takes no real time.
 */
class GovernorAgainstFakeTenantTest {
  static final int TENANT_WRITES_PER_SECOND = 10;
  static final int USERS = 300;

  final ManualClock clock = ManualClock.startingAt("2026-11-27T09:00:00Z");
  FakeGraphServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** What one run over the fake tenant showed. */
  record Run(long throttled, double utilisation, long warnings, double finalRate) {}

  @Test
  void learnsTheTenantsBudgetFrom429sAndNeverWritesIntoARetryAfter() throws Exception {
    Run run = run(false);

    assertTrue(run.utilisation() >= 0.9, "utilisation " + run.utilisation());
    assertTrue(run.throttled() <= USERS / 10, run.throttled() + " writes refused");
    assertTrue(
        run.finalRate() < 2.0 * TENANT_WRITES_PER_SECOND, "the pace came down: " + run.finalRate());
  }

  @Test
  void heedingGraphsEarlyWarningItMeetsFewer429s() throws Exception {
    Run deaf = run(false);
    server.close();

    Run heeding = run(true);

    assertTrue(heeding.warnings() > 0, "the tenant warned");
    assertTrue(heeding.throttled() < deaf.throttled(), heeding + " against " + deaf);
    assertTrue(heeding.utilisation() >= 0.9, "utilisation " + heeding.utilisation());
  }

  /**
   * Writes to every member of a group through the worker's executor and a governor that believes it
   * may write twice as fast as the tenant allows; with {@code heedWarnings}, Graph's early warnings
   * reach the governor as they do in the worker's wiring.
   */
  private Run run(boolean heedWarnings) throws Exception {
    FakeTenant tenant = new FakeTenant();
    FakeGroup group = tenant.addLargeGroup("leavers", USERS, 10, 3);
    server =
        FakeGraphServer.start(
            tenant,
            FakeGraphOptions.builder()
                .clock(clock)
                .writeBudget(
                    TENANT_WRITES_PER_SECOND, Duration.ofSeconds(1), TENANT_WRITES_PER_SECOND)
                .retryAfterFormat(FakeGraphOptions.RetryAfterFormat.FRACTIONAL_SECONDS)
                .build());
    GraphServiceClient graph =
        GraphClients.create(
            WorkerConfig.forGraphOnly(
                Map.of("GRAPH_BASE_URL", server.baseUrl(), "GRAPH_AUTH", "none")));
    Ticker ticker =
        () -> {
          Instant now = clock.instant();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    Waiter advance =
        (condition, nanos) -> {
          if (nanos == Waiter.UNTIMED) {
            throw new AssertionError("a lone writer never waits without a time limit");
          }
          clock.advance(Duration.ofNanos(nanos));
        };
    TenantWriteGovernor governor =
        new TenantWriteGovernor(
            GovernorSettings.forBudget(2.0 * TENANT_WRITES_PER_SECOND), ticker, advance);
    java.util.concurrent.atomic.AtomicLong warnings = new java.util.concurrent.atomic.AtomicLong();
    GraphAccountWrites writes =
        heedWarnings
            ? new GraphAccountWrites(
                graph,
                clock,
                use -> {
                  warnings.incrementAndGet();
                  governor.onLimitUse(use);
                })
            : new GraphAccountWrites(graph, clock);
    Executor executor =
        new Executor(
            writes,
            governor,
            RetryPolicy.defaults(),
            dev.offboarding.worker.execute.OutageGuard.NONE,
            null,
            clock::advance,
            clock,
            1);
    OffboardingEvent event =
        new OffboardingEvent(
            "evt-budget",
            "/tests",
            EventType.LEAVER,
            null,
            new EventData(
                List.of(new Target.Group(group.id())),
                List.of(Action.REVOKE_SESSIONS),
                "budget",
                null,
                null,
                false));
    Planner planner =
        new Planner(
            new GraphDirectory(
                graph, URI.create(server.baseUrl()), RetryPolicy.defaults(), clock::advance, clock),
            Protection.none(),
            USERS);
    StreamingPlan plan = assertInstanceOf(PlanResult.Streamed.class, planner.prepare(event)).plan();
    Instant start = clock.instant();

    List<TargetAudit> results = Executions.all(executor, plan, false);

    assertEquals(USERS, results.size());
    assertTrue(results.stream().allMatch(r -> r.outcome() == TargetOutcome.SUCCEEDED));
    List<WriteRecord> log = server.writeLog();
    for (int i = 1; i < log.size(); i++) {
      // Retry-After is exact here: a writer that honours it is never refused twice in a row.
      assertTrue(
          log.get(i - 1).status() != 429 || log.get(i).accepted(),
          "wrote into a Retry-After at " + i);
    }
    long throttled = log.stream().filter(w -> w.status() == 429).count();
    double seconds = Duration.between(start, clock.instant()).toNanos() / 1e9;
    double floor = (double) (USERS - TENANT_WRITES_PER_SECOND) / TENANT_WRITES_PER_SECOND;
    return new Run(throttled, floor / seconds, warnings.get(), governor.rate());
  }
}
