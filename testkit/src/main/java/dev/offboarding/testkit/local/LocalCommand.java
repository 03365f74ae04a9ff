package dev.offboarding.testkit.local;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessageContext;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SampleEvents;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.testkit.graph.FakeGraphCommand;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.servicebus.EmulatorConfig;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code local}: everything on one machine. Starts the embedded Service Bus emulator with the
 * project's entity definitions, a fake Graph tenant, and the worker jar as a child process pointed
 * at both; sends the sample events; prints the audit stream as it arrives; then keeps running until
 * Ctrl-C (or exits once the samples are done, with {@code --exit-after-samples}).
 */
public final class LocalCommand {
  static final String USAGE =
      """
      usage: local [--worker-jar FILE] [--tenant FILE] [--servicebus-port P] [--graph-port P]
                   [--http-port P] [--exit-after-samples]
      """;
  private static final String TOPIC = "offboarding-audit";
  private static final String SUBSCRIPTION = "all";
  private static final String QUEUE = "offboarding-events";
  private static final String URGENT_QUEUE = "offboarding-urgent";
  private static final String OPS_QUEUE = "offboarding-ops";
  private static final String INTERNAL_QUEUE = "offboarding-internal";
  private static final String STATE_QUEUE = "offboarding-state";
  private static final Duration SAMPLES_TIMEOUT = Duration.ofMinutes(2);

  private final PrintStream out;
  private final AuditCodec audit = new AuditCodec();
  private final Map<String, Instant> sentAt = new ConcurrentHashMap<>();
  private final List<Long> timeToRevokeMillis = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch summaries = new CountDownLatch(SampleEvents.all().size());

  private LocalCommand(PrintStream out) {
    this.out = out;
  }

