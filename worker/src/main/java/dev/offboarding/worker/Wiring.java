package dev.offboarding.worker;

import com.azure.core.credential.TokenCredential;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.worker.budget.TenantWriteGovernor;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.codec.WatchEntryCodec;
import dev.offboarding.worker.config.ConfigException;
import dev.offboarding.worker.config.Tuning;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.continuation.DeliveryBounds;
import dev.offboarding.worker.execute.ContainmentWrites;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.execute.IdentityProtectionLimit;
import dev.offboarding.worker.execute.OutageGuard;
import dev.offboarding.worker.execute.WriteBudget;
import dev.offboarding.worker.flow.DeliveryHandler;
import dev.offboarding.worker.flow.DeliverySettlement;
import dev.offboarding.worker.flow.IntakeBackoff;
import dev.offboarding.worker.graph.GraphAccountWrites;
import dev.offboarding.worker.graph.GraphClients;
import dev.offboarding.worker.graph.GraphContainmentWrites;
import dev.offboarding.worker.graph.GraphDirectory;
import dev.offboarding.worker.graph.GraphDirectoryRoles;
import dev.offboarding.worker.graph.GraphSignInLog;
import dev.offboarding.worker.graph.GraphTaskResumes;
import dev.offboarding.worker.guard.Braking;
import dev.offboarding.worker.guard.MassActionBrake;
import dev.offboarding.worker.guard.MassActionCaps;
import dev.offboarding.worker.intake.MessageClassifier;
import dev.offboarding.worker.lifecycle.LifecycleWorkflows;
import dev.offboarding.worker.lifecycle.Resumer;
import dev.offboarding.worker.metrics.GraphRequestMetrics;
import dev.offboarding.worker.metrics.MeteredWriteBudget;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.progress.ProgressLog;
import dev.offboarding.worker.protection.PrivilegedRoles;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.protection.ProtectionRefresher;
import dev.offboarding.worker.resilience.OutageBreaker;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.scheduling.CancellationMarkers;
import dev.offboarding.worker.scheduling.RunningEvents;
import dev.offboarding.worker.scheduling.ScheduledEvents;
import dev.offboarding.worker.servicebus.SdkAuditSenders;
import dev.offboarding.worker.servicebus.ServiceBusAuditSink;
import dev.offboarding.worker.servicebus.ServiceBusCancellationMarkers;
import dev.offboarding.worker.servicebus.ServiceBusFollowUps;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import dev.offboarding.worker.servicebus.ServiceBusMassActionBrake;
import dev.offboarding.worker.servicebus.ServiceBusScheduledEvents;
import dev.offboarding.worker.servicebus.ServiceBusWatchLease;
import dev.offboarding.worker.servicebus.ServiceBusWatchOutbox;
import dev.offboarding.worker.tenant.Sleeper;
import dev.offboarding.worker.verify.Verifier;
import dev.offboarding.worker.watch.SignInWatch;
import dev.offboarding.worker.watch.WatchSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The composition root: builds the worker's parts from configuration, by constructor. Tests reuse
 * these methods with the testkit's fake tenant and emulator.
 */
public final class Wiring {
  /** Users processed concurrently within one event, at least. */
  public static final int USER_CONCURRENCY = 16;

  private final WorkerConfig config;

  /**
   * The events this process executes, shared by every intake so a cancel on one queue reaches the
   * other's.
   */
  private final RunningEvents running = new RunningEvents();

  private final Metrics metrics;
  private final Clock clock;
  private final Sleeper sleeper;
  private final GraphServiceClient graph;
  private final GraphDirectory directory;
  private final Protection protection;
  private final Planner planner;
  private final TenantWriteGovernor governor;
  private final ProgressLog progress;

  /** One per process: an outage is Graph's, whichever event notices it. */
  private final OutageGuard outage;

  private final IdentityProtectionLimit identityProtection;
  private final DeliveryBounds deliveryBounds;

