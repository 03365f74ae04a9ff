package dev.offboarding.worker.e2e;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import dev.offboarding.contracts.AccessAudit;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.Wiring;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.config.Tuning;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.flow.IntakeBackoff;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import dev.offboarding.worker.tenant.Sleeper;
import dev.offboarding.worker.testing.Events;
import dev.offboarding.worker.testing.WorkerSystem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The whole system in one JVM on ephemeral ports ({@link WorkerSystem}): the embedded Service Bus
 * emulator with the project's entities (the queue's lock shortened so expiry and renewal happen
 * within a test), the fake Graph tenant, and the worker built by the same {@link Wiring} that
 * {@code run} uses. Audit messages are read from subscriptions with the official SDK, each decoded
 * once.
 */
final class WorkerHarness implements AutoCloseable {
  static final String QUEUE = WorkerSystem.QUEUE;
  static final String URGENT_QUEUE = WorkerSystem.URGENT_QUEUE;

  /** The operators' queue: restore, cancel and approve events. */
  static final String OPS_QUEUE = WorkerSystem.OPS_QUEUE;

  /** The worker's own queue: follow-ups, held events and cancellation markers. */
  static final String INTERNAL_QUEUE = WorkerSystem.INTERNAL_QUEUE;

  static final String TOPIC = WorkerSystem.TOPIC;
  static final String REPLIES = WorkerSystem.REPLIES;
  static final Duration LOCK = Duration.ofSeconds(2);

  /** The mass-action brake's caps unless a test sets its own: far above any test's users. */
  static final String UNBRAKED = WorkerSystem.UNBRAKED;

  /**
   * How often each worker tails its queues for cancellation markers: quick, so a test need not
   * wait.
   */
  static final Duration MARKER_POLL = Duration.ofMillis(200);

  /** The worker's one sleeper in tests: see {@link WorkerSystem#RETRIES_DO_NOT_WAIT}. */
  static final Sleeper RETRIES_DO_NOT_WAIT = WorkerSystem.RETRIES_DO_NOT_WAIT;

  final FakeTenant tenant;
  final ServiceBusEmulator emulator;
  final FakeGraphServer graph;
  final Map<String, String> env;
  private final WorkerSystem system;
  private final AuditCodec audit;

  WorkerHarness(FakeTenant tenant, Consumer<FakeGraphOptions.Builder> graphOptions) {
    this(tenant, graphOptions, Map.of());
  }

  /**
   * With more worker configuration, e.g. {@code PROTECTED_GROUPS}, {@code PROTECTED_MAX_STALENESS},
   * {@code VERIFY} or {@code DELIVERY_MAX_USERS}; these override the harness's own variables.
   */
  WorkerHarness(
      FakeTenant tenant,
      Consumer<FakeGraphOptions.Builder> graphOptions,
      Map<String, String> extraEnv) {
    this(tenant, graphOptions, WorkerSystem.projectEntities(LOCK), null, extraEnv);
  }

  /**
   * Against another Service Bus with the project's entities (the official emulator, or a real
   * namespace): {@link #emulator} is then null, and tests that inspect it cannot run.
   */
  WorkerHarness(FakeTenant tenant, String serviceBusConnectionString) {
    this(tenant, o -> {}, null, serviceBusConnectionString, Map.of());
  }

  private WorkerHarness(
      FakeTenant tenant,
      Consumer<FakeGraphOptions.Builder> graphOptions,
      ServiceBusEmulator emulator,
      String otherConnectionString,
      Map<String, String> extraEnv) {
    // Every audit message counts, a duplicate too: tests of idempotence count what was published.
    this.system =
        new WorkerSystem(
            tenant, graphOptions, emulator, otherConnectionString, extraEnv, false, arrived -> {});
    this.tenant = tenant;
    this.emulator = emulator;
    this.graph = system.graph;
    this.env = system.env;
    this.audit = system.audits().codec();
  }

  WorkerHarness(FakeTenant tenant) {
    this(tenant, o -> {});
  }

  /**
   * Against {@code emulator}, e.g. one with shared access keys of its own; the harness closes it.
   */
  WorkerHarness(FakeTenant tenant, ServiceBusEmulator emulator) {
    this(tenant, o -> {}, emulator, null, Map.of());
  }

  /** Fast backoff so retries happen within a test; no real sleeping inside Graph retries. */
  static IntakeBackoff.Policy quickBackoff() {
    return WorkerSystem.quickBackoff();
  }

  WorkerService startWorker() {
    return startWorker(WorkerSystem.INTAKE);
  }

  WorkerService startWorker(ServiceBusIntake.Options options) {
    return startWorker(options, Map.of(), Tuning.Recovery.defaults());
  }

