package dev.offboarding.worker.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventType;
import dev.offboarding.worker.intake.IntakePolicies;
import dev.offboarding.worker.intake.IntakePolicy;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@code INTAKE_POLICY_FILE}, the JSON file that may narrow the intake queues' default
 * policies.
 */
public final class IntakePolicyFile {
  private static final String FILE = "INTAKE_POLICY_FILE";
  private static final List<String> MEMBERS =
      List.of("eventTypes", "actions", "targetKinds", "maxTargets", "usersPerHour");

  private IntakePolicyFile() {}

  /**
   * Policies narrowed by an {@code INTAKE_POLICY_FILE}: a JSON object {@code {"queues": {Q:
   * {...}}}} whose entry for a queue replaces that queue's policy, each member left out keeping its
   * value: {@code eventTypes} (CloudEvents types), {@code actions}, {@code targetKinds} ({@code
   * userId}, {@code userPrincipalName}, {@code group}, {@code attribute}), {@code maxTargets} and
   * {@code usersPerHour}. Nothing may widen a rule: a type, action or kind the default does not
   * allow, or a number above the default's, is a problem naming the queue and the rule; so is an
   * unknown queue or member.
   *
   * @param problems where every problem goes, each naming {@code INTAKE_POLICY_FILE}
   * @param defaults the policies the file narrows
   * @return the narrowed policies, or the defaults when there were problems
   */
  public static IntakePolicies narrow(IntakePolicies defaults, byte[] json, List<String> problems) {
    int before = problems.size();
    JsonNode root;
    try {
      ObjectMapper mapper = new ObjectMapper();
      mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      root = mapper.readTree(json);
    } catch (IOException e) {
      problems.add(FILE + " is not well-formed JSON");
      return defaults;
    }
    if (root == null || !root.isObject() || !root.path("queues").isObject()) {
      problems.add(FILE + " must be a JSON object {\"queues\": {\"<queue>\": {...}}}");
      return defaults;
    }
    root.fieldNames()
        .forEachRemaining(
            n -> {
              if (!n.equals("queues")) {
                problems.add(FILE + ": unknown member " + quoted(n) + "; expected queues");
              }
            });
    Map<String, IntakePolicy> byQueue = new LinkedHashMap<>();
    defaults.all().forEach(p -> byQueue.put(p.queue(), p));
    Map<String, IntakePolicy> narrowed = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.get("queues").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String queue = entry.getKey();
      IntakePolicy base = byQueue.get(queue);
      if (base == null) {
        problems.add(
            FILE
                + ": "
                + quoted(queue)
                + " is not an intake queue of this worker; expected one of "
                + String.join(", ", byQueue.keySet()));
        continue;
      }
      if (!entry.getValue().isObject()) {
        problems.add(FILE + ": queues." + queue + " must be an object");
        continue;
      }
      narrowed.put(queue, narrow(base, entry.getValue(), problems));
    }
    return problems.size() == before ? defaults.replacing(narrowed) : defaults;
  }

  private static IntakePolicy narrow(IntakePolicy base, JsonNode node, List<String> problems) {
    String at = FILE + ": queues." + base.queue() + ".";
    node.fieldNames()
        .forEachRemaining(
            n -> {
              if (!MEMBERS.contains(n)) {
                problems.add(
                    at
                        + quoted(n)
                        + " is not a rule; expected one of "
                        + String.join(", ", MEMBERS));
              }
            });
    Set<EventType> types =
        subset(
            node,
            "eventTypes",
            base.eventTypes(),
            EventType.class,
            w -> EventType.fromWire(w),
            EventType::wireName,
            base.queue(),
            problems);
    Set<Action> actions =
        subset(
            node,
            "actions",
            base.actions(),
            Action.class,
            Action::fromWire,
            Action::wireName,
            base.queue(),
            problems);
    Set<IntakePolicy.TargetKind> kinds =
        subset(
            node,
            "targetKinds",
            base.targetKinds(),
            IntakePolicy.TargetKind.class,
            IntakePolicy.TargetKind::fromWire,
            IntakePolicy.TargetKind::wireName,
            base.queue(),
            problems);
    int maxTargets = atMost(node, "maxTargets", base.maxTargets(), base.queue(), problems);
    int usersPerHour = atMost(node, "usersPerHour", base.usersPerHour(), base.queue(), problems);
    return new IntakePolicy(
        base.queue(),
        types,
        actions,
        kinds,
        maxTargets,
        usersPerHour,
        base.cancelsReachEveryQueue());
  }

  private static <E extends Enum<E>> Set<E> subset(
      JsonNode node,
      String rule,
      Set<E> allowed,
      Class<E> type,
      Function<String, Optional<E>> parse,
      Function<E, String> name,
      String queue,
      List<String> problems) {
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
        problems.add(
            at
                + ": "
                + (v.isTextual() ? quoted(v.asText()) : "a non-string")
                + " is not one of "
                + String.join(", ", EnumSet.allOf(type).stream().map(name).toList()));
      } else if (!allowed.contains(value.get())) {
        problems.add(
            at
                + " widens the default policy of "
                + queue
                + ": "
                + name.apply(value.get())
                + " is not allowed there (default: "
                + String.join(", ", allowed.stream().map(name).toList())
                + "); the file can only narrow it");
      } else {
        chosen.add(value.get());
      }
    }
    return chosen;
  }

  private static int atMost(
      JsonNode node, String rule, int max, String queue, List<String> problems) {
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
      problems.add(
          at
              + " widens the default policy of "
              + queue
              + ": "
              + value.intValue()
              + " is more than its "
              + max
              + "; the file can only narrow it");
      return max;
    }
    return value.intValue();
  }

  /**
   * A name from the file, quoted, cut short and with control characters replaced: it goes into
   * logs.
   */
  private static String quoted(String name) {
    String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
