package dev.offboarding.worker.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.guard.Approved;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The wire form of a {@link Continuation}: a JSON object whose {@value #MARKER} member names the
 * format, with the event embedded as received. Decoding is strict (unknown members, wrong types,
 * out-of-range numbers are refused): only the worker may write its queue, but nothing read back
 * from the broker is trusted beyond what can be checked; the embedded event is validated again by
 * the event codec like any event. Thread-safe.
 */
public final class ContinuationCodec {
  /** The member that marks a follow-up, and its value. */
  public static final String MARKER = "continuation";

  /** The value of the {@link #MARKER} field: the format and its version. */
  public static final String FORMAT = "dev.offboarding.continuation.v1";

  /** The largest follow-up read: the Service Bus message limit. */
  public static final int MAX_BYTES = 256 * 1024;

  private final ObjectMapper json = new ObjectMapper();

  /** A codec that reads at most 64 levels of nesting. */
  public ContinuationCodec() {
    json.getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  /** The follow-up's JSON, as the worker writes it to its own queue. */
  public byte[] encode(Continuation c) {
    ObjectNode root = json.createObjectNode();
    root.put(MARKER, FORMAT);
    root.put("origin", c.origin());
    root.put("queue", c.queue());
    root.put("step", c.step());
    root.put("startedAt", c.startedAt().toString());
    ObjectNode counts = root.putObject("counts");
    c.counts().forEach((k, v) -> counts.put(k.name(), v));
    ObjectNode skipped = root.putObject("skippedMembers");
    c.skippedMembers().forEach(skipped::put);
    root.put("usersResolved", c.usersResolved());
    if (c.cursor() != null) {
      root.put("cursor", c.cursor());
    }
    if (c.approved() != null) {
      ObjectNode approved = root.putObject("approved");
      approved.put("by", c.approved().approvedBy());
      approved.put("id", c.approved().approvalId());
      ArrayNode users = approved.putArray("users");
      c.approved().users().forEach(users::add);
    }
    // Each pending user is one short string, "<id in base64url>.<rounds>[.<done letters>]": about
    // 30 bytes, so that a follow-up of the largest chunk stays well under the message limit.
    ArrayNode pending = root.putArray("pending");
    for (Continuation.Pending p : c.pending()) {
      StringBuilder entry = new StringBuilder(compactId(p.userId())).append('.').append(p.rounds());
      if (!p.done().isEmpty()) {
        entry.append('.');
        p.done().forEach(a -> entry.append(letter(a)));
      }
      pending.add(entry.toString());
    }
    try {
      root.set("event", json.readTree(c.event()));
      return json.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalArgumentException("the event of a continuation must be JSON", e);
    }
  }

  /**
   * Reads a follow-up.
   *
   * @throws IllegalArgumentException naming what is wrong, never echoing the content
   */
  public Continuation decode(byte[] body) {
    if (body.length > MAX_BYTES) {
      throw new IllegalArgumentException("continuation larger than " + MAX_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("continuation is not well-formed JSON");
    } catch (IOException e) {
      throw new IllegalArgumentException("continuation could not be read");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("continuation must be a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!List.of(
              MARKER,
              "origin",
              "queue",
              "step",
              "startedAt",
              "counts",
              "skippedMembers",
              "usersResolved",
              "cursor",
              "pending",
              "event",
              "approved")
          .contains(name)) {
        throw new IllegalArgumentException("continuation has an unknown member");
      }
    }
    if (!FORMAT.equals(root.path(MARKER).asText(null))) {
      throw new IllegalArgumentException("continuation format must be " + FORMAT);
    }
    Map<TargetOutcome, Integer> counts = new EnumMap<>(TargetOutcome.class);
    for (Iterator<Map.Entry<String, JsonNode>> it = object(root, "counts").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      TargetOutcome outcome;
      try {
        outcome = TargetOutcome.valueOf(e.getKey());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("continuation counts an unknown outcome");
      }
      counts.put(outcome, count(e.getValue(), "counts"));
    }
    Map<String, Integer> skipped = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object(root, "skippedMembers").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().length() > 64 || !e.getKey().matches("[A-Za-z]+")) {
        throw new IllegalArgumentException("continuation skippedMembers has a bad kind");
      }
      skipped.put(e.getKey(), count(e.getValue(), "skippedMembers"));
    }
    JsonNode pendingNode = root.get("pending");
    if (pendingNode == null
        || !pendingNode.isArray()
        || pendingNode.size() > Continuation.MAX_PENDING) {
      throw new IllegalArgumentException(
          "continuation pending must be an array of at most " + Continuation.MAX_PENDING);
    }
    List<Continuation.Pending> pending = new ArrayList<>(pendingNode.size());
    for (JsonNode p : pendingNode) {
      String[] parts = p.isTextual() ? p.asText().split("\\.", -1) : new String[0];
      if (parts.length < 2
          || parts.length > 3
          || parts[1].length() > 4
          || !parts[1].matches("[0-9]+")) {
        throw new IllegalArgumentException(
            "continuation pending entries are \"<id>.<rounds>[.<done>]\"");
      }
      java.util.Set<Action> done = java.util.EnumSet.noneOf(Action.class);
      if (parts.length == 3) {
        for (char letter : parts[2].toCharArray()) {
          done.add(action(letter));
        }
      }
      pending.add(new Continuation.Pending(fullId(parts[0]), Integer.parseInt(parts[1]), done));
    }
    JsonNode cursor = root.get("cursor");
    if (cursor != null && !cursor.isTextual()) {
      throw new IllegalArgumentException("continuation cursor must be a string");
    }
    JsonNode event = root.get("event");
    if (event == null || !event.isObject()) {
      throw new IllegalArgumentException("continuation event must be an object");
    }
    Instant startedAt;
    try {
      startedAt = Instant.parse(root.path("startedAt").asText(""));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("continuation startedAt must be an instant");
    }
    try {
      JsonNode origin = root.get("origin");
      if (origin == null || !origin.isTextual()) {
        throw new IllegalArgumentException("continuation origin must be a string");
      }
      JsonNode queue = root.get("queue");
      if (queue == null || !queue.isTextual()) {
        throw new IllegalArgumentException("continuation queue must be a string");
      }
      return new Continuation(
          json.writeValueAsBytes(event),
          origin.asText(),
          queue.asText(),
          count(root.get("step"), "step"),
          startedAt,
          counts,
          skipped,
          count(root.get("usersResolved"), "usersResolved"),
          cursor == null ? null : cursor.asText().toLowerCase(java.util.Locale.ROOT),
          pending,
          approved(root.get("approved")));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("continuation event could not be written back");
    }
  }

  /** The approval a follow-up carries, or null; strict, as the rest. */
  private static Approved approved(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("continuation approved must be an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      if (!List.of("by", "id", "users").contains(it.next())) {
        throw new IllegalArgumentException("continuation approved has an unknown member");
      }
    }
    JsonNode by = node.get("by");
    JsonNode id = node.get("id");
    JsonNode users = node.get("users");
    if (by == null
        || !by.isTextual()
        || id == null
        || !id.isTextual()
        || users == null
        || !users.isArray()
        || users.size() > Approved.MAX_USERS) {
      throw new IllegalArgumentException("continuation approved needs by, id and users");
    }
    java.util.Set<String> digests = new java.util.TreeSet<>();
    for (JsonNode u : users) {
      if (!u.isTextual()) {
        throw new IllegalArgumentException("continuation approved users must be digests");
      }
      digests.add(u.asText());
    }
    try {
      return new Approved(by.asText(), id.asText(), digests);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("continuation approved: " + e.getMessage());
    }
  }

  /** An object id (a GUID) as 22 characters of base64url. */
  static String compactId(String guid) {
    java.util.UUID id = java.util.UUID.fromString(guid);
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
    bytes.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  static String fullId(String compact) {
    byte[] bytes;
    try {
      bytes = java.util.Base64.getUrlDecoder().decode(compact);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("continuation pending id is not an object id");
    }
    if (bytes.length != 16 || compact.length() != 22) {
      throw new IllegalArgumentException("continuation pending id is not an object id");
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    return new java.util.UUID(b.getLong(), b.getLong()).toString();
  }

  /** One letter per action keeps a follow-up of thousands of pending users small. */
  private static char letter(Action action) {
    return switch (action) {
      case DISABLE_ACCOUNT -> 'D';
      case REVOKE_SESSIONS -> 'R';
      case ENABLE_ACCOUNT -> 'E';
      case RESET_PASSWORD -> 'P';
      case CONFIRM_COMPROMISED -> 'C';
      case DISABLE_DEVICES -> 'V';
      case ENABLE_DEVICES -> 'N';
    };
  }

  private static Action action(char letter) {
    return switch (letter) {
      case 'D' -> Action.DISABLE_ACCOUNT;
      case 'R' -> Action.REVOKE_SESSIONS;
      case 'E' -> Action.ENABLE_ACCOUNT;
      case 'P' -> Action.RESET_PASSWORD;
      case 'C' -> Action.CONFIRM_COMPROMISED;
      case 'V' -> Action.DISABLE_DEVICES;
      case 'N' -> Action.ENABLE_DEVICES;
      default -> throw new IllegalArgumentException("continuation done holds an unknown action");
    };
  }

  private static JsonNode object(JsonNode root, String name) {
    JsonNode node = root.get(name);
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("continuation " + name + " must be an object");
    }
    return node;
  }

  private static int count(JsonNode node, String what) {
    if (node == null
        || !node.isIntegralNumber()
        || !node.canConvertToInt()
        || node.intValue() < 0) {
      throw new IllegalArgumentException("continuation " + what + " must be a count >= 0");
    }
    return node.intValue();
  }
}
