package dev.offboarding.testkit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A handler's answer before it is written to a socket or embedded in a {@code $batch} response.
 *
 * @param status HTTP status
 * @param headers extra headers (Content-Type and request ids are added by the writer)
 * @param body JSON body, or null for none
 */
record GraphResponse(int status, Map<String, String> headers, JsonNode body) {

  static GraphResponse of(int status, JsonNode body) {
    return new GraphResponse(status, new LinkedHashMap<>(), body);
  }

  static GraphResponse noContent() {
    return new GraphResponse(204, new LinkedHashMap<>(), null);
  }

  GraphResponse withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new GraphResponse(status, copy, body);
  }
}
