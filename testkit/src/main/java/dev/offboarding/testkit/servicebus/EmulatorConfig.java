package dev.offboarding.testkit.servicebus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The entities an emulator serves: queues and topics with their subscriptions and rules, and the
 * shared access keys that may use them.
 *
 * <p>Read from the official Service Bus emulator's {@code Config.json} format with {@link
 * #fromJson(Path)}, so one file serves this emulator and the Docker one; or built in code with
 * {@link #builder()}. Values are immutable and validated on construction. Limits the official
 * emulator enforces (for example a lock duration of at least five seconds) are deliberately not
 * enforced, so tests can use tiny durations.
 *
 * <p>Shared access keys are this emulator's own addition: the official emulator checks no key, so a
 * file it also reads should name none (tests add them with {@link #withSharedAccessKey}). Without
 * keys any token is accepted for anything; with keys every token is checked (see {@link
 * ServiceBusEmulator}).
 *
 * @param namespace the namespace name ({@code sbemulatorns} in the official emulator; informational
 *     here)
 * @param queues the queues, names unique (case-insensitively) across queues and topics
 * @param topics the topics
 * @param sharedAccessKeys the keys besides the built-in {@value
 *     ServiceBusEmulator#SHARED_ACCESS_KEY_NAME}, names unique (case-insensitively), each on the
 *     namespace or on one of the queues or topics
 */
public record EmulatorConfig(
    String namespace,
    List<Queue> queues,
    List<Topic> topics,
    List<SharedAccessKey> sharedAccessKeys) {

  /** The namespace name the official emulator requires. */
  public static final String DEFAULT_NAMESPACE = "sbemulatorns";

  public EmulatorConfig {
    Objects.requireNonNull(namespace, "namespace");
    queues = List.copyOf(queues);
    topics = List.copyOf(topics);
    sharedAccessKeys = List.copyOf(sharedAccessKeys);
    Set<String> names = new HashSet<>();
    for (Queue queue : queues) {
      if (!names.add(queue.name().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("duplicate entity name: " + queue.name());
      }
    }
    for (Topic topic : topics) {
      if (!names.add(topic.name().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("duplicate entity name: " + topic.name());
      }
    }
    Set<String> keyNames = new HashSet<>();
    for (SharedAccessKey key : sharedAccessKeys) {
      if (key.name().equalsIgnoreCase(ServiceBusEmulator.SHARED_ACCESS_KEY_NAME)) {
        throw new IllegalArgumentException(
            "shared access key "
                + key.name()
                + " is built in (Manage on the"
                + " namespace, key "
                + ServiceBusEmulator.SHARED_ACCESS_KEY
                + "); name yours differently");
      }
      // Service Bus only needs names unique per entity; here a name alone picks the key a token was
      // signed with.
      if (!keyNames.add(key.name().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("duplicate shared access key name: " + key.name());
      }
      if (key.entity() != null && !names.contains(key.entity().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "shared access key "
                + key.name()
                + " is for "
                + key.entity()
                + ", which is no queue or topic");
      }
    }
  }

  /** The entities without shared access keys: any token may use them. */
  public EmulatorConfig(String namespace, List<Queue> queues, List<Topic> topics) {
    this(namespace, queues, topics, List.of());
  }

  /** This configuration with one more shared access key. */
  public EmulatorConfig withSharedAccessKey(SharedAccessKey key) {
    List<SharedAccessKey> keys = new ArrayList<>(sharedAccessKeys);
    keys.add(Objects.requireNonNull(key, "key"));
    return new EmulatorConfig(namespace, queues, topics, keys);
  }

  /**
   * The configured key with this name (case-insensitively), if any; the built-in root key is not
   * listed.
   */
  public Optional<SharedAccessKey> sharedAccessKey(String name) {
    return sharedAccessKeys.stream().filter(k -> k.name().equalsIgnoreCase(name)).findFirst();
  }

  /** Starts an empty configuration in the default namespace. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the official emulator's {@code Config.json} format.
   *
   * @throws IllegalArgumentException naming the offending field when the file is malformed or asks
   *     for a feature this emulator does not implement (sessions, auto-forwarding, rule actions)
   * @throws UncheckedIOException when the file cannot be read
   */
  public static EmulatorConfig fromJson(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return fromJson(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read emulator config " + file, e);
    }
  }

  /** Reads the official emulator's {@code Config.json} format from a stream (not closed). */
  public static EmulatorConfig fromJson(InputStream in) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(in);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "emulator config is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read emulator config", e);
    }
    return JsonReader.read(root);
  }

  /**
   * Settings of a queue or subscription, named as in the emulator's {@code Properties} object.
   *
   * <p>Duplicate detection settings only apply to queues; on subscriptions they are ignored.
   */
  public record EntityProperties(
      Duration lockDuration,
      int maxDeliveryCount,
      Duration defaultMessageTimeToLive,
      boolean deadLetteringOnMessageExpiration,
      boolean requiresDuplicateDetection,
      Duration duplicateDetectionHistoryTimeWindow,
      boolean requiresSession) {

    /**
     * The official emulator's defaults: lock PT1M, 3 deliveries, TTL PT1H, no dead-lettering on
     * expiry.
     */
    public static final EntityProperties DEFAULTS =
        new EntityProperties(
            Duration.ofMinutes(1),
            3,
            Duration.ofHours(1),
            false,
            false,
            Duration.ofSeconds(20),
            false);

    public EntityProperties {
      requirePositive(lockDuration, "LockDuration");
      requirePositive(defaultMessageTimeToLive, "DefaultMessageTimeToLive");
      requirePositive(duplicateDetectionHistoryTimeWindow, "DuplicateDetectionHistoryTimeWindow");
      if (maxDeliveryCount < 1) {
        throw new IllegalArgumentException(
            "MaxDeliveryCount must be at least 1, was " + maxDeliveryCount);
      }
    }

    public EntityProperties withLockDuration(Duration value) {
      return new EntityProperties(
          value,
          maxDeliveryCount,
          defaultMessageTimeToLive,
          deadLetteringOnMessageExpiration,
          requiresDuplicateDetection,
          duplicateDetectionHistoryTimeWindow,
          requiresSession);
    }

    public EntityProperties withMaxDeliveryCount(int value) {
      return new EntityProperties(
          lockDuration,
          value,
          defaultMessageTimeToLive,
          deadLetteringOnMessageExpiration,
          requiresDuplicateDetection,
          duplicateDetectionHistoryTimeWindow,
          requiresSession);
    }

    public EntityProperties withDefaultMessageTimeToLive(Duration value) {
      return new EntityProperties(
          lockDuration,
          maxDeliveryCount,
          value,
          deadLetteringOnMessageExpiration,
          requiresDuplicateDetection,
          duplicateDetectionHistoryTimeWindow,
          requiresSession);
    }

    public EntityProperties withDeadLetteringOnMessageExpiration(boolean value) {
      return new EntityProperties(
          lockDuration,
          maxDeliveryCount,
          defaultMessageTimeToLive,
          value,
          requiresDuplicateDetection,
          duplicateDetectionHistoryTimeWindow,
          requiresSession);
    }

    /** Turns duplicate detection on with the given history window. */
    public EntityProperties withDuplicateDetection(Duration window) {
      return new EntityProperties(
          lockDuration,
          maxDeliveryCount,
          defaultMessageTimeToLive,
          deadLetteringOnMessageExpiration,
          true,
          window,
          requiresSession);
    }

    /**
     * Makes the entity session-aware: only session receivers, each holding one session at a time.
     */
    public EntityProperties withSessions() {
      return new EntityProperties(
          lockDuration,
          maxDeliveryCount,
          defaultMessageTimeToLive,
          deadLetteringOnMessageExpiration,
          requiresDuplicateDetection,
          duplicateDetectionHistoryTimeWindow,
          true);
    }
  }

  /** A queue. */
  public record Queue(String name, EntityProperties properties) {
    public Queue {
      requireName(name, "queue");
      Objects.requireNonNull(properties, "properties");
    }

    /** A queue with the default properties. */
    public static Queue named(String name) {
      return new Queue(name, EntityProperties.DEFAULTS);
    }

    public Queue withProperties(EntityProperties value) {
      return new Queue(name, value);
    }
  }

  /** A topic and its subscriptions (a topic without subscriptions accepts and drops messages). */
  public record Topic(
      String name,
      Duration defaultMessageTimeToLive,
      boolean requiresDuplicateDetection,
      Duration duplicateDetectionHistoryTimeWindow,
      List<Subscription> subscriptions) {

    public Topic {
      requireName(name, "topic");
      requirePositive(defaultMessageTimeToLive, "DefaultMessageTimeToLive");
      requirePositive(duplicateDetectionHistoryTimeWindow, "DuplicateDetectionHistoryTimeWindow");
      subscriptions = List.copyOf(subscriptions);
      Set<String> names = new HashSet<>();
      for (Subscription subscription : subscriptions) {
        if (!names.add(subscription.name().toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException(
              "duplicate subscription " + subscription.name() + " in topic " + name);
        }
      }
    }

    /** A topic with default properties and no subscriptions. */
    public static Topic named(String name) {
      return new Topic(
          name,
          EntityProperties.DEFAULTS.defaultMessageTimeToLive(),
          false,
          EntityProperties.DEFAULTS.duplicateDetectionHistoryTimeWindow(),
          List.of());
    }

    public Topic withSubscription(Subscription subscription) {
      List<Subscription> all = new ArrayList<>(subscriptions);
      all.add(subscription);
      return new Topic(
          name,
          defaultMessageTimeToLive,
          requiresDuplicateDetection,
          duplicateDetectionHistoryTimeWindow,
          all);
    }

    public Topic withDefaultMessageTimeToLive(Duration value) {
      return new Topic(
          name,
          value,
          requiresDuplicateDetection,
          duplicateDetectionHistoryTimeWindow,
          subscriptions);
    }

    /** Turns duplicate detection on with the given history window. */
    public Topic withDuplicateDetection(Duration window) {
      return new Topic(name, defaultMessageTimeToLive, true, window, subscriptions);
    }
  }

  /**
   * A subscription. Without rules it receives every message (the service's implicit {@code
   * $Default} rule); with rules it receives a message once if any rule matches.
   */
  public record Subscription(String name, EntityProperties properties, List<Rule> rules) {
    public Subscription {
      requireName(name, "subscription");
      Objects.requireNonNull(properties, "properties");
      rules = List.copyOf(rules);
    }

    /** A subscription with default properties and no rule (receives everything). */
    public static Subscription named(String name) {
      return new Subscription(name, EntityProperties.DEFAULTS, List.of());
    }

    public Subscription withProperties(EntityProperties value) {
      return new Subscription(name, value, rules);
    }

    public Subscription withRule(Rule rule) {
      List<Rule> all = new ArrayList<>(rules);
      all.add(rule);
      return new Subscription(name, properties, all);
    }
  }

  /**
   * A right a shared access key grants, named as Service Bus names it ({@code Manage}, {@code
   * Send}, {@code Listen}).
   */
  public enum AccessRight {
    /** Everything: implies {@link #SEND} and {@link #LISTEN}. */
    MANAGE("Manage"),
    /** Send and schedule (or cancel scheduled) messages. */
    SEND("Send"),
    /** Receive, peek and settle messages, renew locks, session state and subscription rules. */
    LISTEN("Listen");

    private final String serviceName;

    AccessRight(String serviceName) {
      this.serviceName = serviceName;
    }

    /** The name the service and its claims use, e.g. {@code Send}. */
    public String serviceName() {
      return serviceName;
    }

    /** Reads {@code Manage}, {@code Send} or {@code Listen}, case-insensitively. */
    public static AccessRight of(String name) {
      for (AccessRight right : values()) {
        if (right.serviceName.equalsIgnoreCase(name)) {
          return right;
        }
      }
      throw new IllegalArgumentException("a right is Manage, Send or Listen, was " + name);
    }
  }

  /**
   * A shared access key: what the portal calls a shared access policy and ARM an authorization
   * rule. Tokens signed with {@code primaryKey} and naming {@code name} carry {@code rights} on
   * {@code entity} (a queue, or a topic and its subscriptions), or on every entity when {@code
   * entity} is null. {@link AccessRight#MANAGE} implies Send and Listen, as on the service. {@link
   * #toString()} leaves the key out.
   *
   * @param name the key name, the connection string's {@code SharedAccessKeyName}: letters, digits,
   *     {@code .-_}
   * @param primaryKey the secret, the connection string's {@code SharedAccessKey}; any non-blank
   *     text
   * @param rights at least one right
   * @param entity the queue or topic the key belongs to, or null for the namespace
   */
  public record SharedAccessKey(
      String name, String primaryKey, Set<AccessRight> rights, String entity) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,256}");

    public SharedAccessKey {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "a shared access key name is 1 to 256 letters, digits, '.', '-' or"
                + " '_', was "
                + name);
      }
      if (primaryKey == null || primaryKey.isBlank()) {
        throw new IllegalArgumentException("shared access key " + name + " needs a key");
      }
      if (rights == null || rights.isEmpty()) {
        throw new IllegalArgumentException(
            "shared access key " + name + " needs at least one right");
      }
      rights = Set.copyOf(rights);
      if (entity != null) {
        requireName(entity, "shared access key " + name + "'s entity");
      }
    }

    /** A key for every queue and topic of the namespace. */
    public static SharedAccessKey onNamespace(
        String name, String primaryKey, AccessRight... rights) {
      return new SharedAccessKey(name, primaryKey, Set.of(rights), null);
    }

    /** A key for one queue, or one topic and its subscriptions. */
    public static SharedAccessKey onEntity(
        String entity, String name, String primaryKey, AccessRight... rights) {
      return new SharedAccessKey(
          name, primaryKey, Set.of(rights), Objects.requireNonNull(entity, "entity"));
    }

    /**
     * Whether a token signed with this key may do what {@code right} allows on the queue or topic
     * {@code entity}.
     */
    public boolean grants(AccessRight right, String entityName) {
      boolean inScope = entity == null || entity.equalsIgnoreCase(entityName);
      return inScope && (rights.contains(right) || rights.contains(AccessRight.MANAGE));
    }

    @Override
    public String toString() {
      return "SharedAccessKey[name="
          + name
          + ", primaryKey=<redacted>, rights="
          + rights
          + ", entity="
          + (entity == null ? "<namespace>" : entity)
          + "]";
    }
  }

  /** A named filter rule of a subscription: exactly one of the two filters is set. */
  public record Rule(String name, CorrelationFilter correlationFilter, String sqlExpression) {
    public Rule {
      // $Default is the name the service gives the rule of a subscription created without rules.
      if (!"$Default".equals(name)) {
        requireName(name, "rule");
      }
      if ((correlationFilter == null) == (sqlExpression == null)) {
        throw new IllegalArgumentException(
            "rule " + name + " needs exactly one of a correlation or SQL filter");
      }
      if (sqlExpression != null) {
        // Parse now so a typo fails at start, not at the first message.
        SqlFilter.parse(sqlExpression);
      }
    }

    /** A rule with a correlation filter. */
    public static Rule correlation(String name, CorrelationFilter filter) {
      return new Rule(name, Objects.requireNonNull(filter, "filter"), null);
    }

    /** A rule with a SQL filter, e.g. {@code status = 'REJECTED' AND sys.Label LIKE 'dev.%'}. */
    public static Rule sql(String name, String expression) {
      return new Rule(name, null, Objects.requireNonNull(expression, "expression"));
    }
  }

  /**
   * A correlation filter: every field that is set must equal the message's; {@code label} is the
   * message's subject. Application property values compare by value (numbers numerically).
   */
  public record CorrelationFilter(
      String correlationId,
      String messageId,
      String to,
      String replyTo,
      String label,
      String sessionId,
      String replyToSessionId,
      String contentType,
      Map<String, Object> properties) {

    public CorrelationFilter {
      properties = properties == null ? Map.of() : Map.copyOf(properties);
      if (correlationId == null
          && messageId == null
          && to == null
          && replyTo == null
          && label == null
          && sessionId == null
          && replyToSessionId == null
          && contentType == null
          && properties.isEmpty()) {
        throw new IllegalArgumentException("a correlation filter needs at least one field");
      }
    }

    /** A filter on the subject (called Label in the emulator's config). */
    public static CorrelationFilter onLabel(String label) {
      return new CorrelationFilter(null, null, null, null, label, null, null, null, Map.of());
    }

    /** A filter on the correlation id. */
    public static CorrelationFilter onCorrelationId(String correlationId) {
      return new CorrelationFilter(
          correlationId, null, null, null, null, null, null, null, Map.of());
    }

    /** A filter on one application property. */
    public static CorrelationFilter onProperty(String name, Object value) {
      return new CorrelationFilter(
          null, null, null, null, null, null, null, null, Map.of(name, value));
    }
  }

  /** Collects queues and topics; {@link #build()} validates them. */
  public static final class Builder {
    private String namespace = DEFAULT_NAMESPACE;
    private final List<Queue> queues = new ArrayList<>();
    private final List<Topic> topics = new ArrayList<>();
    private final List<SharedAccessKey> sharedAccessKeys = new ArrayList<>();

    private Builder() {}

    public Builder namespace(String value) {
      this.namespace = value;
      return this;
    }

    public Builder queue(Queue queue) {
      queues.add(queue);
      return this;
    }

    /** Adds a queue with the default properties. */
    public Builder queue(String name) {
      return queue(Queue.named(name));
    }

    public Builder topic(Topic topic) {
      topics.add(topic);
      return this;
    }

    /** Adds a shared access key; with any key configured, every token is checked. */
    public Builder sharedAccessKey(SharedAccessKey key) {
      sharedAccessKeys.add(key);
      return this;
    }

    public EmulatorConfig build() {
      return new EmulatorConfig(namespace, queues, topics, sharedAccessKeys);
    }
  }

  private static void requireName(String name, String kind) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(kind + " needs a name");
    }
    if (name.contains("$")) {
      throw new IllegalArgumentException(kind + " name must not contain '$': " + name);
    }
  }

  private static void requirePositive(Duration value, String field) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + " must be a positive duration, was " + value);
    }
  }

  /**
   * Maps the official emulator's JSON tree onto the records, naming the JSON path of each problem.
   */
  private static final class JsonReader {
    private static final Pattern ISO_PERIOD =
        Pattern.compile(
            "P(?:(\\d+)Y)?(?:(\\d+)M)?(?:(\\d+)W)?(?:(\\d+)D)?(T.*)?", Pattern.CASE_INSENSITIVE);

    static EmulatorConfig read(JsonNode root) {
      JsonNode userConfig = required(root, "UserConfig", "");
      JsonNode namespaces = required(userConfig, "Namespaces", "UserConfig");
      if (!namespaces.isArray() || namespaces.size() != 1) {
        throw new IllegalArgumentException(
            "UserConfig.Namespaces must be an array with exactly one namespace");
      }
      JsonNode ns = namespaces.get(0);
      String path = "UserConfig.Namespaces[0]";
      Builder builder = builder().namespace(text(required(ns, "Name", path), path + ".Name"));
      authorizationRules(ns, path, null).forEach(builder::sharedAccessKey);
      JsonNode queues = ns.path("Queues");
      for (int i = 0; i < queues.size(); i++) {
        String at = path + ".Queues[" + i + "]";
        JsonNode queue = queues.get(i);
        String name = text(required(queue, "Name", at), at + ".Name");
        builder.queue(
            new Queue(name, properties(queue.path("Properties"), at + ".Properties", true)));
        authorizationRules(queue, at, name).forEach(builder::sharedAccessKey);
      }
      JsonNode topics = ns.path("Topics");
      for (int i = 0; i < topics.size(); i++) {
        String at = path + ".Topics[" + i + "]";
        Topic topic = topic(topics.get(i), at);
        builder.topic(topic);
        authorizationRules(topics.get(i), at, topic.name()).forEach(builder::sharedAccessKey);
      }
      try {
        return builder.build();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
      }
    }

    /**
     * The optional {@code AuthorizationRules} of the namespace, a queue or a topic, each as the
     * portal lists a shared access policy: {@code {"Name": "...", "PrimaryKey": "...", "Rights":
     * ["Send", "Listen"]}}.
     */
    private static List<SharedAccessKey> authorizationRules(
        JsonNode owner, String ownerAt, String entity) {
      JsonNode rules = owner.get("AuthorizationRules");
      if (rules == null || rules.isNull()) {
        return List.of();
      }
      String at = ownerAt + ".AuthorizationRules";
      if (!rules.isArray()) {
        throw new IllegalArgumentException(at + " must be an array");
      }
      List<SharedAccessKey> keys = new ArrayList<>();
      for (int i = 0; i < rules.size(); i++) {
        String ruleAt = at + "[" + i + "]";
        JsonNode rule = rules.get(i);
        JsonNode rightsNode = required(rule, "Rights", ruleAt);
        if (!rightsNode.isArray()) {
          throw new IllegalArgumentException(
              ruleAt + ".Rights must be an array of Manage, Send and Listen");
        }
        try {
          Set<AccessRight> rights = new HashSet<>();
          for (int r = 0; r < rightsNode.size(); r++) {
            rights.add(AccessRight.of(text(rightsNode.get(r), ruleAt + ".Rights[" + r + "]")));
          }
          keys.add(
              new SharedAccessKey(
                  text(required(rule, "Name", ruleAt), ruleAt + ".Name"),
                  text(required(rule, "PrimaryKey", ruleAt), ruleAt + ".PrimaryKey"),
                  rights,
                  entity));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(ruleAt + ": " + e.getMessage(), e);
        }
      }
      return keys;
    }

    private static Topic topic(JsonNode node, String at) {
      String name = text(required(node, "Name", at), at + ".Name");
      JsonNode props = node.path("Properties");
      EntityProperties defaults = EntityProperties.DEFAULTS;
      Duration ttl =
          duration(props, "DefaultMessageTimeToLive", defaults.defaultMessageTimeToLive(), at);
      boolean dedup = bool(props, "RequiresDuplicateDetection", false, at);
      Duration window =
          duration(
              props,
              "DuplicateDetectionHistoryTimeWindow",
              defaults.duplicateDetectionHistoryTimeWindow(),
              at);
      List<Subscription> subscriptions = new ArrayList<>();
      JsonNode subs = node.path("Subscriptions");
      for (int i = 0; i < subs.size(); i++) {
        String subAt = at + ".Subscriptions[" + i + "]";
        JsonNode sub = subs.get(i);
        if (sub.has("AuthorizationRules")) {
          throw new IllegalArgumentException(
              subAt
                  + ".AuthorizationRules: Service Bus has no shared access keys on"
                  + " subscriptions; a key on the topic or the namespace covers them");
        }
        List<Rule> rules = new ArrayList<>();
        JsonNode ruleNodes = sub.path("Rules");
        for (int r = 0; r < ruleNodes.size(); r++) {
          rules.add(rule(ruleNodes.get(r), subAt + ".Rules[" + r + "]"));
        }
        subscriptions.add(
            new Subscription(
                text(required(sub, "Name", subAt), subAt + ".Name"),
                properties(sub.path("Properties"), subAt + ".Properties", false),
                rules));
      }
      try {
        return new Topic(name, ttl, dedup, window, subscriptions);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
      }
    }

    private static Rule rule(JsonNode node, String at) {
      String name = text(required(node, "Name", at), at + ".Name");
      JsonNode props = required(node, "Properties", at);
      String propsAt = at + ".Properties";
      String action = props.path("Action").path("SqlExpression").asText("");
      if (!action.isBlank()) {
        throw new IllegalArgumentException(
            propsAt + ".Action: rule actions are not supported by the embedded" + " emulator");
      }
      String type = text(required(props, "FilterType", propsAt), propsAt + ".FilterType");
      try {
        switch (type.toLowerCase(Locale.ROOT)) {
          case "correlation" -> {
            JsonNode cf = required(props, "CorrelationFilter", propsAt);
            Map<String, Object> appProps = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = cf.path("Properties").fields();
            while (fields.hasNext()) {
              Map.Entry<String, JsonNode> field = fields.next();
              appProps.put(
                  field.getKey(),
                  scalar(
                      field.getValue(),
                      propsAt + ".CorrelationFilter.Properties." + field.getKey()));
            }
            return Rule.correlation(
                name,
                new CorrelationFilter(
                    optText(cf, "CorrelationId"),
                    optText(cf, "MessageId"),
                    optText(cf, "To"),
                    optText(cf, "ReplyTo"),
                    optText(cf, "Label"),
                    optText(cf, "SessionId"),
                    optText(cf, "ReplyToSessionId"),
                    optText(cf, "ContentType"),
                    appProps));
          }
          case "sql" -> {
            JsonNode sf = required(props, "SqlFilter", propsAt);
            return Rule.sql(
                name,
                text(
                    required(sf, "SqlExpression", propsAt + ".SqlFilter"),
                    propsAt + ".SqlFilter.SqlExpression"));
          }
          default ->
              throw new IllegalArgumentException(
                  "FilterType must be Correlation or Sql, was " + type);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(propsAt + ": " + e.getMessage(), e);
      }
    }

    private static EntityProperties properties(JsonNode props, String at, boolean queue) {
      EntityProperties d = EntityProperties.DEFAULTS;
      for (String forward : List.of("ForwardTo", "ForwardDeadLetteredMessagesTo")) {
        if (!props.path(forward).asText("").isBlank()) {
          throw new IllegalArgumentException(
              at
                  + "."
                  + forward
                  + ": auto-forwarding is not supported by the"
                  + " embedded emulator");
        }
      }
      JsonNode maxDelivery = props.path("MaxDeliveryCount");
      if (!maxDelivery.isMissingNode() && !maxDelivery.isInt()) {
        throw new IllegalArgumentException(at + ".MaxDeliveryCount must be an integer");
      }
      try {
        return new EntityProperties(
            duration(props, "LockDuration", d.lockDuration(), at),
            maxDelivery.isMissingNode() ? d.maxDeliveryCount() : maxDelivery.intValue(),
            duration(props, "DefaultMessageTimeToLive", d.defaultMessageTimeToLive(), at),
            bool(props, "DeadLetteringOnMessageExpiration", false, at),
            queue && bool(props, "RequiresDuplicateDetection", false, at),
            duration(
                props,
                "DuplicateDetectionHistoryTimeWindow",
                d.duplicateDetectionHistoryTimeWindow(),
                at),
            bool(props, "RequiresSession", false, at));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
      }
    }

    private static JsonNode required(JsonNode node, String field, String at) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        throw new IllegalArgumentException((at.isEmpty() ? "" : at + ".") + field + " is required");
      }
      return value;
    }

    private static String text(JsonNode node, String at) {
      if (!node.isTextual()) {
        throw new IllegalArgumentException(at + " must be a string");
      }
      return node.asText();
    }

    private static String optText(JsonNode node, String field) {
      JsonNode value = node.get(field);
      return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }

    private static Object scalar(JsonNode node, String at) {
      if (node.isTextual()) {
        return node.asText();
      } else if (node.isBoolean()) {
        return node.booleanValue();
      } else if (node.isIntegralNumber()) {
        return node.longValue();
      } else if (node.isNumber()) {
        return node.doubleValue();
      }
      throw new IllegalArgumentException(at + " must be a string, number or boolean");
    }

    private static boolean bool(JsonNode props, String field, boolean fallback, String at) {
      JsonNode value = props.get(field);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isBoolean()) {
        throw new IllegalArgumentException(at + "." + field + " must be true or false");
      }
      return value.booleanValue();
    }

    private static Duration duration(JsonNode props, String field, Duration fallback, String at) {
      JsonNode value = props.get(field);
      if (value == null || value.isNull() || value.asText().isEmpty()) {
        return fallback;
      }
      return parseDuration(value.asText(), at + "." + field);
    }

    /**
     * ISO-8601 durations as the emulator writes them ({@code PT1M}, {@code P1D}); weeks are 7 days.
     */
    static Duration parseDuration(String text, String at) {
      Matcher m = ISO_PERIOD.matcher(text.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException(at + " is not an ISO-8601 duration: " + text);
      }
      if (m.group(1) != null || m.group(2) != null) {
        throw new IllegalArgumentException(
            at + ": years and months have no fixed length, use days: " + text);
      }
      long days =
          (m.group(3) == null ? 0 : Long.parseLong(m.group(3)) * 7)
              + (m.group(4) == null ? 0 : Long.parseLong(m.group(4)));
      Duration time = Duration.ZERO;
      if (m.group(5) != null) {
        try {
          time = Duration.parse("P" + m.group(5));
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(at + " is not an ISO-8601 duration: " + text, e);
        }
      }
      return Duration.ofDays(days).plus(time);
    }
  }
}
