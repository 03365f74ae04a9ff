package dev.offboarding.contracts;

import java.util.Arrays;
import java.util.Optional;

/**
 * A write the worker makes for each resolved user. The declaration order is the execution order: an
 * account is disabled before its sessions are revoked, so a revoked session cannot be renewed with
 * a still-valid password. The containment actions ({@link #RESET_PASSWORD}, {@link
 * #CONFIRM_COMPROMISED}, {@link #DISABLE_DEVICES}) always follow the revoke, so nothing delays it.
 * {@link #ENABLE_ACCOUNT} and {@link #ENABLE_DEVICES} belong to restore events only and are never
 * combined with the others (see {@link EventType#allowedActions()}).
 */
public enum Action {
  DISABLE_ACCOUNT("disableAccount"),
  REVOKE_SESSIONS("revokeSessions"),
  /**
   * Sets a random password with {@code forceChangePasswordNextSignIn}; verified by {@code
   * lastPasswordChangeDateTime}. A password managed elsewhere (synchronised from on-premises or
   * federated) is not reset here: SKIPPED with the reason.
   */
  RESET_PASSWORD("resetPassword"),
  /**
   * Confirms the user compromised in ID Protection (user risk high); verified by the risky user's
   * state.
   */
  CONFIRM_COMPROMISED("confirmCompromised"),
  /** Sets {@code accountEnabled} false on each of the user's registered devices; each verified. */
  DISABLE_DEVICES("disableDevices"),
  /** Sets {@code accountEnabled} back to true: a restore. Revoked sessions cannot be restored. */
  ENABLE_ACCOUNT("enableAccount"),
  /**
   * Re-enables the devices this worker disabled for the user (a restore); a password reset and a
   * risk confirmation are not undone by a restore.
   */
  ENABLE_DEVICES("enableDevices");

  private final String wireName;

  Action(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in events and audit messages. */
  public String wireName() {
    return wireName;
  }

  /** True for the containment actions that follow the revoke on leaver and compromise events. */
  public boolean containment() {
    return this == RESET_PASSWORD || this == CONFIRM_COMPROMISED || this == DISABLE_DEVICES;
  }

  /** True for the actions of restore events. */
  public boolean restores() {
    return this == ENABLE_ACCOUNT || this == ENABLE_DEVICES;
  }

  /** The action with this wire name, if it is one of ours. */
  public static Optional<Action> fromWire(String wireName) {
    return Arrays.stream(values()).filter(a -> a.wireName.equals(wireName)).findFirst();
  }
}
