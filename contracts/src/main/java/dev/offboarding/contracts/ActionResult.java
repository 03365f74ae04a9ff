package dev.offboarding.contracts;

import java.time.Instant;
import java.util.Objects;

/**
 * The terminal result of one action on one user.
 *
 * @param action which write
 * @param outcome how it ended
 * @param attempts how many requests were sent (0 when skipped)
 * @param requestId Graph's {@code request-id} of the last response, if any
 * @param startedAt when the first attempt started, null when skipped
 * @param finishedAt when the outcome was known, null when skipped
 * @param errorCode Graph's error code (e.g. {@code Request_ResourceNotFound}) or the worker's own
 * @param errorMessage a human-readable message, never a token or secret
 */
public record ActionResult(
    Action action,
    TargetOutcome outcome,
    int attempts,
    String requestId,
    Instant startedAt,
    Instant finishedAt,
    String errorCode,
    String errorMessage) {

  public ActionResult {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(outcome, "outcome");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0");
    }
  }

  public static ActionResult succeeded(
      Action action, int attempts, String requestId, Instant startedAt, Instant finishedAt) {
    return new ActionResult(action, TargetOutcome.SUCCEEDED, attempts, requestId, startedAt, finishedAt, null, null);
  }

  public static ActionResult skipped(Action action, String why) {
    return new ActionResult(action, TargetOutcome.SKIPPED, 0, null, null, null, "Skipped", why);
  }
}
