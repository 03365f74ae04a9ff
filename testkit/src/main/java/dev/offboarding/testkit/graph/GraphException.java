package dev.offboarding.testkit.graph;

import java.util.LinkedHashMap;
import java.util.Map;

/** A Graph error a handler answers with; turned into a Graph-shaped error body by the router. */
final class GraphException extends RuntimeException {

  private final int status;
  private final String code;
  private final Map<String, String> headers;

  GraphException(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  GraphException(int status, String code, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.headers = new LinkedHashMap<>(headers);
  }

  static GraphException badRequest(String message) {
    return new GraphException(400, "BadRequest", message);
  }

  static GraphException unsupportedQuery(String message) {
    return new GraphException(400, "Request_UnsupportedQuery", message);
  }

  static GraphException notFound(String key) {
    return new GraphException(
        404,
        "Request_ResourceNotFound",
        "Resource '"
            + key
            + "' does not exist or one of its queried reference-property objects are not present.");
  }

  static GraphException segmentNotFound(String segment) {
    return badRequest("Resource not found for the segment '" + segment + "'.");
  }

  static GraphException methodNotAllowed() {
    return new GraphException(
        405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  Map<String, String> headers() {
    return headers;
  }
}
