package dev.offboarding.worker.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The worker's configuration, read once from environment variables and validated as a whole, so
 * that one start reports every missing or bad variable by name. Immutable; secrets are redacted
 * from {@link #toString()}.
 *
 * @param serviceBusConnectionString SAS or emulator connection string; a secret
 * @param serviceBusNamespace fully qualified namespace, used with the environment's Azure
 *     credential
 * @param queue the event queue
 * @param urgentQueue the SIEM's queue for urgent (compromise) events ({@code
 *     SERVICEBUS_URGENT_QUEUE}), consumed with its own intake so they never wait for a slot behind
 *     bulk work
 * @param opsQueue the operators' queue ({@code SERVICEBUS_OPS_QUEUE}): restore, cancel, approve
 * @param internalQueue the worker's own queue ({@code SERVICEBUS_INTERNAL_QUEUE}): follow-ups, held
 *     events and cancellation markers go there and nowhere else; only the worker's identity may
 *     send to it or receive from it
 * @param stateQueue the worker's session-enabled queue for state shared by replicas ({@code
 *     SERVICEBUS_STATE_QUEUE}): the mass-action brake's counters in session state
 * @param auditTopic the audit topic
 * @param replyToAllowed entities a message's replyTo may name
 * @param graphBaseUrl Graph root, e.g. {@code https://graph.microsoft.com/v1.0}
 * @param graphAuth how Graph requests are authenticated
 * @param writesPerSecond the tenant write budget this worker aims for
 * @param protectedUsers object ids and UPNs (lower-cased) that are never written to
 * @param protectedGroups group ids whose transitive members are never written to
 * @param maxTargetsPerEvent blast-radius limit: more distinct users than this rejects the event
 * @param httpPort port of /metrics and /health
 * @param deliveryMaxDuration no user of an event is started later than this into one delivery; the
 *     rest continue in a follow-up ({@code DELIVERY_MAX_DURATION})
 * @param deliveryMaxUsers users one delivery takes at most ({@code DELIVERY_MAX_USERS})
 * @param protectedMaxStaleness how old the protected set may be when an event is planned
 * @param verify whether each write is read back to check it took effect ({@code VERIFY})
 * @param maxScheduleAhead how far in the future an event's {@code effectiveAt} may lie; later is
 *     rejected ({@code MAX_SCHEDULE_AHEAD})
 * @param allowUnprotected whether {@code run} may start with neither {@code PROTECTED_USERS} nor
 *     {@code PROTECTED_GROUPS} naming an account ({@code ALLOW_UNPROTECTED}); see {@link
 *     #unprotectedProblem()}
 * @param intakePolicies what each intake queue's sender may send, with each queue's hourly
 *     allowance ({@code MAX_USERS_PER_HOUR}, {@code MAX_URGENT_USERS_PER_HOUR}), narrowed by {@code
 *     INTAKE_POLICY_FILE}
 * @param approvalThreshold an event planning more users than this waits for a second person's
 *     approval, as every restore does ({@code APPROVAL_THRESHOLD})
 * @param approvalTtl how long an event waits for its approval before it is cancelled ({@code
 *     APPROVAL_TTL})
 * @param restoreCooldown a restore does not re-enable a user whose sessions were revoked this
 *     recently ({@code signInSessionsValidFromDateTime}) unless its approval names the user ({@code
 *     RESTORE_COOLDOWN})
 * @param lifecycleWorkflowsResume resume the Lifecycle Workflows task an {@code
 *     lcw/<workflow>/<task>/<result>} event id names once its final summary is out ({@code
 *     LIFECYCLE_WORKFLOWS_RESUME}, default false)
 * @param accessTokenMaxLifetime the longest an access token issued before a revoke may still be
 *     used, the tenant's longest access-token lifetime: each result's {@code access.allResourcesBy}
 *     is the revoke plus this ({@code ACCESS_TOKEN_MAX_LIFETIME})
 * @param tuning the timings no variable sets ({@link Tuning#defaults()} unless a test's {@code
 *     with...} copy shortens them)
 */
public record WorkerConfig(
    String serviceBusConnectionString,
    String serviceBusNamespace,
    String queue,
    String urgentQueue,
    String opsQueue,
    String internalQueue,
    String stateQueue,
    String auditTopic,
    Set<String> replyToAllowed,
    URI graphBaseUrl,
    GraphAuth graphAuth,
    double writesPerSecond,
    Set<String> protectedUsers,
    Set<String> protectedGroups,
    int maxTargetsPerEvent,
    int httpPort,
    java.time.Duration deliveryMaxDuration,
    int deliveryMaxUsers,
    java.time.Duration protectedMaxStaleness,
    boolean verify,
    java.time.Duration maxScheduleAhead,
    boolean allowUnprotected,
    dev.offboarding.worker.intake.IntakePolicies intakePolicies,
    int approvalThreshold,
    java.time.Duration approvalTtl,
    java.time.Duration restoreCooldown,
    boolean lifecycleWorkflowsResume,
    java.time.Duration accessTokenMaxLifetime,
    dev.offboarding.worker.watch.WatchSettings signInWatch,
    Tuning tuning) {

  /**
   * A configuration with the default {@code ACCESS_TOKEN_MAX_LIFETIME} and the sign-in watch off.
   */
  public WorkerConfig(
      String serviceBusConnectionString,
      String serviceBusNamespace,
      String queue,
      String urgentQueue,
      String opsQueue,
      String internalQueue,
      String stateQueue,
      String auditTopic,
      Set<String> replyToAllowed,
      URI graphBaseUrl,
      GraphAuth graphAuth,
      double writesPerSecond,
      Set<String> protectedUsers,
      Set<String> protectedGroups,
      int maxTargetsPerEvent,
      int httpPort,
      java.time.Duration deliveryMaxDuration,
      int deliveryMaxUsers,
      java.time.Duration protectedMaxStaleness,
      boolean verify,
      java.time.Duration maxScheduleAhead,
      boolean allowUnprotected,
      dev.offboarding.worker.intake.IntakePolicies intakePolicies,
      int approvalThreshold,
      java.time.Duration approvalTtl,
      java.time.Duration restoreCooldown,
      boolean lifecycleWorkflowsResume) {
    this(
        serviceBusConnectionString,
        serviceBusNamespace,
        queue,
        urgentQueue,
        opsQueue,
        internalQueue,
        stateQueue,
        auditTopic,
        replyToAllowed,
        graphBaseUrl,
        graphAuth,
        writesPerSecond,
        protectedUsers,
        protectedGroups,
        maxTargetsPerEvent,
        httpPort,
        deliveryMaxDuration,
        deliveryMaxUsers,
        protectedMaxStaleness,
        verify,
        maxScheduleAhead,
        allowUnprotected,
        intakePolicies,
        approvalThreshold,
        approvalTtl,
        restoreCooldown,
        lifecycleWorkflowsResume,
        DEFAULT_ACCESS_TOKEN_MAX_LIFETIME,
        dev.offboarding.worker.watch.WatchSettings.off(),
        Tuning.defaults());
  }

  /**
   * {@code ACCESS_TOKEN_MAX_LIFETIME}'s default: Entra ID issues access tokens for a random 60 to
   * 90 minutes unless a token-lifetime policy says otherwise.
   */
  public static final java.time.Duration DEFAULT_ACCESS_TOKEN_MAX_LIFETIME =
      dev.offboarding.contracts.AccessWindow.DEFAULT_MAX_ACCESS_TOKEN_LIFETIME;

  /** The shortest access-token lifetime a token-lifetime policy can set in Entra ID: 10 minutes. */
  public static final java.time.Duration MIN_ACCESS_TOKEN_LIFETIME =
      java.time.Duration.ofMinutes(10);

  /** The default horizon of {@code effectiveAt}: 90 days. */
  public static final java.time.Duration DEFAULT_MAX_SCHEDULE_AHEAD =
      dev.offboarding.worker.process.EventProcessor.DEFAULT_MAX_SCHEDULE_AHEAD;

  /** {@code APPROVAL_THRESHOLD}'s default: events planning more users wait for a second person. */
  public static final int DEFAULT_APPROVAL_THRESHOLD = 500;

  /** {@code APPROVAL_TTL}'s default: a day to approve. */
  public static final java.time.Duration DEFAULT_APPROVAL_TTL = java.time.Duration.ofHours(24);

  /**
   * {@code RESTORE_COOLDOWN}'s default: sessions revoked within a day make a user "recently
   * revoked".
   */
  public static final java.time.Duration DEFAULT_RESTORE_COOLDOWN = java.time.Duration.ofHours(24);

  /** How the worker authenticates to Graph. */
  public enum GraphAuth {
    /**
     * The Azure credential the environment names (AZURE_* variables, workload or managed identity,
     * az login).
     */
    AZURE,
    /** No Authorization header; only for loopback URLs such as the fake tenant. */
    NONE
  }

  /** Graph's global endpoint, when {@code GRAPH_BASE_URL} is not set. */
  public static final String DEFAULT_GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0";

  /**
   * The keys of a Service Bus connection string, as the SDK spells them (it reads them ignoring
   * case).
   */
  private static final List<String> CONNECTION_STRING_KEYS =
      List.of(
          "Endpoint",
          "SharedAccessKeyName",
          "SharedAccessKey",
          "SharedAccessSignature",
          "EntityPath",
          "UseDevelopmentEmulator");

  private static final String ENTITY_NAME = "[A-Za-z0-9][A-Za-z0-9._/-]{0,259}";

  public WorkerConfig {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(urgentQueue, "urgentQueue");
    Objects.requireNonNull(opsQueue, "opsQueue");
    Objects.requireNonNull(internalQueue, "internalQueue");
    Objects.requireNonNull(stateQueue, "stateQueue");
    Objects.requireNonNull(auditTopic, "auditTopic");
    Objects.requireNonNull(graphBaseUrl, "graphBaseUrl");
    Objects.requireNonNull(graphAuth, "graphAuth");
    Objects.requireNonNull(maxScheduleAhead, "maxScheduleAhead");
    Objects.requireNonNull(intakePolicies, "intakePolicies");
    Objects.requireNonNull(approvalTtl, "approvalTtl");
    Objects.requireNonNull(restoreCooldown, "restoreCooldown");
    Objects.requireNonNull(accessTokenMaxLifetime, "accessTokenMaxLifetime");
    Objects.requireNonNull(signInWatch, "signInWatch");
    replyToAllowed = Set.copyOf(replyToAllowed);
    protectedUsers = Set.copyOf(protectedUsers);
    protectedGroups = Set.copyOf(protectedGroups);
  }

  /** What the Graph side of the worker needs: enough for {@code dry-run}. */
  public static WorkerConfig forGraphOnly(Map<String, String> env) {
    return read(env, false);
  }

  /** The full configuration of {@code run}: Service Bus settings are required too. */
  public static WorkerConfig fromEnvironment(Map<String, String> env) {
    return read(env, true);
  }

  private static WorkerConfig read(Map<String, String> env, boolean needServiceBus) {
    List<String> problems = new ArrayList<>();
    Function<String, String> get =
        name -> {
          String v = env.get(name);
          return v == null || v.isBlank() ? null : v.trim();
        };

    String connectionString = get.apply("SERVICEBUS_CONNECTION_STRING");
    String namespace = get.apply("SERVICEBUS_NAMESPACE");
    if (needServiceBus) {
      if (connectionString == null && namespace == null) {
        problems.add("SERVICEBUS_CONNECTION_STRING or SERVICEBUS_NAMESPACE must be set");
      } else if (connectionString != null && namespace != null) {
        problems.add("set only one of SERVICEBUS_CONNECTION_STRING and SERVICEBUS_NAMESPACE");
      }
      Set<String> plainTextHosts = new LinkedHashSet<>();
      for (String h : csv(get.apply("SERVICEBUS_ALLOW_PLAINTEXT_HOSTS"))) {
        if (h.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
          plainTextHosts.add(h.toLowerCase(Locale.ROOT));
        } else {
          problems.add(
              "SERVICEBUS_ALLOW_PLAINTEXT_HOSTS entries must be host names, got '" + h + "'");
        }
      }
      if (connectionString != null) {
        Map<String, String> parts = checkConnectionString(connectionString, problems);
        // The emulator's plain-text AMQP carries the SAS token and every event unencrypted:
        // loopback only,
        // like GRAPH_AUTH=none, unless the host is named (an emulator container beside the worker).
        String host =
            endpointProblem(parts.getOrDefault("Endpoint", "")) == null
                ? URI.create(parts.get("Endpoint")).getHost()
                : null;
        if ("true".equalsIgnoreCase(parts.get("UseDevelopmentEmulator"))
            && host != null
            && !isLoopback(host)
            && !plainTextHosts.contains(host.toLowerCase(Locale.ROOT))) {
          problems.add(
              "SERVICEBUS_CONNECTION_STRING: UseDevelopmentEmulator=true (plain-text AMQP, no TLS) is only "
                  + "allowed with a loopback Endpoint or a host listed in SERVICEBUS_ALLOW_PLAINTEXT_HOSTS (got host '"
                  + host
                  + "')");
        }
      }
      if (namespace != null && !namespace.matches("[A-Za-z0-9.-]+")) {
        problems.add(
            "SERVICEBUS_NAMESPACE must be a host name such as contoso.servicebus.windows.net");
      }
    }
    String queue =
        entityName(
            get.apply("SERVICEBUS_QUEUE"), "offboarding-events", "SERVICEBUS_QUEUE", problems);
    String urgentQueue =
        entityName(
            get.apply("SERVICEBUS_URGENT_QUEUE"),
            "offboarding-urgent",
            "SERVICEBUS_URGENT_QUEUE",
            problems);
    String opsQueue =
        entityName(
            get.apply("SERVICEBUS_OPS_QUEUE"), "offboarding-ops", "SERVICEBUS_OPS_QUEUE", problems);
    String internalQueue =
        entityName(
            get.apply("SERVICEBUS_INTERNAL_QUEUE"),
            "offboarding-internal",
            "SERVICEBUS_INTERNAL_QUEUE",
            problems);
    String stateQueue =
        entityName(
            get.apply("SERVICEBUS_STATE_QUEUE"),
            "offboarding-state",
            "SERVICEBUS_STATE_QUEUE",
            problems);
    // Each queue is one sender's identity (its role assignment): two settings naming one queue
    // would
    // merge two senders into one.
    Map<String, String> queues = new LinkedHashMap<>();
    for (String[] q :
        new String[][] {
          {"SERVICEBUS_QUEUE", queue},
          {"SERVICEBUS_URGENT_QUEUE", urgentQueue},
          {"SERVICEBUS_OPS_QUEUE", opsQueue},
          {"SERVICEBUS_INTERNAL_QUEUE", internalQueue},
          {"SERVICEBUS_STATE_QUEUE", stateQueue}
        }) {
      String taken = queues.putIfAbsent(q[1], q[0]);
      if (taken != null) {
        problems.add(
            q[0]
                + " must name another queue than "
                + taken
                + " ("
                + q[1]
                + "): each queue is one"
                + " sender's identity");
      }
    }
    String topic =
        entityName(
            get.apply("SERVICEBUS_AUDIT_TOPIC"),
            "offboarding-audit",
            "SERVICEBUS_AUDIT_TOPIC",
            problems);
    Set<String> replyTo = new LinkedHashSet<>();
    for (String e : csv(get.apply("SERVICEBUS_REPLY_TO_ALLOWED"))) {
      replyTo.add(entityName(e, e, "SERVICEBUS_REPLY_TO_ALLOWED", problems));
    }

    URI baseUrl = null;
    String rawUrl = Objects.requireNonNullElse(get.apply("GRAPH_BASE_URL"), DEFAULT_GRAPH_BASE_URL);
    try {
      baseUrl = new URI(rawUrl.endsWith("/") ? rawUrl.substring(0, rawUrl.length() - 1) : rawUrl);
      if (baseUrl.getHost() == null || !Set.of("http", "https").contains(baseUrl.getScheme())) {
        problems.add("GRAPH_BASE_URL must be an absolute http(s) URL, got '" + rawUrl + "'");
        baseUrl = null;
      } else if (!baseUrl.getPath().matches("/(v1\\.0|beta)")) {
        problems.add("GRAPH_BASE_URL must end in /v1.0 (or /beta), got '" + rawUrl + "'");
      }
    } catch (URISyntaxException e) {
      problems.add("GRAPH_BASE_URL is not a URL: " + e.getMessage());
    }

    GraphAuth auth = GraphAuth.AZURE;
    String rawAuth = get.apply("GRAPH_AUTH");
    if (rawAuth != null) {
      try {
        auth = GraphAuth.valueOf(rawAuth.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add("GRAPH_AUTH must be 'azure' or 'none', got '" + rawAuth + "'");
      }
    }
    if (baseUrl != null) {
      if (auth == GraphAuth.NONE && !isLoopback(baseUrl.getHost())) {
        problems.add(
            "GRAPH_AUTH=none is only allowed with a loopback GRAPH_BASE_URL (got host '"
                + baseUrl.getHost()
                + "')");
      }
      if (auth == GraphAuth.AZURE
          && !"https".equals(baseUrl.getScheme())
          && !isLoopback(baseUrl.getHost())) {
        problems.add("GRAPH_BASE_URL must use https when GRAPH_AUTH=azure");
      }
    }

    if (auth == GraphAuth.AZURE || namespace != null) {
      // An unknown AZURE_TOKEN_CREDENTIALS, or a secret without its client or tenant, would only
      // show
      // later as "no credential found".
      problems.addAll(dev.offboarding.worker.identity.AzureCredentials.problems(env));
    }

    double writes =
        number(
            get.apply("GRAPH_WRITES_PER_SECOND"),
            20,
            0.1,
            10_000,
            "GRAPH_WRITES_PER_SECOND",
            problems);

    Set<String> protectedUsers = new LinkedHashSet<>();
    for (String u : csv(get.apply("PROTECTED_USERS"))) {
      if (u.matches(dev.offboarding.contracts.Target.GUID.pattern()) || u.contains("@")) {
        protectedUsers.add(u.toLowerCase(Locale.ROOT));
      } else {
        problems.add("PROTECTED_USERS entries must be object ids or UPNs, got '" + u + "'");
      }
    }
    Set<String> protectedGroups = new LinkedHashSet<>();
    for (String g : csv(get.apply("PROTECTED_GROUPS"))) {
      if (g.matches(dev.offboarding.contracts.Target.GUID.pattern())) {
        protectedGroups.add(g.toLowerCase(Locale.ROOT));
      } else {
        problems.add("PROTECTED_GROUPS entries must be group object ids, got '" + g + "'");
      }
    }

    int maxTargets =
        (int)
            number(
                get.apply("MAX_TARGETS_PER_EVENT"),
                1000,
                1,
                10_000_000,
                "MAX_TARGETS_PER_EVENT",
                problems);
    int port = (int) number(get.apply("HTTP_PORT"), 8080, 0, 65535, "HTTP_PORT", problems);
    java.time.Duration deliveryMax =
        duration(
            get.apply("DELIVERY_MAX_DURATION"),
            dev.offboarding.worker.continuation.DeliveryBounds.DEFAULT_MAX_DURATION,
            java.time.Duration.ofSeconds(1),
            java.time.Duration.ofHours(1),
            "DELIVERY_MAX_DURATION",
            problems);
    int deliveryUsers =
        (int)
            number(
                get.apply("DELIVERY_MAX_USERS"),
                dev.offboarding.worker.continuation.Continuation.MAX_PENDING,
                1,
                dev.offboarding.worker.continuation.Continuation.MAX_PENDING,
                "DELIVERY_MAX_USERS",
                problems);
    java.time.Duration staleness =
        duration(
            get.apply("PROTECTED_MAX_STALENESS"),
            dev.offboarding.worker.protection.Protection.DEFAULT_MAX_STALENESS,
            java.time.Duration.ofSeconds(3),
            java.time.Duration.ofHours(1),
            "PROTECTED_MAX_STALENESS",
            problems);
    java.time.Duration scheduleAhead =
        duration(
            get.apply("MAX_SCHEDULE_AHEAD"),
            DEFAULT_MAX_SCHEDULE_AHEAD,
            java.time.Duration.ofMinutes(1),
            java.time.Duration.ofDays(400),
            "MAX_SCHEDULE_AHEAD",
            problems);
    String verifyText = get.apply("VERIFY");
    boolean verify = true;
    if (verifyText != null && !verifyText.isBlank()) {
      switch (verifyText.trim().toLowerCase(Locale.ROOT)) {
        case "true" -> verify = true;
        case "false" -> verify = false;
        default -> problems.add("VERIFY must be true or false");
      }
    }

    boolean lifecycleResume = false;
    String lifecycleText = get.apply("LIFECYCLE_WORKFLOWS_RESUME");
    if (lifecycleText != null && !lifecycleText.isBlank()) {
      switch (lifecycleText.trim().toLowerCase(Locale.ROOT)) {
        case "true" -> lifecycleResume = true;
        case "false" -> lifecycleResume = false;
        default -> problems.add("LIFECYCLE_WORKFLOWS_RESUME must be true or false");
      }
    }

    boolean allowUnprotected = false;
    String unprotectedText = get.apply("ALLOW_UNPROTECTED");
    if (unprotectedText != null) {
      switch (unprotectedText.toLowerCase(Locale.ROOT)) {
        case "true" -> allowUnprotected = true;
        case "false" -> allowUnprotected = false;
        default -> problems.add("ALLOW_UNPROTECTED must be true or false");
      }
    }
    dev.offboarding.worker.intake.IntakePolicies policies =
        intakePolicies(get, queue, urgentQueue, opsQueue, problems);
    int approvalThreshold =
        wholeNumber(
            get.apply("APPROVAL_THRESHOLD"),
            DEFAULT_APPROVAL_THRESHOLD,
            0,
            10_000_000,
            "APPROVAL_THRESHOLD",
            problems);
    java.time.Duration approvalTtl =
        duration(
            get.apply("APPROVAL_TTL"),
            DEFAULT_APPROVAL_TTL,
            java.time.Duration.ofSeconds(1),
            java.time.Duration.ofDays(30),
            "APPROVAL_TTL",
            problems);
    java.time.Duration restoreCooldown =
        duration(
            get.apply("RESTORE_COOLDOWN"),
            DEFAULT_RESTORE_COOLDOWN,
            java.time.Duration.ZERO,
            java.time.Duration.ofDays(400),
            "RESTORE_COOLDOWN",
            problems);
    java.time.Duration accessTokenMaxLifetime =
        accessTokenLifetime(get.apply("ACCESS_TOKEN_MAX_LIFETIME"), problems);
    dev.offboarding.worker.watch.WatchSettings signInWatch =
        signInWatch(get, accessTokenMaxLifetime, problems);

    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new WorkerConfig(
        connectionString,
        namespace,
        queue,
        urgentQueue,
        opsQueue,
        internalQueue,
        stateQueue,
        topic,
        replyTo,
        baseUrl,
        auth,
        writes,
        protectedUsers,
        protectedGroups,
        maxTargets,
        port,
        deliveryMax,
        deliveryUsers,
        staleness,
        verify,
        scheduleAhead,
        allowUnprotected,
        policies,
        approvalThreshold,
        approvalTtl,
        restoreCooldown,
        lifecycleResume,
        accessTokenMaxLifetime,
        signInWatch,
        Tuning.defaults());
  }

  /**
   * The sign-in watch's settings: {@code WATCH_SIGN_INS} (true or false, default false), {@code
   * WATCH_SIGN_INS_POLL_INTERVAL} (1 s to 1 h, default 1 minute), {@code SIGN_IN_LOG_LATENCY} (0 to
   * 2 h, default 10 minutes), with {@code ACCESS_TOKEN_MAX_LIFETIME} as read for the access window.
   */
  private static dev.offboarding.worker.watch.WatchSettings signInWatch(
      Function<String, String> get,
      java.time.Duration accessTokenMaxLifetime,
      List<String> problems) {
    boolean enabled = false;
    String text = get.apply("WATCH_SIGN_INS");
    if (text != null) {
      switch (text.toLowerCase(Locale.ROOT)) {
        case "true" -> enabled = true;
        case "false" -> enabled = false;
        default -> problems.add("WATCH_SIGN_INS must be true or false");
      }
    }
    java.time.Duration interval =
        duration(
            get.apply("WATCH_SIGN_INS_POLL_INTERVAL"),
            dev.offboarding.worker.watch.WatchSettings.DEFAULT_POLL_INTERVAL,
            java.time.Duration.ofSeconds(1),
            java.time.Duration.ofHours(1),
            "WATCH_SIGN_INS_POLL_INTERVAL",
            problems);
    java.time.Duration latency =
        duration(
            get.apply("SIGN_IN_LOG_LATENCY"),
            dev.offboarding.worker.watch.WatchSettings.DEFAULT_LOG_LATENCY,
            java.time.Duration.ZERO,
            java.time.Duration.ofHours(2),
            "SIGN_IN_LOG_LATENCY",
            problems);
    return new dev.offboarding.worker.watch.WatchSettings(
        enabled, interval, latency, accessTokenMaxLifetime);
  }

  /**
   * {@code ACCESS_TOKEN_MAX_LIFETIME}: an ISO-8601 duration (PT90M) between the shortest lifetime a
   * token-lifetime policy can set (10 minutes) and the longest token CAE issues (28 hours).
   */
  private static java.time.Duration accessTokenLifetime(String value, List<String> problems) {
    if (value == null || value.isBlank()) {
      return DEFAULT_ACCESS_TOKEN_MAX_LIFETIME;
    }
    java.time.Duration d;
    try {
      d = java.time.Duration.parse(value.trim());
    } catch (java.time.format.DateTimeParseException e) {
      problems.add(
          "ACCESS_TOKEN_MAX_LIFETIME must be an ISO-8601 duration such as PT90M (the tenant's longest"
              + " access-token lifetime)");
      return DEFAULT_ACCESS_TOKEN_MAX_LIFETIME;
    }
    if (d.compareTo(MIN_ACCESS_TOKEN_LIFETIME) < 0
        || d.compareTo(dev.offboarding.contracts.AccessWindow.LONGEST_ACCESS_TOKEN_LIFETIME) > 0) {
      problems.add(
          "ACCESS_TOKEN_MAX_LIFETIME must be between PT10M (the shortest a token-lifetime policy sets) and"
              + " PT28H (the longest token continuous access evaluation issues); it is "
              + value.trim());
      return DEFAULT_ACCESS_TOKEN_MAX_LIFETIME;
    }
    return d;
  }

  /**
   * The same configuration with other sign-in watch settings, their access-token lifetime also the
   * one every result's access window is computed with, past the variables' bounds: for tests whose
   * access windows last seconds, not the ten minutes a tenant's shortest token lives.
   */
  public WorkerConfig withSignInWatch(dev.offboarding.worker.watch.WatchSettings watch) {
    return copy(watch.accessTokenMaxLifetime(), watch, tuning);
  }

  /**
   * The same configuration coming back from transient Graph failures as {@code recovery} says: for
   * tests whose outages and recoveries last seconds.
   */
  public WorkerConfig withRecovery(Tuning.Recovery recovery) {
    return withTuning(tuning.withRecovery(recovery));
  }

  /** The same configuration, each intake running with {@code options}. */
  public WorkerConfig withIntakeOptions(
      dev.offboarding.worker.servicebus.ServiceBusIntake.Options options) {
    return withTuning(tuning.withIntakeOptions(options));
  }

  /** The same configuration, its intakes backing off after failures as {@code backoff} says. */
  public WorkerConfig withBackoff(dev.offboarding.worker.flow.IntakeBackoff.Policy backoff) {
    return withTuning(tuning.withBackoff(backoff));
  }

  /** The same configuration, its cancellation markers tailed every {@code markerPoll}. */
  public WorkerConfig withMarkerPoll(java.time.Duration markerPoll) {
    return withTuning(tuning.withMarkerPoll(markerPoll));
  }

  private WorkerConfig withTuning(Tuning tuning) {
    return copy(accessTokenMaxLifetime, signInWatch, tuning);
  }

  /** This configuration with the fields tests may shorten replaced. */
  private WorkerConfig copy(
      java.time.Duration accessTokenMaxLifetime,
      dev.offboarding.worker.watch.WatchSettings signInWatch,
      Tuning tuning) {
    return new WorkerConfig(
        serviceBusConnectionString,
        serviceBusNamespace,
        queue,
        urgentQueue,
        opsQueue,
        internalQueue,
        stateQueue,
        auditTopic,
        replyToAllowed,
        graphBaseUrl,
        graphAuth,
        writesPerSecond,
        protectedUsers,
        protectedGroups,
        maxTargetsPerEvent,
        httpPort,
        deliveryMaxDuration,
        deliveryMaxUsers,
        protectedMaxStaleness,
        verify,
        maxScheduleAhead,
        allowUnprotected,
        intakePolicies,
        approvalThreshold,
        approvalTtl,
        restoreCooldown,
        lifecycleWorkflowsResume,
        accessTokenMaxLifetime,
        signInWatch,
        tuning);
  }

  /**
   * Why {@code run} must not start with this configuration, naming the settings, or null when it
   * may: a worker with no break-glass account to spare would disable every administrator a group or
   * an attribute reaches but those holding privileged roles, and one mistyped event could lock the
   * tenant out. {@code ALLOW_UNPROTECTED=true} accepts that knowingly (tests, tenants without
   * break-glass accounts).
   */
  public String unprotectedProblem() {
    if (!protectedUsers.isEmpty() || !protectedGroups.isEmpty() || allowUnprotected) {
      return null;
    }
    return "no break-glass protection: set PROTECTED_USERS (object ids or UPNs) or PROTECTED_GROUPS (group ids)"
        + " to the accounts no event may ever touch, or ALLOW_UNPROTECTED=true to run without any";
  }

  /**
   * The mass-action brake's cap on users of events from the events queue written per rolling hour,
   * tenant-wide: that queue's hourly allowance ({@code MAX_USERS_PER_HOUR}, or less by {@code
   * INTAKE_POLICY_FILE}).
   */
  public int maxUsersPerHour() {
    return intakePolicies.of(queue).usersPerHour();
  }

  /**
   * The same cap for events from the urgent queue ({@code MAX_URGENT_USERS_PER_HOUR}, or less by
   * the file).
   */
  public int maxUrgentUsersPerHour() {
    return intakePolicies.of(urgentQueue).usersPerHour();
  }

  /**
   * The intake queues' policies: the defaults with their hourly allowances ({@code
   * MAX_USERS_PER_HOUR}, {@code MAX_URGENT_USERS_PER_HOUR}), narrowed by {@code INTAKE_POLICY_FILE}
   * when set; a file that widens a default is a problem naming the queue and the rule.
   */
  private static dev.offboarding.worker.intake.IntakePolicies intakePolicies(
      Function<String, String> get,
      String queue,
      String urgentQueue,
      String opsQueue,
      List<String> problems) {
    int usersPerHour =
        wholeNumber(
            get.apply("MAX_USERS_PER_HOUR"),
            dev.offboarding.worker.intake.IntakePolicies.DEFAULT_MAX_USERS_PER_HOUR,
            1,
            10_000_000,
            "MAX_USERS_PER_HOUR",
            problems);
    int urgentUsersPerHour =
        wholeNumber(
            get.apply("MAX_URGENT_USERS_PER_HOUR"),
            dev.offboarding.worker.intake.IntakePolicies.DEFAULT_MAX_URGENT_USERS_PER_HOUR,
            1,
            10_000_000,
            "MAX_URGENT_USERS_PER_HOUR",
            problems);
    dev.offboarding.worker.intake.IntakePolicies defaults =
        dev.offboarding.worker.intake.IntakePolicies.defaults(
            queue, urgentQueue, opsQueue, usersPerHour, urgentUsersPerHour);
    String file = get.apply("INTAKE_POLICY_FILE");
    if (file == null) {
      return defaults;
    }
    byte[] json;
    try {
      java.nio.file.Path path = java.nio.file.Path.of(file);
      if (java.nio.file.Files.size(path) > 1024 * 1024) {
        problems.add("INTAKE_POLICY_FILE is larger than 1 MiB");
        return defaults;
      }
      json = java.nio.file.Files.readAllBytes(path);
    } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
      problems.add("INTAKE_POLICY_FILE cannot be read: " + e.getClass().getSimpleName());
      return defaults;
    }
    return dev.offboarding.worker.codec.IntakePolicyFile.narrow(defaults, json, problems);
  }

  /**
   * A duration given as whole seconds ({@code 300}) or ISO-8601 ({@code PT5M}), within bounds; the
   * fallback when unset.
   */
  private static java.time.Duration duration(
      String value,
      java.time.Duration fallback,
      java.time.Duration min,
      java.time.Duration max,
      String name,
      List<String> problems) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    java.time.Duration d;
    try {
      String v = value.trim();
      d =
          v.matches("\\d{1,9}")
              ? java.time.Duration.ofSeconds(Long.parseLong(v))
              : java.time.Duration.parse(v);
    } catch (java.time.format.DateTimeParseException e) {
      problems.add(name + " must be seconds or an ISO-8601 duration such as PT5M");
      return fallback;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      problems.add(
          name + " must be between " + min.toSeconds() + " s and " + max.toSeconds() + " s");
      return fallback;
    }
    return d;
  }

  /**
   * Checks {@code SERVICEBUS_CONNECTION_STRING} as the SDK will read it ({@code key=value} parts
   * separated by {@code ;}, keys in any case), but stricter: {@code Endpoint=sb://host[:port][/]};
   * {@code SharedAccessKeyName} with {@code SharedAccessKey}, or {@code SharedAccessSignature}
   * alone; optional {@code EntityPath} and {@code UseDevelopmentEmulator=true|false}; nothing else,
   * nothing twice. A problem names the part (by key, or by position when the key itself might be a
   * pasted secret) and never quotes a value.
   *
   * @return the parts by their canonical key, as far as they could be read
   */
  private static Map<String, String> checkConnectionString(String value, List<String> problems) {
    String variable = "SERVICEBUS_CONNECTION_STRING";
    Map<String, String> parts = new LinkedHashMap<>();
    String[] pieces = value.split(";");
    for (int i = 0; i < pieces.length; i++) {
      String piece = pieces[i];
      int eq = piece.indexOf('=');
      if (piece.isBlank() || eq <= 0 || piece.substring(0, eq).isBlank()) {
        problems.add(
            variable + ": part " + (i + 1) + " is not key=value (parts are separated by ';')");
        continue;
      }
      String key = piece.substring(0, eq).trim();
      String canonical =
          CONNECTION_STRING_KEYS.stream().filter(key::equalsIgnoreCase).findFirst().orElse(null);
      if (canonical == null) {
        // A key made of letters is a misspelt name; anything else may be part of a key, never
        // printed.
        problems.add(
            variable
                + ": part "
                + (i + 1)
                + " has an unknown key"
                + (key.matches("[A-Za-z]{1,30}") ? " '" + key + "'" : "")
                + "; expected "
                + String.join(", ", CONNECTION_STRING_KEYS));
      } else if (parts.containsKey(canonical)) {
        problems.add(variable + ": " + canonical + " is given more than once");
      } else {
        parts.put(canonical, piece.substring(eq + 1).trim());
      }
    }
    parts.forEach(
        (key, v) -> {
          if (v.isEmpty()) {
            problems.add(variable + ": " + key + " is empty");
          }
        });

    String endpoint = parts.get("Endpoint");
    if (endpoint == null) {
      problems.add(variable + ": Endpoint=sb://host[:port][/] is missing");
    } else if (!endpoint.isEmpty()) {
      String wrong = endpointProblem(endpoint);
      if (wrong != null) {
        problems.add(variable + ": Endpoint must be sb://host[:port][/] (" + wrong + ")");
      }
    }

    boolean keyName = parts.containsKey("SharedAccessKeyName");
    boolean key = parts.containsKey("SharedAccessKey");
    String signature = parts.get("SharedAccessSignature");
    if (signature != null) {
      if (keyName || key) {
        problems.add(
            variable
                + ": give SharedAccessKeyName and SharedAccessKey, or SharedAccessSignature, not both");
      }
      if (!signature.isEmpty()
          && !signature.toLowerCase(Locale.ROOT).startsWith("sharedaccesssignature ")) {
        problems.add(
            variable
                + ": SharedAccessSignature must be a token of the form "
                + "'SharedAccessSignature sr=...&sig=...&se=...&skn=...'");
      }
    } else if (!keyName || !key) {
      problems.add(
          variable
              + ": needs SharedAccessKeyName and SharedAccessKey (or SharedAccessSignature); "
              + (keyName ? "SharedAccessKey" : key ? "SharedAccessKeyName" : "both")
              + " missing");
    }

    String entityPath = parts.get("EntityPath");
    if (entityPath != null && !entityPath.isEmpty() && !entityPath.matches(ENTITY_NAME)) {
      problems.add(variable + ": EntityPath is not a valid Service Bus entity name");
    }
    String emulator = parts.get("UseDevelopmentEmulator");
    if (emulator != null
        && !emulator.isEmpty()
        && !Set.of("true", "false").contains(emulator.toLowerCase(Locale.ROOT))) {
      problems.add(variable + ": UseDevelopmentEmulator must be true or false");
    }
    return parts;
  }

  /**
   * What is wrong with a connection string's Endpoint, in words that never quote it; null when
   * nothing.
   */
  private static String endpointProblem(String endpoint) {
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      return "it is not a URI";
    }
    if (!"sb".equalsIgnoreCase(uri.getScheme())) {
      return "the scheme must be sb";
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      return "no host name, or more than a host name and a port, after sb://";
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      return "the port must be between 1 and 65535";
    }
    if (!(uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      return "nothing may follow the host and port but '/'";
    }
    return null;
  }

  private static List<String> csv(String value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String entityName(
      String value, String fallback, String name, List<String> problems) {
    String v = value == null ? fallback : value;
    if (!v.matches(ENTITY_NAME)) {
      problems.add(name + " is not a valid Service Bus entity name: '" + v + "'");
    }
    return v;
  }

  private static double number(
      String value, double fallback, double min, double max, String name, List<String> problems) {
    if (value == null) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(value);
      if (!(d >= min && d <= max)) {
        problems.add(name + " must be between " + fmt(min) + " and " + fmt(max) + ", got " + value);
        return fallback;
      }
      return d;
    } catch (NumberFormatException e) {
      problems.add(name + " must be a number, got '" + value + "'");
      return fallback;
    }
  }

  /** A whole number from {@code min} to {@code max}; the fallback when unset. */
  private static int wholeNumber(
      String value, int fallback, int min, int max, String name, List<String> problems) {
    if (value == null) {
      return fallback;
    }
    if (!value.matches("-?[0-9]{1,10}")
        || Long.parseLong(value) < min
        || Long.parseLong(value) > max) {
      problems.add(
          name
              + " must be a whole number between "
              + min
              + " and "
              + max
              + ", got '"
              + value
              + "'");
      return fallback;
    }
    return Integer.parseInt(value);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** True for literal loopback addresses and {@code localhost}; never resolves other names. */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "WorkerConfig[serviceBus="
        + (serviceBusConnectionString != null
            ? "connection string (redacted)"
            : "namespace " + serviceBusNamespace)
        + ", queue="
        + queue
        + ", urgentQueue="
        + urgentQueue
        + ", opsQueue="
        + opsQueue
        + ", internalQueue="
        + internalQueue
        + ", stateQueue="
        + stateQueue
        + ", auditTopic="
        + auditTopic
        + ", replyToAllowed="
        + replyToAllowed
        + ", graphBaseUrl="
        + graphBaseUrl
        + ", graphAuth="
        + graphAuth
        + ", writesPerSecond="
        + writesPerSecond
        + ", protectedUsers="
        + protectedUsers.size()
        + ", protectedGroups="
        + protectedGroups
        + ", maxTargetsPerEvent="
        + maxTargetsPerEvent
        + ", httpPort="
        + httpPort
        + ", deliveryMaxDuration="
        + deliveryMaxDuration
        + ", deliveryMaxUsers="
        + deliveryMaxUsers
        + ", protectedMaxStaleness="
        + protectedMaxStaleness
        + ", verify="
        + verify
        + ", maxScheduleAhead="
        + maxScheduleAhead
        + ", allowUnprotected="
        + allowUnprotected
        + ", intakePolicies="
        + intakePolicies
        + ", approvalThreshold="
        + approvalThreshold
        + ", approvalTtl="
        + approvalTtl
        + ", restoreCooldown="
        + restoreCooldown
        + ", lifecycleWorkflowsResume="
        + lifecycleWorkflowsResume
        + ", accessTokenMaxLifetime="
        + accessTokenMaxLifetime
        + ", signInWatch="
        + signInWatch
        + "]";
  }
}
