package dev.offboarding.reliability;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
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
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import dev.offboarding.worker.testing.Events;
import dev.offboarding.worker.testing.WorkerProcesses;
import dev.offboarding.worker.testing.WorkerSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One run's system in this JVM on loopback ephemeral ports ({@link WorkerSystem}): the embedded
 * emulator with the project's entities (the event queue's lock shortened), the fake tenant, and
 * workers built by the same {@link Wiring} as {@code run}. What is the run's own: the connection
 * string carries a random key, which R7 looks for in everything the run kept (the worker's log
 * records, every audit body, the metrics scrape), and all of that is kept as the run's evidence.
 */
final class Rig implements AutoCloseable {
  static final String QUEUE = WorkerSystem.QUEUE;
  static final String URGENT_QUEUE = WorkerSystem.URGENT_QUEUE;
  static final String TOPIC = WorkerSystem.TOPIC;
  static final Duration LOCK = Duration.ofSeconds(5);

  /**
   * The production recovery with its waits shortened, so an outage and its recovery fit in a run.
   */
  static final Tuning.Recovery QUICK_RECOVERY =
      new Tuning.Recovery(10, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(1));

  /** The mass-action brake's caps unless a run sets its own: far above any run's users. */
  static final String UNBRAKED = WorkerSystem.UNBRAKED;

  static final ServiceBusIntake.Options INTAKE = WorkerSystem.INTAKE;

  final String run;
  final String key;
  final ServiceBusEmulator emulator;
  final FakeGraphServer graph;
  final String connectionString;
  private final WorkerSystem system;
  private final Handler logs;

  /**
   * @param run the run's name, for its evidence files
   * @param extraEnv worker variables on top of the rig's (they win)
   */
  Rig(
      String run,
      FakeTenant tenant,
      Consumer<FakeGraphOptions.Builder> graphOptions,
      Map<String, String> extraEnv) {
    this.run = run;
    this.key = randomKey();
    this.emulator = WorkerSystem.projectEntities(LOCK);
    this.connectionString =
        "Endpoint=sb://localhost:"
            + emulator.port()
            + ";SharedAccessKeyName="
            + ServiceBusEmulator.SHARED_ACCESS_KEY_NAME
            + ";SharedAccessKey="
            + key
            + ";UseDevelopmentEmulator=true;";
    // A message published twice with one id counts once: the runs count results, not publications.
    this.system =
        new WorkerSystem(
            tenant,
            graphOptions,
            emulator,
            connectionString,
            extraEnv,
            true,
            arrived -> keepAudits(run, arrived));
    this.graph = system.graph;
    this.logs = captureLogs(run);
    Runs.recordSecret(key);
  }

  static String randomKey() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Every audit body, as it arrives, goes to the run's evidence. */
  private static void keepAudits(String run, List<ServiceBusReceivedMessage> arrived) {
    StringBuilder bodies = new StringBuilder();
    for (ServiceBusReceivedMessage m : arrived) {
      bodies.append(new String(m.getBody().toBytes(), StandardCharsets.UTF_8)).append('\n');
    }
    Runs.appendEvidence(run + "-audit.jsonl", bodies.toString());
  }

  /**
   * Every JUL record of the process (the worker's and the SDK's) goes to the run's evidence too.
   */
  private static Handler captureLogs(String run) {
    SimpleFormatter format = new SimpleFormatter();
    Handler handler =
        new Handler() {
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

  WorkerService startWorker(Map<String, String> settings, Tuning.Recovery recovery) {
    return system.startWorker(INTAKE, settings, recovery, null);
  }

  static OffboardingEvent event(EventType type, Target... targets) {
    return Events.fresh("/reliability", "reliability run", "REL-1", "reliability", type, targets);
  }

  void send(OffboardingEvent event) {
    system.send(QUEUE, event, m -> {});
  }

  void sendRaw(String messageId, byte[] body, String contentType) {
    system.sendRaw(QUEUE, messageId, body, contentType);
  }

  ServiceBusSenderClient sender() {
    return system.sender(QUEUE);
  }

  /**
   * Sends an event to the urgent queue ({@code offboarding-urgent}, the worker's default), as the
   * SIEM does.
   */
  void sendUrgent(OffboardingEvent event) {
    system.send(URGENT_QUEUE, event, m -> {});
  }

  /** Takes what has arrived on the audit topic's "all" subscription; returns everything seen. */
  List<ServiceBusReceivedMessage> audit() {
    return system.audits().messages();
  }

  /** Audit messages read that the contract's codec refused, with why. */
  List<String> undecodable() {
    return system.audits().undecodable();
  }

  /** Summaries read so far for one event (reading what has arrived first). */
  List<SummaryAudit> summaries(String eventId) {
    return system.audits().summaries(eventId);
  }

  /** Every summary read so far, of any event (reading what has arrived first). */
  List<SummaryAudit> allSummaries() {
    return system.audits().allSummaries();
  }

  /** Target results read so far for one event (reading what has arrived first). */
  List<TargetAudit> targets(String eventId) {
    return system.audits().targets(eventId);
  }

  AuditCodec auditCodec() {
    return system.audits().codec();
  }

  @Override
  public void close() {
    List<WorkerService> services = system.services();
    for (int i = 0; i < services.size(); i++) {
      Runs.saveEvidence(run + "-metrics-" + i + ".txt", services.get(i).metrics().scrape());
    }
    system.close();
    Logger.getLogger("").removeHandler(logs);
    synchronized (this) {
      if (processes != null) {
        processes.close();
      }
    }
  }

  private WorkerProcesses processes;

  /**
   * Starts the packaged worker jar ({@code run}) as a child process with the rig's variables and
   * {@code settings}; its output goes to the run's evidence as {@code name.log}. Every process
   * started here is killed by {@link #close()}.
   */
  synchronized Process startProcess(String name, Map<String, String> settings)
      throws java.io.IOException {
    if (processes == null) {
      Path evidence = Runs.evidence(name + ".log").getParent();
      java.nio.file.Files.createDirectories(evidence);
      processes = new WorkerProcesses(evidence);
    }
    Map<String, String> childEnv = new HashMap<>(system.env);
    childEnv.putAll(settings);
    // A client secret the worker must never print, though GRAPH_AUTH=none never uses it.
    String clientSecret = randomKey();
    childEnv.put("AZURE_CLIENT_SECRET", clientSecret);
    Runs.recordSecret(clientSecret);
    return processes.start(name, childEnv);
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
