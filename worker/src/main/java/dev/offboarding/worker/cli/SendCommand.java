package dev.offboarding.worker.cli;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Problem;
import dev.offboarding.worker.Main;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.servicebus.EventMessages;
import dev.offboarding.worker.servicebus.ServiceBusClients;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code send [--reply-to ENTITY [--reply-to-session ID]] FILE}: validates an event with the
 * contract codec, then enqueues it on {@code SERVICEBUS_QUEUE} (a compromise event on {@code
 * SERVICEBUS_URGENT_QUEUE} when set) as {@link EventMessages} describes.
 * An invalid event is never sent.
 */
public final class SendCommand {
  private static final String USAGE = "usage: send [--reply-to ENTITY [--reply-to-session ID]] FILE";

  private SendCommand() {}

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
            return Main.REJECTED;
          }
          file = args[i];
        }
      }
    }
    if (file == null || (replyToSession != null && replyTo == null)) {
      err.println(USAGE);
      return Main.REJECTED;
    }
    byte[] body;
    try {
      body = Main.readEvent(Path.of(file));
    } catch (IOException e) {
      err.println("cannot read " + file + ": " + e.getMessage());
      return Main.REJECTED;
    }
    DecodeResult decoded = new EventCodec().decode(body);
    if (decoded instanceof DecodeResult.Invalid invalid) {
      err.println(file + ": invalid event, not sent; " + invalid.problems().size() + " problem(s):");
      for (Problem p : invalid.problems()) {
        err.println("  " + p.path() + ": " + p.message());
      }
      return Main.REJECTED;
    }
    OffboardingEvent event = ((DecodeResult.Valid) decoded).event();
    WorkerConfig config = WorkerConfig.fromEnvironment(env);
    ServiceBusMessage message = EventMessages.of(body, event);
    if (replyTo != null) {
      message.setReplyTo(replyTo);
      message.setReplyToSessionId(replyToSession);
    }
    // Urgent events take the urgent queue when there is one, so they never queue behind bulk work.
    String queue = event.type().urgent() && config.urgentQueue() != null ? config.urgentQueue() : config.queue();
    try (ServiceBusSenderClient sender =
        ServiceBusClients.builder(config).sender().queueName(queue).buildClient()) {
      sender.sendMessage(message);
    } catch (RuntimeException e) {
      err.println("sending to " + queue + " failed: " + e.getMessage());
      return Main.FAILED;
    }
    out.println("sent " + event.type().wireName() + " event " + event.id() + " to " + queue);
    return Main.OK;
  }
}
