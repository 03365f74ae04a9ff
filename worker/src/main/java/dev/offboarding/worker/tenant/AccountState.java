package dev.offboarding.worker.tenant;

import java.time.Instant;

/**
 * What the directory says now about the two properties the worker writes, read back to see whether
 * a write took effect, and, from the same read, who the user is (for the audit of a user written by
 * object id without a prior read).
 *
 * @param accountEnabled whether the account can sign in; null when the directory did not say
 * @param signInSessionsValidFrom {@code signInSessionsValidFromDateTime}: refresh tokens and
 *     session cookies issued before it are invalid (Graph reports whole seconds); null when the
 *     directory did not say
 * @param userPrincipalName the UPN; null when the directory did not say
 * @param userType {@code Member} or {@code Guest}; null when the directory did not say
 */
public record AccountState(
    Boolean accountEnabled,
    Instant signInSessionsValidFrom,
    String userPrincipalName,
    String userType) {

  /** The two written properties only. */
  public AccountState(Boolean accountEnabled, Instant signInSessionsValidFrom) {
    this(accountEnabled, signInSessionsValidFrom, null, null);
  }
}