  /**
   * The production wiring on this clock and sleeper: its own metrics, tokens from
   * DefaultAzureCredential.
   */
  public Wiring(WorkerConfig config, Clock clock, Sleeper sleeper) {
    this(config, clock, sleeper, new Metrics(), null);
  }

  /**
   * Wiring whose Graph requests and events are counted in {@code metrics}; with {@code
   * GRAPH_AUTH=azure}, Graph tokens come from {@code credential} (null: {@code
   * DefaultAzureCredential}); coming back from transient failures as the configuration's {@link
   * Tuning#recovery()} says.
   */
  public Wiring(
      WorkerConfig config,
      Clock clock,
      Sleeper sleeper,
      Metrics metrics,
      TokenCredential credential) {
    Tuning.Recovery recovery = config.tuning().recovery();
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.sleeper = sleeper;
    this.graph = GraphClients.create(config, credential, new GraphRequestMetrics(metrics));
    this.directory =
        new GraphDirectory(graph, config.graphBaseUrl(), RetryPolicy.defaults(), sleeper, clock);
    // Holders of privileged directory roles are guarded in every worker: no setting turns it off.
    this.protection =
        new Protection(
            config.protectedUsers(),
            config.protectedGroups(),
            new PrivilegedRoles(
                new GraphDirectoryRoles(
                    graph, config.graphBaseUrl(), RetryPolicy.defaults(), sleeper, clock)),
            clock,
            config.protectedMaxStaleness());
    this.planner = new Planner(directory, protection, config.maxTargetsPerEvent());
    // One governor per process: every write of every in-flight event shares the tenant's budget.
    this.governor = TenantWriteGovernor.forBudget(config.writesPerSecond());
    this.progress = new ProgressLog(clock, Duration.ofSeconds(30));
    this.outage = OutageBreaker.create(clock, recovery.outageProbeAfter());
    // One pace for every Identity Protection request of the process, as Graph allows per tenant. In
    // real time whatever the sleeper, as the write governor is: a pace, not a retry's wait.
    this.identityProtection =
        new IdentityProtectionLimit(
            IdentityProtectionLimit.DEFAULT_INTERVAL, Clock.systemUTC(), Sleeper.SYSTEM);
    this.deliveryBounds =
        new DeliveryBounds(
            config.deliveryMaxDuration(),
            config.deliveryMaxUsers(),
            recovery.maxRounds(),
            recovery.firstRoundDelay(),
            recovery.maxRoundDelay());
    metrics.gauge(
        Metrics.GRAPH_WRITE_RATE,
        "current pace of the tenant write governor, writes per second",
        governor::rate);
    metrics.gauge(
        Metrics.GRAPH_WRITE_BUDGET,
        "configured tenant write budget (GRAPH_WRITES_PER_SECOND)",
        config::writesPerSecond);
    for (boolean urgent : new boolean[] {true, false}) {
      String priority = urgent ? "urgent" : "bulk";
      metrics.gauge(
          Metrics.GRAPH_WRITES_WAITING,
          "writes waiting for budget",
          () -> governor.waiting(urgent),
          "priority",
          priority);
      metrics.gauge(
          Metrics.EVENT_USERS_REMAINING,
          "users of in-flight events still waiting for their result",
          () -> progress.remaining(urgent),
          "priority",
          priority);
    }
    metrics.gauge(Metrics.EVENTS_EXECUTING, "events whose writes are running", progress::executing);
    metrics.intakeQueues(queues());
    metrics.gauge(
        Metrics.PROTECTED_SET_AGE, "age of the protected set in memory", protection::ageSeconds);
    metrics.gauge(
        Metrics.PROTECTION_READY,
        "1 while the protected set is fresh enough for events",
        () -> protection.ready() ? 1 : 0);
    metrics.gauge(
        Metrics.PRIVILEGED_ROLE_HOLDERS,
        "users protected as holders of privileged directory roles",
        protection::privilegedHolders);
  }

