package dev.offboarding.worker.testing;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.servicebus.EmulatorConfig;
import dev.offboarding.testkit.servicebus.EntityTail;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.Wiring;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.config.Tuning;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.flow.IntakeBackoff;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.servicebus.EventMessages;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import dev.offboarding.worker.tenant.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The whole system in one JVM on loopback ephemeral ports, as the worker's end-to-end tests and the
 * reliability runs use it: a Service Bus with the project's entities (by default the embedded
 * emulator, see {@link #projectEntities}), the fake Graph tenant, workers built by the same {@link
 * Wiring} as {@code run} with the tests' environment ({@link #environment}), senders for each queue
 * and one {@link AuditReader} of the audit topic's "all" subscription.
 */
public final class WorkerSystem implements AutoCloseable {
  public static final String QUEUE = "offboarding-events";
  public static final String URGENT_QUEUE = "offboarding-urgent";

  /** The operators' queue: restore, cancel and approve events. */
  public static final String OPS_QUEUE = "offboarding-ops";

  /** The worker's own queue: follow-ups, held events and cancellation markers. */
  public static final String INTERNAL_QUEUE = "offboarding-internal";

  public static final String TOPIC = "offboarding-audit";

  /** The subscription that receives every audit. */
  public static final String ALL_AUDITS = TOPIC + "/subscriptions/all";

  public static final String REPLIES = "offboarding-replies";

  /** The project's Service Bus entities, from a module's directory. */
  public static final Path ENTITIES = Path.of("..", "deploy", "servicebus", "config.json");

  /** The mass-action brake's caps unless a test sets its own: far above any test's users. */
  public static final String UNBRAKED = "1000000";

  /** Intake options of the tests' workers: four at a time, locks renewed for five minutes. */
  public static final ServiceBusIntake.Options INTAKE =
      new ServiceBusIntake.Options(
          4, Duration.ofMinutes(5), Duration.ofSeconds(20), Duration.ofSeconds(5));

  /**
   * The worker's one sleeper in tests: Graph retries and budget waits return at once, so no test
   * waits for them. The protected-set refresher ({@code ProtectionRefresher}, on its thread of that
   * name) is paced in real time instead: it ticks every third of {@code PROTECTED_MAX_STALENESS},
   * and without a wait it would read the protected groups in a busy loop.
   */
  public static final Sleeper RETRIES_DO_NOT_WAIT =
      d -> {
        if ("protection-refresher".equals(Thread.currentThread().getName())) {
          Sleeper.SYSTEM.sleep(d);
        }
      };

  /** Fast intake backoff, so that pauses and their retries happen within a test. */
  public static IntakeBackoff.Policy quickBackoff() {
    return new IntakeBackoff.Policy(
        Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMinutes(2));
  }

  /**
   * The embedded emulator with the project's entities as deploy/servicebus/config.json has them.
   */
  public static ServiceBusEmulator projectEntities() {
    return ServiceBusEmulator.start(EmulatorConfig.fromJson(ENTITIES), 0);
  }

  /**
   * The embedded emulator with the project's entities (deploy/servicebus/config.json, read from the
   * module's directory), the event queue's and the worker's own queue's lock shortened to {@code
   * lock} so that expiry and renewal happen within a test.
   */
  public static ServiceBusEmulator projectEntities(Duration lock) {
    return projectEntities(lock, Set.of(QUEUE, INTERNAL_QUEUE));
  }

  /**
   * The embedded emulator with the project's entities, the lock of {@code shortened} set to {@code
   * lock}.
   */
  public static ServiceBusEmulator projectEntities(Duration lock, Set<String> shortened) {
    EmulatorConfig file = EmulatorConfig.fromJson(ENTITIES);
    List<EmulatorConfig.Queue> queues = new ArrayList<>();
    for (EmulatorConfig.Queue q : file.queues()) {
      queues.add(
          shortened.contains(q.name())
              ? q.withProperties(q.properties().withLockDuration(lock))
              : q);
    }
    return ServiceBusEmulator.start(new EmulatorConfig(file.namespace(), queues, file.topics()), 0);
  }

