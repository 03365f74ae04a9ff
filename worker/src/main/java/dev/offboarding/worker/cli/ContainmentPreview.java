package dev.offboarding.worker.cli;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.worker.execute.Containment;
import dev.offboarding.worker.execute.ContainmentWrites;
import dev.offboarding.worker.plan.Plan;
import dev.offboarding.worker.plan.PlannedUser;
import dev.offboarding.worker.tenant.GraphFailure;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each containment action of a plan would do to each user it would write, read from Graph
 * without writing: whether the password would be reset or skipped as managed elsewhere, how many
 * registered devices would be disabled. At most {@link #MAX_USERS} users are read; the rest are
 * said to be not previewed.
 */
final class ContainmentPreview {
  /** The most users whose containment a dry run reads: a few reads each. */
  static final int MAX_USERS = 100;

  private ContainmentPreview() {}

  /** By user id, in plan order: each containment action and what it would do, in words. */
  static Map<String, Map<Action, String>> of(Plan plan, ContainmentWrites reads) {
    Map<String, Map<Action, String>> preview = new LinkedHashMap<>();
    List<Action> containment = plan.actions().stream().filter(Action::containment).toList();
    if (containment.isEmpty()) {
      return preview;
    }
    int read = 0;
    for (PlannedUser user : plan.writable()) {
      Map<Action, String> actions = new EnumMap<>(Action.class);
      boolean readThisOne = read < MAX_USERS;
      for (Action action : containment) {
        actions.put(
            action,
            readThisOne
                ? describe(action, user.user().id(), reads)
                : "not previewed (a dry run reads the first " + MAX_USERS + " users)");
      }
      read++;
      preview.put(user.user().id(), actions);
    }
    return preview;
  }

  private static String describe(Action action, String userId, ContainmentWrites reads) {
    try {
      return switch (action) {
        case RESET_PASSWORD -> {
          Optional<ContainmentWrites.PasswordOwner> owner = reads.passwordOwner(userId);
          if (owner.isEmpty()) {
            yield "user not found";
          }
          yield owner.get().onPremisesSyncEnabled()
              ? "SKIPPED "
                  + ActionResult.PASSWORD_MANAGED_ELSEWHERE
                  + ": "
                  + Containment.SYNCED_PASSWORD_REASON
              : owner.get().federated()
                  ? "SKIPPED "
                      + ActionResult.PASSWORD_MANAGED_ELSEWHERE
                      + ": "
                      + Containment.FEDERATED_PASSWORD_REASON
                  : "would set a random password and require a change at next sign-in";
        }
        case CONFIRM_COMPROMISED ->
            "would confirm the user compromised in Identity Protection (user risk high;"
                + " needs Entra ID P2)";
        case DISABLE_DEVICES -> {
          List<ContainmentWrites.DeviceState> devices = reads.registeredDevices(userId);
          long enabled =
              devices.stream().filter(d -> !Boolean.FALSE.equals(d.accountEnabled())).count();
          yield "would disable "
              + enabled
              + " registered device(s)"
              + (devices.size() > enabled
                  ? "; " + (devices.size() - enabled) + " already disabled, left alone"
                  : "");
        }
        default -> action.wireName();
      };
    } catch (GraphFailure e) {
      return "could not be read: " + e.getMessage();
    }
  }
}
