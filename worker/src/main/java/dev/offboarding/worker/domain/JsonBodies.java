package dev.offboarding.worker.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Telling apart the kinds of message body the worker's queues carry, before decoding one. */
final class JsonBodies {
  private JsonBodies() {}

  /**
   * True when {@code body} is at most {@code maxBytes} and a JSON object with a top-level {@code
   * member}; false for anything else, unreadable JSON included (that is for the decoder to say).
   */
  static boolean hasMember(ObjectMapper json, byte[] body, int maxBytes, String member) {
    if (body.length > maxBytes) {
      return false;
    }
    try {
      JsonNode root = json.readTree(body);
      return root != null && root.isObject() && root.has(member);
    } catch (IOException e) {
      return false;
    }
  }
}
