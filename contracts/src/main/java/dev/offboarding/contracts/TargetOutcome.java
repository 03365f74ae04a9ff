package dev.offboarding.contracts;

/** The terminal outcome of one action, or of one user as a whole. */
public enum TargetOutcome {
  /**
   * Graph accepted the write (any 2xx) and, when verification is on, reading the user back showed
   * it.
   */
  SUCCEEDED,
  /**
   * Graph accepted the write (any 2xx), but reading the user back did not show that it took effect
   * ({@code signInSessionsValidFromDateTime} not moved, {@code accountEnabled} still true), or the
   * read-back itself failed. The account may still be usable: someone has to look.
   */
  UNVERIFIED,
  /** Graph answered 404: the user does not exist (any more). */
  NOT_FOUND,
  /** Graph answered 403: the app lacks the permission or role for this user. */
  FORBIDDEN,
  /** A protected account: never written to. */
  PROTECTED,
  /** Retries were exhausted or an unexpected error occurred. */
  FAILED,
  /** Not attempted: dry run, an earlier action failed, or the action was not asked for. */
  SKIPPED
}
