package dev.offboarding.testkit.graph;

import java.util.Locale;
import java.util.Objects;

/**
 * One request a {@link FakeGraphServer} answered, read or write, in the order answered: what a test
 * counts to know how many round trips precede a write.
 *
 * @param time when it was answered, by the system clock
 * @param method the HTTP method, upper case
 * @param path the path below {@code /v1.0}, still percent-encoded, e.g. {@code /users/{id}}
 * @param query the raw query string, or null
 * @param status the HTTP status it was answered with
 */
public record RequestRecord(
    java.time.Instant time, String method, String path, String query, int status) {
  public RequestRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
  }

  /** True for {@code POST /users/{id|upn}/revokeSignInSessions}. */
  public boolean isRevoke() {
    return method.equals("POST") && path.toLowerCase(Locale.ROOT).endsWith("/revokesigninsessions");
  }

  /** True for a GET. */
  public boolean isRead() {
    return method.equals("GET");
  }

  @Override
  public String toString() {
    return method + " " + path + (query == null ? "" : "?" + query) + " -> " + status;
  }
}
