package dev.offboarding.worker.execute;

import dev.offboarding.worker.tenant.GraphFailure;

/**
 * Port: the writes the worker makes. Each call is exactly one attempt (the domain owns retries and
 * the write budget) and returns Graph's {@code request-id}, or throws {@link GraphFailure}.
 * Implementations are safe for concurrent use.
 */
public interface AccountWrites {

  /** Sets {@code accountEnabled} to false. Idempotent. */
  String disableAccount(String userId);

  /** Sets {@code accountEnabled} back to true: a restore. Idempotent. */
  String enableAccount(String userId);

  /** Invalidates refresh tokens and session cookies. Any 2xx is success. Idempotent. */
  String revokeSignInSessions(String userId);
}
