package dev.offboarding.worker.execute;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The containment actions that follow a user's revoke: a password reset, a risk confirmation and
 * the user's registered devices disabled, each sent like every write ({@link GovernedWrites}) and
 * each read back before it is reported SUCCEEDED. Thread-safe.
 *
 * <p>A password managed outside Entra ID (the user is synchronised from on-premises Active
 * Directory) is not reset: SKIPPED {@link ActionResult#PASSWORD_MANAGED_ELSEWHERE}. The password
 * itself lives in a {@code char[]} from {@link Passwords}, wiped once Graph has it; it is never
 * logged, audited, returned or kept.
 */
public final class Containment {
  /**
   * What a reset skipped for a synchronised user says: Microsoft's guidance for a compromised
   * hybrid account.
   */
  public static final String SYNCED_PASSWORD_REASON =
      "the password is synchronised from on-premises Active Directory:"
          + " reset it there, twice, and let the change synchronise (Microsoft's guidance for a compromised account);"
          + " not reset here";

  /** What a reset skipped for a user of a federated domain says. */
  public static final String FEDERATED_PASSWORD_REASON =
      "the user's domain is federated: the password lives with"
          + " the identity provider (for AD FS, on-premises Active Directory): reset it there, twice (Microsoft's guidance"
          + " for a compromised account); not reset here";

  private final ContainmentWrites writes;
  private final GovernedWrites governed;
  private final RiskConfirmations risks;
  private final Passwords passwords;
  private final Sleeper sleeper;
  private final Clock clock;
  private final boolean verify;
  private final Duration clockSkew;
  private final int reads;
  private final Duration firstDelay;

  /**
   * @param verify whether writes are read back ({@code VERIFY})
   * @param clockSkew how far before the reset's send time {@code lastPasswordChangeDateTime} may be
   * @param reads reads of a write before it is reported unverified (at least 1)
   * @param firstDelay the wait before the second read, doubled before each further one
   */
  Containment(
      ContainmentWrites writes,
      GovernedWrites governed,
      RiskConfirmations risks,
      Passwords passwords,
      Sleeper sleeper,
      Clock clock,
      boolean verify,
      Duration clockSkew,
      int reads,
      Duration firstDelay) {
    this.writes = Objects.requireNonNull(writes, "writes");
    this.governed = Objects.requireNonNull(governed, "governed");
    this.risks = Objects.requireNonNull(risks, "risks");
    this.passwords = Objects.requireNonNull(passwords, "passwords");
    this.sleeper = sleeper;
    this.clock = clock;
    this.verify = verify;
    this.clockSkew = clockSkew;
    if (reads < 1) {
      throw new IllegalArgumentException("reads must be >= 1");
    }
    this.reads = reads;
    this.firstDelay = firstDelay;
  }

  /**
   * One containment action for one user, read back when verification is on. Its writes take the
   * write budget's bulk lane whatever the event: an urgent event's disable and revoke (this user's
   * or another's arriving meanwhile) go ahead of every containment write, so containment never
   * delays a revoke.
   *
   * @param urgent whether the event is urgent; not used for the budget (see above)
   */
  ActionResult run(
      Action action, String userId, boolean urgent, boolean doneEarlier, Instant doneSince)
      throws InterruptedException {
    return runInLane(action, userId, false, doneEarlier, doneSince);
  }

  private ActionResult runInLane(
      Action action, String userId, boolean urgent, boolean doneEarlier, Instant doneSince)
      throws InterruptedException {
    return switch (action) {
      case RESET_PASSWORD -> resetPassword(userId, urgent, doneEarlier, doneSince);
      case CONFIRM_COMPROMISED -> risks.confirm(userId, urgent, verify);
      case DISABLE_DEVICES -> disableDevices(userId, urgent);
      default ->
          throw new IllegalArgumentException(action.wireName() + " is not a containment action");
    };
  }

  // ------------------------------------------------------------------ password

  private ActionResult resetPassword(
      String userId, boolean urgent, boolean doneEarlier, Instant doneSince)
      throws InterruptedException {
    Instant started = clock.instant();
    Optional<ContainmentWrites.PasswordOwner> owner;
    try {
      owner = writes.passwordOwner(userId);
    } catch (GraphFailure f) {
      return governed.failed(
          Action.RESET_PASSWORD,
          withContext(f, "reading the user before its reset failed: "),
          0,
          started);
    }
    if (owner.isEmpty()) {
      return ActionResult.failed(
          Action.RESET_PASSWORD,
          TargetOutcome.NOT_FOUND,
          0,
          null,
          started,
          clock.instant(),
          "Request_ResourceNotFound",
          "user not found before its password reset");
    }
    if (owner.get().onPremisesSyncEnabled()) {
      return ActionResult.skipped(
          Action.RESET_PASSWORD, ActionResult.PASSWORD_MANAGED_ELSEWHERE, SYNCED_PASSWORD_REASON);
    }
    if (owner.get().federated()) {
      return ActionResult.skipped(
          Action.RESET_PASSWORD,
          ActionResult.PASSWORD_MANAGED_ELSEWHERE,
          FEDERATED_PASSWORD_REASON);
    }
    if (doneEarlier && shows(owner.get().lastPasswordChange(), doneSince)) {
      // Reset in an earlier delivery and the directory shows it: not reset again.
      return ActionResult.succeeded(Action.RESET_PASSWORD, 0, null, null, null)
          .withContainmentVerification(true, owner.get().lastPasswordChange(), null, null, null);
    }
    Sent sent =
        governed.send(
            Action.RESET_PASSWORD,
            () -> {
              char[] password = passwords.next();
              try {
                return writes.resetPassword(userId, password);
              } finally {
                Arrays.fill(password, '\0');
              }
            },
            urgent,
            started,
            0);
    if (!verify || sent.at() == null) {
      return sent.result();
    }
    return verifyReset(userId, sent);
  }

  private ActionResult verifyReset(String userId, Sent sent) throws InterruptedException {
    Duration delay = firstDelay;
    Instant last = null;
    String why = "lastPasswordChangeDateTime was not returned on read-back";
    for (int made = 1; made <= reads; made++) {
      if (made > 1) {
        sleeper.sleep(delay);
        delay = delay.multipliedBy(2);
      }
      Optional<ContainmentWrites.PasswordOwner> read;
      try {
        read = writes.passwordOwner(userId);
      } catch (GraphFailure f) {
        return sent.result()
            .withContainmentVerification(
                false,
                last,
                null,
                null,
                GovernedWrites.truncate("read-back failed: " + f.getMessage()));
      }
      if (read.isEmpty()) {
        why = "user not found on read-back";
        continue;
      }
      last = read.get().lastPasswordChange();
      if (shows(last, sent.at())) {
        return sent.result().withContainmentVerification(true, last, null, null, null);
      }
      if (last != null) {
        why =
            "lastPasswordChangeDateTime "
                + last
                + " is before the reset at "
                + sent.at().truncatedTo(ChronoUnit.SECONDS)
                + " (allowing "
                + clockSkew.toSeconds()
                + " s of clock skew)";
      }
    }
    return sent.result()
        .withContainmentVerification(
            false, last, null, null, why + (reads > 1 ? " after " + reads + " reads" : ""));
  }

  /** True when a password change at {@code changed} is the one sent at {@code sentAt}, or later. */
  private boolean shows(Instant changed, Instant sentAt) {
    return changed != null
        && sentAt != null
        && !changed.isBefore(sentAt.truncatedTo(ChronoUnit.SECONDS).minus(clockSkew));
  }

  // ------------------------------------------------------------------ devices

  /**
   * A restore's {@code enableDevices}: re-enables the user's registered devices that the restore
   * names ({@code deviceIds}, copied from the compromise's audit, which lists only what this worker
   * disabled) and that are disabled now. A named device not registered to this user, or already
   * enabled, is left alone; a device an administrator disabled is never named, so never re-enabled.
   */
  ActionResult enableDevices(String userId, java.util.Set<String> named)
      throws InterruptedException {
    if (named.isEmpty()) {
      return ActionResult.skipped(
          Action.ENABLE_DEVICES,
          "the restore names no device (deviceIds): nothing to"
              + " re-enable; restore-plan --from-audit copies them from the compromise's result");
    }
    java.util.Set<String> wanted = new java.util.HashSet<>();
    named.forEach(id -> wanted.add(id.toLowerCase(java.util.Locale.ROOT)));
    Instant started = clock.instant();
    List<ContainmentWrites.DeviceState> devices;
    try {
      devices = writes.registeredDevices(userId);
    } catch (GraphFailure f) {
      return governed.failed(
          Action.ENABLE_DEVICES,
          withContext(f, "listing the user's registered devices failed: "),
          0,
          started);
    }
    List<String> disabled =
        devices.stream()
            .filter(d -> Boolean.FALSE.equals(d.accountEnabled()))
            .map(ContainmentWrites.DeviceState::id)
            .filter(id -> wanted.contains(id.toLowerCase(java.util.Locale.ROOT)))
            .distinct()
            .toList();
    return writeDevices(Action.ENABLE_DEVICES, userId, disabled, true, started);
  }

  private ActionResult disableDevices(String userId, boolean urgent) throws InterruptedException {
    Instant started = clock.instant();
    List<ContainmentWrites.DeviceState> devices;
    try {
      devices = writes.registeredDevices(userId);
    } catch (GraphFailure f) {
      return governed.failed(
          Action.DISABLE_DEVICES,
          withContext(f, "listing the user's registered devices failed: "),
          0,
          started);
    }
    // Only devices that can sign in now are written: one already disabled (by an administrator,
    // say) is not this worker's to re-enable later, so it is neither written nor listed.
    List<String> enabled =
        devices.stream()
            .filter(d -> !Boolean.FALSE.equals(d.accountEnabled()))
            .map(ContainmentWrites.DeviceState::id)
            .distinct()
            .toList();
    if (enabled.size() > ActionResult.MAX_DEVICE_IDS) {
      enabled = enabled.subList(0, ActionResult.MAX_DEVICE_IDS);
    }
    return writeDevices(Action.DISABLE_DEVICES, userId, enabled, false, started);
  }

  /** Sets {@code accountEnabled} to {@code enable} on each device, then reads them back. */
  private ActionResult writeDevices(
      Action action, String userId, List<String> deviceIds, boolean enable, Instant started)
      throws InterruptedException {
    List<String> written = new ArrayList<>();
    Map<String, Instant> sentAt = new LinkedHashMap<>();
    ActionResult worst = null;
    int attempts = 0;
    String requestId = null;
    for (String deviceId : deviceIds) {
      // The bulk lane, as every containment write (see run).
      Sent sent =
          governed.send(action, () -> writes.setDeviceEnabled(deviceId, enable), false, started, 0);
      attempts += sent.result().attempts();
      if (sent.at() != null) {
        written.add(deviceId);
        sentAt.put(deviceId, sent.at());
        requestId = sent.result().requestId();
      } else if (sent.result().outcome() == TargetOutcome.NOT_FOUND) {
        // Deleted since it was listed: it can no longer sign in, and there is nothing to write.
        continue;
      } else if (worst == null || rank(sent.result().outcome()) < rank(worst.outcome())) {
        worst = sent.result();
      }
    }
    if (worst != null) {
      String message =
          GovernedWrites.truncate(
              "device "
                  + (deviceIds.size() - written.size())
                  + " of "
                  + deviceIds.size()
                  + " not "
                  + (enable ? "re-enabled" : "disabled")
                  + ": "
                  + worst.errorMessage());
      return ActionResult.failed(
              action,
              worst.outcome(),
              attempts,
              worst.requestId(),
              started,
              clock.instant(),
              worst.errorCode(),
              message)
          .withDeviceIds(written);
    }
    ActionResult accepted =
        ActionResult.succeeded(action, attempts, requestId, started, clock.instant())
            .withDeviceIds(written);
    if (!verify) {
      return accepted;
    }
    if (written.isEmpty()) {
      // Nothing to read back: the listing itself showed no device to write.
      return accepted.withContainmentVerification(true, null, null, null, null);
    }
    return verifyDevices(accepted, written, enable);
  }

  private ActionResult verifyDevices(ActionResult accepted, List<String> written, boolean enable)
      throws InterruptedException {
    List<String> notYet = new ArrayList<>(written);
    Duration delay = firstDelay;
    String why = null;
    for (int made = 1; made <= reads && !notYet.isEmpty(); made++) {
      if (made > 1) {
        sleeper.sleep(delay);
        delay = delay.multipliedBy(2);
      }
      Map<String, Boolean> states;
      try {
        states = writes.devicesEnabled(notYet);
      } catch (GraphFailure f) {
        return accepted.withContainmentVerification(
            false,
            null,
            null,
            null,
            GovernedWrites.truncate("read-back failed: " + f.getMessage()));
      }
      notYet.removeIf(id -> Boolean.valueOf(enable).equals(states.get(id)));
      if (!notYet.isEmpty()) {
        String first = notYet.get(0);
        why =
            notYet.size()
                + " device(s) still "
                + (enable ? "disabled" : "enabled")
                + " or not found on read-back,"
                + " e.g. "
                + first
                + (states.containsKey(first) ? "" : " (not found)");
      }
    }
    if (notYet.isEmpty()) {
      return accepted.withContainmentVerification(true, null, null, null, null);
    }
    return accepted.withContainmentVerification(
        false,
        null,
        null,
        null,
        GovernedWrites.truncate(why + (reads > 1 ? " after " + reads + " reads" : "")));
  }

  /** Worst first: a device not found is least telling, a failure most. */
  private static int rank(TargetOutcome outcome) {
    return switch (outcome) {
      case FAILED -> 0;
      case FORBIDDEN -> 1;
      case NOT_FOUND -> 2;
      default -> 3;
    };
  }

  private static GraphFailure withContext(GraphFailure f, String prefix) {
    return new GraphFailure(
        f.kind(),
        f.status(),
        f.errorCode(),
        prefix + f.getMessage(),
        f.requestId(),
        f.retryAfter().orElse(null),
        f);
  }
}
