package dev.offboarding.worker.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
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
 * @param serviceBusNamespace fully qualified namespace, used with DefaultAzureCredential
 * @param queue the event queue
 * @param urgentQueue an optional second queue for urgent (compromise) events, consumed with its
 *     own intake so they never wait for a slot behind bulk work; null when not used
 * @param auditTopic the audit topic
 * @param replyToAllowed entities a message's replyTo may name
 * @param graphBaseUrl Graph root, e.g. {@code https://graph.microsoft.com/v1.0}
 * @param graphAuth how Graph requests are authenticated
 * @param writesPerSecond the tenant write budget this worker aims for
 * @param protectedUsers object ids and UPNs (lower-cased) that are never written to
 * @param protectedGroups group ids whose transitive members are never written to
 * @param maxTargetsPerEvent blast-radius limit: more distinct users than this rejects the event
 * @param httpPort port of /metrics and /health
 * @param deliveryMaxDuration no user of an event is started later than this into one delivery;
 *     the rest continue in a follow-up ({@code DELIVERY_MAX_DURATION})
 * @param deliveryMaxUsers users one delivery takes at most ({@code DELIVERY_MAX_USERS})
 * @param protectedMaxStaleness how old the protected set may be when an event is planned
 * @param verify whether each write is read back to check it took effect ({@code VERIFY})
 */
public record WorkerConfig(
    String serviceBusConnectionString,
    String serviceBusNamespace,
    String queue,
    String urgentQueue,
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
    boolean verify) {

  /** How the worker authenticates to Graph. */
  public enum GraphAuth {
    /** azure-identity's DefaultAzureCredential (AZURE_* variables, managed or workload identity). */
    AZURE,
    /** No Authorization header; only for loopback URLs such as the fake tenant. */
    NONE
  }

  public static final String DEFAULT_GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0";

  public WorkerConfig {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(auditTopic, "auditTopic");
    Objects.requireNonNull(graphBaseUrl, "graphBaseUrl");
    Objects.requireNonNull(graphAuth, "graphAuth");
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
    Function<String, String> get = name -> {
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
      if (connectionString != null && !connectionString.contains("Endpoint=")) {
        problems.add("SERVICEBUS_CONNECTION_STRING must contain Endpoint=sb://...");
      }
      if (namespace != null && !namespace.matches("[A-Za-z0-9.-]+")) {
        problems.add("SERVICEBUS_NAMESPACE must be a host name such as contoso.servicebus.windows.net");
      }
    }
    String queue = entityName(get.apply("SERVICEBUS_QUEUE"), "offboarding-events", "SERVICEBUS_QUEUE", problems);
    String urgentQueue = get.apply("SERVICEBUS_URGENT_QUEUE");
    if (urgentQueue != null) {
      entityName(urgentQueue, urgentQueue, "SERVICEBUS_URGENT_QUEUE", problems);
      if (urgentQueue.equals(queue)) {
        problems.add("SERVICEBUS_URGENT_QUEUE must name another queue than SERVICEBUS_QUEUE");
      }
    }
    String topic =
        entityName(get.apply("SERVICEBUS_AUDIT_TOPIC"), "offboarding-audit", "SERVICEBUS_AUDIT_TOPIC", problems);
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
        problems.add("GRAPH_AUTH=none is only allowed with a loopback GRAPH_BASE_URL (got host '"
            + baseUrl.getHost() + "')");
      }
      if (auth == GraphAuth.AZURE && !"https".equals(baseUrl.getScheme()) && !isLoopback(baseUrl.getHost())) {
        problems.add("GRAPH_BASE_URL must use https when GRAPH_AUTH=azure");
      }
    }

    double writes = number(get.apply("GRAPH_WRITES_PER_SECOND"), 20, 0.1, 10_000, "GRAPH_WRITES_PER_SECOND", problems);

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

    int maxTargets = (int) number(get.apply("MAX_TARGETS_PER_EVENT"), 1000, 1, 10_000_000, "MAX_TARGETS_PER_EVENT", problems);
    int port = (int) number(get.apply("HTTP_PORT"), 8080, 0, 65535, "HTTP_PORT", problems);
    java.time.Duration deliveryMax = duration(get.apply("DELIVERY_MAX_DURATION"),
        dev.offboarding.worker.domain.DeliveryBounds.DEFAULT_MAX_DURATION, java.time.Duration.ofSeconds(1),
        java.time.Duration.ofHours(1), "DELIVERY_MAX_DURATION", problems);
    int deliveryUsers = (int) number(get.apply("DELIVERY_MAX_USERS"), dev.offboarding.worker.domain.Continuation.MAX_PENDING,
        1, dev.offboarding.worker.domain.Continuation.MAX_PENDING, "DELIVERY_MAX_USERS", problems);
    java.time.Duration staleness = duration(get.apply("PROTECTED_MAX_STALENESS"),
        dev.offboarding.worker.domain.Protection.DEFAULT_MAX_STALENESS, java.time.Duration.ofSeconds(3),
        java.time.Duration.ofHours(1), "PROTECTED_MAX_STALENESS", problems);
    String verifyText = get.apply("VERIFY");
    boolean verify = true;
    if (verifyText != null && !verifyText.isBlank()) {
      switch (verifyText.trim().toLowerCase(Locale.ROOT)) {
        case "true" -> verify = true;
        case "false" -> verify = false;
        default -> problems.add("VERIFY must be true or false");
      }
    }

    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new WorkerConfig(connectionString, namespace, queue, urgentQueue, topic, replyTo, baseUrl, auth, writes,
        protectedUsers, protectedGroups, maxTargets, port, deliveryMax, deliveryUsers, staleness, verify);
  }

  /**
   * A duration given as whole seconds ({@code 300}) or ISO-8601 ({@code PT5M}), within bounds;
   * the fallback when unset.
   */
  private static java.time.Duration duration(String value, java.time.Duration fallback, java.time.Duration min,
      java.time.Duration max, String name, List<String> problems) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    java.time.Duration d;
    try {
      String v = value.trim();
      d = v.matches("\\d{1,9}") ? java.time.Duration.ofSeconds(Long.parseLong(v)) : java.time.Duration.parse(v);
    } catch (java.time.format.DateTimeParseException e) {
      problems.add(name + " must be seconds or an ISO-8601 duration such as PT5M");
      return fallback;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      problems.add(name + " must be between " + min.toSeconds() + " s and " + max.toSeconds() + " s");
      return fallback;
    }
    return d;
  }

  private static List<String> csv(String value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String entityName(String value, String fallback, String name, List<String> problems) {
    String v = value == null ? fallback : value;
    if (!v.matches("[A-Za-z0-9][A-Za-z0-9._/-]{0,259}")) {
      problems.add(name + " is not a valid Service Bus entity name: '" + v + "'");
    }
    return v;
  }

  private static double number(String value, double fallback, double min, double max, String name, List<String> problems) {
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
    return "WorkerConfig[serviceBus=" + (serviceBusConnectionString != null ? "connection string (redacted)"
            : "namespace " + serviceBusNamespace)
        + ", queue=" + queue + (urgentQueue != null ? ", urgentQueue=" + urgentQueue : "")
        + ", auditTopic=" + auditTopic + ", replyToAllowed=" + replyToAllowed
        + ", graphBaseUrl=" + graphBaseUrl + ", graphAuth=" + graphAuth + ", writesPerSecond=" + writesPerSecond
        + ", protectedUsers=" + protectedUsers.size() + ", protectedGroups=" + protectedGroups
        + ", maxTargetsPerEvent=" + maxTargetsPerEvent + ", httpPort=" + httpPort
        + ", deliveryMaxDuration=" + deliveryMaxDuration + ", deliveryMaxUsers=" + deliveryMaxUsers
        + ", protectedMaxStaleness=" + protectedMaxStaleness + ", verify=" + verify + "]";
  }
}
