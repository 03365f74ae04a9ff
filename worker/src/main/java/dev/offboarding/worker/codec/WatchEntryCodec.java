package dev.offboarding.worker.codec;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offboarding.contracts.Provenance;
import dev.offboarding.worker.watch.WatchEntry;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The wire form of a {@link WatchEntry}: a JSON object whose {@value #MARKER} member names the
 * format. Decoding is strict (unknown members, wrong types, values out of range are refused): only
 * the worker may write its queue, but nothing read back from the broker is trusted beyond what can
 * be checked. Thread-safe.
 */
public final class WatchEntryCodec {
  /** The member that marks a watch entry, and its value. */
  public static final String MARKER = "signInWatch";

  /** The value of the {@link #MARKER} field: the format and its version. */
  public static final String FORMAT = "dev.offboarding.watch.v1";

  /** The largest entry read. */
  public static final int MAX_BYTES = 64 * 1024;

  private static final Set<String> MEMBERS =
      Set.of(MARKER, "origin", "eventId", "part", "poll", "provenance", "users");
  private static final Set<String> PROVENANCE =
      Set.of("source", "requestedBy", "ticket", "reason", "queue");
  private static final Set<String> USER = Set.of("id", "revokedAt", "allResourcesBy", "seen");

  private final ObjectMapper json = new ObjectMapper();

  /** A codec that reads at most 16 levels of nesting. */
  public WatchEntryCodec() {
    json.getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build());
  }

  /** The entry's JSON, as the worker writes it to its own queue. */
  public byte[] encode(WatchEntry e) {
    ObjectNode root = json.createObjectNode();
    root.put(MARKER, FORMAT);
    root.put("origin", e.origin());
    root.put("eventId", e.eventId());
    root.put("part", e.part());
    root.put("poll", e.poll());
    ObjectNode p = root.putObject("provenance");
    Provenance v = e.provenance();
    putIfPresent(p, "source", v.source());
    putIfPresent(p, "requestedBy", v.requestedBy());
    putIfPresent(p, "ticket", v.ticket());
    putIfPresent(p, "reason", v.reason());
    p.put("queue", v.queue());
    ArrayNode users = root.putArray("users");
    for (WatchEntry.Watched u : e.users()) {
      ObjectNode n = users.addObject();
      n.put("id", u.userId());
      n.put("revokedAt", u.revokedAt().toString());
      n.put("allResourcesBy", u.allResourcesBy().toString());
      ArrayNode seen = n.putArray("seen");
      u.seen().forEach(seen::add);
    }
    try {
      return json.writeValueAsBytes(root);
    } catch (IOException ex) {
      throw new IllegalStateException("a watch entry could not be written", ex);
    }
  }

  /**
   * Reads an entry.
   *
   * @throws IllegalArgumentException when the body is not an entry as the worker writes one, with
   *     what is wrong in words (naming no content)
   */
  public WatchEntry decode(byte[] body) {
    if (body.length > MAX_BYTES) {
      throw new IllegalArgumentException("a watch entry is at most " + MAX_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("a watch entry must be JSON");
    }
    object(root, "the entry", MEMBERS);
    if (!FORMAT.equals(text(root, MARKER, true))) {
      throw new IllegalArgumentException(MARKER + " must be " + FORMAT);
    }
    JsonNode poll = root.get("poll");
    if (poll == null || !poll.isInt()) {
      throw new IllegalArgumentException("poll must be a whole number");
    }
    JsonNode p = root.get("provenance");
    object(p, "provenance", PROVENANCE);
    JsonNode users = root.get("users");
    if (users == null || !users.isArray() || users.size() > WatchEntry.MAX_USERS) {
      throw new IllegalArgumentException(
          "users must be an array of at most " + WatchEntry.MAX_USERS);
    }
    try {
      Provenance provenance =
          new Provenance(
              text(p, "source", false),
              text(p, "requestedBy", false),
              text(p, "ticket", false),
              text(p, "reason", false),
              text(p, "queue", true));
      List<WatchEntry.Watched> watched = new ArrayList<>();
      for (JsonNode u : users) {
        object(u, "a user", USER);
        JsonNode seen = u.get("seen");
        if (seen == null || !seen.isArray() || seen.size() > WatchEntry.MAX_SEEN) {
          throw new IllegalArgumentException(
              "seen must be an array of at most " + WatchEntry.MAX_SEEN);
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode s : seen) {
          if (!s.isTextual()) {
            throw new IllegalArgumentException("seen holds sign-in ids");
          }
          ids.add(s.asText());
        }
        watched.add(
            new WatchEntry.Watched(
                text(u, "id", true), instant(u, "revokedAt"), instant(u, "allResourcesBy"), ids));
      }
      return new WatchEntry(
          text(root, "origin", true),
          text(root, "eventId", true),
          text(root, "part", true),
          poll.asInt(),
          provenance,
          watched);
    } catch (NullPointerException e) {
      throw new IllegalArgumentException("a member is missing");
    }
  }

  private static void object(JsonNode node, String what, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(what + " must be an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException(what + " has an unknown member");
      }
    }
  }

  private static String text(JsonNode node, String name, boolean required) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException(name + " is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(name + " must be text");
    }
    return v.asText();
  }

  private static Instant instant(JsonNode node, String name) {
    try {
      return Instant.parse(text(node, name, true));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an instant");
    }
  }

  private static void putIfPresent(ObjectNode node, String name, String value) {
    if (value != null) {
      node.put(name, value);
    }
  }
}
