package dev.offboarding.reliability;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
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
import dev.offboarding.worker.flow.IntakeBackoff;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.servicebus.EventMessages;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One run's system in this JVM on loopback ephemeral ports: the embedded emulator with the
 * project's entities (the event queue's lock shortened), the fake tenant, and workers built by the
 * same {@link Wiring} as {@code run}. The connection string carries a random key, which R7 looks
 * for in everything the run kept: the worker's log records, every audit body, the metrics scrape.
 */
final class Rig implements AutoCloseable {
  static final String QUEUE = "offboarding-events";
  static final String URGENT_QUEUE = "offboarding-urgent";
  static final String TOPIC = "offboarding-audit";
  static final Duration LOCK = Duration.ofSeconds(5);
  /** The production recovery with its waits shortened, so an outage and its recovery fit in a run. */
  static final Wiring.Recovery QUICK_RECOVERY =
      new Wiring.Recovery(10, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(1));
  /** The mass-action brake's caps unless a run sets its own: far above any run's users. */
  static final String UNBRAKED = "1000000";
  static final ServiceBusIntake.Options INTAKE =
      new ServiceBusIntake.Options(4, Duration.ofMinutes(5), Duration.ofSeconds(20), Duration.ofSeconds(5));

  final String run;
  final String key;
  final ServiceBusEmulator emulator;
  final FakeGraphServer graph;
  final String connectionString;
  private final Map<String, String> env;
  private final ServiceBusClientBuilder clients;
  private final ServiceBusSenderClient sender;
  private EntityTail auditReader;
  private final List<ServiceBusReceivedMessage> audit = new ArrayList<>();
  private final List<WorkerService> services = new CopyOnWriteArrayList<>();
  private final AuditCodec auditCodec = new AuditCodec();
  private final Handler logs;

  /**
   * @param run the run's name, for its evidence files
   * @param extraEnv worker variables on top of the rig's (they win)
   */
  Rig(String run, FakeTenant tenant, Consumer<FakeGraphOptions.Builder> graphOptions, Map<String, String> extraEnv) {
    this.run = run;
    this.key = randomKey();
    this.emulator = embeddedEmulator();
    this.connectionString = "Endpoint=sb://localhost:" + emulator.port() + ";SharedAccessKeyName="
        + ServiceBusEmulator.SHARED_ACCESS_KEY_NAME + ";SharedAccessKey=" + key + ";UseDevelopmentEmulator=true;";
    FakeGraphOptions.Builder options = FakeGraphOptions.builder();
    graphOptions.accept(options);
    this.graph = FakeGraphServer.start(tenant, options.build());
    Map<String, String> variables = new HashMap<>(Map.of(
        "SERVICEBUS_CONNECTION_STRING", connectionString,
        "SERVICEBUS_QUEUE", QUEUE,
        "SERVICEBUS_AUDIT_TOPIC", TOPIC,
        "GRAPH_BASE_URL", graph.baseUrl(),
        "GRAPH_AUTH", "none",
        "HTTP_PORT", "0",
        // The runs build their own tenants; those that protect accounts say so in extraEnv.
        "ALLOW_UNPROTECTED", "true",
        // Set explicitly: R1-R7's big events run as they did before two-person approval.
        "APPROVAL_THRESHOLD", "10000000",
        // Defaults are for run: R1-R7 keep their sizes; a run about the brake sets its own caps.
        "MAX_USERS_PER_HOUR", UNBRAKED,
        "MAX_URGENT_USERS_PER_HOUR", UNBRAKED));
    variables.putAll(extraEnv);
    this.env = Map.copyOf(variables);
    this.clients = new ServiceBusClientBuilder().connectionString(connectionString);
    this.sender = clients.sender().queueName(QUEUE).buildClient();
    this.logs = captureLogs(run);
    Runs.recordSecret(key);
  }

