package dev.offboarding.testkit.servicebus;

import dev.offboarding.testkit.servicebus.EmulatorConfig.CorrelationFilter;
import dev.offboarding.testkit.servicebus.EmulatorConfig.EntityProperties;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Queue;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Rule;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Subscription;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Topic;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.message.Message;

/**
 * The namespace: entities by address, routing of sent messages, and time-driven housekeeping.
 *
 * <p>Addresses are matched case-insensitively, as the service does. Confined to the emulator's loop
 * thread.
 */
final class Broker {

  static final String DEAD_LETTER_SUFFIX = "/$deadletterqueue";
  static final String DEFAULT_RULE = "$Default";
  static final Symbol SCHEDULED_ENQUEUE_TIME = Symbol.valueOf("x-opt-scheduled-enqueue-time");

  private final Map<String, SendTarget> targets = new LinkedHashMap<>();
  private final Map<String, MessageStore> sources = new LinkedHashMap<>();

  /** The subscriptions' rules, by subscription path. */
  private final Map<String, Route> subscriptions = new LinkedHashMap<>();

  private final Clock clock;

  Broker(EmulatorConfig config, Clock clock) {
    this.clock = clock;
    for (Queue queue : config.queues()) {
      MessageStore store = store(queue.name(), queue.properties());
      EntityProperties p = queue.properties();
      targets.put(
          key(queue.name()),
          new SendTarget(
              queue.name(),
              p.requiresDuplicateDetection(),
              p.duplicateDetectionHistoryTimeWindow(),
              null,
              store,
              List.of()));
    }
    for (Topic topic : config.topics()) {
      List<Route> routes = new ArrayList<>();
      for (Subscription sub : topic.subscriptions()) {
        MessageStore store = store(topic.name() + "/subscriptions/" + sub.name(), sub.properties());
        // A subscription created without rules has the service's $Default rule, which matches
        // everything.
        Route route =
            new Route(
                store,
                sub.rules().isEmpty() ? List.of(Rule.sql(DEFAULT_RULE, "1=1")) : sub.rules());
        routes.add(route);
        subscriptions.put(key(store.path()), route);
      }
      targets.put(
          key(topic.name()),
          new SendTarget(
              topic.name(),
              topic.requiresDuplicateDetection(),
              topic.duplicateDetectionHistoryTimeWindow(),
              topic.defaultMessageTimeToLive(),
              null,
              routes));
    }
  }

  private MessageStore store(String path, EntityProperties properties) {
    MessageStore dlq = new MessageStore(path + "/$DeadLetterQueue", properties, null, clock);
    MessageStore store = new MessageStore(path, properties, dlq, clock);
    sources.put(key(path), store);
    sources.put(key(dlq.path()), dlq);
    return store;
  }

  /** The queue or topic messages can be sent to at this address, or null. */
  SendTarget target(String address) {
    return address == null ? null : targets.get(key(address));
  }

  /**
   * The queue, subscription or dead-letter queue messages can be received from at this address, or
   * null.
   */
  MessageStore source(String address) {
    return address == null ? null : sources.get(key(address));
  }

  /** The rules of the subscription at this address, or null when it is no subscription. */
  Route subscription(String address) {
    return address == null ? null : subscriptions.get(key(address));
  }

  /** Every receivable store, dead-letter queues included. */
  List<MessageStore> stores() {
    return new ArrayList<>(sources.values());
  }

  /** Runs time-driven work everywhere. Returns true if messages may have become receivable. */
  boolean housekeeping() {
    boolean changed = false;
    for (SendTarget target : targets.values()) {
      changed |= target.housekeeping();
    }
    for (MessageStore store : sources.values()) {
      changed |= store.housekeeping();
    }
    return changed;
  }

  private static String key(String address) {
    String a = address.toLowerCase(Locale.ROOT);
    while (a.startsWith("/")) {
      a = a.substring(1);
    }
    return a;
  }

  private static Predicate<Message> filter(Rule rule) {
    if (rule.sqlExpression() != null) {
      SqlFilter sql = SqlFilter.parse(rule.sqlExpression());
      return sql::matches;
    }
    CorrelationFilter cf = rule.correlationFilter();
    return message -> matches(cf, message);
  }

  static boolean matches(CorrelationFilter f, Message m) {
    return same(f.correlationId(), SqlFilter.idToString(m.getCorrelationId()))
        && same(f.messageId(), SqlFilter.idToString(m.getMessageId()))
        && same(f.to(), m.getAddress())
        && same(f.replyTo(), m.getReplyTo())
        && same(f.label(), m.getSubject())
        && same(f.sessionId(), m.getGroupId())
        && same(f.replyToSessionId(), m.getReplyToGroupId())
        && same(f.contentType(), m.getContentType())
        && f.properties().entrySet().stream()
            .allMatch(
                e -> {
                  Object expected = SqlFilter.normalize(e.getValue());
                  Object actual = SqlFilter.normalize(SqlFilter.applicationProperty(m, e.getKey()));
                  if (expected instanceof BigDecimal a && actual instanceof BigDecimal b) {
                    return a.compareTo(b) == 0;
                  }
                  return actual != null && actual.equals(expected);
                });
  }

  private static boolean same(String expected, String actual) {
    return expected == null || expected.equals(actual);
  }

  /**
   * A subscription's rules: a message is copied to it when any rule matches, none when it has no
   * rule (as on the service). Rules change at run time through $management add-rule and
   * remove-rule.
   */
  static final class Route {
    private final MessageStore store;
    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final Map<String, Predicate<Message>> predicates = new LinkedHashMap<>();

