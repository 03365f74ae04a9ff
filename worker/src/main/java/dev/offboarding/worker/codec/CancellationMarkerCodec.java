package dev.offboarding.worker.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.scheduling.CancellationMarkers;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * The wire form of a {@link CancellationMarkers.Marker}: a small JSON object whose {@value #MARKER}
 * member names the format. Decoding is strict (unknown members, wrong types, over-long text are
 * refused): only the worker may write the queue markers are read from, but nothing read back from
 * the broker is trusted beyond what can be checked. Thread-safe.
 */
public final class CancellationMarkerCodec {
  /** The member that marks a cancellation marker, and its value. */
  public static final String MARKER = "cancellationMarker";

  /** The value of the {@link #MARKER} field: the format and its version. */
  public static final String FORMAT = "dev.offboarding.cancellation-marker.v1";

  /** The largest marker read. */
  static final int MAX_BYTES = 16 * 1024;

  /**
   * The longest text member: an event id, a requester or a reason as the contract allows them, with
   * room.
   */
  static final int MAX_TEXT = 2048;

  /** The contract's longest event id. */
  static final int MAX_ID = 256;

  private static final Set<String> MEMBERS =
      Set.of(MARKER, "eventId", "cancelId", "requestedBy", "reason", "until", "removed", "queue");
  private static final Set<String> REMOVED_MEMBERS =
      Set.of("queue", "eventType", "dueAt", "messages");

  private final ObjectMapper json = new ObjectMapper();

  /** The marker's JSON, as the worker writes it to its own queue. */
  public byte[] encode(CancellationMarkers.Marker m) {
    ObjectNode root = json.createObjectNode();
    root.put(MARKER, FORMAT);
    root.put("eventId", m.eventId());
    root.put("cancelId", m.cancelId());
    root.put("requestedBy", m.requestedBy());
    root.put("reason", m.reason());
    root.put("until", m.until().toString());
    if (m.queue() != null) {
      root.put("queue", m.queue());
    }
    if (m.removed() != null) {
      ObjectNode removed = root.putObject("removed");
      removed.put("queue", m.removed().queue());
      if (m.removed().eventType() != null) {
        removed.put("eventType", m.removed().eventType());
      }
      if (m.removed().dueAt() != null) {
        removed.put("dueAt", m.removed().dueAt().toString());
      }
      removed.put("messages", m.removed().messages());
    }
    try {
      return json.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a marker.
   *
   * @throws IllegalArgumentException when the body is not a well-formed marker
   */
  public CancellationMarkers.Marker decode(byte[] body) {
    JsonNode root =
        MarkedObjects.read(json, body, MAX_BYTES, "cancellation marker", MARKER, FORMAT, MEMBERS);
    CancellationMarkers.Removed removed = null;
    JsonNode r = root.get("removed");
    if (r != null) {
      if (!r.isObject()) {
        throw new IllegalArgumentException("removed must be an object");
      }
      r.fieldNames()
          .forEachRemaining(
              n -> {
                if (!REMOVED_MEMBERS.contains(n)) {
                  throw new IllegalArgumentException("unknown member removed." + n);
                }
              });
      JsonNode messages = r.get("messages");
      if (messages == null || !messages.isInt()) {
        throw new IllegalArgumentException("removed.messages must be an integer");
      }
      String due = optionalText(r, "dueAt");
      removed =
          new CancellationMarkers.Removed(
              text(r, "queue"),
              optionalText(r, "eventType"),
              due == null ? null : instant(due),
              messages.intValue());
    }
    String queue = optionalText(root, "queue");
    if (queue != null && !Inbound.isEntityName(queue)) {
      throw new IllegalArgumentException("queue is not a Service Bus entity name");
    }
    return new CancellationMarkers.Marker(
        id(root, "eventId"),
        id(root, "cancelId"),
        text(root, "requestedBy"),
        text(root, "reason"),
        instant(text(root, "until")),
        removed,
        queue);
  }

  /**
   * An event id as the contract allows one: at most {@value #MAX_ID} characters, none a control
   * character.
   */
  private static String id(JsonNode node, String name) {
    String value = text(node, name);
    if (value.length() > MAX_ID || value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(name + " is not an event id");
    }
    return value;
  }

  private static String text(JsonNode node, String name) {
    String value = optionalText(node, name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return value;
  }

  private static String optionalText(JsonNode node, String name) {
    JsonNode v = node.get(name);
    if (v == null) {
      return null;
    }
    if (!v.isTextual() || v.asText().length() > MAX_TEXT) {
      throw new IllegalArgumentException(
          name + " must be text of at most " + MAX_TEXT + " characters");
    }
    return v.asText();
  }

  private static Instant instant(String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an instant: " + value.length() + " characters");
    }
  }
}
