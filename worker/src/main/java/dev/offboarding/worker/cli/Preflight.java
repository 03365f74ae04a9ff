package dev.offboarding.worker.cli;

import com.azure.core.amqp.AmqpRetryOptions;
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
import dev.offboarding.worker.ServiceBusClients;
import dev.offboarding.worker.config.ConfigException;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.graph.GraphClients;
import dev.offboarding.worker.graph.GraphDirectory;
import dev.offboarding.worker.graph.GraphDirectoryRoles;
import dev.offboarding.worker.identity.AzureCredential;
import dev.offboarding.worker.identity.AzureCredentials;
import dev.offboarding.worker.identity.AzureTokenException;
import dev.offboarding.worker.identity.NoAzureCredentialException;
import dev.offboarding.worker.protection.PrivilegedRoles;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The preflight of {@code check} and of {@code run}'s start: the configuration (break-glass
 * protection included), the Service Bus entities (and, where the administration API answers, the
 * queues' settings), whether the worker's Service Bus credential is a key others may hold, the
 * Graph app roles in the worker's token against what its actions need, every protected group
 * (readable, and not empty), and the holders of privileged directory roles. Each finding is one
 * {@link Check}; nothing here writes anything. Not thread-safe; build one per run.
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

  /**
   * The shared access rule Service Bus creates with every namespace: Manage, Send and Listen on all
   * of it.
   */
  static final String ROOT_KEY_NAME = "RootManageSharedAccessKey";

  /**
   * How a check ended. A warning does not fail the preflight: the worker can run, but something
   * outside it (who else holds its credential) may undo a guarantee.
   */
  public enum Result {
    OK("ok"),
    WARNING("WARN"),
    FAILED("FAIL"),
    NOT_APPLICABLE("n/a");

    private final String label;

    Result(String label) {
      this.label = label;
    }

    /** How the result is printed. */
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

    static Check warning(String name, String detail) {
      return new Check(name, Result.WARNING, detail);
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

    /** The checks that failed, in order. */
    public List<Check> failures() {
      return checks.stream().filter(c -> c.result() == Result.FAILED).toList();
    }

    /** Checks that passed with a warning; they never fail the preflight. */
    public List<Check> warnings() {
      return checks.stream().filter(c -> c.result() == Result.WARNING).toList();
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
        s.append(
            String.format("%-" + width + "s  %-6s %s%n", c.name(), c.result().label(), c.detail()));
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
    this(
        env,
        config ->
            GraphClients.create(
                config,
                config.graphAuth() == WorkerConfig.GraphAuth.AZURE
                    ? AzureCredentials.forGraph(env)
                    : null),
        tokenSources(env));
  }

  Preflight(
      Map<String, String> env,
      Function<WorkerConfig, GraphServiceClient> graphClients,
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
    checks.add(
        Check.ok(
            "configuration",
            "queue "
                + config.queue()
                + ", urgent queue "
                + config.urgentQueue()
                + ", ops queue "
                + config.opsQueue()
                + ", internal queue "
                + config.internalQueue()
                + ", audit topic "
                + config.auditTopic()
                + ", Graph "
                + config.graphBaseUrl()
                + " ("
                + config.graphAuth().name().toLowerCase(Locale.ROOT)
                + ")"));
    return run(config, checks);
  }

  /** Runs every check but the configuration's, which {@code config} already passed. */
  public Report run(WorkerConfig config) {
    return run(config, new ArrayList<>());
  }

  private Report run(WorkerConfig config, List<Check> checks) {
    checks.add(breakGlass(config));
    serviceBus(config, checks);
    if (graphToken(config, checks)) {
      protectedGroups(config, checks);
      privilegedRoles(config, checks);
      signInLog(config, checks);
    } else {
      // Every read would fail the same way, each after its own retries: said once, in the token's
      // row.
      String detail = "not checked: no Graph token (see graph token)";
      if (!config.protectedGroups().isEmpty()) {
        config.protectedGroups().stream()
            .sorted()
            .forEach(group -> checks.add(Check.notApplicable("protected group " + group, detail)));
      }
      checks.add(Check.notApplicable("privileged role holders", detail));
      checks.add(
          config.signInWatch().enabled()
              ? Check.notApplicable(SIGN_IN_LOG, detail)
              : Check.notApplicable(SIGN_IN_LOG, "not checked: WATCH_SIGN_INS=false"));
    }
    if (checks.stream().noneMatch(c -> c.name().equals(LIFECYCLE_RESUME))) {
      checks.add(lifecycleResume(config, null));
    }
    return new Report(checks);
  }

  /** The row of the sign-in watch's read. */
  static final String SIGN_IN_LOG = "sign-in log";

  /**
   * Graph's error code for a tenant without an Entra ID P1 or P2 licence reading the sign-in log.
   */
  static final String NO_PREMIUM_LICENCE = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";

  /**
   * With {@code WATCH_SIGN_INS=true}: one read of the sign-in log ({@code $top=1}), as the watch
   * reads it, which needs both the permission ({@code AuditLog.Read.All} with {@code
   * Directory.Read.All}) and the licence (Entra ID P1 or P2). Neither can be told from the token
   * alone: the licence is the tenant's, so the read is the test.
   */
  private void signInLog(WorkerConfig config, List<Check> checks) {
    if (!config.signInWatch().enabled()) {
      checks.add(Check.notApplicable(SIGN_IN_LOG, "not checked: WATCH_SIGN_INS=false"));
      return;
    }
    GraphServiceClient graph = graphClients.apply(config);
    try {
      graph.auditLogs().signIns().get(rc -> rc.queryParameters.top = 1);
      checks.add(
          Check.ok(
              SIGN_IN_LOG,
              "readable (AuditLog.Read.All, Entra ID P1 or P2): the sign-in watch can"
                  + " see interactive sign-ins after a revoke"));
    } catch (RuntimeException e) {
      String code =
          e instanceof com.microsoft.graph.models.odataerrors.ODataError o && o.getError() != null
              ? o.getError().getCode()
              : null;
      int status =
          e instanceof com.microsoft.kiota.ApiException api ? api.getResponseStatusCode() : 0;
      if (NO_PREMIUM_LICENCE.equals(code)) {
        checks.add(
            Check.failed(
                SIGN_IN_LOG,
                "the tenant has no Entra ID P1 or P2 licence ("
                    + code
                    + "): Graph"
                    + " serves no sign-in log, so WATCH_SIGN_INS=true sees nothing; licence the tenant or turn the watch off"));
      } else if (status == 403) {
        checks.add(
            Check.failed(
                SIGN_IN_LOG,
                "refused ("
                    + printable(code == null ? "HTTP 403" : code)
                    + "): grant AuditLog.Read.All and Directory.Read.All with admin consent, or turn the watch off"));
      } else {
        checks.add(Check.failed(SIGN_IN_LOG, "unreadable: " + printable(safeMessage(e))));
      }
    }
  }

  /** The row of {@code LIFECYCLE_WORKFLOWS_RESUME}. */
  static final String LIFECYCLE_RESUME = "lifecycle workflows resume";

  /**
   * Whether the worker may resume Lifecycle Workflows tasks: not checkable from its token when it
   * relies on being listed in each custom task extension's {@code
   * callbackConfiguration.authorizedApps} (see {@link
   * GraphPermissions#LIFECYCLE_WORKFLOWS_RESUME}), so the row says what to configure; ok when the
   * token holds {@code LifecycleWorkflows.ReadWrite.All}, which resumes any task.
   *
   * @param roles the token's app roles, or null when unknown
   */
  static Check lifecycleResume(WorkerConfig config, Set<String> roles) {
    if (!config.lifecycleWorkflowsResume()) {
      return Check.notApplicable(LIFECYCLE_RESUME, "LIFECYCLE_WORKFLOWS_RESUME is off");
    }
    GraphPermissions.Required permission = GraphPermissions.LIFECYCLE_WORKFLOWS_RESUME;
    if (roles != null && permission.grantedBy(roles)) {
      return Check.ok(
          LIFECYCLE_RESUME,
          "granted " + permission.name() + ": resumes the tasks of every extension");
    }
    return Check.notApplicable(
        LIFECYCLE_RESUME,
        "not checkable from the token: list this app's client id in"
            + " callbackConfiguration.authorizedApps of each custom task extension whose events it answers (the apps"
            + " allowed to resume its tasks), or grant "
            + permission.name()
            + " (the resume call's documented"
            + " application permission)");
  }

  /**
   * Whether any account is protected as break-glass: {@code run} refuses to start with none unless
   * {@code ALLOW_UNPROTECTED=true}, which passes with a warning.
   */
  static Check breakGlass(WorkerConfig config) {
    String name = "break-glass protection";
    String problem = config.unprotectedProblem();
    if (problem != null) {
      return Check.failed(name, problem + " (run refuses to start)");
    }
    if (config.protectedUsers().isEmpty() && config.protectedGroups().isEmpty()) {
      return Check.warning(
          name,
          "ALLOW_UNPROTECTED=true: no account is protected as break-glass; only holders of"
              + " privileged roles reached through groups or attributes are spared");
    }
    return Check.ok(
        name,
        config.protectedUsers().size()
            + " PROTECTED_USERS entr"
            + (config.protectedUsers().size() == 1 ? "y" : "ies")
            + ", "
            + config.protectedGroups().size()
            + " PROTECTED_GROUPS entr"
            + (config.protectedGroups().size() == 1 ? "y" : "ies"));
  }

  /**
   * The holders of privileged directory roles, read as the worker reads them for its protected set
   * (one quick retry per request, so an outage is reported in seconds): unreadable fails, as events
   * would wait for them.
   */
  private void privilegedRoles(WorkerConfig config, List<Check> checks) {
    String name = "privileged role holders";
    GraphServiceClient graph = graphClients.apply(config);
    RetryPolicy quick = new RetryPolicy(2, Duration.ofMillis(500), Duration.ofSeconds(5));
    Clock clock = Clock.systemUTC();
    try {
      PrivilegedRoles.Holders holders =
          new PrivilegedRoles(
                  new GraphDirectoryRoles(
                      graph, config.graphBaseUrl(), quick, Sleeper.SYSTEM, clock))
              .read(new GraphDirectory(graph, config.graphBaseUrl(), quick, Sleeper.SYSTEM, clock));
      checks.add(
          Check.ok(
              name,
              "readable: "
                  + holders.privilegedRoles()
                  + " role(s) count as privileged, "
                  + holders.userIds().size()
                  + " user(s) hold one"
                  + (holders.eligibilityRead()
                      ? " (active assignments and PIM eligibilities)"
                      : " (active assignments; the tenant has no PIM licence, so no eligibilities)")));
    } catch (GraphFailure e) {
      checks.add(
          Check.failed(
              name,
              "unreadable: "
                  + printable(safeMessage(e))
                  + "; events that could reach them"
                  + " would wait (grant RoleManagement.Read.Directory)"));
    } catch (RuntimeException e) {
      checks.add(Check.failed(name, "unreadable: " + safeMessage(e)));
    }
  }

  /** The producers' queues: the worker receives from them and never sends to them. */
  private static List<String> producerQueues(WorkerConfig config) {
    return List.of(config.queue(), config.urgentQueue(), config.opsQueue());
  }

  /** Every queue the worker receives from: the producers' and its own internal queue. */
  private static List<String> queues(WorkerConfig config) {
    List<String> all = new ArrayList<>(producerQueues(config));
    all.add(config.internalQueue());
    return all;
  }

  private void serviceBus(WorkerConfig config, List<Check> checks) {
    ServiceBusClientBuilder builder;
    try {
      // With SERVICEBUS_NAMESPACE, a token first: without one every entity would fail the same way,
      // each after the SDK's connection retries.
      builder = ServiceBusClients.forCommand(config, env);
      if (config.serviceBusConnectionString() == null) {
        checks.add(
            Check.ok("servicebus token", "acquired from " + AzureCredentials.description(env)));
      }
    } catch (NoAzureCredentialException | AzureTokenException e) {
      checks.add(Check.failed("servicebus token", e.getMessage()));
      for (String queue : queues(config)) {
        checks.add(
            Check.notApplicable(
                "servicebus queue " + queue,
                "not checked: no Service Bus token (see servicebus token)"));
      }
      checks.add(
          Check.notApplicable(
              "servicebus topic " + config.auditTopic(),
              "not checked: no Service Bus token (see servicebus token)"));
      return;
    }
    // One quick attempt per entity: a missing entity is final, and an unreachable namespace should
    // be reported within seconds, not after the SDK's default minute of retries.
    builder.retryOptions(
        new AmqpRetryOptions().setMaxRetries(1).setTryTimeout(Duration.ofSeconds(15)));
    for (String queue : queues(config)) {
      try (ServiceBusReceiverClient receiver = builder.receiver().queueName(queue).buildClient()) {
        receiver.peekMessage();
      } catch (RuntimeException e) {
        checks.add(
            Check.failed(
                "servicebus queue " + queue, "cannot receive: " + ServiceBusErrors.describe(e)));
        continue;
      }
      if (!queue.equals(config.internalQueue())) {
        // The worker sends nothing to a producer's queue, so it needs no Data Sender there.
        checks.add(Check.ok("servicebus queue " + queue, "exists, receivable"));
        continue;
      }
      // Follow-ups of big events, events held until their effectiveAt, cancellation markers and the
      // cancelling of scheduled messages are sends to the internal queue: receiving alone (Data
      // Receiver) would fail each of them.
      try (ServiceBusSenderClient sender = builder.sender().queueName(queue).buildClient()) {
        sender.createMessageBatch();
        checks.add(Check.ok("servicebus queue " + queue, "exists, receivable, sendable"));
      } catch (RuntimeException e) {
        checks.add(
            Check.failed(
                "servicebus queue " + queue,
                "receivable but cannot send (follow-ups, held events"
                    + " and cancellation markers go to the internal queue and need Data Sender on it): "
                    + ServiceBusErrors.describe(e)));
      }
    }
    try (ServiceBusSenderClient sender =
        builder.sender().topicName(config.auditTopic()).buildClient()) {
      sender.createMessageBatch();
      checks.add(Check.ok("servicebus topic " + config.auditTopic(), "exists, sendable"));
    } catch (RuntimeException e) {
      checks.add(
          Check.failed(
              "servicebus topic " + config.auditTopic(),
              "cannot send: " + ServiceBusErrors.describe(e)));
    }
    checks.add(credential(config));
    queueSettings(config, checks);
  }

  /**
   * Who else could write the internal queue with the worker's own credential. Service Bus stamps no
   * sender on a message, so only the worker may send to its internal queue; an Entra identity's
   * rights are its role assignments, one entity each, but a shared access key reaches whatever its
   * rule covers, for everyone who holds it. Warned (not failed) when the key is namespace-wide: the
   * rule is {@value #ROOT_KEY_NAME}, or the connection string has no {@code EntityPath} (a token:
   * its {@code sr} names no entity), which is how a namespace rule's connection string looks; the
   * worker itself needs one key for several entities, so it can hardly be anything else. Whether a
   * producer actually holds the key is not visible from here. The key name is printed only when it
   * is the root rule's: anything else might be a mispasted secret.
   */
  static Check credential(WorkerConfig config) {
    String name = "servicebus credential";
    String cs = config.serviceBusConnectionString();
    if (cs == null) {
      return Check.ok(
          name,
          "Entra ID (SERVICEBUS_NAMESPACE): its rights are its role assignments, one entity"
              + " each; only the worker's identity should hold Data Sender on "
              + config.internalQueue());
    }
    Map<String, String> parts = connectionStringParts(cs);
    if ("true".equalsIgnoreCase(parts.get("usedevelopmentemulator"))) {
      return Check.notApplicable(
          name,
          "the development emulator has one namespace-wide key for every client;"
              + " in Azure use the worker's own identity (SERVICEBUS_NAMESPACE) or a key no producer holds");
    }
    String keyName = parts.get("sharedaccesskeyname");
    String entity = parts.get("entitypath");
    String token = parts.get("sharedaccesssignature");
    if (token != null) {
      Map<String, String> fields = new LinkedHashMap<>();
      for (String field : token.replaceFirst("(?i)^SharedAccessSignature\\s+", "").split("&")) {
        int eq = field.indexOf('=');
        if (eq > 0) {
          fields.put(
              field.substring(0, eq).trim().toLowerCase(Locale.ROOT),
              URLDecoder.decode(field.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      keyName = fields.get("skn");
      String resource = fields.getOrDefault("sr", "");
      String path =
          resource.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "").replaceAll("^/+|/+$", "");
      entity = path.isEmpty() ? entity : path;
    }
    boolean root = ROOT_KEY_NAME.equalsIgnoreCase(keyName);
    boolean namespaceRule = entity == null || entity.isBlank();
    if (root || namespaceRule) {
      return Check.warning(
          name,
          (root
                  ? "the namespace's root key "
                      + ROOT_KEY_NAME
                      + " (Manage, Send and Listen on every entity)"
                  : "a shared access key of a namespace rule (no EntityPath)")
              + ": whoever holds this key can write "
              + config.internalQueue()
              + " and forge the worker's follow-ups;"
              + " give producers their own keys or Data Sender roles scoped to their queue");
    }
    return Check.ok(
        name,
        "a shared access key given with an entity path: an entity's rule, as far as the"
            + " connection string shows");
  }

  /**
   * A connection string's {@code key=value} parts by lower-cased key, as far as they can be read.
   */
  private static Map<String, String> connectionStringParts(String cs) {
    Map<String, String> parts = new LinkedHashMap<>();
    for (String piece : cs.split(";")) {
      int eq = piece.indexOf('=');
      if (eq > 0) {
        parts.putIfAbsent(
            piece.substring(0, eq).trim().toLowerCase(Locale.ROOT), piece.substring(eq + 1).trim());
      }
    }
    return parts;
  }

  private void queueSettings(WorkerConfig config, List<Check> checks) {
    String cs = config.serviceBusConnectionString();
    if (cs != null
        && cs.replace(" ", "").toLowerCase(Locale.ROOT).contains("usedevelopmentemulator=true")) {
      for (String queue : queues(config)) {
        checks.add(
            Check.notApplicable(
                "servicebus queue " + queue + " settings",
                "the development emulator has no administration API; its entities come from deploy/servicebus/config.json"));
      }
      checks.add(
          Check.notApplicable(
              "servicebus topic " + config.auditTopic() + " settings",
              "the development emulator has no administration API; its entities come from deploy/servicebus/config.json"));
      return;
    }
    ServiceBusAdministrationClient admin;
    try {
      ServiceBusAdministrationClientBuilder b = new ServiceBusAdministrationClientBuilder();
      admin =
          cs != null
              ? b.connectionString(cs).buildClient()
              : b.credential(config.serviceBusNamespace(), AzureCredentials.forServiceBus(env))
                  .buildClient();
    } catch (RuntimeException e) {
      checks.add(
          Check.notApplicable(
              "servicebus queue settings",
              "administration client unavailable: " + ServiceBusErrors.describe(e)));
      return;
    }
    for (String queue : queues(config)) {
      String name = "servicebus queue " + queue + " settings";
      QueueProperties q;
      try {
        q = admin.getQueue(queue);
      } catch (RuntimeException e) {
        // The worker's data roles do not include reading entity descriptions; that is expected.
        checks.add(
            Check.notApplicable(
                name,
                "administration API not readable with this identity ("
                    + ServiceBusErrors.describe(e)
                    + "); the Bicep template sets these values"));
        continue;
      }
      List<String> problems =
          queueProblems(
              q.isDuplicateDetectionRequired(),
              q.getMaxDeliveryCount(),
              q.getLockDuration(),
              q.isSessionRequired());
      String values =
          "duplicate detection "
              + (q.isDuplicateDetectionRequired() ? "on" : "off")
              + ", max delivery count "
              + q.getMaxDeliveryCount()
              + ", lock "
              + q.getLockDuration();
      checks.add(
          problems.isEmpty()
              ? Check.ok(name, values)
              : Check.failed(name, String.join("; ", problems) + " (" + values + ")"));
    }
    String topic = "servicebus topic " + config.auditTopic() + " settings";
    try {
      TopicProperties t = admin.getTopic(config.auditTopic());
      checks.add(
          t.isDuplicateDetectionRequired()
              ? Check.ok(
                  topic,
                  "duplicate detection on, window " + t.getDuplicateDetectionHistoryTimeWindow())
              : Check.failed(
                  topic,
                  "duplicate detection must be on: a delivery processed again after a crash"
                      + " publishes its audit again, and only the topic drops the copies (exactly one final result per"
                      + " user)"));
    } catch (RuntimeException e) {
      checks.add(
          Check.notApplicable(
              topic,
              "administration API not readable with this identity ("
                  + ServiceBusErrors.describe(e)
                  + "); the Bicep template sets these values"));
    }
  }

  /** What makes a queue unsuitable for the worker; empty when it suits. */
  static List<String> queueProblems(
      boolean duplicateDetection, int maxDeliveryCount, Duration lock, boolean sessions) {
    List<String> problems = new ArrayList<>();
    if (!duplicateDetection) {
      problems.add("duplicate detection must be on (send and dlq resubmit rely on message ids)");
    }
    if (maxDeliveryCount < MIN_MAX_DELIVERY_COUNT) {
      problems.add(
          "max delivery count must be at least "
              + MIN_MAX_DELIVERY_COUNT
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

  /**
   * The token's app roles against what the actions need; false when no token could be acquired at
   * all.
   */
  private boolean graphToken(WorkerConfig config, List<Check> checks) {
    URI base = config.graphBaseUrl();
    String scope = GraphClients.scope(base);
    String token;
    try {
      TokenSource source = tokenSources.apply(config);
      if (source == null) {
        checks.add(
            Check.notApplicable(
                "graph token",
                "GRAPH_AUTH=none: requests carry no token, so no app roles to compare"));
        return true;
      }
      token = source.token(scope);
    } catch (NoAzureCredentialException | AzureTokenException e) {
      // The worker's own line: which variables to set, or which credential was refused and why;
      // it quotes no value.
      checks.add(Check.failed("graph token", e.getMessage()));
      return false;
    } catch (RuntimeException e) {
      checks.add(Check.failed("graph token", "no token for " + scope + ": " + safeMessage(e)));
      return false;
    }
    Optional<Set<String>> roles = GraphPermissions.roles(token);
    if (roles.isEmpty()) {
      checks.add(
          Check.failed("graph token", "the token for " + scope + " is not a JWT with claims"));
      return true;
    }
    checks.add(
        Check.ok(
            "graph token",
            "app roles: " + (roles.get().isEmpty() ? "none" : String.join(", ", roles.get()))));
    for (GraphPermissions.Required required : GraphPermissions.REQUIRED) {
      String name = "graph permission " + required.name();
      if (required.grantedBy(roles.get())) {
        checks.add(Check.ok(name, "granted (" + required.purpose() + ")"));
      } else {
        checks.add(
            Check.failed(
                name,
                "missing: grant the application permission "
                    + required.name()
                    + " (needed for "
                    + required.purpose()
                    + ")"));
      }
    }
    for (GraphPermissions.Required required : GraphPermissions.CONTAINMENT) {
      String name = "graph permission " + required.name();
      if (required.grantedBy(roles.get())) {
        checks.add(Check.ok(name, "granted (" + required.purpose() + ")"));
      } else {
        // Not a warning: the default actions need none of these; only events that ask for one do.
        checks.add(
            Check.notApplicable(
                name,
                "not granted: needed only by events asking for "
                    + required.purpose()
                    + ", which get FORBIDDEN for it; grant the application permission "
                    + required.name()
                    + " if they will"));
      }
    }
    for (String role : GraphPermissions.UNCHECKABLE_ROLES) {
      int colon = role.indexOf(':');
      checks.add(
          Check.notApplicable(
              "directory role for " + role.substring(0, colon),
              "not checkable from the token: " + role.substring(colon + 2)));
    }
    checks.add(lifecycleResume(config, roles.get()));
    return true;
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
        var g =
            graph
                .groups()
                .byGroupId(group)
                .get(r -> r.queryParameters.select = new String[] {"id", "displayName"});
        var members =
            graph
                .groups()
                .byGroupId(group)
                .transitiveMembers()
                .get(
                    r -> {
                      r.queryParameters.select = new String[] {"id"};
                      r.queryParameters.top = 1;
                    });
        String displayName = printable(g == null ? null : g.getDisplayName());
        if (members == null || members.getValue() == null || members.getValue().isEmpty()) {
          // A break-glass group emptied by mistake protects no one, and nothing else would say so.
          checks.add(
              Check.failed(
                  name,
                  "'"
                      + displayName
                      + "' has no members: it protects no one (a break-glass"
                      + " group emptied by mistake?)"));
        } else {
          checks.add(Check.ok(name, "readable: '" + displayName + "', members listable"));
        }
      } catch (ODataError e) {
        String code =
            e.getError() != null && e.getError().getCode() != null
                ? e.getError().getCode()
                : "error";
        checks.add(
            Check.failed(
                name,
                "unreadable: HTTP "
                    + e.getResponseStatusCode()
                    + " "
                    + printable(code)
                    + "; protected members would be unknown, so events must wait"));
      } catch (ApiException e) {
        checks.add(Check.failed(name, "unreadable: HTTP " + e.getResponseStatusCode()));
      } catch (RuntimeException e) {
        checks.add(Check.failed(name, "unreadable: " + safeMessage(e)));
      }
    }
  }

  /**
   * The token source of a configuration: the Azure credential {@code env} names ({@link
   * AzureCredentials#forGraph}) for {@code GRAPH_AUTH=azure}, the scope Graph's own client uses;
   * for {@code none}, the static test token when {@value #STATIC_TOKEN_VARIABLE} is set in {@code
   * env}, else none (null).
   */
  static Function<WorkerConfig, TokenSource> tokenSources(Map<String, String> env) {
    return config ->
        switch (config.graphAuth()) {
          case AZURE -> {
            AzureCredential credential = AzureCredentials.forGraph(env);
            yield scope -> credential.firstToken(scope).getToken();
          }
          case NONE -> {
            String token = env.get(STATIC_TOKEN_VARIABLE);
            if (token == null || token.isBlank()) {
              yield null;
            }
            if (!WorkerConfig.isLoopback(config.graphBaseUrl().getHost())) {
              throw new IllegalStateException(
                  STATIC_TOKEN_VARIABLE + " is only accepted with a loopback GRAPH_BASE_URL");
            }
            yield scope -> token.trim();
          }
        };
  }

  /** An exception's message, cut short and stripped of anything that looks like a token. */
  static String safeMessage(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    m =
        m.replaceAll("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*", "<token>")
            .replaceAll("(?i)(SharedAccessKey|sig|secret|password)=[^;&\\s]+", "$1=<redacted>");
    m = m.replaceAll("\\s+", " ");
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }

  private static String printable(String s) {
    return s == null ? "" : s.replaceAll("[\\p{Cntrl}]", "?");
  }
}
