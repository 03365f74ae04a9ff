package dev.offboarding.contracts;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of offboarding event the worker accepts, with their CloudEvents {@code type} names. */
public enum EventType {
  /** An HR leaver: bulk work, runs within the shared write budget. */
  LEAVER("dev.offboarding.leaver.v1", false),
  /** A compromised account: urgent, must not wait behind bulk leaver work. */
  COMPROMISE("dev.offboarding.compromise.v1", true),
  /**
   * Cancels another event ({@link Cancellation}): urgent, so that it does not wait behind the bulk
   * work it may be cancelling.
   */
  CANCEL("dev.offboarding.cancel.v1", true),
  /**
   * Re-enables explicitly named users (ids or UPNs; never groups or attributes), e.g. after a
   * mistaken leaver event; bulk work, like a leaver.
   */
  RESTORE("dev.offboarding.restore.v1", false),
  /**
   * A second person's approval of an event the worker holds until one ({@link Approval}): urgent,
   * so that it does not wait behind bulk work.
   */
  APPROVE("dev.offboarding.approve.v1", true);

  private final String wireName;
  private final boolean urgent;

  EventType(String wireName, boolean urgent) {
    this.wireName = wireName;
    this.urgent = urgent;
  }

  /** The CloudEvents {@code type} attribute value. */
  public String wireName() {
    return wireName;
  }

  /** True when work for this event type goes ahead of bulk work. */
  public boolean urgent() {
    return urgent;
  }

  /**
   * The actions an event of this type may ask for, in execution order: for leaver and compromise
   * events, disable and revoke, then the containment actions; for restores, enabling the account
   * and the devices this worker disabled.
   */
  public java.util.List<Action> allowedActions() {
    return switch (this) {
      case LEAVER, COMPROMISE ->
          java.util.List.of(
              Action.DISABLE_ACCOUNT,
              Action.REVOKE_SESSIONS,
              Action.RESET_PASSWORD,
              Action.CONFIRM_COMPROMISED,
              Action.DISABLE_DEVICES);
      case RESTORE -> java.util.List.of(Action.ENABLE_ACCOUNT, Action.ENABLE_DEVICES);
      case CANCEL, APPROVE -> java.util.List.of();
    };
  }

  /**
   * What an event of this type does when it names no actions, in execution order: disable then
   * revoke (containment is only ever asked for), or for a restore, enable the account.
   */
  public java.util.List<Action> defaultActions() {
    return switch (this) {
      case LEAVER, COMPROMISE -> java.util.List.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS);
      case RESTORE -> java.util.List.of(Action.ENABLE_ACCOUNT);
      case CANCEL, APPROVE -> java.util.List.of();
    };
  }

  /** True for restores: they name users only, and take effect at once. */
  public boolean restores() {
    return this == RESTORE;
  }

  /** True for the types whose data names targets and actions ({@link EventData}). */
  public boolean actsOnTargets() {
    return this != CANCEL && this != APPROVE;
  }

  /** The event type with this CloudEvents {@code type}, if it is one of ours. */
  public static Optional<EventType> fromWire(String wireName) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(wireName)).findFirst();
  }
}
