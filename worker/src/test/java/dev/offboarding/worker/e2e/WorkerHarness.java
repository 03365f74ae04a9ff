package dev.offboarding.worker.e2e;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.AccessAudit;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.servicebus.EmulatorConfig;
import dev.offboarding.testkit.servicebus.EntityTail;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.Wiring;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.execute.Sleeper;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.servicebus.EventMessages;
import dev.offboarding.worker.flow.IntakeBackoff;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The whole system in one JVM on ephemeral ports: the embedded Service Bus emulator with the
 * project's entities (deploy/servicebus/config.json, the queue's lock shortened so expiry and
 * renewal happen within a test), the fake Graph tenant, and the worker built by the same {@link
 * Wiring} that {@code run} uses. Audit messages are read from subscriptions with the official SDK.
 */
final class WorkerHarness implements AutoCloseable {
  static final String QUEUE = "offboarding-events";
  static final String URGENT_QUEUE = "offboarding-urgent";
  /** The operators' queue: restore, cancel and approve events. */
  static final String OPS_QUEUE = "offboarding-ops";
  /** The worker's own queue: follow-ups, held events and cancellation markers. */
  static final String INTERNAL_QUEUE = "offboarding-internal";
  static final String TOPIC = "offboarding-audit";
  static final String REPLIES = "offboarding-replies";
  static final Duration LOCK = Duration.ofSeconds(2);
  /** The mass-action brake's caps unless a test sets its own: far above any test's users. */
  static final String UNBRAKED = "1000000";
  /** How often each worker tails its queues for cancellation markers: quick, so a test need not wait. */
  static final Duration MARKER_POLL = Duration.ofMillis(200);

  final FakeTenant tenant;
  final ServiceBusEmulator emulator;
  final FakeGraphServer graph;
  final Map<String, String> env;
  private final ServiceBusClientBuilder clients;
  private final ServiceBusSenderClient sender;
  private final ServiceBusSenderClient urgentSender;
  private final Map<String, EntityTail> readers = new HashMap<>();
  private final Map<String, List<ServiceBusReceivedMessage>> received = new HashMap<>();
  private final List<WorkerService> services = new CopyOnWriteArrayList<>();
  private final AuditCodec audit = new AuditCodec();

  WorkerHarness(FakeTenant tenant, Consumer<FakeGraphOptions.Builder> graphOptions) {
    this(tenant, graphOptions, Map.of());
  }

  /**
   * With more worker configuration, e.g. {@code PROTECTED_GROUPS}, {@code PROTECTED_MAX_STALENESS},
   * {@code VERIFY} or {@code DELIVERY_MAX_USERS}; these override the harness's own variables.
   */
  WorkerHarness(FakeTenant tenant, Consumer<FakeGraphOptions.Builder> graphOptions, Map<String, String> extraEnv) {
    this(tenant, graphOptions, embeddedEmulator(), null, extraEnv);
  }

  /**
   * Against another Service Bus with the project's entities (the official emulator, or a real
   * namespace): {@link #emulator} is then null, and tests that inspect it cannot run.
   */
  WorkerHarness(FakeTenant tenant, String serviceBusConnectionString) {
    this(tenant, o -> {}, null, serviceBusConnectionString, Map.of());
  }

  private WorkerHarness(FakeTenant tenant, Consumer<FakeGraphOptions.Builder> graphOptions,
      ServiceBusEmulator emulator, String otherConnectionString, Map<String, String> extraEnv) {
    this.tenant = tenant;
    this.emulator = emulator;
    String connectionString = emulator != null ? emulator.connectionString() : otherConnectionString;
    FakeGraphOptions.Builder options = FakeGraphOptions.builder();
    graphOptions.accept(options);
    this.graph = FakeGraphServer.start(tenant, options.build());
    Map<String, String> variables = new HashMap<>(Map.of(
        "SERVICEBUS_CONNECTION_STRING", connectionString,
        "GRAPH_BASE_URL", graph.baseUrl(),
        "GRAPH_AUTH", "none",
        "HTTP_PORT", "0",
        "SERVICEBUS_REPLY_TO_ALLOWED", REPLIES,
        "SERVICEBUS_URGENT_QUEUE", URGENT_QUEUE,
        // Each test builds its own tenant, most with no break-glass account: protection is set by
        // the tests that need it (PROTECTED_USERS or PROTECTED_GROUPS in extraEnv).
        "ALLOW_UNPROTECTED", "true",
        // Set explicitly: the tests' big events run as they did before two-person approval; tests of
        // approval set their own threshold (restores wait whatever it is).
        "APPROVAL_THRESHOLD", "10000000",
        // Defaults are for run: the tests' sizes are not to be braked unless a test says so.
        "MAX_USERS_PER_HOUR", UNBRAKED,
        "MAX_URGENT_USERS_PER_HOUR", UNBRAKED));
    variables.putAll(extraEnv);
    this.env = Map.copyOf(variables);
    this.clients = new ServiceBusClientBuilder().connectionString(connectionString);
    this.sender = clients.sender().queueName(QUEUE).buildClient();
    this.urgentSender = clients.sender().queueName(URGENT_QUEUE).buildClient();
  }

