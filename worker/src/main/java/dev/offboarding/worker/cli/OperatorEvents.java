package dev.offboarding.worker.cli;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.worker.ServiceBusClients;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.servicebus.EventMessages;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How {@code cancel} and {@code approve} send the one event each is about: built and checked
 * against every contract rule before anything is sent, then sent to the queue {@code send} would
 * use for its type (the operators' queue), with the command's credential.
 */
final class OperatorEvents {
  private OperatorEvents() {}

  /**
   * @param build the event; an {@link IllegalArgumentException} from it (or from the codec) is a
   *     refusal, printed without control characters
   * @param about the id of the event the sent one is about, for the confirmation line
   * @param done what the sent event's audit summary tells, e.g. {@code "what was cancelled"}
   * @return the exit code: {@link ExitCode#OK}, {@link ExitCode#REJECTED} or {@link
   *     ExitCode#FAILED}
   */
  static int send(
      Supplier<OffboardingEvent> build,
      String about,
      String done,
      Map<String, String> env,
      PrintStream out,
      PrintStream err) {
    OffboardingEvent event;
    byte[] body;
    try {
      event = build.get();
      // The codec checks every contract rule (lengths, control characters) before anything is sent.
      body = new EventCodec().encode(event);
    } catch (IllegalArgumentException e) {
      err.println("not sent: " + e.getMessage().replaceAll("\\p{Cntrl}", "?"));
      return ExitCode.REJECTED;
    }
    WorkerConfig config = WorkerConfig.fromEnvironment(env);
    String queue = SendCommand.queueFor(event.type(), config);
    // Outside the try: no credential is Main's to report, not a failed send.
    ServiceBusClientBuilder clients = ServiceBusClients.forCommand(config, env);
    try (ServiceBusSenderClient sender = clients.sender().queueName(queue).buildClient()) {
      sender.sendMessage(EventMessages.of(body, event));
    } catch (RuntimeException e) {
      err.println("sending to " + queue + " failed: " + ServiceBusErrors.describe(e));
      return ExitCode.FAILED;
    }
    String verb = event.type().name().toLowerCase(Locale.ROOT);
    out.println(
        "sent "
            + verb
            + " event "
            + event.id()
            + " for event "
            + about
            + " to "
            + queue
            + "; its audit summary (correlation id "
            + event.id()
            + ") says "
            + done);
    return ExitCode.OK;
  }
}
