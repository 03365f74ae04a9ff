package dev.offboarding.worker.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offboarding.worker.watch.SignInRequests;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The session state of the sign-in watch's lease: {@code {"signInRequests": ["<instant>", ...]}},
 * the requests of the reporting API's last window. No state (a session never written) is none sent.
 */
public final class SignInRequestsCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SignInRequestsCodec() {}

  /** The request times as {@code {"signInRequests": [RFC 3339 instants]}}. */
  public static byte[] encode(SignInRequests requests) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode times = root.putArray("signInRequests");
    requests.times().forEach(t -> times.add(t.toString()));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * @throws IllegalArgumentException when the state is not one the worker writes
   */
  public static SignInRequests decode(byte[] state) {
    if (state == null || state.length == 0) {
      return SignInRequests.EMPTY;
    }
    if (state.length > 4096) {
      throw new IllegalArgumentException("the state is too large");
    }
    try {
      JsonNode root = JSON.readTree(state);
      JsonNode times = root == null ? null : root.get("signInRequests");
      if (times == null || !times.isArray() || root.size() != 1) {
        throw new IllegalArgumentException("the state holds signInRequests only");
      }
      List<Instant> all = new ArrayList<>();
      for (JsonNode t : times) {
        all.add(Instant.parse(t.asText()));
      }
      return new SignInRequests(all);
    } catch (IOException | DateTimeParseException e) {
      throw new IllegalArgumentException("the state does not read");
    }
  }
}
