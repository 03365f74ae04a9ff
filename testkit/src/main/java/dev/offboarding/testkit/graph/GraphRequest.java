package dev.offboarding.testkit.graph;

import java.util.Map;

/**
 * One request as the handlers see it, top-level or an item of a {@code $batch}.
 *
 * @param method HTTP method, upper case
 * @param rawPath the path below {@code /v1.0}, still percent-encoded, e.g. {@code /users/a%40b.com}
 * @param rawQuery the query string, still encoded, or null
 * @param headers header values by lower-case name
 * @param body request body, empty when none
 * @param inBatch whether this is an item of a {@code $batch}
 * @param requestId the {@code request-id} its response carries
 * @param clientRequestId the caller's {@code client-request-id}, or a generated one
 * @param baseUrl this server's base URL as the client addressed it, for absolute next links
 */
record GraphRequest(
    String method,
    String rawPath,
    String rawQuery,
    Map<String, String> headers,
    byte[] body,
    boolean inBatch,
    String requestId,
    String clientRequestId,
    String baseUrl) {

  String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }
}