  /** The wiring of a running worker: the system clock, real sleeps. */
  public static Wiring system(WorkerConfig config) {
    return new Wiring(config, Clock.systemUTC(), Sleeper.SYSTEM);
  }

  /** The protected set, kept warm while the worker runs. */
  public Protection protection() {
    return protection;
  }

  /** Keeps the protected set warm in the background; started by the service. */
  public ProtectionRefresher protectionRefresher() {
    return new ProtectionRefresher(protection, directory, sleeper);
  }

  /** How much one delivery does before the rest of its event continues in a follow-up. */
  public DeliveryBounds deliveryBounds() {
    return deliveryBounds;
  }

  /** The containment adapter, for its reads (what a dry run shows). */
  public ContainmentWrites containmentReads() {
    return new GraphContainmentWrites(
        graph, config.graphBaseUrl(), RetryPolicy.defaults(), sleeper, clock, use -> {});
  }

  /** The planner over the Graph directory and the protected set, shared by every processor. */
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

  /**
   * An executor writing through Graph under {@code budget}, with the default retry policy, the
   * outage breaker and the configured containment and verification.
   */
  public Executor executor(WriteBudget budget) {
    return new Executor(
            new GraphAccountWrites(graph, clock, budget::onLimitUse),
            budget,
            RetryPolicy.defaults(),
            outage,
            config.verify() ? new Verifier(directory, sleeper, clock) : null,
            sleeper,
            clock,
            userConcurrency(config.writesPerSecond()))
        .withRestoreCooldown(config.restoreCooldown())
        .withContainment(
            new GraphContainmentWrites(
                graph,
                config.graphBaseUrl(),
                RetryPolicy.defaults(),
                sleeper,
                clock,
                budget::onLimitUse),
            identityProtection)
        .withAccessTokenLifetime(config.accessTokenMaxLifetime());
  }

  /**
   * A processor writing through {@code budget}, whose cancel events look for held events in {@code
   * scheduled} and leave cancellation markers in {@code markers}, each living longer than any run
   * of an event can last ({@link DeliveryBounds#longestRun} with the intake's in-process hold); the
   * sign-in watch {@code watch} when on (null: off).
   */
  private EventProcessor processor(
      WriteBudget budget,
      ScheduledEvents scheduled,
      CancellationMarkers markers,
      Braking braking,
      SignInWatch watch) {
    Duration holdPerDelivery = config.tuning().backoff().maxHold();
    EventProcessor.Builder builder = EventProcessor.builder(planner, executor(budget), clock);
    if (watch != null) {
      builder.signInWatch(watch);
    }
    return builder
        .progress(progress)
        .brake(braking)
        .bounds(deliveryBounds)
        .maxScheduleAhead(config.maxScheduleAhead())
        .scheduled(scheduled)
        .running(running)
        .markers(markers, deliveryBounds.longestRun(config.maxTargetsPerEvent(), holdPerDelivery))
        .policies(config.intakePolicies())
        .approvals(config.approvalThreshold(), config.approvalTtl())
        .lifecycle(lifecycleWorkflows(), config.lifecycleWorkflowsResume() ? resumer(budget) : null)
        .build();
  }

  /**
   * Lifecycle Workflows: with {@code LIFECYCLE_WORKFLOWS_RESUME} on, tasks' events come from {@code
   * SERVICEBUS_QUEUE} alone and are answered; else they are only flagged while they wait.
   */
  public LifecycleWorkflows lifecycleWorkflows() {
    return config.lifecycleWorkflowsResume()
        ? LifecycleWorkflows.resuming(config.queue())
        : LifecycleWorkflows.off();
  }

  /**
   * Answers Lifecycle Workflows tasks through Graph, within {@code budget}, retried like every
   * write.
   */
  public Resumer resumer(WriteBudget budget) {
    return new Resumer(
        new GraphTaskResumes(graph, config.graphBaseUrl(), clock, budget::onLimitUse),
        budget,
        RetryPolicy.defaults(),
        sleeper,
        metrics::lifecycleResume);
  }

