package dev.offboarding.worker.execute;

import dev.offboarding.worker.tenant.GraphFailure;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Port: the containment requests beyond the account itself, by object id. Each write is exactly one
 * attempt (the domain owns retries, the write budget and the Identity Protection limit) and returns
 * Graph's {@code request-id}; directory and device reads retry transient failures themselves, as
 * {@code Directory} does, while Identity Protection requests are one attempt each. Every call
 * throws {@link GraphFailure} on failure. Implementations are safe for concurrent use and never
 * log, keep or return a password.
 */
public interface ContainmentWrites {

  /**
   * Who owns the user's password, read before a reset.
   *
   * @param onPremisesSyncEnabled true when the user is synchronised from on-premises Active
   *     Directory: its password is managed there
   * @param lastPasswordChange {@code lastPasswordChangeDateTime} as read; null when not said
   * @param federated true when the user's UPN domain is federated ({@code authenticationType}
   *     {@code Federated}): its password lives with the identity provider; false when managed or
   *     when the domain could not be read
   */
  record PasswordOwner(
      boolean onPremisesSyncEnabled, Instant lastPasswordChange, boolean federated) {
    /** A user whose domain was not looked at. */
    public PasswordOwner(boolean onPremisesSyncEnabled, Instant lastPasswordChange) {
      this(onPremisesSyncEnabled, lastPasswordChange, false);
    }
  }

  /** The user's password owner and last change; empty when the directory has no such user. */
  Optional<PasswordOwner> passwordOwner(String userId);

  /**
   * Sets a new password with {@code forceChangePasswordNextSignIn}. The caller wipes the array once
   * this returns; the implementation keeps no copy.
   */
  String resetPassword(String userId, char[] password);

  /**
   * {@code POST /identityProtection/riskyUsers/confirmCompromised} for up to {@link
   * #MAX_CONFIRM_USERS} users at once. Counts against the Identity Protection limit.
   */
  String confirmCompromised(List<String> userIds);

  /** Graph's documented batch limit of the risky-user actions. */
  int MAX_CONFIRM_USERS = 60;

  /**
   * The risk state and level of these users, by user id, read with paged list requests of {@code
   * riskyUsers} (never one request per user); a user Identity Protection does not list is absent.
   * Every page counts against the Identity Protection limit: {@code beforeEachRequest} runs before
   * each request is sent, to wait for it. One attempt per page.
   */
  Map<String, Risk> confirmedCompromised(Collection<String> userIds, Pace beforeEachRequest)
      throws InterruptedException;

  /** Waits for the next request's turn. */
  @FunctionalInterface
  interface Pace {
    void await() throws InterruptedException;
  }

  /** A risky user's state and level as Identity Protection reports them. */
  record Risk(String riskState, String riskLevel) {}

  /**
   * The user's registered devices with their {@code accountEnabled}, every page; empty when it has
   * none. Throws {@link GraphFailure} of kind NOT_FOUND when the user does not exist.
   */
  List<DeviceState> registeredDevices(String userId);

  /**
   * A device by object id and whether it can sign in; {@code accountEnabled} null when not said.
   */
  record DeviceState(String id, Boolean accountEnabled) {}

  /** Sets a device's {@code accountEnabled}. */
  String setDeviceEnabled(String deviceId, boolean enabled);

  /**
   * The {@code accountEnabled} of these devices by object id, read in as few requests as Graph
   * allows ({@code id in (...)}); a device not found is absent.
   */
  Map<String, Boolean> devicesEnabled(Collection<String> deviceIds);
}