  /** The project's entities (deploy/servicebus/config.json), the queue's lock shortened. */
  private static ServiceBusEmulator embeddedEmulator() {
    EmulatorConfig file = EmulatorConfig.fromJson(Path.of("..", "deploy", "servicebus", "config.json"));
    List<EmulatorConfig.Queue> queues = new ArrayList<>();
    for (EmulatorConfig.Queue q : file.queues()) {
      queues.add(q.name().equals(QUEUE) || q.name().equals("offboarding-internal")
          ? q.withProperties(q.properties().withLockDuration(LOCK)) : q);
    }
    return ServiceBusEmulator.start(new EmulatorConfig(file.namespace(), queues, file.topics()), 0);
  }

  WorkerHarness(FakeTenant tenant) {
    this(tenant, o -> {});
  }

  /** Against {@code emulator}, e.g. one with shared access keys of its own; the harness closes it. */
  WorkerHarness(FakeTenant tenant, ServiceBusEmulator emulator) {
    this(tenant, o -> {}, emulator, null, Map.of());
  }

  /**
   * The worker's one sleeper: Graph retries and budget waits return at once, so no test waits for
   * them. The protected-set refresher ({@code ProtectionRefresher}, on its thread of that name) is
   * paced in real time instead: it ticks every third of {@code PROTECTED_MAX_STALENESS}, and without
   * a wait it would read the protected groups in a busy loop.
   */
  static final Sleeper RETRIES_DO_NOT_WAIT = d -> {
    if ("protection-refresher".equals(Thread.currentThread().getName())) {
      Sleeper.SYSTEM.sleep(d);
    }
  };

  /** Fast backoff so retries happen within a test; no real sleeping inside Graph retries. */
  static IntakeBackoff.Policy quickBackoff() {
    return new IntakeBackoff.Policy(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMinutes(2));
  }

  WorkerService startWorker() {
    return startWorker(new ServiceBusIntake.Options(4, Duration.ofMinutes(5), Duration.ofSeconds(20),
        Duration.ofSeconds(5)));
  }

  WorkerService startWorker(ServiceBusIntake.Options options) {
    return startWorker(options, Map.of(), Wiring.Recovery.defaults());
  }

  /**
   * A worker whose configuration is the harness's environment with {@code settings} added (e.g.
   * {@code DELIVERY_MAX_USERS}), coming back from transient failures as {@code recovery} says.
   */
  WorkerService startWorker(ServiceBusIntake.Options options, Map<String, String> settings,
      Wiring.Recovery recovery) {
    return startWorker(options, settings, recovery, java.util.function.UnaryOperator.identity());
  }

  /**
   * A worker as {@link #startWorker(ServiceBusIntake.Options, Map, Wiring.Recovery)} starts one,
   * its configuration then changed by {@code adjust}: for what no variable may say, such as access
   * windows of seconds.
   */
  WorkerService startWorker(ServiceBusIntake.Options options, Map<String, String> settings,
      Wiring.Recovery recovery, java.util.function.UnaryOperator<WorkerConfig> adjust) {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(settings);
    WorkerConfig config = adjust.apply(WorkerConfig.fromEnvironment(all));
    Wiring wiring = new Wiring(config, Clock.systemUTC(), RETRIES_DO_NOT_WAIT, new Metrics(), null, recovery);
    WorkerService service = wiring.service(wiring.writeBudget(), options, quickBackoff(), MARKER_POLL);
    service.start();
    services.add(service);
    return service;
  }

