package dev.offboarding.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks one JSON tree against the v1 event contract, collecting every problem rather than stopping
 * at the first, and builds the event when there are none. One instance per document; not
 * thread-safe. The rules mirror {@code event.v1.schema.json}; keep the two in step.
 */
final class EventReader {
  static final int MAX_ID_LENGTH = 256;
  static final int MAX_REASON_LENGTH = 1024;
  static final int MAX_TICKET_LENGTH = 128;
  static final int MAX_REQUESTED_BY_LENGTH = 256;
  static final String DATA_CONTENT_TYPE = "application/json";

  /** CloudEvents extension attribute names; the standard attributes happen to match it too. */
  static final Pattern EXTENSION_NAME = Pattern.compile("^[a-z0-9]{1,20}$");

  private static final Set<String> ENVELOPE =
      Set.of("specversion", "id", "source", "type", "time", "datacontenttype", "data");
  private static final Set<String> DATA =
      Set.of(
          "targets",
          "actions",
          "reason",
          "ticket",
          "requestedBy",
          "dryRun",
          "effectiveAt",
          "deviceIds");
  private static final Set<String> CANCEL_DATA = Set.of("eventId", "reason", "requestedBy");
  private static final Set<String> APPROVE_DATA =
      Set.of("eventId", "requestedBy", "reason", "users");
  private static final Set<String> TARGET = Set.of("user", "group", "attribute", "equals");
  private static final String TARGET_KINDS = "user, group, or attribute with equals";
  private static final String EVENT_TYPES =
      Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.joining(", "));
  private static final String ATTRIBUTES =
      String.join(", ", Target.ALLOWED_ATTRIBUTES.stream().sorted().toList());

  private final List<Problem> problems = new ArrayList<>();
  private int dropped;

  /** The event, or null when there were problems (see {@link #problems()}). */
  OffboardingEvent read(JsonNode root) {
    if (!root.isObject()) {
      add(JsonPath.ROOT, "must be a JSON object");
      return null;
    }
    String specversion = requiredString(root, JsonPath.ROOT, "specversion");
    if (specversion != null && !OffboardingEvent.SPEC_VERSION.equals(specversion)) {
      add("$.specversion", "must be \"" + OffboardingEvent.SPEC_VERSION + "\"");
    }
    String id = requiredString(root, JsonPath.ROOT, "id");
    if (id != null) {
      checkText("$.id", id, MAX_ID_LENGTH, true);
    }
    String source = requiredString(root, JsonPath.ROOT, "source");
    if (source != null) {
      if (source.isEmpty()) {
        add("$.source", "must not be empty");
      } else if (!UriReference.isValid(source)) {
        add("$.source", "must be a URI reference (RFC 3986), e.g. /hr/workday");
      }
    }
    EventType type = null;
    String rawType = requiredString(root, JsonPath.ROOT, "type");
    if (rawType != null) {
      type = EventType.fromWire(rawType).orElse(null);
      if (type == null) {
        add("$.type", "unknown type; expected one of " + EVENT_TYPES);
      }
    }
    Instant time = null;
    String rawTime = optionalString(root, JsonPath.ROOT, "time");
    if (rawTime != null) {
      time = Rfc3339.parse(rawTime);
      if (time == null) {
        add("$.time", "must be an RFC 3339 date-time, e.g. 2026-11-27T09:00:00Z");
      }
    }
    String contentType = optionalString(root, JsonPath.ROOT, "datacontenttype");
    if (contentType != null && !DATA_CONTENT_TYPE.equals(contentType)) {
      add("$.datacontenttype", "must be " + DATA_CONTENT_TYPE);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      if (ENVELOPE.contains(name)) {
        continue;
      }
      String path = JsonPath.property(JsonPath.ROOT, name);
      if (!EXTENSION_NAME.matcher(name).matches()) {
        add(
            path,
            "unexpected property; extension attribute names are 1 to 20 lower-case letters or digits");
      } else if (!isScalar(field.getValue())) {
        add(path, "extension attribute must be a string, number or boolean");
      }
    }
    EventData data = null;
    Cancellation cancellation = null;
    Approval approval = null;
    JsonNode dataNode = root.get("data");
    if (dataNode == null) {
      add("$.data", "required");
    } else if (!dataNode.isObject()) {
      add("$.data", "must be an object");
    } else if (type == EventType.CANCEL) {
      cancellation = readCancellation(dataNode);
    } else if (type == EventType.APPROVE) {
      approval = readApproval(dataNode);
    } else {
      data = readData(dataNode, type);
    }
    if (!problems.isEmpty()) {
      return null;
    }
    try {
      return new OffboardingEvent(id, source, type, time, data, cancellation, approval);
    } catch (RuntimeException e) {
      // The checks above are meant to be at least as strict as the records; this is a safety net.
      add(JsonPath.ROOT, "rejected by the event record: " + e.getMessage());
      return null;
    }
  }

  /**
   * Every problem found, or the first {@link EventCodec#MAX_PROBLEMS} - 1 and a count of the rest.
   */
  List<Problem> problems() {
    if (dropped == 0) {
      return List.copyOf(problems);
    }
    List<Problem> shown = new ArrayList<>(problems.subList(0, EventCodec.MAX_PROBLEMS - 1));
    shown.add(new Problem(JsonPath.ROOT, (dropped + 1) + " more problems not listed"));
    return List.copyOf(shown);
  }

  private EventData readData(JsonNode data, EventType type) {
    for (Iterator<String> it = data.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!DATA.contains(name)) {
        add(JsonPath.property("$.data", name), "unexpected property");
      }
    }
    List<Target> targets = readTargets(data.get("targets"), type);
    List<Action> actions = readActions(data.get("actions"), type);
    String reason = requiredString(data, "$.data", "reason");
    if (reason != null) {
      checkText("$.data.reason", reason, MAX_REASON_LENGTH, false);
    }
    String ticket = optionalString(data, "$.data", "ticket");
    if (ticket != null) {
      checkLengthAndControls("$.data.ticket", ticket, MAX_TICKET_LENGTH);
    }
    String requestedBy = optionalString(data, "$.data", "requestedBy");
    if (requestedBy != null) {
      checkLengthAndControls("$.data.requestedBy", requestedBy, MAX_REQUESTED_BY_LENGTH);
    }
    boolean dryRun = false;
    JsonNode dryRunNode = data.get("dryRun");
    if (dryRunNode != null) {
      if (dryRunNode.isBoolean()) {
        dryRun = dryRunNode.booleanValue();
      } else {
        add("$.data.dryRun", "must be true or false");
      }
    }
    Instant effectiveAt = null;
    String rawEffectiveAt = optionalString(data, "$.data", "effectiveAt");
    if (rawEffectiveAt != null) {
      if (type != null && type.urgent()) {
        add(
            "$.data.effectiveAt",
            "not allowed on " + type.wireName() + ": a compromise event takes effect at once");
      } else if (type != null && type.restores()) {
        add(
            "$.data.effectiveAt",
            "not allowed on " + type.wireName() + ": a restore takes effect at once");
      }
      effectiveAt = Rfc3339.parse(rawEffectiveAt);
      if (effectiveAt == null) {
        add(
            "$.data.effectiveAt",
            "must be an RFC 3339 date-time with an offset, e.g. 2026-12-31T17:00:00+01:00");
      }
    }
    List<String> deviceIds = readDeviceIds(data.get("deviceIds"), type);
    if (!problems.isEmpty()) {
      return null;
    }
    return new EventData(
        targets, actions, reason, ticket, requestedBy, dryRun, effectiveAt, deviceIds);
  }

  /** {@code deviceIds}: restore events only, 1 to 1000 distinct GUIDs. */
  private List<String> readDeviceIds(JsonNode node, EventType type) {
    if (node == null) {
      return List.of();
    }
    if (type != null && !type.restores()) {
      add(
          "$.data.deviceIds",
          "not allowed on " + type.wireName() + ": only a restore names devices to re-enable");
      return List.of();
    }
    if (!node.isArray() || node.isEmpty() || node.size() > EventData.MAX_DEVICE_IDS) {
      add(
          "$.data.deviceIds",
          "must be an array of 1 to " + EventData.MAX_DEVICE_IDS + " device object ids");
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode id = node.get(i);
      if (!id.isTextual() || !Target.isGuid(id.textValue())) {
        add("$.data.deviceIds[" + i + "]", "must be a device object id (a GUID)");
      } else if (ids.contains(id.textValue())) {
        add("$.data.deviceIds[" + i + "]", "repeats an earlier device id");
      } else {
        ids.add(id.textValue());
      }
    }
    return ids;
  }

  private Cancellation readCancellation(JsonNode data) {
    for (Iterator<String> it = data.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!CANCEL_DATA.contains(name)) {
        add(JsonPath.property("$.data", name), "unexpected property");
      }
    }
    String eventId = requiredString(data, "$.data", "eventId");
    if (eventId != null) {
      checkText("$.data.eventId", eventId, MAX_ID_LENGTH, true);
    }
    String reason = requiredString(data, "$.data", "reason");
    if (reason != null) {
      checkText("$.data.reason", reason, MAX_REASON_LENGTH, false);
    }
    String requestedBy = requiredString(data, "$.data", "requestedBy");
    if (requestedBy != null) {
      checkText("$.data.requestedBy", requestedBy, MAX_REQUESTED_BY_LENGTH, true);
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return new Cancellation(eventId, reason, requestedBy);
  }

  private Approval readApproval(JsonNode data) {
    for (Iterator<String> it = data.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!APPROVE_DATA.contains(name)) {
        add(JsonPath.property("$.data", name), "unexpected property");
      }
    }
    String eventId = requiredString(data, "$.data", "eventId");
    if (eventId != null) {
      checkText("$.data.eventId", eventId, MAX_ID_LENGTH, true);
    }
    String requestedBy = requiredString(data, "$.data", "requestedBy");
    if (requestedBy != null) {
      checkText("$.data.requestedBy", requestedBy, MAX_REQUESTED_BY_LENGTH, true);
    }
    String reason = optionalString(data, "$.data", "reason");
    if (reason != null) {
      checkText("$.data.reason", reason, MAX_REASON_LENGTH, false);
    }
    List<String> users = new ArrayList<>();
    JsonNode usersNode = data.get("users");
    if (usersNode != null) {
      String path = "$.data.users";
      if (!usersNode.isArray()) {
        add(path, "must be an array");
      } else {
        if (usersNode.isEmpty()) {
          add(path, "must not be empty; leave it out when the approval names no user");
        }
        if (usersNode.size() > Approval.MAX_USERS) {
          add(path, "at most " + Approval.MAX_USERS + " entries");
        }
        for (int i = 0; i < usersNode.size(); i++) {
          String user = string(usersNode.get(i), JsonPath.index(path, i));
          if (user != null && !Target.isGuid(user) && !Target.isUpn(user)) {
            add(JsonPath.index(path, i), "malformed UPN or GUID");
          } else if (user != null) {
            users.add(user);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return new Approval(eventId, requestedBy, reason, users);
  }

  private List<Target> readTargets(JsonNode node, EventType type) {
    String path = "$.data.targets";
    if (node == null) {
      add(path, "required");
      return List.of();
    }
    if (!node.isArray()) {
      add(path, "must be an array");
      return List.of();
    }
    if (node.isEmpty()) {
      add(path, "must not be empty");
    }
    if (node.size() > EventData.MAX_TARGET_ENTRIES) {
      add(path, "at most " + EventData.MAX_TARGET_ENTRIES + " entries");
    }
    List<Target> targets = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      Target target = readTarget(node.get(i), JsonPath.index(path, i));
      if (target != null && type != null && type.restores() && !(target instanceof Target.User)) {
        add(
            JsonPath.index(path, i),
            "a restore names users only (object id or UPN); groups and attribute"
                + " selectors are refused");
      } else if (target != null) {
        targets.add(target);
      }
    }
    return targets;
  }

  private Target readTarget(JsonNode node, String path) {
    if (!node.isObject()) {
      add(path, "must be an object with one of " + TARGET_KINDS);
      return null;
    }
    int before = problems.size() + dropped;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!TARGET.contains(name)) {
        add(JsonPath.property(path, name), "unexpected property");
      }
    }
    boolean user = node.has("user");
    boolean group = node.has("group");
    boolean attribute = node.has("attribute") || node.has("equals");
    int kinds = (user ? 1 : 0) + (group ? 1 : 0) + (attribute ? 1 : 0);
    if (kinds == 0) {
      add(path, "must have one of " + TARGET_KINDS);
    } else if (kinds > 1) {
      add(path, "must have exactly one of " + TARGET_KINDS);
    }
    String userValue = null;
    if (user) {
      userValue = string(node.get("user"), path + ".user");
      if (userValue != null && !Target.isGuid(userValue) && !Target.isUpn(userValue)) {
        add(path + ".user", "malformed UPN or GUID");
      }
    }
    String groupValue = null;
    if (group) {
      groupValue = string(node.get("group"), path + ".group");
      if (groupValue != null && !Target.isGuid(groupValue)) {
        add(path + ".group", "must be a group object id (GUID)");
      }
    }
    String attributeName = null;
    String equals = null;
    if (attribute) {
      attributeName = requiredString(node, path, "attribute");
      if (attributeName != null && !Target.ALLOWED_ATTRIBUTES.contains(attributeName)) {
        add(path + ".attribute", "not an allowed attribute; expected one of " + ATTRIBUTES);
      }
      equals = requiredString(node, path, "equals");
      if (equals != null) {
        checkText(path + ".equals", equals, Target.Attribute.MAX_VALUE_LENGTH, true);
      }
    }
    if (problems.size() + dropped != before) {
      return null;
    }
    if (user) {
      return new Target.User(userValue);
    }
    if (group) {
      return new Target.Group(groupValue);
    }
    return new Target.Attribute(attributeName, equals);
  }

  private List<Action> readActions(JsonNode node, EventType type) {
    List<Action> allowed = type == null ? List.of(Action.values()) : type.allowedActions();
    String path = "$.data.actions";
    if (node == null) {
      return List.of();
    }
    if (!node.isArray()) {
      add(path, "must be an array");
      return List.of();
    }
    if (node.isEmpty()) {
      add(path, "must not be empty; leave it out for the event type's default actions");
    }
    Set<Action> seen = EnumSet.noneOf(Action.class);
    List<Action> actions = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String itemPath = JsonPath.index(path, i);
      String wire = string(node.get(i), itemPath);
      if (wire == null) {
        continue;
      }
      Action action = Action.fromWire(wire).filter(allowed::contains).orElse(null);
      if (action == null) {
        add(
            itemPath,
            "unknown action; expected one of "
                + allowed.stream().map(Action::wireName).collect(Collectors.joining(", ")));
      } else if (!seen.add(action)) {
        add(itemPath, "duplicate action");
      } else {
        actions.add(action);
      }
    }
    return actions;
  }

  /** Length, then blankness (when asked) and control characters, each its own problem. */
  private void checkText(String path, String value, int max, boolean noControls) {
    if (Text.isBlank(value)) {
      add(path, "must not be blank");
    }
    checkLength(path, value, max);
    if (noControls && Text.hasControl(value)) {
      add(path, "must not contain control characters");
    }
  }

  private void checkLengthAndControls(String path, String value, int max) {
    checkLength(path, value, max);
    if (Text.hasControl(value)) {
      add(path, "must not contain control characters");
    }
  }

  private void checkLength(String path, String value, int max) {
    if (Text.length(value) > max) {
      add(path, "at most " + max + " characters");
    }
  }

  private String requiredString(JsonNode parent, String parentPath, String name) {
    JsonNode node = parent.get(name);
    if (node == null) {
      add(JsonPath.property(parentPath, name), "required");
      return null;
    }
    return string(node, JsonPath.property(parentPath, name));
  }

  private String optionalString(JsonNode parent, String parentPath, String name) {
    JsonNode node = parent.get(name);
    return node == null ? null : string(node, JsonPath.property(parentPath, name));
  }

  private String string(JsonNode node, String path) {
    if (node.isTextual()) {
      return node.textValue();
    }
    add(path, "must be a string");
    return null;
  }

  private static boolean isScalar(JsonNode node) {
    return node.isTextual() || node.isNumber() || node.isBoolean();
  }

  private void add(String path, String message) {
    if (problems.size() < EventCodec.MAX_PROBLEMS) {
      problems.add(new Problem(path, message));
    } else {
      dropped++;
    }
  }
}
