package dev.offboarding.worker.cli;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import com.azure.messaging.servicebus.models.SubQueue;
import dev.offboarding.worker.ServiceBusClients;
import dev.offboarding.worker.config.WorkerConfig;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code dlq list} and {@code dlq resubmit}: the operator's view of a queue's dead-letter subqueue.
 * {@code list} peeks (nothing is locked or removed) and prints each dead-lettered event with the
 * broker's or the worker's reason and description. {@code resubmit} moves chosen events back to
 * their queue once the cause is fixed: each is sent again with its original message id (so a
 * consumer and the audit still see the same event) and only then removed from the dead-letter
 * queue; events not chosen stay where they are.
 */
public final class DlqCommand {
  static final String USAGE =
      """
      usage: dlq list [--queue QUEUE] [--max N]
             dlq resubmit [--queue QUEUE] [--duplicate-window DURATION] (--all | MESSAGE_ID...)""";

  /** The queue's duplicate detection window in deploy/servicebus/config.json. */
  static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(5);

  private static final String REASON = "DeadLetterReason";
  private static final String DESCRIPTION = "DeadLetterErrorDescription";
  private static final int MAX_LIST = 10_000;

  private DlqCommand() {}

  /**
   * {@code dlq list|resubmit}: reads the dead-letter queues and sends messages back.
   *
   * @return an {@link ExitCode}
   */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return run(args, env, out, err, Clock.systemUTC());
  }

  static int run(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
    if (args.length == 0 || !(args[0].equals("list") || args[0].equals("resubmit"))) {
      err.println(USAGE);
      return ExitCode.REJECTED;
    }
    String queue = null;
    int max = 100;
    boolean all = false;
    Duration window = DEFAULT_DUPLICATE_WINDOW;
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      boolean hasValue = i + 1 < args.length;
      switch (a) {
        case "--queue" -> {
          if (!hasValue) {
            return usage(err);
          }
          queue = args[++i];
        }
        case "--max" -> {
          if (!hasValue
              || !args[i + 1].matches("[0-9]{1,5}")
              || Integer.parseInt(args[i + 1]) < 1
              || Integer.parseInt(args[i + 1]) > MAX_LIST) {
            err.println("--max must be a number from 1 to " + MAX_LIST);
            return ExitCode.REJECTED;
          }
          max = Integer.parseInt(args[++i]);
        }
        case "--duplicate-window" -> {
          try {
            window = Duration.parse(hasValue ? args[++i] : "");
          } catch (DateTimeParseException e) {
            err.println("--duplicate-window must be an ISO-8601 duration such as PT5M");
            return ExitCode.REJECTED;
          }
          if (window.isNegative()) {
            err.println("--duplicate-window must not be negative");
            return ExitCode.REJECTED;
          }
        }
        case "--all" -> all = true;
        default -> {
          if (a.startsWith("--") || args[0].equals("list")) {
            return usage(err);
          }
          // Service Bus message ids are at most 128 characters; the worker's are CloudEvents ids.
          if (a.isBlank() || a.length() > 128 || a.chars().anyMatch(Character::isISOControl)) {
            err.println("not a message id: '" + a.replaceAll("\\p{Cntrl}", "?") + "'");
            return ExitCode.REJECTED;
          }
          ids.add(a);
        }
      }
    }
    WorkerConfig config = WorkerConfig.fromEnvironment(env);
    if (queue == null) {
      queue = config.queue();
    } else if (!queue.equals(config.queue())
        && !queue.equals(config.urgentQueue())
        && !queue.equals(config.opsQueue())
        && !queue.equals(config.internalQueue())) {
      err.println(
          "--queue must be SERVICEBUS_QUEUE ("
              + config.queue()
              + ")"
              + ", SERVICEBUS_URGENT_QUEUE ("
              + config.urgentQueue()
              + ")"
              + ", SERVICEBUS_OPS_QUEUE ("
              + config.opsQueue()
              + ")"
              + " or SERVICEBUS_INTERNAL_QUEUE ("
              + config.internalQueue()
              + ")");
      return ExitCode.REJECTED;
    }
    ServiceBusClientBuilder clients = ServiceBusClients.forCommand(config, env);
    try {
      if (args[0].equals("list")) {
        return list(clients, queue, max, out);
      }
      if (all == !ids.isEmpty()) {
        err.println("dlq resubmit: name the message ids to resubmit, or --all (not both)");
        return ExitCode.REJECTED;
      }
      return resubmit(clients, queue, all, ids, window, clock, out, err);
    } catch (RuntimeException e) {
      err.println("dlq " + args[0] + " on " + queue + " failed: " + ServiceBusErrors.describe(e));
      return ExitCode.FAILED;
    }
  }

  private static int usage(PrintStream err) {
    err.println(USAGE);
    return ExitCode.REJECTED;
  }

  private static ServiceBusClientBuilder.ServiceBusReceiverClientBuilder deadLetters(
      ServiceBusClientBuilder clients, String queue) {
    return clients.receiver().queueName(queue).subQueue(SubQueue.DEAD_LETTER_QUEUE);
  }

  private static int list(ServiceBusClientBuilder clients, String queue, int max, PrintStream out) {
    List<ServiceBusReceivedMessage> messages = new ArrayList<>();
    try (ServiceBusReceiverClient receiver = deadLetters(clients, queue).buildClient()) {
      Long next = null;
      while (messages.size() < max) {
        int want = Math.min(100, max - messages.size());
        List<ServiceBusReceivedMessage> page = new ArrayList<>();
        (next == null ? receiver.peekMessages(want) : receiver.peekMessages(want, next))
            .forEach(page::add);
        if (page.isEmpty()) {
          break;
        }
        messages.addAll(page);
        next = page.get(page.size() - 1).getSequenceNumber() + 1;
      }
    }
    out.println(
        messages.size()
            + " dead-lettered message(s) on "
            + queue
            + (messages.size() == max ? " (first " + max + "; --max N for more)" : ""));
    for (ServiceBusReceivedMessage m : messages) {
      out.println(
          String.format(
              "  #%-6d %-36s %-32s enqueued %s  deliveries %d",
              m.getSequenceNumber(),
              printable(m.getMessageId()),
              printable(m.getSubject()),
              enqueued(m),
              m.getDeliveryCount()));
      out.println("          reason: " + printable(reason(m)));
      String description = description(m);
      if (description != null && !description.isBlank()) {
        out.println("          description: " + printable(description));
      }
    }
    return ExitCode.OK;
  }

  private static int resubmit(
      ServiceBusClientBuilder clients,
      String queue,
      boolean all,
      Set<String> ids,
      Duration window,
      Clock clock,
      PrintStream out,
      PrintStream err) {
    Set<String> wanted = new LinkedHashSet<>(ids);
    int resubmitted = 0;
    int held = 0;
    Instant now = clock.instant();
    Set<Long> seen = new java.util.HashSet<>();
    try (ServiceBusReceiverClient receiver =
            deadLetters(clients, queue)
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
                .prefetchCount(0)
                .disableAutoComplete()
                .buildClient();
        ServiceBusSenderClient sender = clients.sender().queueName(queue).buildClient()) {
      while (all || !wanted.isEmpty()) {
        List<ServiceBusReceivedMessage> batch = new ArrayList<>();
        receiver.receiveMessages(50, Duration.ofSeconds(2)).forEach(batch::add);
        List<ServiceBusReceivedMessage> fresh =
            batch.stream().filter(m -> seen.add(m.getSequenceNumber())).toList();
        if (fresh.isEmpty()) {
          batch.forEach(receiver::abandon);
          break;
        }
        for (ServiceBusReceivedMessage m : batch) {
          boolean chosen = all || wanted.contains(m.getMessageId());
          if (!chosen || !fresh.contains(m)) {
            receiver.abandon(m);
            continue;
          }
          Instant firstSent = m.getEnqueuedTime() == null ? null : m.getEnqueuedTime().toInstant();
          if (firstSent != null && firstSent.plus(window).isAfter(now)) {
            // The queue's duplicate detection would drop a copy with this id without a word.
            err.println(
                "held "
                    + printable(m.getMessageId())
                    + ": first enqueued "
                    + firstSent
                    + ", within the duplicate detection window ("
                    + window
                    + "); resubmit after "
                    + firstSent.plus(window));
            receiver.abandon(m);
            wanted.remove(m.getMessageId());
            held++;
            continue;
          }
          ServiceBusMessage copy = new ServiceBusMessage(m);
          copy.setMessageId(m.getMessageId());
          copy.getApplicationProperties().remove(REASON);
          copy.getApplicationProperties().remove(DESCRIPTION);
          sender.sendMessage(copy);
          // Removed from the dead-letter queue only once the copy is on the queue: a failure in
          // between leaves a duplicate at worst, which processing tolerates, never a loss.
          receiver.complete(m);
          wanted.remove(m.getMessageId());
          resubmitted++;
          out.println(
              "resubmitted "
                  + printable(m.getMessageId())
                  + " ("
                  + printable(reason(m))
                  + ") to "
                  + queue);
        }
      }
    }
    for (String id : wanted) {
      err.println("not found in the dead-letter queue of " + queue + ": " + printable(id));
    }
    out.println(resubmitted + " resubmitted, " + held + " held, " + wanted.size() + " not found");
    return wanted.isEmpty() && held == 0 ? ExitCode.OK : ExitCode.FAILED;
  }

  private static String reason(ServiceBusReceivedMessage m) {
    String r = m.getDeadLetterReason();
    Object p = m.getApplicationProperties().get(REASON);
    return r != null ? r : p == null ? "(none)" : p.toString();
  }

  private static String description(ServiceBusReceivedMessage m) {
    String d = m.getDeadLetterErrorDescription();
    Object p = m.getApplicationProperties().get(DESCRIPTION);
    return d != null ? d : p == null ? null : p.toString();
  }

  private static String enqueued(ServiceBusReceivedMessage m) {
    OffsetDateTime t = m.getEnqueuedTime();
    return t == null ? "?" : t.toInstant().toString();
  }

  /** Message fields come from producers: control characters never reach the terminal. */
  static String printable(String s) {
    if (s == null) {
      return "-";
    }
    String p = s.replaceAll("\\p{Cntrl}", " ");
    return p.length() > 500 ? p.substring(0, 500) + "..." : p;
  }
}