  static OffboardingEvent event(EventType type, Target... targets) {
    return new OffboardingEvent(UUID.randomUUID().toString(), "/test/e2e", type, Instant.now(),
        new EventData(List.of(targets), List.of(), "end-to-end test", "T-1", "tests", false));
  }

  /** Sends an event the way {@code send} does. */
  void send(OffboardingEvent event) {
    send(event, m -> {});
  }

  void send(OffboardingEvent event, Consumer<ServiceBusMessage> adjust) {
    ServiceBusMessage message = EventMessages.of(new EventCodec().encode(event), event);
    adjust.accept(message);
    sender.sendMessage(message);
  }

  /** Sends an event to the urgent queue, as {@code send} does for compromise events. */
  void sendUrgent(OffboardingEvent event) {
    urgentSender.sendMessage(EventMessages.of(new EventCodec().encode(event), event));
  }

  /** Sends an event to the operators' queue, as {@code send} does for restore, cancel and approve events. */
  void sendOps(OffboardingEvent event) {
    sendTo(OPS_QUEUE, event);
  }

  /** Sends an event to {@code queue}, as a producer with the right to send there would. */
  void sendTo(String queue, OffboardingEvent event) {
    try (ServiceBusSenderClient to = clients.sender().queueName(queue).buildClient()) {
      to.sendMessage(EventMessages.of(new EventCodec().encode(event), event));
    }
  }

  void sendRaw(String messageId, byte[] body) {
    ServiceBusMessage message = new ServiceBusMessage(body);
    message.setMessageId(messageId);
    message.setContentType(dev.offboarding.contracts.OffboardingEvent.CONTENT_TYPE);
    sender.sendMessage(message);
  }

  /**
   * Everything a subscription (or queue) has held so far, in sequence order. Browsed, not
   * received, so nothing is lost to the reader or taken from the entity (see {@link EntityTail}).
   */
  synchronized List<ServiceBusReceivedMessage> read(String entityPath) {
    EntityTail reader = readers.computeIfAbsent(entityPath, path -> EntityTail.of(clients, path));
    List<ServiceBusReceivedMessage> all = received.computeIfAbsent(entityPath, p -> new ArrayList<>());
    all.addAll(reader.poll());
    return List.copyOf(all);
  }

  /** Summaries on the "all" subscription for one event. */
  List<SummaryAudit> summaries(String eventId) {
    return read(TOPIC + "/subscriptions/all").stream()
        .filter(m -> eventId.equals(m.getCorrelationId()) && SummaryAudit.TYPE.equals(m.getSubject()))
        .map(m -> audit.decodeSummary(m.getBody().toBytes()))
        .toList();
  }

  /** Target audits on the "all" subscription for one event. */
  List<TargetAudit> targets(String eventId) {
    return read(TOPIC + "/subscriptions/all").stream()
        .filter(m -> eventId.equals(m.getCorrelationId()) && TargetAudit.TYPE.equals(m.getSubject()))
        .map(m -> audit.decodeTarget(m.getBody().toBytes()))
        .toList();
  }

  /** What the sign-in watch published on the "all" subscription for one event, with the poll that saw it. */
  List<Access> access(String eventId) {
    return read(TOPIC + "/subscriptions/all").stream()
        .filter(m -> eventId.equals(m.getCorrelationId()) && AccessAudit.TYPE.equals(m.getSubject()))
        .map(m -> new Access(audit.decodeAccess(m.getBody().toBytes()),
            ((Number) m.getApplicationProperties().get("watchPoll")).intValue(), m.getMessageId()))
        .toList();
  }

  /** One sign-in watch audit, the poll of its entry that published it, and its message id. */
  record Access(AccessAudit audit, int poll, String messageId) {}

  AuditCodec auditCodec() {
    return audit;
  }

  ServiceBusClientBuilder clients() {
    return clients;
  }

  @Override
  public void close() {
    services.forEach(WorkerService::close);
    readers.values().forEach(EntityTail::close);
    sender.close();
    urgentSender.close();
    graph.close();
    if (emulator != null) {
      emulator.close();
    }
  }
}
