package dev.offboarding.worker;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.worker.budget.TenantWriteGovernor;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.domain.EventProcessor;
import dev.offboarding.worker.domain.Executor;
import dev.offboarding.worker.domain.Planner;
import dev.offboarding.worker.domain.Protection;
import dev.offboarding.worker.domain.RetryPolicy;
import dev.offboarding.worker.domain.Sleeper;
import dev.offboarding.worker.domain.WriteBudget;
import dev.offboarding.worker.graph.GraphAccountWrites;
import dev.offboarding.worker.graph.GraphClients;
import dev.offboarding.worker.graph.GraphDirectory;
import dev.offboarding.worker.metrics.GraphRequestMetrics;
import dev.offboarding.worker.metrics.MeteredWriteBudget;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.servicebus.DeliveryHandler;
import dev.offboarding.worker.servicebus.IntakeBackoff;
import dev.offboarding.worker.servicebus.SdkAuditSenders;
import dev.offboarding.worker.servicebus.ServiceBusAuditSink;
import dev.offboarding.worker.servicebus.ServiceBusClients;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import dev.offboarding.worker.progress.ProgressLog;
import dev.offboarding.worker.servicebus.ServiceBusSettlement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The composition root: builds the worker's parts from configuration, by constructor. Tests reuse
 * these methods with the testkit's fake tenant and emulator.
 */
public final class Wiring {
  /** Users processed concurrently within one event, at least. */
  public static final int USER_CONCURRENCY = 16;

  private final WorkerConfig config;
  private final Metrics metrics;
  private final Clock clock;
  private final Sleeper sleeper;
  private final GraphServiceClient graph;
  private final GraphDirectory directory;
  private final Planner planner;
  private final TenantWriteGovernor governor;
  private final ProgressLog progress;

  public Wiring(WorkerConfig config, Clock clock, Sleeper sleeper) {
    this(config, clock, sleeper, new Metrics());
  }

  /** Wiring whose Graph requests and events are counted in {@code metrics}. */
  public Wiring(WorkerConfig config, Clock clock, Sleeper sleeper, Metrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.sleeper = sleeper;
    this.graph = GraphClients.create(config, new GraphRequestMetrics(metrics));
    this.directory = new GraphDirectory(graph, config.graphBaseUrl(), RetryPolicy.defaults(), sleeper, clock);
    this.planner = new Planner(directory, new Protection(config.protectedUsers(), config.protectedGroups()),
        config.maxTargetsPerEvent());
    // One governor per process: every write of every in-flight event shares the tenant's budget.
    this.governor = TenantWriteGovernor.forBudget(config.writesPerSecond());
    this.progress = new ProgressLog(clock, Duration.ofSeconds(30));
    metrics.bind(governor);
    metrics.bind(progress);
  }

  public static Wiring system(WorkerConfig config) {
    return new Wiring(config, Clock.systemUTC(), Sleeper.SYSTEM);
  }

  public Planner planner() {
    return planner;
  }

  /**
   * Users of one event in flight at once: enough to keep the budget busy when each write takes up
   * to two seconds, never fewer than {@link #USER_CONCURRENCY}. They are virtual threads waiting in
   * the governor, so a few thousand cost little.
   */
  public static int userConcurrency(double writesPerSecond) {
    return (int) Math.max(USER_CONCURRENCY, Math.ceil(writesPerSecond * 2));
  }

  public Executor executor(WriteBudget budget) {
    return new Executor(new GraphAccountWrites(graph, clock), budget, RetryPolicy.defaults(), sleeper, clock,
        userConcurrency(config.writesPerSecond()));
  }

  public EventProcessor processor(WriteBudget budget) {
    return new EventProcessor(new EventCodec(), planner, executor(budget), clock, progress);
  }

  /** The processor of the running worker: every event's writes through the process's one tenant write governor. */
  public EventProcessor processor() {
    return processor(governor);
  }

  /** The write budget of {@code run}: the process's one tenant write governor. */
  public WriteBudget writeBudget() {
    return governor;
  }

  /** The long-running worker of {@code run}, with the default intake options and backoff policy. */
  public WorkerService service(WriteBudget budget) {
    return service(budget, ServiceBusIntake.Options.defaults(), IntakeBackoff.Policy.defaults());
  }

  /**
   * The long-running worker: intake from {@code SERVICEBUS_QUEUE}, audit to {@code
   * SERVICEBUS_AUDIT_TOPIC} (and allowed reply entities), HTTP on {@code HTTP_PORT}. Not started.
   */
  public WorkerService service(WriteBudget budget, ServiceBusIntake.Options options, IntakeBackoff.Policy policy) {
    ServiceBusClientBuilder serviceBus = ServiceBusClients.builder(config);
    SdkAuditSenders senders = new SdkAuditSenders(serviceBus);
    AuditCodec auditCodec = new AuditCodec();
    EventProcessor events = processor(new MeteredWriteBudget(budget, metrics));
    List<ServiceBusIntake> intakes = new ArrayList<>(2);
    // Each queue has its own intake, handler and backoff: urgent events never wait for a slot
    // behind bulk work, nor in a pause caused by it. Writes still share the one governor.
    for (String queue : config.urgentQueue() == null ? List.of(config.queue())
        : List.of(config.queue(), config.urgentQueue())) {
      DeliveryHandler handler = new DeliveryHandler(
          events::process,
          (context, cancelled) -> new ServiceBusAuditSink(senders, auditCodec, config.auditTopic(),
              config.replyToAllowed(), context, clock, metrics, cancelled),
          new ServiceBusSettlement(metrics),
          new IntakeBackoff(policy, clock, metrics),
          metrics,
          clock);
      intakes.add(new ServiceBusIntake(serviceBus, queue, handler, options));
    }
    return new WorkerService(config.httpPort(), metrics, senders, config.auditTopic(), intakes);
  }
}