  /**
   * The worker's environment in tests, its limits set explicitly rather than left to defaults made
   * for {@code run}: no account protected ({@code ALLOW_UNPROTECTED}; each test builds its own
   * tenant, and those that protect accounts set {@code PROTECTED_USERS} or {@code PROTECTED_GROUPS}
   * on top), two-person approval above any test's size ({@code APPROVAL_THRESHOLD}), the
   * mass-action brake's caps far above any test's users ({@code MAX_*_USERS_PER_HOUR}), no Graph
   * credential.
   */
  public static Map<String, String> environment(String connectionString, String graphBaseUrl) {
    Map<String, String> variables =
        new HashMap<>(
            Map.of(
                "SERVICEBUS_CONNECTION_STRING", connectionString,
                "SERVICEBUS_QUEUE", QUEUE,
                "SERVICEBUS_URGENT_QUEUE", URGENT_QUEUE,
                "SERVICEBUS_AUDIT_TOPIC", TOPIC,
                "SERVICEBUS_REPLY_TO_ALLOWED", REPLIES,
                "GRAPH_BASE_URL", graphBaseUrl,
                "GRAPH_AUTH", "none",
                "HTTP_PORT", "0",
                "ALLOW_UNPROTECTED", "true",
                "APPROVAL_THRESHOLD", "10000000"));
    variables.put("MAX_USERS_PER_HOUR", UNBRAKED);
    variables.put("MAX_URGENT_USERS_PER_HOUR", UNBRAKED);
    return variables;
  }

  public final FakeTenant tenant;

  /** The embedded emulator, or null when the system runs against another Service Bus. */
  public final ServiceBusEmulator emulator;

  public final FakeGraphServer graph;
  public final String connectionString;

  /** The workers' environment: {@link #environment} with the test's own variables on top. */
  public final Map<String, String> env;

  private final ServiceBusClientBuilder clients;
  private final Map<String, ServiceBusSenderClient> senders = new ConcurrentHashMap<>();
  private final Map<String, EntityTail> tails = new HashMap<>();
  private final Map<String, List<ServiceBusReceivedMessage>> tailed = new HashMap<>();
  private final AuditReader audits;
  private final List<WorkerService> services = new CopyOnWriteArrayList<>();
  private final EventCodec events = new EventCodec();

  /**
   * @param emulator the embedded emulator the system owns and closes, or null to use {@code
   *     connectionString}'s Service Bus (the official emulator, a real namespace)
   * @param connectionString how the workers and the test reach the Service Bus; null for the
   *     emulator's own
   * @param extraEnv worker variables on top of {@link #environment} (they win)
   * @param auditReader how the audit topic is read: see {@link AuditReader}'s parameters
   */
  public WorkerSystem(
      FakeTenant tenant,
      Consumer<FakeGraphOptions.Builder> graphOptions,
      ServiceBusEmulator emulator,
      String connectionString,
      Map<String, String> extraEnv,
      boolean republishedOnce,
      Consumer<List<ServiceBusReceivedMessage>> onAudit) {
    this.tenant = tenant;
    this.emulator = emulator;
    this.connectionString =
        connectionString != null ? connectionString : emulator.connectionString();
    FakeGraphOptions.Builder options = FakeGraphOptions.builder();
    graphOptions.accept(options);
    this.graph = FakeGraphServer.start(tenant, options.build());
    Map<String, String> variables = environment(this.connectionString, graph.baseUrl());
    variables.putAll(extraEnv);
    this.env = Map.copyOf(variables);
    this.clients = new ServiceBusClientBuilder().connectionString(this.connectionString);
    this.audits = new AuditReader(clients, ALL_AUDITS, republishedOnce, onAudit);
  }

