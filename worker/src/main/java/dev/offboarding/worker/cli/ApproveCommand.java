package dev.offboarding.worker.cli;

import dev.offboarding.contracts.Approval;
import dev.offboarding.contracts.OffboardingEvent;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code approve --requested-by WHO [--reason TEXT] [--user U]... EVENT_ID}: sends a {@code
 * dev.offboarding.approve.v1} event to the operators' queue ({@code SERVICEBUS_OPS_QUEUE}), the one
 * queue approvals may come from. The worker releases the event {@code EVENT_ID} if it awaits
 * approval and {@code WHO} is not its requester; {@code --user} names a user a restore may
 * re-enable although its sessions were revoked recently ({@code RESTORE_COOLDOWN}). Like {@code
 * cancel}, it sends an event rather than touching the broker itself, so every approval is checked
 * and audited in one place; what was approved is in the approve event's audit summary.
 */
public final class ApproveCommand {
  static final String USAGE =
      "usage: approve --requested-by WHO [--reason TEXT] [--user U]... EVENT_ID";

  private ApproveCommand() {}

  /**
   * {@code approve}: a second person approves an event held for approval.
   *
   * @return an {@link ExitCode}
   */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return run(args, env, out, err, Clock.systemUTC());
  }

  static int run(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
    String reason = null;
    String requestedBy = null;
    String eventId = null;
    List<String> users = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--reason" -> reason = i + 1 < args.length ? args[++i] : null;
        case "--requested-by" -> requestedBy = i + 1 < args.length ? args[++i] : null;
        case "--user" -> {
          if (i + 1 >= args.length) {
            err.println(USAGE);
            return ExitCode.REJECTED;
          }
          users.add(args[++i]);
        }
        default -> {
          if (eventId != null || args[i].startsWith("--")) {
            err.println(USAGE);
            return ExitCode.REJECTED;
          }
          eventId = args[i];
        }
      }
    }
    if (requestedBy == null || eventId == null) {
      err.println(USAGE);
      return ExitCode.REJECTED;
    }
    String approved = eventId;
    String why = reason;
    String who = requestedBy;
    return OperatorEvents.send(
        () ->
            OffboardingEvent.approve(
                UUID.randomUUID().toString(),
                CancelCommand.SOURCE,
                clock.instant(),
                new Approval(approved, who, why, users)),
        eventId,
        "what was approved",
        env,
        out,
        err);
  }
}
