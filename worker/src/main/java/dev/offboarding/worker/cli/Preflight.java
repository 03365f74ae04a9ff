package dev.offboarding.worker.cli;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.administration.ServiceBusAdministrationClient;
import com.azure.messaging.servicebus.administration.ServiceBusAdministrationClientBuilder;
import com.azure.messaging.servicebus.administration.models.QueueProperties;
import com.azure.messaging.servicebus.administration.models.TopicProperties;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import dev.offboarding.worker.config.ConfigException;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.graph.GraphClients;
import dev.offboarding.worker.servicebus.ServiceBusClients;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The preflight of {@code check} and of {@code run}'s start: the configuration, the Service Bus
 * entities (and, where the administration API answers, the queues' settings), the Graph app roles
 * in the worker's token against what its actions need, and every protected group. Each finding is
 * one {@link Check}; nothing here writes anything. Not thread-safe; build one per run.
 */
public final class Preflight {
  /**
   * A test hook: a bearer token whose {@code roles} claim the Graph permission check reads instead
   * of acquiring one. Accepted only with {@code GRAPH_AUTH=none}, which itself requires a loopback
   * {@code GRAPH_BASE_URL}, so it can never stand in for a real tenant's token.
   */
  public static final String STATIC_TOKEN_VARIABLE = "GRAPH_STATIC_TOKEN";

  /** The least delivery count that leaves room for redeliveries after transient failures. */
  static final int MIN_MAX_DELIVERY_COUNT = 5;
  /** Locks shorter than this expire between the SDK's renewals under load. */
  static final Duration MIN_LOCK_DURATION = Duration.ofSeconds(30);

  /** How a check ended. */
  public enum Result {
    OK("ok"), FAILED("FAIL"), NOT_APPLICABLE("n/a");

    private final String label;

    Result(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** One finding: what was checked, how it ended and why. */
  public record Check(String name, Result result, String detail) {
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(result, "result");
      detail = detail == null ? "" : detail;
    }

    static Check ok(String name, String detail) {
      return new Check(name, Result.OK, detail);
    }

    static Check failed(String name, String detail) {
      return new Check(name, Result.FAILED, detail);
    }

    static Check notApplicable(String name, String detail) {
      return new Check(name, Result.NOT_APPLICABLE, detail);
    }
  }

  /** Every finding of one preflight, in the order they were made. */
  public record Report(List<Check> checks) {
    public Report {
      checks = List.copyOf(checks);
    }

    /** True when no check failed. */
    public boolean passed() {
      return failures().isEmpty();
    }

    public List<Check> failures() {
      return checks.stream().filter(c -> c.result() == Result.FAILED).toList();
    }

    /** One line naming every failed check, for logs and {@code /health/ready}. */
    public String failureSummary() {
      return String.join("; ", failures().stream().map(c -> c.name() + ": " + c.detail()).toList());
    }

    /** The table {@code check} prints. */
    public String table() {
      int width = Math.max(5, checks.stream().mapToInt(c -> c.name().length()).max().orElse(0));
      StringBuilder s = new StringBuilder();
      s.append(String.format("%-" + width + "s  %-6s %s%n", "CHECK", "RESULT", "DETAIL"));
      for (Check c : checks) {
        s.append(String.format("%-" + width + "s  %-6s %s%n", c.name(), c.result().label(), c.detail()));
      }
      return s.toString();
    }
  }

  /** Acquires a Graph access token for a scope; the seam tests replace. */
  @FunctionalInterface
  public interface TokenSource {
    String token(String scope);
  }

  private final Map<String, String> env;
  private final Function<WorkerConfig, GraphServiceClient> graphClients;
  private final Function<WorkerConfig, TokenSource> tokenSources;

  /** The preflight against the real Service Bus and Graph that {@code env} names. */
  public Preflight(Map<String, String> env) {
    this(env, GraphClients::create, tokenSources(env));
  }

  Preflight(Map<String, String> env, Function<WorkerConfig, GraphServiceClient> graphClients,
      Function<WorkerConfig, TokenSource> tokenSources) {
    this.env = Map.copyOf(env);
    this.graphClients = graphClients;
    this.tokenSources = tokenSources;
  }

  /** Runs every check; never throws for a failed check, only reports it. */
  public Report run() {
    List<Check> checks = new ArrayList<>();
    WorkerConfig config;
    try {
      config = WorkerConfig.fromEnvironment(env);
    } catch (ConfigException e) {
      e.problems().forEach(p -> checks.add(Check.failed("configuration", p)));
      return new Report(checks);
    }
    checks.add(Check.ok("configuration", "queue " + config.queue()
        + (config.urgentQueue() != null ? ", urgent queue " + config.urgentQueue() : "")
        + ", audit topic " + config.auditTopic() + ", Graph " + config.graphBaseUrl()
        + " (" + config.graphAuth().name().toLowerCase(java.util.Locale.ROOT) + ")"));
    return run(config, checks);
  }

  /** Runs every check but the configuration's, which {@code config} already passed. */
  public Report run(WorkerConfig config) {
    return run(config, new ArrayList<>());
  }

  private Report run(WorkerConfig config, List<Check> checks) {
    serviceBus(config, checks);
    graphToken(config, checks);
    protectedGroups(config, checks);
    return new Report(checks);
  }

  private static List<String> queues(WorkerConfig config) {
    return config.urgentQueue() == null ? List.of(config.queue()) : List.of(config.queue(), config.urgentQueue());
  }

  private void serviceBus(WorkerConfig config, List<Check> checks) {
    // One quick attempt per entity: a missing entity is final, and an unreachable namespace should
    // be reported within seconds, not after the SDK's default minute of retries.
    ServiceBusClientBuilder builder = ServiceBusClients.builder(config)
        .retryOptions(new AmqpRetryOptions().setMaxRetries(1).setTryTimeout(Duration.ofSeconds(15)));
    for (String queue : queues(config)) {
      try (ServiceBusReceiverClient receiver = builder.receiver().queueName(queue).buildClient()) {
        receiver.peekMessage();
      } catch (RuntimeException e) {
        checks.add(Check.failed("servicebus queue " + queue, "cannot receive: " + ServiceBusErrors.describe(e)));
        continue;
      }
      // The worker sends to its own queues too: follow-ups of big events, events held until their
      // effectiveAt, cancellation markers, and the cancelling of scheduled messages. Receiving
      // alone (Data Receiver) would fail each of them.
      try (ServiceBusSenderClient sender = builder.sender().queueName(queue).buildClient()) {
        sender.createMessageBatch();
        checks.add(Check.ok("servicebus queue " + queue, "exists, receivable, sendable"));
      } catch (RuntimeException e) {
        checks.add(Check.failed("servicebus queue " + queue, "receivable but cannot send (follow-ups, held events"
            + " and cancellation markers need Data Sender on the queue too): " + ServiceBusErrors.describe(e)));
      }
    }
    try (ServiceBusSenderClient sender = builder.sender().topicName(config.auditTopic()).buildClient()) {
      sender.createMessageBatch();
      checks.add(Check.ok("servicebus topic " + config.auditTopic(), "exists, sendable"));
    } catch (RuntimeException e) {
      checks.add(Check.failed("servicebus topic " + config.auditTopic(),
          "cannot send: " + ServiceBusErrors.describe(e)));
    }
    queueSettings(config, checks);
  }

  private static void queueSettings(WorkerConfig config, List<Check> checks) {
    String cs = config.serviceBusConnectionString();
    if (cs != null && cs.replace(" ", "").toLowerCase(java.util.Locale.ROOT).contains("usedevelopmentemulator=true")) {
      for (String queue : queues(config)) {
        checks.add(Check.notApplicable("servicebus queue " + queue + " settings",
            "the development emulator has no administration API; its entities come from deploy/servicebus/config.json"));
      }
      checks.add(Check.notApplicable("servicebus topic " + config.auditTopic() + " settings",
          "the development emulator has no administration API; its entities come from deploy/servicebus/config.json"));
      return;
    }
    ServiceBusAdministrationClient admin;
    try {
      ServiceBusAdministrationClientBuilder b = new ServiceBusAdministrationClientBuilder();
      admin = cs != null ? b.connectionString(cs).buildClient()
          : b.credential(config.serviceBusNamespace(), new DefaultAzureCredentialBuilder().build()).buildClient();
    } catch (RuntimeException e) {
      checks.add(Check.notApplicable("servicebus queue settings", "administration client unavailable: "
          + ServiceBusErrors.describe(e)));
      return;
    }
    for (String queue : queues(config)) {
      String name = "servicebus queue " + queue + " settings";
      QueueProperties q;
      try {
        q = admin.getQueue(queue);
      } catch (RuntimeException e) {
        // The worker's data roles do not include reading entity descriptions; that is expected.
        checks.add(Check.notApplicable(name, "administration API not readable with this identity ("
            + ServiceBusErrors.describe(e) + "); the Bicep template sets these values"));
        continue;
      }
      List<String> problems = queueProblems(q.isDuplicateDetectionRequired(), q.getMaxDeliveryCount(),
          q.getLockDuration(), q.isSessionRequired());
      String values = "duplicate detection " + (q.isDuplicateDetectionRequired() ? "on" : "off")
          + ", max delivery count " + q.getMaxDeliveryCount() + ", lock " + q.getLockDuration();
      checks.add(problems.isEmpty() ? Check.ok(name, values)
          : Check.failed(name, String.join("; ", problems) + " (" + values + ")"));
    }
    String topic = "servicebus topic " + config.auditTopic() + " settings";
    try {
      TopicProperties t = admin.getTopic(config.auditTopic());
      checks.add(t.isDuplicateDetectionRequired()
          ? Check.ok(topic, "duplicate detection on, window " + t.getDuplicateDetectionHistoryTimeWindow())
          : Check.failed(topic, "duplicate detection must be on: a delivery processed again after a crash"
              + " publishes its audit again, and only the topic drops the copies (exactly one final result per"
              + " user)"));
    } catch (RuntimeException e) {
      checks.add(Check.notApplicable(topic, "administration API not readable with this identity ("
          + ServiceBusErrors.describe(e) + "); the Bicep template sets these values"));
    }
  }

  /** What makes a queue unsuitable for the worker; empty when it suits. */
  static List<String> queueProblems(boolean duplicateDetection, int maxDeliveryCount, Duration lock,
      boolean sessions) {
    List<String> problems = new ArrayList<>();
    if (!duplicateDetection) {
      problems.add("duplicate detection must be on (send and dlq resubmit rely on message ids)");
    }
    if (maxDeliveryCount < MIN_MAX_DELIVERY_COUNT) {
      problems.add("max delivery count must be at least " + MIN_MAX_DELIVERY_COUNT
          + " so a Graph outage does not dead-letter good events");
    }
    if (lock == null || lock.compareTo(MIN_LOCK_DURATION) < 0) {
      problems.add("lock duration must be at least " + MIN_LOCK_DURATION.toSeconds() + " s");
    }
    if (sessions) {
      problems.add("sessions must be off (the worker's processor is not session-aware)");
    }
    return problems;
  }

  private void graphToken(WorkerConfig config, List<Check> checks) {
    URI base = config.graphBaseUrl();
    String scope = base.getScheme() + "://" + base.getAuthority() + "/.default";
    String token;
    try {
      TokenSource source = tokenSources.apply(config);
      if (source == null) {
        checks.add(Check.notApplicable("graph token", "GRAPH_AUTH=none: requests carry no token, so no app roles to compare"));
        return;
      }
      token = source.token(scope);
    } catch (RuntimeException e) {
      checks.add(Check.failed("graph token", "no token for " + scope + ": " + safeMessage(e)));
      return;
    }
    Optional<Set<String>> roles = GraphPermissions.roles(token);
    if (roles.isEmpty()) {
      checks.add(Check.failed("graph token", "the token for " + scope + " is not a JWT with claims"));
      return;
    }
    checks.add(Check.ok("graph token", "app roles: " + (roles.get().isEmpty() ? "none" : String.join(", ", roles.get()))));
    for (GraphPermissions.Required required : GraphPermissions.REQUIRED) {
      String name = "graph permission " + required.name();
      if (required.grantedBy(roles.get())) {
        checks.add(Check.ok(name, "granted (" + required.purpose() + ")"));
      } else {
        checks.add(Check.failed(name, "missing: grant the application permission " + required.name()
            + " (needed for " + required.purpose() + ")"));
      }
    }
  }

  private void protectedGroups(WorkerConfig config, List<Check> checks) {
    if (config.protectedGroups().isEmpty()) {
      checks.add(Check.notApplicable("protected groups", "PROTECTED_GROUPS is empty"));
      return;
    }
    GraphServiceClient graph = graphClients.apply(config);
    for (String group : config.protectedGroups().stream().sorted().toList()) {
      String name = "protected group " + group;
      try {
        var g = graph.groups().byGroupId(group).get(r -> r.queryParameters.select = new String[] {"id", "displayName"});
        var members = graph.groups().byGroupId(group).transitiveMembers()
            .get(r -> {
              r.queryParameters.select = new String[] {"id"};
              r.queryParameters.top = 1;
            });
        checks.add(Check.ok(name, "readable: '" + printable(g == null ? null : g.getDisplayName())
            + "', members listable" + (members != null && members.getValue() != null && members.getValue().isEmpty()
                ? " (no members)" : "")));
      } catch (ODataError e) {
        String code = e.getError() != null && e.getError().getCode() != null ? e.getError().getCode() : "error";
        checks.add(Check.failed(name, "unreadable: HTTP " + e.getResponseStatusCode() + " " + printable(code)
            + "; protected members would be unknown, so events must wait"));
      } catch (ApiException e) {
        checks.add(Check.failed(name, "unreadable: HTTP " + e.getResponseStatusCode()));
      } catch (RuntimeException e) {
        checks.add(Check.failed(name, "unreadable: " + safeMessage(e)));
      }
    }
  }

  /**
   * The token source of a configuration: DefaultAzureCredential for {@code GRAPH_AUTH=azure}, the
   * scope Graph's own client uses; for {@code none}, the static test token when {@value
   * #STATIC_TOKEN_VARIABLE} is set in {@code env}, else none (null).
   */
  static Function<WorkerConfig, TokenSource> tokenSources(Map<String, String> env) {
    return config -> switch (config.graphAuth()) {
      case AZURE -> {
        TokenCredential credential = new DefaultAzureCredentialBuilder().build();
        yield scope -> credential.getTokenSync(new TokenRequestContext().addScopes(scope)).getToken();
      }
      case NONE -> {
        String token = env.get(STATIC_TOKEN_VARIABLE);
        if (token == null || token.isBlank()) {
          yield null;
        }
        if (!WorkerConfig.isLoopback(config.graphBaseUrl().getHost())) {
          throw new IllegalStateException(STATIC_TOKEN_VARIABLE + " is only accepted with a loopback GRAPH_BASE_URL");
        }
        yield scope -> token.trim();
      }
    };
  }

  /** An exception's message, cut short and stripped of anything that looks like a token. */
  static String safeMessage(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    m = m.replaceAll("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*", "<token>")
        .replaceAll("(?i)(SharedAccessKey|sig|secret|password)=[^;&\\s]+", "$1=<redacted>");
    m = m.replaceAll("\\s+", " ");
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }

  private static String printable(String s) {
    return s == null ? "" : s.replaceAll("[\\p{Cntrl}]", "?");
  }
}