  /**
   * A worker whose configuration is the harness's environment with {@code settings} added (e.g.
   * {@code DELIVERY_MAX_USERS}), coming back from transient failures as {@code recovery} says.
   */
  WorkerService startWorker(
      ServiceBusIntake.Options options, Map<String, String> settings, Tuning.Recovery recovery) {
    return startWorker(options, settings, recovery, UnaryOperator.identity());
  }

  /**
   * A worker as {@link #startWorker(ServiceBusIntake.Options, Map, Tuning.Recovery)} starts one,
   * its configuration then changed by {@code adjust}: for what no variable may say, such as access
   * windows of seconds.
   */
  WorkerService startWorker(
      ServiceBusIntake.Options options,
      Map<String, String> settings,
      Tuning.Recovery recovery,
      UnaryOperator<WorkerConfig> adjust) {
    return system.startWorker(options, settings, recovery, MARKER_POLL, adjust);
  }

  static OffboardingEvent event(EventType type, Target... targets) {
    return Events.fresh("/test/e2e", "end-to-end test", "T-1", "tests", type, targets);
  }

  /** Sends an event the way {@code send} does. */
  void send(OffboardingEvent event) {
    send(event, m -> {});
  }

  void send(OffboardingEvent event, Consumer<ServiceBusMessage> adjust) {
    system.send(QUEUE, event, adjust);
  }

  /** Sends an event to the urgent queue, as {@code send} does for compromise events. */
  void sendUrgent(OffboardingEvent event) {
    sendTo(URGENT_QUEUE, event);
  }

  /**
   * Sends an event to the operators' queue, as {@code send} does for restore, cancel and approve
   * events.
   */
  void sendOps(OffboardingEvent event) {
    sendTo(OPS_QUEUE, event);
  }

  /** Sends an event to {@code queue}, as a producer with the right to send there would. */
  void sendTo(String queue, OffboardingEvent event) {
    system.send(queue, event, m -> {});
  }

  void sendRaw(String messageId, byte[] body) {
    system.sendRaw(QUEUE, messageId, body, OffboardingEvent.CONTENT_TYPE);
  }

  /**
   * Everything a subscription (or queue) has held so far, in sequence order. Browsed, not received,
   * so nothing is lost to the reader or taken from the entity (see {@link
   * dev.offboarding.testkit.servicebus.EntityTail}).
   */
  List<ServiceBusReceivedMessage> read(String entityPath) {
    return system.read(entityPath);
  }

  /** Summaries on the "all" subscription for one event. */
  List<SummaryAudit> summaries(String eventId) {
    return system.audits().summaries(eventId);
  }

  /**
   * Waits up to {@code atMost} until one event has a summary on the "all" subscription; returns its
   * summaries.
   */
  List<SummaryAudit> awaitSummaries(String eventId, Duration atMost) {
    return system.audits().awaitSummaries(eventId, atMost);
  }

  /** Waits up to {@code atMost} until one event's summaries satisfy {@code until}; returns them. */
  List<SummaryAudit> awaitSummaries(
      String eventId, Duration atMost, Predicate<List<SummaryAudit>> until) {
    return system.audits().awaitSummaries(eventId, atMost, until);
  }

  /**
   * Waits up to {@code atMost} until one event has a summary matching {@code which}; returns the
   * first such.
   */
  SummaryAudit awaitSummary(String eventId, Duration atMost, Predicate<SummaryAudit> which) {
    return system.audits().awaitSummary(eventId, atMost, which);
  }

  /** Waits up to {@code atMost} for one event's final summary; returns it. */
  SummaryAudit awaitFinalSummary(String eventId, Duration atMost) {
    return system.audits().awaitFinalSummary(eventId, atMost);
  }

  /** Target audits on the "all" subscription for one event. */
  List<TargetAudit> targets(String eventId) {
    return system.audits().targets(eventId);
  }

  /**
   * What the sign-in watch published on the "all" subscription for one event, with the poll that
   * saw it.
   */
  List<Access> access(String eventId) {
    return system
        .audits()
        .decoded(
            eventId,
            AccessAudit.TYPE,
            m ->
                new Access(
                    audit.decodeAccess(m.getBody().toBytes()),
                    ((Number) m.getApplicationProperties().get("watchPoll")).intValue(),
                    m.getMessageId()));
  }

  /** One sign-in watch audit, the poll of its entry that published it, and its message id. */
  record Access(AccessAudit audit, int poll, String messageId) {}

  AuditCodec auditCodec() {
    return audit;
  }

  ServiceBusClientBuilder clients() {
    return system.clients();
  }

  @Override
  public void close() {
    system.close();
  }
}
