package dev.offboarding.contracts;

/** How an event ended, as a whole. */
public enum SummaryStatus {
  /** Every resolved user ended SUCCEEDED, NOT_FOUND or PROTECTED. */
  COMPLETED,
  /** Some users succeeded and some did not. */
  PARTIAL,
  /** No user succeeded and at least one failed or was forbidden. */
  FAILED,
  /** The event was refused before any write (invalid, unsafe, over the blast-radius limit). */
  REJECTED,
  /** A dry run: resolved and reported, nothing written. */
  DRY_RUN,
  /**
   * Not final: some users are done (their results are published) and the rest continue in a
   * follow-up delivery; the counts are those so far. A final summary follows.
   */
  CONTINUING,
  /**
   * Not final: the event was valid and takes effect later ({@code effectiveAt}); the broker holds
   * it until {@code dueAt}, nothing was planned or written yet. Its final summary comes when it
   * runs, unless it is cancelled first.
   */
  SCHEDULED,
  /**
   * Final: the event was cancelled before it ran, by a {@code dev.offboarding.cancel.v1} event, or
   * by the worker when the approval it waited for did not come in time ({@code rejectionReason}
   * {@code ApprovalExpired}); {@code detail} says who asked and why. Nothing was written.
   */
  CANCELLED,
  /**
   * Not final: the event was valid but waits for a second person's {@code
   * dev.offboarding.approve.v1} (it plans more users than the approval threshold, or it is a
   * restore); the broker holds it until {@code dueAt}, when an approval no longer counts. Nothing
   * was written. Its next summary comes when it is approved and runs, is cancelled, or expires
   * ({@code CANCELLED}).
   */
  AWAITING_APPROVAL;

  /** True for the statuses of summaries after which another summary of the same event follows. */
  public boolean followedByAnother() {
    return this == CONTINUING || this == SCHEDULED || this == AWAITING_APPROVAL;
  }

  /** True for the statuses of an event the broker holds until a moment, {@code dueAt}. */
  public boolean held() {
    return this == SCHEDULED || this == AWAITING_APPROVAL;
  }
}
