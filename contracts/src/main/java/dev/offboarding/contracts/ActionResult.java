package dev.offboarding.contracts;

import java.time.Instant;
import java.util.Objects;

/**
 * The terminal result of one action on one user.
 *
 * <p>A write Graph acknowledged may be verified by reading the user back: {@code verified} says
 * whether the read showed the write, and the {@code observed...} fields what it read. An
 * acknowledged write that was not seen is {@link TargetOutcome#UNVERIFIED}, never {@link
 * TargetOutcome#SUCCEEDED}; the compact constructor holds every result to that.
 *
 * @param action which write
 * @param outcome how it ended
 * @param attempts how many requests were sent (0 when skipped)
 * @param requestId Graph's {@code request-id} of the last response, if any
 * @param startedAt when the first attempt started, null when skipped
 * @param finishedAt when the outcome was known, null when skipped
 * @param errorCode Graph's error code (e.g. {@code Request_ResourceNotFound}) or the worker's own
 * @param errorMessage a human-readable message, never a token or secret
 * @param verified true when reading the user back showed the write, false when it did not (the
 *     outcome is then UNVERIFIED); null when verification was off or does not apply (an action
 *     that was skipped or failed)
 * @param observedSessionsValidFrom the user's {@code signInSessionsValidFromDateTime} as read
 *     back, when read
 * @param observedAccountEnabled the user's {@code accountEnabled} as read back, when read
 */
public record ActionResult(
    Action action,
    TargetOutcome outcome,
    int attempts,
    String requestId,
    Instant startedAt,
    Instant finishedAt,
    String errorCode,
    String errorMessage,
    Boolean verified,
    Instant observedSessionsValidFrom,
    Boolean observedAccountEnabled) {

  /** The {@link #errorCode()} of a write that Graph acknowledged but the read-back did not show. */
  public static final String UNVERIFIED_CODE = "WriteNotObserved";

  public ActionResult {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(outcome, "outcome");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0");
    }
    // Only an acknowledged write can have been read back; anything else reading "verified" would
    // tell the audit's reader that a skipped or failed action took effect.
    if (verified != null && outcome != TargetOutcome.SUCCEEDED && outcome != TargetOutcome.UNVERIFIED) {
      throw new IllegalArgumentException("only a SUCCEEDED or UNVERIFIED result can carry a verification");
    }
    if (outcome == TargetOutcome.SUCCEEDED && Boolean.FALSE.equals(verified)) {
      throw new IllegalArgumentException("a write the read-back did not show is UNVERIFIED, never SUCCEEDED");
    }
    if (outcome == TargetOutcome.UNVERIFIED && !Boolean.FALSE.equals(verified)) {
      throw new IllegalArgumentException("an UNVERIFIED result needs verified = false");
    }
    if (verified == null && (observedSessionsValidFrom != null || observedAccountEnabled != null)) {
      throw new IllegalArgumentException("observed values come only with a verification");
    }
  }

  /** A result without verification, as every result was before writes were read back. */
  public ActionResult(
      Action action,
      TargetOutcome outcome,
      int attempts,
      String requestId,
      Instant startedAt,
      Instant finishedAt,
      String errorCode,
      String errorMessage) {
    this(action, outcome, attempts, requestId, startedAt, finishedAt, errorCode, errorMessage, null, null, null);
  }

  public static ActionResult succeeded(
      Action action, int attempts, String requestId, Instant startedAt, Instant finishedAt) {
    return new ActionResult(action, TargetOutcome.SUCCEEDED, attempts, requestId, startedAt, finishedAt, null, null);
  }

  public static ActionResult skipped(Action action, String why) {
    return new ActionResult(action, TargetOutcome.SKIPPED, 0, null, null, null, "Skipped", why);
  }

  /**
   * This acknowledged write with the outcome of reading the user back. Verified, it stays (or
   * becomes) SUCCEEDED; not verified, it becomes UNVERIFIED with {@link #UNVERIFIED_CODE} and the
   * reason as its error message. Attempts, request id and timings are kept.
   *
   * @param verified whether the read-back showed the write
   * @param observedSessionsValidFrom {@code signInSessionsValidFromDateTime} as read, or null
   * @param observedAccountEnabled {@code accountEnabled} as read, or null
   * @param reason why it is not verified (required then, e.g. "user not found on read-back");
   *     ignored when verified
   * @throws IllegalArgumentException when this result is not an acknowledged write (SUCCEEDED or
   *     UNVERIFIED), or a reason is missing for an unverified one
   */
  public ActionResult withVerification(
      boolean verified, Instant observedSessionsValidFrom, Boolean observedAccountEnabled, String reason) {
    if (outcome != TargetOutcome.SUCCEEDED && outcome != TargetOutcome.UNVERIFIED) {
      throw new IllegalArgumentException("only an acknowledged write can be verified, not a " + outcome + " one");
    }
    if (verified) {
      return new ActionResult(action, TargetOutcome.SUCCEEDED, attempts, requestId, startedAt, finishedAt, null, null,
          true, observedSessionsValidFrom, observedAccountEnabled);
    }
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("an unverified write needs a reason");
    }
    return new ActionResult(action, TargetOutcome.UNVERIFIED, attempts, requestId, startedAt, finishedAt,
        UNVERIFIED_CODE, reason, false, observedSessionsValidFrom, observedAccountEnabled);
  }
}
