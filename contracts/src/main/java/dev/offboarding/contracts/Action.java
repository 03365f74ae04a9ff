package dev.offboarding.contracts;

import java.util.Arrays;
import java.util.Optional;

/**
 * A write the worker makes for each resolved user. The declaration order is the execution order:
 * an account is disabled before its sessions are revoked, so a revoked session cannot be renewed
 * with a still-valid password. {@link #ENABLE_ACCOUNT} belongs to restore events only and is never
 * combined with the others (see {@link EventType#allowedActions()}).
 */
public enum Action {
  DISABLE_ACCOUNT("disableAccount"),
  REVOKE_SESSIONS("revokeSessions"),
  /** Sets {@code accountEnabled} back to true: a restore. Revoked sessions cannot be restored. */
  ENABLE_ACCOUNT("enableAccount");

  private final String wireName;

  Action(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in events and audit messages. */
  public String wireName() {
    return wireName;
  }

  /** The action with this wire name, if it is one of ours. */
  public static Optional<Action> fromWire(String wireName) {
    return Arrays.stream(values()).filter(a -> a.wireName.equals(wireName)).findFirst();
  }
}
