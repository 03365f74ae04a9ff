package dev.offboarding.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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
 *     outcome is then UNVERIFIED); null when verification was off or does not apply (an action that
 *     was skipped or failed)
 * @param observedSessionsValidFrom the user's {@code signInSessionsValidFromDateTime} as read back,
 *     when read
 * @param observedAccountEnabled the user's {@code accountEnabled} as read back, when read
 * @param observedLastPasswordChange the user's {@code lastPasswordChangeDateTime} as read back
 *     after a password reset, when read
 * @param observedRiskState the risky user's {@code riskState} as read back after a risk
 *     confirmation (e.g. {@code confirmedCompromised}), when read; one of {@link #RISK_STATES}
 * @param observedRiskLevel the risky user's {@code riskLevel} as read back (e.g. {@code high}),
 *     when read; one of {@link #RISK_LEVELS}
 * @param deviceIds for {@code disableDevices} the object ids of the devices this action set {@code
 *     accountEnabled=false} on (what a restore's {@code enableDevices} may re-enable), for {@code
 *     enableDevices} those it re-enabled; empty for every other action. At most {@link
 *     #MAX_DEVICE_IDS}, each a GUID
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
    Boolean observedAccountEnabled,
    Instant observedLastPasswordChange,
    String observedRiskState,
    String observedRiskLevel,
    List<String> deviceIds) {

  /** The {@link #errorCode()} of a write that Graph acknowledged but the read-back did not show. */
  public static final String UNVERIFIED_CODE = "WriteNotObserved";

  /**
   * The {@link #errorCode()} of an action skipped by design (see {@link #skipped(Action, String)}).
   */
  public static final String SKIPPED_CODE = "Skipped";

  /**
   * The {@link #errorCode()} of a password reset skipped because the password is managed outside
   * Entra ID (synchronised from on-premises Active Directory, or a federated domain).
   */
  public static final String PASSWORD_MANAGED_ELSEWHERE = "PasswordManagedElsewhere";

  /** Graph's {@code riskState} values (microsoft.graph.riskState). */
  public static final Set<String> RISK_STATES =
      Set.of(
          "none",
          "confirmedSafe",
          "remediated",
          "dismissed",
          "atRisk",
          "confirmedCompromised",
          "unknownFutureValue");

  /** Graph's {@code riskLevel} values (microsoft.graph.riskLevel). */
  public static final Set<String> RISK_LEVELS =
      Set.of("low", "medium", "high", "hidden", "none", "unknownFutureValue");

  /** The most device ids one result lists. */
  public static final int MAX_DEVICE_IDS = 500;

  public ActionResult {
    Objects.requireNonNull(action, "action");
    deviceIds = List.copyOf(deviceIds == null ? List.of() : deviceIds);
    if (!deviceIds.isEmpty()
        && action != Action.DISABLE_DEVICES
        && action != Action.ENABLE_DEVICES) {
      throw new IllegalArgumentException(
          "only disableDevices and enableDevices results list device ids");
    }
    if (deviceIds.size() > MAX_DEVICE_IDS) {
      throw new IllegalArgumentException("at most " + MAX_DEVICE_IDS + " device ids");
    }
    if (!deviceIds.stream().allMatch(Target::isGuid)
        || deviceIds.stream().distinct().count() != deviceIds.size()) {
      throw new IllegalArgumentException("device ids must be distinct GUIDs");
    }
    if (observedRiskState != null && !RISK_STATES.contains(observedRiskState)) {
      throw new IllegalArgumentException("observedRiskState must be one of " + RISK_STATES);
    }
    if (observedRiskLevel != null && !RISK_LEVELS.contains(observedRiskLevel)) {
      throw new IllegalArgumentException("observedRiskLevel must be one of " + RISK_LEVELS);
    }
    Objects.requireNonNull(outcome, "outcome");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0");
    }
    // Only an acknowledged write can have been read back; anything else reading "verified" would
    // tell the audit's reader that a skipped or failed action took effect.
    if (verified != null
        && outcome != TargetOutcome.SUCCEEDED
        && outcome != TargetOutcome.UNVERIFIED) {
      throw new IllegalArgumentException(
          "only a SUCCEEDED or UNVERIFIED result can carry a verification");
    }
    if (outcome == TargetOutcome.SUCCEEDED && Boolean.FALSE.equals(verified)) {
      throw new IllegalArgumentException(
          "a write the read-back did not show is UNVERIFIED, never SUCCEEDED");
    }
    if (outcome == TargetOutcome.UNVERIFIED && !Boolean.FALSE.equals(verified)) {
      throw new IllegalArgumentException("an UNVERIFIED result needs verified = false");
    }
    if (verified == null
        && (observedSessionsValidFrom != null
            || observedAccountEnabled != null
            || observedLastPasswordChange != null
            || observedRiskState != null
            || observedRiskLevel != null)) {
      throw new IllegalArgumentException("observed values come only with a verification");
    }
  }

  /**
   * A write Graph acknowledged, not (yet) read back: {@link #withVerification} or {@link
   * #withContainmentVerification} adds what the read showed, {@link #withDeviceIds} the devices
   * written.
   *
   * @param action which write
   * @param attempts how many requests were sent, the last one accepted
   * @param requestId Graph's {@code request-id} of the accepting response, if any
   * @param startedAt when the first attempt started
   * @param finishedAt when Graph accepted it
   * @return a SUCCEEDED result
   */
  public static ActionResult succeeded(
      Action action, int attempts, String requestId, Instant startedAt, Instant finishedAt) {
    return unread(
        action, TargetOutcome.SUCCEEDED, attempts, requestId, startedAt, finishedAt, null, null);
  }

  /**
   * An action not attempted by design (a dry run, a protected account, an earlier action that
   * failed), with {@link #SKIPPED_CODE}.
   *
   * @param action which write
   * @param why why it was not attempted, in words
   * @return a SKIPPED result with no attempts or timings
   */
  public static ActionResult skipped(Action action, String why) {
    return skipped(action, SKIPPED_CODE, why);
  }

  /**
   * An action not attempted, with a code a consumer can match on, e.g. {@link
   * #PASSWORD_MANAGED_ELSEWHERE} with "the password is synchronised from on-premises Active
   * Directory: reset it there (twice)".
   */
  public static ActionResult skipped(Action action, String code, String why) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(why, "why");
    return unread(action, TargetOutcome.SKIPPED, 0, null, null, null, code, why);
  }

  /**
   * An action that did not take effect: Graph refused it ({@link TargetOutcome#NOT_FOUND}, {@link
   * TargetOutcome#FORBIDDEN}) or it failed for good ({@link TargetOutcome#FAILED}: retries
   * exhausted, Graph unavailable, an error of the worker's own). An action never sent because of
   * what happened before it (a failed read, a target that could not be resolved) has 0 attempts and
   * no timings.
   *
   * @param action which write
   * @param outcome NOT_FOUND, FORBIDDEN or FAILED
   * @param attempts how many requests were sent, 0 when none
   * @param requestId Graph's {@code request-id} of the last response, if any
   * @param startedAt when the first attempt started, or null when none was
   * @param finishedAt when the outcome was known, or null with no attempt
   * @param errorCode Graph's error code (e.g. {@code Request_ResourceNotFound}) or the worker's own
   * @param errorMessage a human-readable message, never a token or secret
   * @return the failed result
   * @throws IllegalArgumentException for any other outcome
   */
  public static ActionResult failed(
      Action action,
      TargetOutcome outcome,
      int attempts,
      String requestId,
      Instant startedAt,
      Instant finishedAt,
      String errorCode,
      String errorMessage) {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome != TargetOutcome.NOT_FOUND
        && outcome != TargetOutcome.FORBIDDEN
        && outcome != TargetOutcome.FAILED) {
      throw new IllegalArgumentException(
          "a failed result is NOT_FOUND, FORBIDDEN or FAILED, not " + outcome);
    }
    return unread(
        action, outcome, attempts, requestId, startedAt, finishedAt, errorCode, errorMessage);
  }

  /** A result with nothing read back and no devices: what every factory starts from. */
  private static ActionResult unread(
      Action action,
      TargetOutcome outcome,
      int attempts,
      String requestId,
      Instant startedAt,
      Instant finishedAt,
      String errorCode,
      String errorMessage) {
    return new ActionResult(
        action,
        outcome,
        attempts,
        requestId,
        startedAt,
        finishedAt,
        errorCode,
        errorMessage,
        null,
        null,
        null,
        null,
        null,
        null,
        List.of());
  }

  /**
   * The same result, listing the devices it wrote (for {@code disableDevices} and {@code
   * enableDevices}).
   */
  public ActionResult withDeviceIds(List<String> ids) {
    return new ActionResult(
        action,
        outcome,
        attempts,
        requestId,
        startedAt,
        finishedAt,
        errorCode,
        errorMessage,
        verified,
        observedSessionsValidFrom,
        observedAccountEnabled,
        observedLastPasswordChange,
        observedRiskState,
        observedRiskLevel,
        ids);
  }

  /**
   * This acknowledged containment write with the outcome of reading it back: like {@link
   * #withVerification(boolean, Instant, Boolean, String)}, with what the read showed of a password
   * reset ({@code lastPasswordChangeDateTime}) or a risk confirmation ({@code riskState}, {@code
   * riskLevel}); null for what was not read. Device ids are kept.
   */
  public ActionResult withContainmentVerification(
      boolean verified,
      Instant lastPasswordChange,
      String riskState,
      String riskLevel,
      String reason) {
    ActionResult base = withVerification(verified, null, null, reason);
    return new ActionResult(
        action,
        base.outcome,
        attempts,
        requestId,
        startedAt,
        finishedAt,
        base.errorCode,
        base.errorMessage,
        base.verified,
        null,
        null,
        lastPasswordChange,
        riskState,
        riskLevel,
        deviceIds);
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
      boolean verified,
      Instant observedSessionsValidFrom,
      Boolean observedAccountEnabled,
      String reason) {
    if (outcome != TargetOutcome.SUCCEEDED && outcome != TargetOutcome.UNVERIFIED) {
      throw new IllegalArgumentException(
          "only an acknowledged write can be verified, not a " + outcome + " one");
    }
    if (verified) {
      return new ActionResult(
          action,
          TargetOutcome.SUCCEEDED,
          attempts,
          requestId,
          startedAt,
          finishedAt,
          null,
          null,
          true,
          observedSessionsValidFrom,
          observedAccountEnabled,
          null,
          null,
          null,
          deviceIds);
    }
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("an unverified write needs a reason");
    }
    return new ActionResult(
        action,
        TargetOutcome.UNVERIFIED,
        attempts,
        requestId,
        startedAt,
        finishedAt,
        UNVERIFIED_CODE,
        reason,
        false,
        observedSessionsValidFrom,
        observedAccountEnabled,
        null,
        null,
        null,
        deviceIds);
  }
}