  public static int run(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      return 2;
    }
    return new LocalCommand(System.out).run(options);
  }

  private int run(Options options) throws Exception {
    if (!Files.isRegularFile(options.workerJar)) {
      System.err.println(
          "local: no worker jar at "
              + options.workerJar
              + "; build it first (./mvnw -DskipTests package)"
              + " or pass --worker-jar");
      return 2;
    }
    ServiceBusEmulator emulator;
    try (InputStream config = LocalCommand.class.getResourceAsStream("/servicebus/config.json")) {
      emulator = ServiceBusEmulator.start(EmulatorConfig.fromJson(config), options.serviceBusPort);
    }
    FakeTenant tenant =
        options.tenant != null ? FakeTenant.fromJson(options.tenant) : exampleTenant();
    FakeGraphServer graph =
        FakeGraphServer.start(
            tenant,
            FakeGraphOptions.builder()
                .port(options.graphPort)
                // Graph-like latency so timings mean something; the write budget is Graph's
                // default.
                .latency(Duration.ofMillis(40), Duration.ofMillis(40))
                .build());
    out.println("local: Service Bus emulator  " + emulator.connectionString());
    out.println("local: fake Graph tenant     " + graph.baseUrl());

    ServiceBusClientBuilder clients =
        new ServiceBusClientBuilder().connectionString(emulator.connectionString());
    ServiceBusProcessorClient auditReader =
        clients
            .processor()
            .topicName(TOPIC)
            .subscriptionName(SUBSCRIPTION)
            .disableAutoComplete()
            .processMessage(this::printAudit)
            .processError(this::printReaderError)
            .buildProcessorClient();
    auditReader.start();

    Process worker = startWorker(options, emulator.connectionString(), graph.baseUrl());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println("local: stopping");
                  stopWorker(worker);
                  auditReader.close();
                  graph.close();
                  emulator.close();
                  stopped.countDown();
                },
                "local-shutdown"));

    if (!awaitReady(options.httpPort, worker)) {
      System.err.println("local: the worker did not become ready; see its output above");
      return 1;
    }
    out.println(
        "local: worker ready, metrics at http://127.0.0.1:" + options.httpPort + "/metrics");

    try (ServiceBusSenderClient sender = clients.sender().queueName(QUEUE).buildClient();
        ServiceBusSenderClient urgentSender =
            clients.sender().queueName(URGENT_QUEUE).buildClient()) {
      for (String sample : SampleEvents.all()) {
        ServiceBusMessage message = sampleMessage(sample);
        // Compromise events take the urgent queue, as `send` does.
        boolean urgent = EventType.COMPROMISE.wireName().equals(message.getSubject());
        (urgent ? urgentSender : sender).sendMessage(message);
        out.println(
            "local: sent "
                + sample.substring(sample.lastIndexOf('/') + 1)
                + " to "
                + (urgent ? URGENT_QUEUE : QUEUE));
      }
    }
    boolean done = summaries.await(SAMPLES_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    out.println(
        done
            ? "local: every sample event has its summary"
            : "local: not every sample was summarised in time");
    printTimeToRevoke();
    if (options.exitAfterSamples) {
      return done ? 0 : 1;
    }
    out.println(
        "local: running; send more with `java -jar worker/target/offboarding-worker.jar send FILE`"
            + " (SERVICEBUS_CONNECTION_STRING as above); Ctrl-C to stop");
    stopped.await();
    return 0;
  }

  private static FakeTenant exampleTenant() throws IOException {
    try (InputStream seed =
        FakeGraphCommand.class.getResourceAsStream(FakeGraphCommand.EXAMPLE_SEED)) {
      return FakeTenant.fromJson(seed);
    }
  }

  private Process startWorker(Options options, String connectionString, String graphBaseUrl)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-jar", options.workerJar.toString(), "run");
    Map<String, String> env = pb.environment();
    env.put("SERVICEBUS_CONNECTION_STRING", connectionString);
    env.remove("SERVICEBUS_NAMESPACE");
    env.put("GRAPH_BASE_URL", graphBaseUrl);
    env.put("GRAPH_AUTH", "none");
    env.put("HTTP_PORT", Integer.toString(options.httpPort));
    env.put("SERVICEBUS_QUEUE", QUEUE);
    env.put("SERVICEBUS_URGENT_QUEUE", URGENT_QUEUE);
    env.put("SERVICEBUS_OPS_QUEUE", OPS_QUEUE);
    env.put("SERVICEBUS_INTERNAL_QUEUE", INTERNAL_QUEUE);
    env.put("SERVICEBUS_STATE_QUEUE", STATE_QUEUE);
    env.putIfAbsent("PROTECTED_USERS", "breakglass@contoso.com");
    // Local runs set approval explicitly, as tests do: big sample events run at once (restores
    // still wait for a second person's approve).
    env.putIfAbsent("APPROVAL_THRESHOLD", "10000000");
    // Defaults are for run: local sets the mass-action brake's caps itself, high enough for any
    // sample.
    env.putIfAbsent("MAX_USERS_PER_HOUR", "100000");
    env.putIfAbsent("MAX_URGENT_USERS_PER_HOUR", "10000");
    pb.redirectErrorStream(true);
    Process process = pb.start();
    Thread.ofPlatform().daemon().name("worker-output").start(() -> pump(process.getInputStream()));
    return process;
  }

  private void pump(InputStream in) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        out.println("[worker] " + line);
      }
    } catch (IOException e) {
      // The worker went away; its exit is reported by whoever waits for it.
    }
  }

  private static void stopWorker(Process worker) {
    if (!worker.isAlive()) {
      return;
    }
    worker.destroy(); // SIGTERM: the worker finishes or abandons in-flight work within its bound
    try {
      if (!worker.waitFor(45, TimeUnit.SECONDS)) {
        worker.destroyForcibly();
      }
    } catch (InterruptedException e) {
      worker.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static boolean awaitReady(int port, Process worker) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline) && worker.isAlive()) {
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return true;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    return false;
  }

  private ServiceBusMessage sampleMessage(String sample) throws IOException {
    byte[] body = SampleEvents.load(sample);
    JsonNode json = new ObjectMapper().readTree(body);
    ServiceBusMessage message = new ServiceBusMessage(body);
    message.setContentType(OffboardingEvent.CONTENT_TYPE);
    String id = json.path("id").asText(null);
    if (id != null) {
      message.setMessageId(id);
      sentAt.put(id, Instant.now());
    }
    message.setSubject(json.path("type").asText(null));
    return message;
  }

  private void printAudit(ServiceBusReceivedMessageContext context) {
    ServiceBusReceivedMessage message = context.getMessage();
    byte[] body = message.getBody().toBytes();
    try {
      String type = audit.typeOf(body);
      if (TargetAudit.TYPE.equals(type)) {
        TargetAudit t = audit.decodeTarget(body);
        StringBuilder line =
            new StringBuilder("audit target   event=")
                .append(t.eventId())
                .append("  ")
                .append(
                    t.userPrincipalName() != null
                        ? t.userPrincipalName()
                        : String.join(",", t.via()))
                .append("  ")
                .append(t.outcome());
        for (ActionResult a : t.actions()) {
          line.append("  ").append(a.action().wireName()).append('=').append(a.outcome());
          if (a.action() == Action.REVOKE_SESSIONS
              && a.finishedAt() != null
              && sentAt.containsKey(t.eventId())) {
            timeToRevokeMillis.add(
                Duration.between(sentAt.get(t.eventId()), a.finishedAt()).toMillis());
          }
        }
        if (t.detail() != null) {
          line.append("  (").append(t.detail()).append(')');
        }
        out.println(line);
      } else {
        SummaryAudit s = audit.decodeSummary(body);
        out.println(
            "audit summary  event="
                + s.eventId()
                + "  "
                + s.status()
                + "  users="
                + s.usersResolved()
                + "  "
                + s.counts()
                + (s.rejectionReason() != null ? "  reason: " + s.rejectionReason() : "")
                + "  in "
                + s.durationMillis()
                + " ms");
        if (s.eventId() != null && sentAt.containsKey(s.eventId())) {
          summaries.countDown();
        }
      }
    } catch (IllegalArgumentException e) {
      out.println(
          "audit ?        unreadable audit message "
              + message.getMessageId()
              + ": "
              + e.getMessage());
    }
    context.complete();
  }

  private void printReaderError(ServiceBusErrorContext context) {
    System.err.println("local: audit reader: " + context.getException().getMessage());
  }

  private void printTimeToRevoke() {
    List<Long> sorted;
    synchronized (timeToRevokeMillis) {
      sorted = new ArrayList<>(timeToRevokeMillis);
    }
    if (sorted.isEmpty()) {
      return;
    }
    Collections.sort(sorted);
    out.printf(
        "local: time to revoke (sent -> Graph success) over %d users: p50 %d ms, p99 %d ms%n",
        sorted.size(), percentile(sorted, 0.50), percentile(sorted, 0.99));
  }

  static long percentile(List<Long> sorted, double p) {
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** Parsed command-line options. */
  record Options(
      Path workerJar,
      Path tenant,
      int serviceBusPort,
      int graphPort,
      int httpPort,
      boolean exitAfterSamples) {
    static Options parse(String[] args) {
      Path workerJar = Path.of("worker", "target", "offboarding-worker.jar");
      Path tenant = null;
      int sbPort = 5672;
      int graphPort = 18081;
      int httpPort = 8080;
      boolean exit = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--worker-jar" -> workerJar = Path.of(value(args, ++i));
          case "--tenant" -> tenant = Path.of(value(args, ++i));
          case "--servicebus-port" -> sbPort = port(value(args, ++i));
          case "--graph-port" -> graphPort = port(value(args, ++i));
          case "--http-port" -> httpPort = port(value(args, ++i));
          case "--exit-after-samples" -> exit = true;
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Options(workerJar, tenant, sbPort, graphPort, httpPort, exit);
    }

    private static String value(String[] args, int i) {
      if (i >= args.length) {
        throw new IllegalArgumentException(args[i - 1] + " needs a value");
      }
      return args[i];
    }

    private static int port(String v) {
      try {
        int p = Integer.parseInt(v);
        if (p < 0 || p > 65535) {
          throw new NumberFormatException();
        }
        return p;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a port: " + v);
      }
    }
  }
}
