package dev.offboarding.reliability;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.continuation.FollowUps;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.execute.WriteBudget;
import dev.offboarding.worker.graph.GraphAccountWrites;
import dev.offboarding.worker.graph.GraphClients;
import dev.offboarding.worker.graph.GraphDirectory;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.progress.ProgressLog;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.resilience.OutageBreaker;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.tenant.Sleeper;
import dev.offboarding.worker.testing.Inbounds;
import dev.offboarding.worker.testing.RecordingAudit;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The worker's domain (planner, protection, executor, event processor) built from its public parts,
 * as {@code Wiring} builds them, with the real Graph adapters against the fake tenant over a
 * socket; no Service Bus: a delivery is one {@link #process} call with recording ports. One tenant
 * serves many cases: each case adds objects of its own and reads the writes made since it began.
 * {@link #renewEvery} starts a fresh tenant every few hundred cases, so a long run does not slow
 * down as the tenant grows (its attribute filters and write log scale with the tenant).
 */
final class DomainRig implements AutoCloseable {
  /** Cases one tenant serves before {@link #renewEvery} replaces it. */
  static final int CASES_PER_TENANT = 250;

  FakeTenant tenant;
  FakeGraphServer graph;
  private GraphServiceClient client;
  private GraphDirectory directory;
  private final Clock clock = Clock.systemUTC();
  private final EventCodec codec = new EventCodec();

  DomainRig() {
    start();
  }

  private void start() {
    tenant = new FakeTenant();
    graph = FakeGraphServer.start(tenant, FakeGraphOptions.builder().unlimitedWrites().build());
    WorkerConfig config =
        WorkerConfig.forGraphOnly(Map.of("GRAPH_BASE_URL", graph.baseUrl(), "GRAPH_AUTH", "none"));
    client = GraphClients.create(config);
    directory =
        new GraphDirectory(
            client, config.graphBaseUrl(), RetryPolicy.defaults(), Sleeper.SYSTEM, clock);
  }

  /**
   * Before case {@code c}: replaces the tenant (and the Graph server on it) every {@link
   * #CASES_PER_TENANT} cases.
   */
  void renewEvery(int c) {
    if (c > 0 && c % CASES_PER_TENANT == 0) {
      graph.close();
      start();
    }
  }

  /**
   * What one delivery did: its settlement, the audit it published, and the writes Graph saw
   * meanwhile.
   */
  record Outcome(
      Settlement settlement,
      List<TargetAudit> targets,
      List<SummaryAudit> summaries,
      List<WriteRecord> writes,
      boolean protectionReady) {}

  /**
   * Plans and executes one event with this protected set, as one delivery.
   *
   * @param protectedUsers ids or UPNs, as {@code PROTECTED_USERS}
   * @param protectedGroups group ids, as {@code PROTECTED_GROUPS}
   */
  Outcome process(OffboardingEvent event, Set<String> protectedUsers, Set<String> protectedGroups)
      throws InterruptedException {
    int before = graph.writeLog().size();
    Protection protection =
        new Protection(protectedUsers, protectedGroups, clock, Duration.ofMinutes(5));
    protection.refresh(directory);
    Planner planner = new Planner(directory, protection, 10_000);
    Executor executor =
        new Executor(
            new GraphAccountWrites(client, clock),
            WriteBudget.UNLIMITED,
            RetryPolicy.defaults(),
            OutageBreaker.create(clock),
            null,
            Sleeper.SYSTEM,
            clock,
            16);
    EventProcessor processor =
        EventProcessor.builder(planner, executor, clock)
            .progress(new ProgressLog(clock, Duration.ofMinutes(10)))
            .build();
    RecordingAudit audit = new RecordingAudit();
    FollowUps followUps =
        new FollowUps() {
          @Override
          public void send(
              String eventId,
              dev.offboarding.worker.continuation.Continuation next,
              java.time.Instant notBefore) {}

          @Override
          public void hold(
              dev.offboarding.worker.intake.Inbound.Event event, java.time.Instant dueAt) {
            throw new AssertionError("no event of these runs takes effect later");
          }
        };
    byte[] body = codec.encode(event);
    // Events reach the processor as the worker's intake decodes them from the events queue.
    Settlement settlement =
        processor.process(
            new EventProcessor.Work(
                Inbounds.from(Inbounds.EVENTS, body, 1),
                false,
                audit,
                followUps,
                () -> false,
                () -> {}));
    List<WriteRecord> log = graph.writeLog();
    return new Outcome(
        settlement,
        audit.all(),
        List.copyOf(audit.summaries),
        new ArrayList<>(log.subList(before, log.size())),
        protection.ready());
  }

  static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    graph.close();
  }
}