  /**
   * The mass-action brake's caps by intake queue ({@code MAX_USERS_PER_HOUR} for {@code
   * SERVICEBUS_QUEUE}, {@code MAX_URGENT_USERS_PER_HOUR} for {@code SERVICEBUS_URGENT_QUEUE}): the
   * one place they are read.
   */
  public MassActionCaps massActionCaps() {
    return MassActionCaps.of(
        config.queue(),
        config.maxUsersPerHour(),
        config.urgentQueue(),
        config.maxUrgentUsersPerHour());
  }

  /**
   * The gauge {@value Metrics#MASS_ACTION_BRAKE} of each cap, 0 until {@code braking} holds work
   * back.
   */
  private void brakeGauges(Braking braking) {
    for (MassActionBrake.Cap cap : massActionCaps().all()) {
      metrics.gauge(
          Metrics.MASS_ACTION_BRAKE,
          "1 while the mass-action brake's cap holds work back",
          () -> braking.holding(cap.name()) ? 1 : 0,
          "priority",
          cap.name());
    }
  }

  /**
   * The intake queues this worker takes events from, one per sender: {@code SERVICEBUS_QUEUE} (HR
   * and bulk producers), {@code SERVICEBUS_URGENT_QUEUE} (the SIEM), then {@code
   * SERVICEBUS_OPS_QUEUE} (operators: restore, cancel, approve).
   */
  public List<String> queues() {
    return List.of(config.queue(), config.urgentQueue(), config.opsQueue());
  }

  /**
   * Decodes each message and tells what its queue may carry: the intake queues and the worker's
   * own.
   */
  public MessageClassifier classifier() {
    return new MessageClassifier(Set.copyOf(queues()), config.internalQueue());
  }

  /**
   * A processor for events run in this process alone, outside the service (the benchmark): every
   * write through the process's one tenant write governor; markers and the mass-action brake's
   * count in memory, no broker to hold events in.
   */
  public EventProcessor processor() {
    return processor(
        governor,
        ScheduledEvents.UNAVAILABLE,
        CancellationMarkers.inMemory(clock),
        new Braking(MassActionBrake.inMemory(clock), massActionCaps(), clock),
        null);
  }

  /** The write budget of {@code run}: the process's one tenant write governor. */
  public WriteBudget writeBudget() {
    return governor;
  }

