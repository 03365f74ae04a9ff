package dev.offboarding.worker.cli;

import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.worker.ServiceBusClients;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.servicebus.ServiceBusScheduledEvents;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * {@code scheduled list [--max N]}: the scheduled messages on the worker's own queue ({@code
 * SERVICEBUS_INTERNAL_QUEUE}): events the broker holds until their {@code effectiveAt}, with their
 * id, type, due time and targets, follow-ups waiting to retry users, and cancellation markers (an
 * event cancelled until their due time). Peeks only: nothing is locked, removed or changed. Event
 * text is printed with control characters replaced, so a crafted id cannot forge a line.
 */
public final class ScheduledCommand {
  static final String USAGE = "usage: scheduled list [--max N]";
  private static final int MAX_LIST = 10_000;

  private ScheduledCommand() {}

  /**
   * {@code scheduled list}: events held until their {@code effectiveAt}.
   *
   * @return an {@link ExitCode}
   */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.length == 0 || !args[0].equals("list")) {
      err.println(USAGE);
      return ExitCode.REJECTED;
    }
    int max = 100;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--max")
          && i + 1 < args.length
          && args[i + 1].matches("[0-9]{1,5}")
          && Integer.parseInt(args[i + 1]) >= 1
          && Integer.parseInt(args[i + 1]) <= MAX_LIST) {
        max = Integer.parseInt(args[++i]);
      } else {
        err.println(USAGE + " (N from 1 to " + MAX_LIST + ")");
        return ExitCode.REJECTED;
      }
    }
    WorkerConfig config = WorkerConfig.fromEnvironment(env);
    // Held events and follow-ups wait on the worker's own queue alone.
    ServiceBusScheduledEvents scheduled =
        new ServiceBusScheduledEvents(
            ServiceBusClients.forCommand(config, env), List.of(config.internalQueue()));
    List<ServiceBusScheduledEvents.Listed> listed;
    try {
      listed = scheduled.list(max);
    } catch (AuditSink.AuditException e) {
      err.println(
          "scheduled list failed: "
              + ServiceBusErrors.describe(e.getCause() != null ? e.getCause() : e));
      return ExitCode.FAILED;
    }
    print(listed, out);
    return ExitCode.OK;
  }

  static void print(List<ServiceBusScheduledEvents.Listed> listed, PrintStream out) {
    EventCodec codec = new EventCodec();
    out.printf(
        "%-20s %-10s %-38s %-30s %-26s %s%n",
        "QUEUE", "SEQUENCE", "EVENT ID", "TYPE", "DUE", "TARGETS");
    for (ServiceBusScheduledEvents.Listed m : listed) {
      String eventId = m.correlationId() != null ? m.correlationId() : m.messageId();
      String type;
      String targets;
      if (m.heldEvent() && codec.decode(m.body()) instanceof DecodeResult.Valid v) {
        OffboardingEvent e = v.event();
        eventId = e.id();
        type = e.type().wireName();
        targets = targets(e);
        if (m.awaitingApproval()) {
          String requester = e.data() == null ? null : e.data().requestedBy();
          targets +=
              "; awaits approval by someone other than "
                  + (requester == null ? "its requester" : safe(requester))
                  + " (approve "
                  + safe(e.id())
                  + "), cancelled if none by DUE";
        }
      } else if (dev.offboarding.worker.codec.CancellationMarkerCodec.FORMAT.equals(m.subject())) {
        type = "cancellation marker";
        targets = "cancelled: stops the event on any replica until DUE, then expires";
      } else if (ContinuationCodec.FORMAT.equals(m.subject())) {
        type = "follow-up";
        targets = "users to retry";
      } else {
        type = m.subject() == null ? "?" : m.subject();
        targets = "not an event the worker held";
      }
      out.printf(
          "%-20s %-10d %-38s %-30s %-26s %s%n",
          safe(m.queue()),
          m.sequenceNumber(),
          safe(eventId),
          safe(type),
          m.dueAt() == null ? "?" : m.dueAt().toString(),
          targets);
    }
    out.println(listed.size() + " scheduled message(s)");
  }

  /** E.g. {@code 2 users (alice@contoso.com, ...), 1 group}. */
  static String targets(OffboardingEvent event) {
    List<Target> all = event.data().targets();
    List<String> users =
        all.stream()
            .filter(t -> t instanceof Target.User)
            .map(t -> ((Target.User) t).user())
            .toList();
    long groups = all.stream().filter(t -> t instanceof Target.Group).count();
    long attributes = all.stream().filter(t -> t instanceof Target.Attribute).count();
    StringBuilder b = new StringBuilder();
    if (!users.isEmpty()) {
      b.append(users.size())
          .append(" user(s) (")
          .append(safe(String.join(", ", users.subList(0, Math.min(3, users.size())))))
          .append(users.size() > 3 ? ", ..." : "")
          .append(")");
    }
    if (groups > 0) {
      b.append(b.isEmpty() ? "" : ", ").append(groups).append(" group(s)");
    }
    if (attributes > 0) {
      b.append(b.isEmpty() ? "" : ", ").append(attributes).append(" attribute selector(s)");
    }
    return b.toString();
  }

  private static String safe(String s) {
    return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
  }
}