    Route(MessageStore store, List<Rule> initial) {
      this.store = store;
      initial.forEach(this::add);
    }

    MessageStore store() {
      return store;
    }

    /** Adds a rule; false when one with that name exists (names are case-insensitive). */
    boolean add(Rule rule) {
      String k = rule.name().toLowerCase(Locale.ROOT);
      if (rules.containsKey(k)) {
        return false;
      }
      predicates.put(k, filter(rule));
      rules.put(k, rule);
      return true;
    }

    /** Removes a rule; false when there is none with that name. */
    boolean remove(String name) {
      String k = name.toLowerCase(Locale.ROOT);
      predicates.remove(k);
      return rules.remove(k) != null;
    }

    List<Rule> rules() {
      return List.copyOf(rules.values());
    }

    boolean matches(Message message) {
      return predicates.values().stream().anyMatch(p -> p.test(message));
    }
  }

  /** A queue or a topic as seen by senders: duplicate detection, scheduling and fan-out. */
  final class SendTarget {
    private final String name;
    private final boolean duplicateDetection;
    private final Duration duplicateWindow;

    /**
     * A topic's default time to live, which caps the copies in its subscriptions; null for queues.
     */
    private final Duration topicTimeToLive;

    private final MessageStore queue;
    private final List<Route> routes;
    private final Map<String, Instant> recentMessageIds = new LinkedHashMap<>();

    /** A topic's scheduled messages, by the sequence number handed to the sender. */
    private final TreeMap<Long, Scheduled> scheduled = new TreeMap<>();

    private long nextScheduleNumber = 1;

    private SendTarget(
        String name,
        boolean duplicateDetection,
        Duration duplicateWindow,
        Duration topicTimeToLive,
        MessageStore queue,
        List<Route> routes) {
      this.name = name;
      this.duplicateDetection = duplicateDetection;
      this.duplicateWindow = duplicateWindow;
      this.topicTimeToLive = topicTimeToLive;
      this.queue = queue;
      this.routes = routes;
    }

    String name() {
      return name;
    }

    /**
     * Accepts a message: drops it silently as the service does when its id was seen within the
     * duplicate detection window, otherwise stores it (scheduled if it carries a future scheduled
     * enqueue time).
     *
     * @return the sequence number, or -1 for a dropped duplicate
     */
    long send(Message message) {
      String refusal = refusal(message);
      if (refusal != null) {
        throw new IllegalArgumentException(refusal);
      }
      Instant now = clock.instant();
      if (message.getMessageId() == null) {
        // Receivers rely on every message having an id (the Node SDK's lock renewal keys on it and
        // fails without
        // one), so a message sent without one gets one, as the service appears to do; the format is
        // a guess.
        message.setMessageId(UUID.randomUUID().toString().replace("-", ""));
      }
      if (duplicateDetection && message.getMessageId() != null) {
        String id = SqlFilter.idToString(message.getMessageId());
        pruneMessageIds(now);
        if (recentMessageIds.containsKey(id)) {
          return -1;
        }
        recentMessageIds.put(id, now);
      }
      Instant scheduledFor = scheduledEnqueueTime(message);
      if (queue != null) {
        return queue.enqueue(message, scheduledFor);
      }
      if (scheduledFor != null && scheduledFor.isAfter(now)) {
        long number = nextScheduleNumber++;
        scheduled.put(number, new Scheduled(message, scheduledFor));
        return number;
      }
      return fanOut(message);
    }

    /** Why this entity refuses the message, or null when it takes it. */
    String refusal(Message message) {
      if (queue != null && queue.requiresSession() && message.getGroupId() == null) {
        return "The SessionId was not set on a message, and it cannot be sent to the entity '"
            + name
            + "'. Entities that have session support enabled can only receive messages that have the SessionId"
            + " set to a valid value.";
      }
      return null;
    }

    /** Cancels a scheduled message; false if none with that number is waiting. */
    boolean cancelScheduled(long sequenceNumber) {
      if (queue != null) {
        return queue.cancelScheduled(sequenceNumber);
      }
      return scheduled.remove(sequenceNumber) != null;
    }

    private long fanOut(Message message) {
      long number = nextScheduleNumber++;
      for (Route route : routes) {
        if (route.matches(message)) {
          route.store().enqueue(AmqpCodec.copy(message), null, topicTimeToLive);
        }
      }
      return number;
    }

    private boolean housekeeping() {
      pruneMessageIds(clock.instant());
      boolean changed = false;
      Instant now = clock.instant();
      Iterator<Scheduled> it = scheduled.values().iterator();
      while (it.hasNext()) {
        Scheduled s = it.next();
        if (!s.enqueueAt().isAfter(now)) {
          it.remove();
          fanOut(s.message());
          changed = true;
        }
      }
      return changed;
    }

    private void pruneMessageIds(Instant now) {
      Instant oldest = now.minus(duplicateWindow);
      Iterator<Instant> it = recentMessageIds.values().iterator();
      while (it.hasNext() && !it.next().isAfter(oldest)) {
        it.remove();
      }
    }
  }

  private record Scheduled(Message message, Instant enqueueAt) {
    Scheduled {
      Objects.requireNonNull(message);
    }
  }

  private static Instant scheduledEnqueueTime(Message message) {
    if (message.getMessageAnnotations() == null
        || message.getMessageAnnotations().getValue() == null) {
      return null;
    }
    Object value = message.getMessageAnnotations().getValue().get(SCHEDULED_ENQUEUE_TIME);
    return value instanceof Date date ? date.toInstant() : null;
  }
}