  /**
   * Starts a worker whose configuration is {@link #env} with {@code settings} added, built by
   * {@link Wiring} with {@link #RETRIES_DO_NOT_WAIT} and {@link #quickBackoff()}; {@code
   * markerPoll} is how often it tails its queues for cancellation markers (null: production's).
   * Closed by {@link #close()}.
   */
  public WorkerService startWorker(
      ServiceBusIntake.Options options,
      Map<String, String> settings,
      Tuning.Recovery recovery,
      Duration markerPoll) {
    return startWorker(options, settings, recovery, markerPoll, UnaryOperator.identity());
  }

  /**
   * A worker as {@link #startWorker(ServiceBusIntake.Options, Map, Tuning.Recovery, Duration)}
   * starts one, its configuration then changed by {@code adjust}: for what no variable may say,
   * such as access windows of seconds.
   */
  public WorkerService startWorker(
      ServiceBusIntake.Options options,
      Map<String, String> settings,
      Tuning.Recovery recovery,
      Duration markerPoll,
      UnaryOperator<WorkerConfig> adjust) {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(settings);
    WorkerConfig config =
        adjust
            .apply(WorkerConfig.fromEnvironment(all))
            .withRecovery(recovery)
            .withIntakeOptions(options)
            .withBackoff(quickBackoff());
    if (markerPoll != null) {
      config = config.withMarkerPoll(markerPoll);
    }
    Wiring wiring = new Wiring(config, Clock.systemUTC(), RETRIES_DO_NOT_WAIT, new Metrics(), null);
    WorkerService service = wiring.service(wiring.writeBudget());
    service.start();
    services.add(service);
    return service;
  }

  /** The workers started so far, in order. */
  public List<WorkerService> services() {
    return List.copyOf(services);
  }

  /** A sender to {@code queue}, one per queue, closed by {@link #close()}. */
  public ServiceBusSenderClient sender(String queue) {
    return senders.computeIfAbsent(queue, q -> clients.sender().queueName(q).buildClient());
  }

  /**
   * Sends an event to {@code queue} as {@code send} does, adjusted first (e.g. a forged property).
   */
  public void send(String queue, OffboardingEvent event, Consumer<ServiceBusMessage> adjust) {
    ServiceBusMessage message = EventMessages.of(events.encode(event), event);
    adjust.accept(message);
    sender(queue).sendMessage(message);
  }

  /**
   * Sends a body that need not be an event to {@code queue}; {@code contentType} null sends none.
   */
  public void sendRaw(String queue, String messageId, byte[] body, String contentType) {
    ServiceBusMessage message = new ServiceBusMessage(body);
    message.setMessageId(messageId);
    if (contentType != null) {
      message.setContentType(contentType);
    }
    sender(queue).sendMessage(message);
  }

  /** The audit topic's "all" subscription. */
  public AuditReader audits() {
    return audits;
  }

  /**
   * Everything an entity has held so far, in sequence order, browsed (see {@link EntityTail}). The
   * "all" subscription is read through {@link #audits()}, so its messages are decoded once.
   */
  public synchronized List<ServiceBusReceivedMessage> read(String entityPath) {
    if (ALL_AUDITS.equals(entityPath)) {
      return audits.messages();
    }
    EntityTail tail = tails.computeIfAbsent(entityPath, path -> EntityTail.of(clients, path));
    List<ServiceBusReceivedMessage> all =
        tailed.computeIfAbsent(entityPath, p -> new ArrayList<>());
    all.addAll(tail.poll());
    return List.copyOf(all);
  }

  public ServiceBusClientBuilder clients() {
    return clients;
  }

  @Override
  public void close() {
    services.forEach(WorkerService::close);
    audits.close();
    synchronized (this) {
      tails.values().forEach(EntityTail::close);
    }
    senders.values().forEach(ServiceBusSenderClient::close);
    graph.close();
    if (emulator != null) {
      emulator.close();
    }
  }
}
