package dev.offboarding.worker.cli;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.Approval;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.servicebus.EventMessages;
import dev.offboarding.worker.servicebus.ServiceBusClients;
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
 * approval and {@code WHO} is not its requester; {@code --user} names a user a restore may re-enable
 * although its sessions were revoked recently ({@code RESTORE_COOLDOWN}). Like {@code cancel}, it
 * sends an event rather than touching the broker itself, so every approval is checked and audited
 * in one place; what was approved is in the approve event's audit summary.
 */
public final class ApproveCommand {
  static final String USAGE = "usage: approve --requested-by WHO [--reason TEXT] [--user U]... EVENT_ID";

  private ApproveCommand() {}

  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return run(args, env, out, err, Clock.systemUTC());
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
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
    OffboardingEvent approve;
    byte[] body;
    try {
      approve = OffboardingEvent.approve(UUID.randomUUID().toString(), CancelCommand.SOURCE, clock.instant(),
          new Approval(eventId, requestedBy, reason, users));
      // The codec checks every contract rule (lengths, control characters) before anything is sent.
      body = new EventCodec().encode(approve);
    } catch (IllegalArgumentException e) {
      err.println("not sent: " + e.getMessage().replaceAll("\\p{Cntrl}", "?"));
      return ExitCode.REJECTED;
    }
    WorkerConfig config = WorkerConfig.fromEnvironment(env);
    String queue = SendCommand.queueFor(approve.type(), config);
    ServiceBusClientBuilder clients = ServiceBusClients.builder(config);
    try (ServiceBusSenderClient sender = clients.sender().queueName(queue).buildClient()) {
      sender.sendMessage(EventMessages.of(body, approve));
    } catch (RuntimeException e) {
      err.println("sending to " + queue + " failed: " + ServiceBusErrors.describe(e));
      return ExitCode.FAILED;
    }
    out.println("sent approve event " + approve.id() + " for event " + eventId + " to " + queue
        + "; its audit summary (correlation id " + approve.id() + ") says what was approved");
    return ExitCode.OK;
  }
}
