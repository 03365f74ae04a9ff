package dev.offboarding.worker.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Set;

/**
 * The first checks of a message the worker wrote to its own queue as a JSON object marked with its
 * format ({@code {"<marker>": "<format>", ...}}): bounded in size, JSON, an object of that format,
 * no member it does not know. Messages name no content.
 */
final class MarkedObjects {
  private MarkedObjects() {}

  /**
   * @param what the message's name in errors, e.g. "pending resume"
   * @return the object, its members still to be read
   * @throws IllegalArgumentException when a check fails
   */
  static JsonNode read(
      ObjectMapper json,
      byte[] body,
      int maxBytes,
      String what,
      String marker,
      String format,
      Set<String> members) {
    if (body.length > maxBytes) {
      throw new IllegalArgumentException("a " + what + " is at most " + maxBytes + " bytes");
    }
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON");
    }
    if (root == null || !root.isObject() || !format.equals(root.path(marker).asText(null))) {
      throw new IllegalArgumentException("not a " + format);
    }
    root.fieldNames()
        .forEachRemaining(
            n -> {
              if (!members.contains(n)) {
                throw new IllegalArgumentException("unknown member " + n);
              }
            });
    return root;
  }
}
