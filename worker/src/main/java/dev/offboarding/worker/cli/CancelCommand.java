package dev.offboarding.worker.cli;

import dev.offboarding.contracts.Cancellation;
import dev.offboarding.contracts.OffboardingEvent;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * {@code cancel --reason TEXT --requested-by WHO EVENT_ID}: sends a {@code
 * dev.offboarding.cancel.v1} event, as {@code send} would (to the operators' queue, {@code
 * SERVICEBUS_OPS_QUEUE}, whose cancels reach events from every queue), rather than cancelling in
 * the broker itself: the worker does the cancelling, so every cancellation, from this command or
 * any producer, is audited in one place with who asked and why, and this command needs only the
 * right to send. What was cancelled is in the cancel event's audit summary.
 */
public final class CancelCommand {
  static final String USAGE = "usage: cancel --reason TEXT --requested-by WHO EVENT_ID";

  /** The CloudEvents source of the cancel events this command sends. */
  static final String SOURCE = "/offboarding-worker/cli";

  private CancelCommand() {}

  /**
   * {@code cancel}: sends the event that asks the workers to cancel a held or running event.
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
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--reason" -> reason = i + 1 < args.length ? args[++i] : null;
        case "--requested-by" -> requestedBy = i + 1 < args.length ? args[++i] : null;
        default -> {
          if (eventId != null || args[i].startsWith("--")) {
            err.println(USAGE);
            return ExitCode.REJECTED;
          }
          eventId = args[i];
        }
      }
    }
    if (reason == null || requestedBy == null || eventId == null) {
      err.println(USAGE);
      return ExitCode.REJECTED;
    }
    String cancelled = eventId;
    String why = reason;
    String who = requestedBy;
    return OperatorEvents.send(
        () ->
            OffboardingEvent.cancel(
                UUID.randomUUID().toString(),
                SOURCE,
                clock.instant(),
                new Cancellation(cancelled, why, who)),
        eventId,
        "what was cancelled",
        env,
        out,
        err);
  }
}