  /**
   * The long-running worker of {@code run}: intake from {@code SERVICEBUS_QUEUE}, audit to {@code
   * SERVICEBUS_AUDIT_TOPIC} (and allowed reply entities), HTTP on {@code HTTP_PORT}, its intake
   * options, backoff and cancellation-marker poll the configuration's {@link Tuning}. Not started.
   * One intake per queue: the producers' queues and the worker's own, each with its own handler and
   * backoff, so urgent events never wait for a slot behind bulk work, nor in a pause caused by it.
   * Writes still share the one governor. Follow-ups, held events and markers go to the worker's own
   * queue alone.
   *
   * @throws ConfigException when no break-glass account is protected and {@code ALLOW_UNPROTECTED}
   *     is not set ({@link WorkerConfig#unprotectedProblem()}): no long-running worker is built
   *     then
   */
  public WorkerService service(WriteBudget budget) {
    Tuning tuning = config.tuning();
    IntakeBackoff.Policy policy = tuning.backoff();
    ServiceBusIntake.Options options = tuning.intakeOptions(config.deliveryMaxDuration());
    Duration markerPoll = tuning.markerPoll();
    String unprotected = config.unprotectedProblem();
    if (unprotected != null) {
      throw new ConfigException(List.of(unprotected));
    }
    ServiceBusClientBuilder serviceBus = ServiceBusClients.builder(config);
    SdkAuditSenders senders = new SdkAuditSenders(serviceBus);
    AuditCodec auditCodec = new AuditCodec();
    String internal = config.internalQueue();
    ServiceBusCancellationMarkers markers =
        new ServiceBusCancellationMarkers(
            serviceBus, senders, internal, clock, markerPoll, metrics);
    // The brake's count is session state on the state queue, shared by every replica. Its waits for
    // a
    // session another replica holds are real: that replica's turn takes real time.
    MassActionCaps caps = massActionCaps();
    ServiceBusMassActionBrake brake =
        new ServiceBusMassActionBrake(
            serviceBus,
            config.stateQueue(),
            clock,
            Sleeper.SYSTEM,
            ServiceBusMassActionBrake.DEFAULT_PATIENCE,
            ServiceBusMassActionBrake.DEFAULT_STEP_TIMEOUT,
            caps::aheadOf);
    Braking braking = new Braking(brake, caps, clock);
    brake.warmUp(caps.all());
    brakeGauges(braking);
    // The sign-in watch, when on: its entries on the internal queue, its lease (and the reporting
    // API's count) in session state on the state queue. The gate's waits are real: Graph's window
    // is.
    ServiceBusWatchLease watchLease = null;
    SignInWatch watch = null;
    WatchSettings watching = config.signInWatch();
    if (watching.enabled()) {
      watchLease =
          new ServiceBusWatchLease(
              serviceBus,
              config.stateQueue(),
              clock,
              Sleeper.SYSTEM,
              ServiceBusWatchLease.DEFAULT_PATIENCE,
              ServiceBusMassActionBrake.DEFAULT_STEP_TIMEOUT);
      watch =
          new SignInWatch(
              watching,
              new GraphSignInLog(graph, clock),
              watchLease,
              new ServiceBusWatchOutbox(
                  senders,
                  config.auditTopic(),
                  internal,
                  auditCodec,
                  new WatchEntryCodec(),
                  clock,
                  metrics),
              clock,
              watchListener());
    }
    EventProcessor events =
        processor(
            new MeteredWriteBudget(budget, metrics),
            new ServiceBusScheduledEvents(serviceBus, List.of(internal)),
            markers,
            braking,
            watch);
    MessageClassifier classifier = classifier();
    ServiceBusFollowUps followUps =
        new ServiceBusFollowUps(senders, internal, new ContinuationCodec(), clock);
    List<String> all = new ArrayList<>(queues());
    all.add(internal);
    List<ServiceBusIntake> intakes = new ArrayList<>(all.size());
    for (String queue : all) {
      DeliveryHandler handler =
          new DeliveryHandler(
              events::process,
              (context, cancelled) ->
                  new ServiceBusAuditSink(
                      senders,
                      auditCodec,
                      config.auditTopic(),
                      config.replyToAllowed(),
                      context,
                      clock,
                      metrics,
                      cancelled),
              followUps,
              new DeliverySettlement(metrics),
              new IntakeBackoff(policy, clock, metrics),
              metrics,
              clock,
              classifier,
              markers::saturated);
      intakes.add(new ServiceBusIntake(serviceBus, queue, handler, options));
    }
    WorkerService service =
        new WorkerService(
                config.httpPort(),
                metrics,
                senders,
                config.auditTopic(),
                intakes,
                protection,
                protectionRefresher(),
                markers)
            .alsoClosing(brake);
    return watchLease == null ? service : service.alsoClosing(watchLease);
  }

  /** The sign-in watch's counts, in the process's metrics. */
  private SignInWatch.Listener watchListener() {
    return new SignInWatch.Listener() {
      @Override
      public void polled(String outcome) {
        metrics.watchPolled(outcome);
      }

      @Override
      public void signInSeen() {
        metrics.signInAfterRevoke();
      }

      @Override
      public void windowClosed(String outcome) {
        metrics.watchWindowClosed(outcome);
      }
    };
  }
}
