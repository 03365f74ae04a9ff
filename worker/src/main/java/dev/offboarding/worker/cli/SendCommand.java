package dev.offboarding.worker.cli;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.worker.ServiceBusClients;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.servicebus.EventMessages;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;

/**
 * {@code send [--reply-to ENTITY [--reply-to-session ID]] FILE}: validates an event with the
 * contract codec, then enqueues it, as {@link EventMessages} describes, on the queue of the sender
 * its type belongs to ({@link #queueFor}): the queue a message arrives on is who sent it. An
 * invalid event is never sent.
 */
public final class SendCommand {
  private static final String USAGE =
      "usage: send [--reply-to ENTITY [--reply-to-session ID]] FILE";

  private SendCommand() {}

  /**
   * {@code send}: validates an event file and sends it to the queue.
   *
   * @return an {@link ExitCode}
   */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String replyTo = null;
    String replyToSession = null;
    String file = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--reply-to" -> replyTo = i + 1 < args.length ? args[++i] : null;
        case "--reply-to-session" -> replyToSession = i + 1 < args.length ? args[++i] : null;
        default -> {
          if (file != null || args[i].startsWith("--")) {
            err.println(USAGE);
            return ExitCode.REJECTED;
          }
          file = args[i];
        }
      }
    }
    if (file == null || (replyToSession != null && replyTo == null)) {
      err.println(USAGE);
      return ExitCode.REJECTED;
    }
    Optional<EventFile> read = EventFile.read(file, err);
    if (read.isEmpty()) {
      return ExitCode.REJECTED;
    }
    DecodeResult decoded = read.get().result();
    if (decoded instanceof DecodeResult.Invalid invalid) {
      EventFile.printProblems(file, "invalid event, not sent", invalid, err);
      return ExitCode.REJECTED;
    }
    OffboardingEvent event = ((DecodeResult.Valid) decoded).event();
    WorkerConfig config = WorkerConfig.fromEnvironment(env);
    ServiceBusMessage message = EventMessages.of(read.get().body(), event);
    if (replyTo != null) {
      message.setReplyTo(replyTo);
      message.setReplyToSessionId(replyToSession);
    }
    String queue = queueFor(event.type(), config);
    // Outside the try: a connection string the SDK refuses is a configuration error (exit 2).
    ServiceBusClientBuilder clients = ServiceBusClients.forCommand(config, env);
    try (ServiceBusSenderClient sender = clients.sender().queueName(queue).buildClient()) {
      sender.sendMessage(message);
    } catch (RuntimeException e) {
      err.println("sending to " + queue + " failed: " + e.getMessage());
      return ExitCode.FAILED;
    }
    out.println("sent " + event.type().wireName() + " event " + event.id() + " to " + queue);
    return ExitCode.OK;
  }

  /**
   * The queue an event of this type is sent to: a compromise to the SIEM's queue ({@code
   * SERVICEBUS_URGENT_QUEUE}), a leaver to the HR and bulk producers' queue ({@code
   * SERVICEBUS_QUEUE}), a restore, cancel or approve to the operators' queue ({@code
   * SERVICEBUS_OPS_QUEUE}), whose policy lets them through.
   */
  public static String queueFor(EventType type, WorkerConfig config) {
    return switch (type) {
      case COMPROMISE -> config.urgentQueue();
      case LEAVER -> config.queue();
      case RESTORE, CANCEL, APPROVE -> config.opsQueue();
    };
  }
}
