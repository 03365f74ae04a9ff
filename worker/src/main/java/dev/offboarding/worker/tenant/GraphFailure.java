package dev.offboarding.worker.tenant;

import java.time.Duration;
import java.util.Optional;

/**
 * A failed directory request, translated from whatever the adapter speaks into the few cases the
 * domain acts on. The cause is attached; the message never contains a token or secret.
 */
public final class GraphFailure extends RuntimeException {

  /** What kind of failure, which decides between retrying and a final outcome. */
  public enum Kind {
    /** 404: the object does not exist. Final. */
    NOT_FOUND(false),
    /** 403: not allowed for this object. Final. */
    FORBIDDEN(false),
    /** 429: over the budget; retried after Retry-After. */
    THROTTLED(true),
    /**
     * Any 5xx, 408, a 401 that survived a token refresh, no token from Entra ID, a timeout or a
     * broken connection: retried with backoff, and an outage when most recent writes end so.
     */
    UNAVAILABLE(true),
    /** Anything else (400 and the other 4xx, an unexpected answer or next link). Final. */
    OTHER(false);

    private final boolean transientFailure;

    Kind(boolean transientFailure) {
      this.transientFailure = transientFailure;
    }

    /** Whether a later attempt may succeed. */
    public boolean isTransient() {
      return transientFailure;
    }
  }

  private final Kind kind;
  private final int status;
  private final String errorCode;
  private final String requestId;
  private final Duration retryAfter;

  /**
   * @param kind how the request failed
   * @param status the HTTP status, or 0 when no response arrived
   * @param errorCode Graph's error code, or null
   * @param message what failed, without user data
   * @param requestId Graph's {@code request-id}, or null
   * @param retryAfter the wait Graph asked for, or null
   * @param cause the underlying failure, or null
   */
  public GraphFailure(
      Kind kind,
      int status,
      String errorCode,
      String message,
      String requestId,
      Duration retryAfter,
      Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
    this.errorCode = errorCode;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }

  /** How the request failed. */
  public Kind kind() {
    return kind;
  }

  /** The HTTP status, or 0 when no response arrived. */
  public int status() {
    return status;
  }

  /** Graph's error code such as {@code Request_ResourceNotFound}, or a short code of our own. */
  public String errorCode() {
    return errorCode;
  }

  /** Graph's {@code request-id} of the failed response, when there was one. */
  public String requestId() {
    return requestId;
  }

  /** How long the server asked us to wait, when it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** Whether a later attempt may succeed. */
  public boolean isTransient() {
    return kind.isTransient();
  }
}