  static String randomKey() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** The project's entities (deploy/servicebus/config.json), the event queue's lock shortened. */
  static ServiceBusEmulator embeddedEmulator() {
    EmulatorConfig file = EmulatorConfig.fromJson(Path.of("..", "deploy", "servicebus", "config.json"));
    List<EmulatorConfig.Queue> queues = new ArrayList<>();
    for (EmulatorConfig.Queue q : file.queues()) {
      queues.add(q.name().equals(QUEUE) || q.name().equals("offboarding-internal")
          ? q.withProperties(q.properties().withLockDuration(LOCK)) : q);
    }
    return ServiceBusEmulator.start(new EmulatorConfig(file.namespace(), queues, file.topics()), 0);
  }

  /** Every JUL record of the process (the worker's and the SDK's) goes to the run's evidence too. */
  private static Handler captureLogs(String run) {
    SimpleFormatter format = new SimpleFormatter();
    Handler handler = new Handler() {
      @Override
      public synchronized void publish(LogRecord record) {
        Runs.appendEvidence(run + "-worker.log", format.format(record));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    handler.setLevel(Level.ALL);
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    root.addHandler(handler);
    return handler;
  }

  /**
   * The worker's one sleeper: Graph retries and budget waits return at once; the protected-set
   * refresher is paced in real time (it would otherwise read in a busy loop).
   */
  static final Sleeper RETRIES_DO_NOT_WAIT = d -> {
    if ("protection-refresher".equals(Thread.currentThread().getName())) {
      Sleeper.SYSTEM.sleep(d);
    }
  };

  WorkerService startWorker(Map<String, String> settings, Wiring.Recovery recovery) {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(settings);
    WorkerConfig config = WorkerConfig.fromEnvironment(all);
    Wiring wiring = new Wiring(config, Clock.systemUTC(), RETRIES_DO_NOT_WAIT, new Metrics(), null, recovery);
    WorkerService service = wiring.service(wiring.writeBudget(), INTAKE,
        new IntakeBackoff.Policy(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMinutes(2)));
    service.start();
    services.add(service);
    return service;
  }

  static OffboardingEvent event(EventType type, Target... targets) {
    return new OffboardingEvent(UUID.randomUUID().toString(), "/reliability", type, Instant.now(),
        new EventData(List.of(targets), List.of(), "reliability run", "REL-1", "reliability", false));
  }

  void send(OffboardingEvent event) {
    sender.sendMessage(EventMessages.of(new EventCodec().encode(event), event));
  }

  void sendRaw(String messageId, byte[] body, String contentType) {
    ServiceBusMessage message = new ServiceBusMessage(body);
    message.setMessageId(messageId);
    if (contentType != null) {
      message.setContentType(contentType);
    }
    sender.sendMessage(message);
  }

  ServiceBusSenderClient sender() {
    return sender;
  }

  private ServiceBusSenderClient urgentSender;

  /** Sends an event to the urgent queue ({@code offboarding-urgent}, the worker's default), as the SIEM does. */
  synchronized void sendUrgent(OffboardingEvent event) {
    if (urgentSender == null) {
      urgentSender = clients.sender().queueName(URGENT_QUEUE).buildClient();
    }
    urgentSender.sendMessage(EventMessages.of(new EventCodec().encode(event), event));
  }

  /** Takes what has arrived on the audit topic's "all" subscription; returns everything seen. */
  synchronized List<ServiceBusReceivedMessage> audit() {
    if (auditReader == null) {
      // Browsed, not received: see EntityTail for why receive-and-delete lost messages to the reader.
      auditReader = EntityTail.of(clients, TOPIC + "/subscriptions/all");
    }
    StringBuilder bodies = new StringBuilder();
    for (ServiceBusReceivedMessage m : auditReader.poll()) {
      if (!seenIds.add(m.getMessageId())) {
        continue;
      }
      audit.add(m);
      bodies.append(new String(m.getBody().toBytes(), StandardCharsets.UTF_8)).append('\n');
      // Decoded once as they arrive: decoding everything again on every poll would fall behind a long run.
      String event = m.getCorrelationId();
      try {
        if (SummaryAudit.TYPE.equals(m.getSubject())) {
          decodedSummaries.computeIfAbsent(event, e -> new ArrayList<>())
              .add(auditCodec.decodeSummary(m.getBody().toBytes()));
        } else if (TargetAudit.TYPE.equals(m.getSubject())) {
          decodedTargets.computeIfAbsent(event, e -> new ArrayList<>())
              .add(auditCodec.decodeTarget(m.getBody().toBytes()));
        }
      } catch (RuntimeException e) {
        // One message the codec refuses must not cost the rest of the batch.
        undecodable.add(m.getMessageId() + ": " + e.getMessage());
      }
    }
    if (!bodies.isEmpty()) {
      Runs.appendEvidence(run + "-audit.jsonl", bodies.toString());
    }
    return List.copyOf(audit);
  }

  /** Audit message ids recorded, so that a message published twice past duplicate detection is counted once. */
  private final java.util.Set<String> seenIds = new java.util.HashSet<>();

  private final Map<String, List<SummaryAudit>> decodedSummaries = new HashMap<>();
  private final List<String> undecodable = new ArrayList<>();

  /** Audit messages read that the contract's codec refused, with why. */
  synchronized List<String> undecodable() {
    return List.copyOf(undecodable);
  }
  private final Map<String, List<TargetAudit>> decodedTargets = new HashMap<>();

  /** Summaries read so far for one event (reading what has arrived first). */
  synchronized List<SummaryAudit> summaries(String eventId) {
    audit();
    return List.copyOf(decodedSummaries.getOrDefault(eventId, List.of()));
  }

  /** Every summary read so far, of any event (reading what has arrived first). */
  synchronized List<SummaryAudit> allSummaries() {
    audit();
    return decodedSummaries.values().stream().flatMap(List::stream).toList();
  }

  /** Target results read so far for one event (reading what has arrived first). */
  synchronized List<TargetAudit> targets(String eventId) {
    audit();
    return List.copyOf(decodedTargets.getOrDefault(eventId, List.of()));
  }

  AuditCodec auditCodec() {
    return auditCodec;
  }

  @Override
  public void close() {
    for (WorkerService s : services) {
      Runs.saveEvidence(run + "-metrics-" + services.indexOf(s) + ".txt", s.metrics().scrape());
    }
    services.forEach(WorkerService::close);
    if (auditReader != null) {
      auditReader.close();
    }
    sender.close();
    synchronized (this) {
      if (urgentSender != null) {
        urgentSender.close();
      }
    }
    graph.close();
    emulator.close();
    Logger.getLogger("").removeHandler(logs);
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final List<Process> processes = new CopyOnWriteArrayList<>();

  /**
   * Starts the packaged worker jar ({@code run}) as a child process with the rig's variables and
   * {@code settings}; its output goes to the run's evidence as {@code name.log}. Every process
   * started here is killed by {@link #close()}.
   */
  Process startProcess(String name, Map<String, String> settings) throws java.io.IOException {
    String javaCommand = ProcessHandle.current().info().command().orElseThrow();
    Path log = Runs.evidence(name + ".log");
    java.nio.file.Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(javaCommand, "-jar", System.getProperty("worker.jar"), "run")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> childEnv = pb.environment();
    childEnv.keySet().removeIf(k -> k.startsWith("SERVICEBUS_") || k.startsWith("AZURE_") || k.startsWith("GRAPH_")
        || k.startsWith("PROTECTED_") || k.equals("ALLOW_UNPROTECTED"));
    childEnv.putAll(env);
    childEnv.putAll(settings);
    // A client secret the worker must never print, though GRAPH_AUTH=none never uses it.
    String clientSecret = randomKey();
    childEnv.put("AZURE_CLIENT_SECRET", clientSecret);
    Runs.recordSecret(clientSecret);
    Process process = pb.start();
    processes.add(process);
    return process;
  }

  static String output(String name) {
    try {
      Path log = Runs.evidence(name + ".log");
      return java.nio.file.Files.exists(log) ? java.nio.file.Files.readString(log) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
