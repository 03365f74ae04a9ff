package dev.offboarding.worker.verify;

import dev.offboarding.contracts.ActionResult;
import java.time.Instant;
import java.util.Objects;

/**
 * What reading a user back after an acknowledged write showed.
 *
 * @param verified true when the last read showed the write in effect
 * @param observedAccountEnabled {@code accountEnabled} as last read; null when nothing was read
 *     (user not found, read failed) or the directory did not say
 * @param observedSessionsValidFrom {@code signInSessionsValidFromDateTime} as last read; null
 *     likewise
 * @param reads how many reads were made (0 when none could be sent)
 * @param reason why the write is not verified, in words, e.g. {@code user not found on read-back};
 *     null when verified
 * @param checkedAt when the answer was known, by the verifier's clock
 */
public record Verification(
    boolean verified,
    Boolean observedAccountEnabled,
    Instant observedSessionsValidFrom,
    int reads,
    String reason,
    Instant checkedAt) {

  public Verification {
    if (reads < 0) {
      throw new IllegalArgumentException("reads must be >= 0");
    }
    Objects.requireNonNull(checkedAt, "checkedAt");
    if (verified && reason != null) {
      throw new IllegalArgumentException("a verified write has no reason to be doubted");
    }
    if (!verified && (reason == null || reason.isBlank())) {
      throw new IllegalArgumentException("an unverified write needs a reason");
    }
  }

  /**
   * The acknowledged write's result with this verification: SUCCEEDED when verified, else
   * UNVERIFIED with the reason (see {@link ActionResult#withVerification}).
   *
   * @throws IllegalArgumentException when {@code written} is not SUCCEEDED or UNVERIFIED
   */
  public ActionResult applyTo(ActionResult written) {
    return written.withVerification(
        verified, observedSessionsValidFrom, observedAccountEnabled, reason);
  }
}
