package dev.offboarding.worker.intake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The policy of every intake queue ({@link IntakePolicy}), and who a cancel may reach. The defaults
 * give each sender what its job needs: the HR and bulk producers' queue leaver, compromise and
 * cancel events with any target; the SIEM's queue compromise events naming at most 100 users by id
 * or UPN; the operators' queue restore, cancel and approve events. {@code INTAKE_POLICY_FILE} may
 * replace a queue's policy, but only to narrow it: a file that widens a default is refused at start,
 * naming the rule. Immutable and thread-safe.
 */
public final class IntakePolicies {
  /** {@code MAX_USERS_PER_HOUR}'s default: the HR (and operators') queue's hourly allowance. */
  public static final int DEFAULT_MAX_USERS_PER_HOUR = 1000;
  /** {@code MAX_URGENT_USERS_PER_HOUR}'s default: the SIEM's queue's hourly allowance. */
  public static final int DEFAULT_MAX_URGENT_USERS_PER_HOUR = 200;
  /** The most targets one event on the SIEM's queue names by default. */
  public static final int URGENT_MAX_TARGETS = 100;

  private static final String FILE = "INTAKE_POLICY_FILE";
  private static final List<String> MEMBERS = List.of("eventTypes", "actions", "targetKinds", "maxTargets",
      "usersPerHour");

  /** By queue, in the order configured; null when every queue lets everything through. */
  private final Map<String, IntakePolicy> byQueue;

  private IntakePolicies(Map<String, IntakePolicy> byQueue) {
    this.byQueue = byQueue == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byQueue));
  }

  /**
   * The default policies of the three intake queues.
   *
   * @param events the HR and bulk producers' queue ({@code SERVICEBUS_QUEUE})
   * @param urgent the SIEM's queue ({@code SERVICEBUS_URGENT_QUEUE})
   * @param ops the operators' queue ({@code SERVICEBUS_OPS_QUEUE})
   * @param usersPerHour {@code MAX_USERS_PER_HOUR}: the events and ops queues' hourly allowance
   * @param urgentUsersPerHour {@code MAX_URGENT_USERS_PER_HOUR}: the urgent queue's hourly allowance
   */
  public static IntakePolicies defaults(String events, String urgent, String ops, int usersPerHour,
      int urgentUsersPerHour) {
    Set<IntakePolicy.TargetKind> users = EnumSet.of(IntakePolicy.TargetKind.USER_ID,
        IntakePolicy.TargetKind.USER_PRINCIPAL_NAME);
    Map<String, IntakePolicy> all = new LinkedHashMap<>();
    all.put(events, new IntakePolicy(events, EnumSet.of(EventType.LEAVER, EventType.COMPROMISE, EventType.CANCEL),
        EnumSet.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS), EnumSet.allOf(IntakePolicy.TargetKind.class),
        EventData.MAX_TARGET_ENTRIES, usersPerHour, false));
    all.put(urgent, new IntakePolicy(urgent, EnumSet.of(EventType.COMPROMISE),
        EnumSet.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS), users, URGENT_MAX_TARGETS, urgentUsersPerHour,
        false));
    all.put(ops, new IntakePolicy(ops, EnumSet.of(EventType.RESTORE, EventType.CANCEL, EventType.APPROVE),
        EnumSet.of(Action.ENABLE_ACCOUNT), EnumSet.allOf(IntakePolicy.TargetKind.class),
        EventData.MAX_TARGET_ENTRIES, usersPerHour, true));
    return new IntakePolicies(all);
  }

  /** No policy: every queue carries every event of the contract, and every cancel reaches every event. */
  public static IntakePolicies unrestricted() {
    return new IntakePolicies(null);
  }

  /** The policy of intake queue {@code queue}. */
  public IntakePolicy of(String queue) {
    if (byQueue == null) {
      return IntakePolicy.unrestricted(queue);
    }
    IntakePolicy policy = byQueue.get(queue);
    if (policy == null) {
      throw new IllegalArgumentException("not an intake queue: " + queue);
    }
    return policy;
  }

  /** Every queue's policy, in the order configured; empty when unrestricted. */
  public Collection<IntakePolicy> all() {
    return byQueue == null ? List.of() : byQueue.values();
  }

  /**
   * True when a cancel that arrived on {@code cancelQueue} reaches an event that arrived on {@code
   * eventQueue}: a cancel reaches the events of its own queue, and the operators' reach all. A
   * marker naming no queue (left before markers named it), or one this worker takes no events from
   * (left by a replica configured with other queue names), reaches all, as markers did: a cancel
   * never writes, so a doubt stops the event rather than lets it run.
   */
  public boolean reaches(String cancelQueue, String eventQueue) {
    if (byQueue == null || cancelQueue == null || cancelQueue.equals(eventQueue)) {
      return true;
    }
    IntakePolicy policy = byQueue.get(cancelQueue);
    return policy == null || policy.cancelsReachEveryQueue();
  }

  /**
   * These policies narrowed by an {@code INTAKE_POLICY_FILE}: a JSON object {@code {"queues": {Q:
   * {...}}}} whose entry for a queue replaces that queue's policy, each member left out keeping its
   * value: {@code eventTypes} (CloudEvents types), {@code actions}, {@code targetKinds} ({@code
   * userId}, {@code userPrincipalName}, {@code group}, {@code attribute}), {@code maxTargets} and
   * {@code usersPerHour}. Nothing may widen a rule: a type, action or kind the default does not
   * allow, or a number above the default's, is a problem naming the queue and the rule; so is an
   * unknown queue or member.
   *
   * @param problems where every problem goes, each naming {@code INTAKE_POLICY_FILE}
   * @return the narrowed policies, or these when there were problems
   */
  public IntakePolicies narrowedBy(byte[] json, List<String> problems) {
    int before = problems.size();
    JsonNode root;
    try {
      ObjectMapper mapper = new ObjectMapper();
      mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      root = mapper.readTree(json);
    } catch (IOException e) {
      problems.add(FILE + " is not well-formed JSON");
      return this;
    }
    if (root == null || !root.isObject() || !root.path("queues").isObject()) {
      problems.add(FILE + " must be a JSON object {\"queues\": {\"<queue>\": {...}}}");
      return this;
    }
    root.fieldNames().forEachRemaining(n -> {
      if (!n.equals("queues")) {
        problems.add(FILE + ": unknown member " + quoted(n) + "; expected queues");
      }
    });
    Map<String, IntakePolicy> narrowed = new LinkedHashMap<>(byQueue == null ? Map.of() : byQueue);
    for (Iterator<Map.Entry<String, JsonNode>> it = root.get("queues").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String queue = entry.getKey();
      IntakePolicy base = byQueue == null ? null : byQueue.get(queue);
      if (base == null) {
        problems.add(FILE + ": " + quoted(queue) + " is not an intake queue of this worker; expected one of "
            + String.join(", ", narrowed.keySet()));
        continue;
      }
      if (!entry.getValue().isObject()) {
        problems.add(FILE + ": queues." + queue + " must be an object");
        continue;
      }
      narrowed.put(queue, narrow(base, entry.getValue(), problems));
    }
    return problems.size() == before ? new IntakePolicies(narrowed) : this;
  }

  private static IntakePolicy narrow(IntakePolicy base, JsonNode node, List<String> problems) {
    String at = FILE + ": queues." + base.queue() + ".";
    node.fieldNames().forEachRemaining(n -> {
      if (!MEMBERS.contains(n)) {
        problems.add(at + quoted(n) + " is not a rule; expected one of " + String.join(", ", MEMBERS));
      }
    });
    Set<EventType> types = subset(node, "eventTypes", base.eventTypes(), EventType.class,
        w -> EventType.fromWire(w), EventType::wireName, base.queue(), problems);
    Set<Action> actions = subset(node, "actions", base.actions(), Action.class, Action::fromWire, Action::wireName,
        base.queue(), problems);
    Set<IntakePolicy.TargetKind> kinds = subset(node, "targetKinds", base.targetKinds(),
        IntakePolicy.TargetKind.class, IntakePolicy.TargetKind::fromWire, IntakePolicy.TargetKind::wireName,
        base.queue(), problems);
    int maxTargets = atMost(node, "maxTargets", base.maxTargets(), base.queue(), problems);
    int usersPerHour = atMost(node, "usersPerHour", base.usersPerHour(), base.queue(), problems);
    return new IntakePolicy(base.queue(), types, actions, kinds, maxTargets, usersPerHour,
        base.cancelsReachEveryQueue());
  }

  private static <E extends Enum<E>> Set<E> subset(JsonNode node, String rule, Set<E> allowed, Class<E> type,
      Function<String, Optional<E>> parse, Function<E, String> name, String queue, List<String> problems) {
    JsonNode values = node.get(rule);
    if (values == null) {
      return allowed;
    }
    String at = FILE + ": queues." + queue + "." + rule;
    if (!values.isArray()) {
      problems.add(at + " must be an array of names");
      return allowed;
    }
    Set<E> chosen = EnumSet.noneOf(type);
    for (JsonNode v : values) {
      Optional<E> value = v.isTextual() ? parse.apply(v.asText()) : Optional.empty();
      if (value.isEmpty()) {
        problems.add(at + ": " + (v.isTextual() ? quoted(v.asText()) : "a non-string") + " is not one of "
            + String.join(", ", EnumSet.allOf(type).stream().map(name).toList()));
      } else if (!allowed.contains(value.get())) {
        problems.add(at + " widens the default policy of " + queue + ": " + name.apply(value.get())
            + " is not allowed there (default: " + String.join(", ", allowed.stream().map(name).toList())
            + "); the file can only narrow it");
      } else {
        chosen.add(value.get());
      }
    }
    return chosen;
  }

  private static int atMost(JsonNode node, String rule, int max, String queue, List<String> problems) {
    JsonNode value = node.get(rule);
    if (value == null) {
      return max;
    }
    String at = FILE + ": queues." + queue + "." + rule;
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
      problems.add(at + " must be a whole number of at least 1");
      return max;
    }
    if (value.intValue() > max) {
      problems.add(at + " widens the default policy of " + queue + ": " + value.intValue() + " is more than its "
          + max + "; the file can only narrow it");
      return max;
    }
    return value.intValue();
  }

  /** A name from the file, quoted, cut short and with control characters replaced: it goes into logs. */
  private static String quoted(String name) {
    String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  @Override
  public String toString() {
    return byQueue == null ? "unrestricted" : String.join("; ", new ArrayList<>(byQueue.values()).stream()
        .map(IntakePolicy::toString).toList());
  }
}
