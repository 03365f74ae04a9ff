package dev.offboarding.worker;

import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.worker.cli.ApproveCommand;
import dev.offboarding.worker.cli.CancelCommand;
import dev.offboarding.worker.cli.CheckCommand;
import dev.offboarding.worker.cli.DlqCommand;
import dev.offboarding.worker.cli.DryRun;
import dev.offboarding.worker.cli.EventFile;
import dev.offboarding.worker.cli.ExitCode;
import dev.offboarding.worker.cli.RestorePlanCommand;
import dev.offboarding.worker.cli.RunCommand;
import dev.offboarding.worker.cli.ScheduledCommand;
import dev.offboarding.worker.cli.SendCommand;
import dev.offboarding.worker.config.ConfigException;
import dev.offboarding.worker.identity.AzureTokenException;
import dev.offboarding.worker.identity.NoAzureCredentialException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Command-line entry: {@code run} (the default), {@code send}, {@code validate}, {@code dry-run},
 * {@code check}, {@code dlq}, {@code scheduled}, {@code cancel}, {@code approve}, {@code
 * restore-plan}.
 */
public final class Main {
  private static final String USAGE =
      """
      usage: java -jar offboarding-worker.jar <command>
        run                    the worker: take events from the queue until SIGTERM (the default)
        send [--reply-to ENTITY [--reply-to-session ID]] FILE
                               validate an event, then enqueue it on its sender's queue (compromise:
                               urgent; leaver: events; restore, cancel, approve: ops)
        validate FILE          check an event against the v1 contract; print every problem
        dry-run [--json] FILE  resolve the event against Graph; print who would be touched; write nothing
        check                  preflight: configuration, Service Bus entities, Graph permissions, protected groups
        dlq list [--queue Q] [--max N]
                               list dead-lettered events with their reason and description
        dlq resubmit [--queue Q] (--all | MESSAGE_ID...)
                               send dead-lettered events back to their queue, keeping their message ids
        scheduled list [--max N]
                               list the events the broker holds until their effectiveAt, and waiting follow-ups
        cancel --reason TEXT --requested-by WHO EVENT_ID
                               send a dev.offboarding.cancel.v1 event to the ops queue for the worker to
                               cancel EVENT_ID
        approve --requested-by WHO [--reason TEXT] [--user U]... EVENT_ID
                               send a dev.offboarding.approve.v1 event to the ops queue: a second person
                               releases EVENT_ID, held until approved
        restore-plan --from-audit FILE [--requested-by WHO] [--ticket T] [--out-dir DIR] EVENT_ID
                               print the restore event for the users EVENT_ID disabled, from an audit export
      """;

  private static final java.util.concurrent.atomic.AtomicBoolean SHUTTING_DOWN =
      new java.util.concurrent.atomic.AtomicBoolean();

  private Main() {}

  /**
   * The launcher: runs the command {@code args} names and exits with its {@link
   * dev.offboarding.worker.cli.ExitCode}; during a shutdown the JVM halts once the hook returns.
   */
  public static void main(String[] args) {
    quietNetty();
    Logging.configure();
    int code = run(args, System.getenv(), System.out, System.err);
    if (!SHUTTING_DOWN.get()) {
      // During a SIGTERM shutdown, System.exit would block forever; the JVM halts once the hook
      // returns.
      System.exit(code);
    }
  }

  /**
   * Netty, which azure-core's HTTP client brings for the identity library's token requests and the
   * Service Bus administration client, probes {@code sun.misc.Unsafe} when it loads, and JDK 24 and
   * later print four warnings about it on stderr, once per command. Netty carries only those few
   * requests here (Graph goes through OkHttp, Service Bus through proton-j), so its portable
   * fallback costs nothing that shows. Set before any Netty class loads, as {@code
   * -Dio.netty.noUnsafe=true} would be (the image sets the flag too); an operator's own {@code
   * -Dio.netty.noUnsafe} wins. A property rather than {@code
   * --sun-misc-unsafe-memory-access=allow}, which JDK 21 refuses to start with.
   */
  static void quietNetty() {
    if (System.getProperty("io.netty.noUnsafe") == null) {
      System.setProperty("io.netty.noUnsafe", "true");
    }
  }

  /** Runs a command; the streams and environment are parameters so tests can drive it. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      args = new String[] {"run"};
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (args[0]) {
        case "run" -> {
          if (rest.length != 0) {
            err.println("usage: run (configured by environment variables only)");
            yield ExitCode.REJECTED;
          }
          CountDownLatch stopped = new CountDownLatch(1);
          try {
            yield RunCommand.run(env, out, err, untilShutdown(stopped));
          } finally {
            stopped.countDown();
          }
        }
        case "send" -> SendCommand.run(rest, env, out, err);
        case "validate" -> validate(rest, out, err);
        case "dry-run" -> DryRun.run(rest, env, out, err);
        case "check" -> CheckCommand.run(rest, env, out, err);
        case "dlq" -> DlqCommand.run(rest, env, out, err);
        case "scheduled" -> ScheduledCommand.run(rest, env, out, err);
        case "cancel" -> CancelCommand.run(rest, env, out, err);
        case "approve" -> ApproveCommand.run(rest, env, out, err);
        case "restore-plan" -> RestorePlanCommand.run(rest, out, err);
        case "-h", "--help", "help" -> {
          out.print(USAGE);
          yield ExitCode.OK;
        }
        default -> {
          err.println("unknown command '" + args[0] + "'");
          err.print(USAGE);
          yield ExitCode.REJECTED;
        }
      };
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return ExitCode.REJECTED;
    } catch (NoAzureCredentialException e) {
      // Nothing configured and no one signed in: what to set, in one line; no stack trace.
      err.println(e.getMessage());
      return ExitCode.REJECTED;
    } catch (AzureTokenException e) {
      err.println(e.getMessage());
      return ExitCode.FAILED;
    }
  }

  /**
   * Completes on SIGTERM (or any JVM shutdown); the hook then waits until {@code run} has drained,
   * so the JVM does not halt mid-shutdown.
   */
  private static CompletableFuture<Void> untilShutdown(CountDownLatch stopped) {
    CompletableFuture<Void> stop = new CompletableFuture<>();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  SHUTTING_DOWN.set(true);
                  stop.complete(null);
                  try {
                    stopped.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "shutdown"));
    return stop;
  }

  private static int validate(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 1) {
      err.println("usage: validate FILE");
      return ExitCode.REJECTED;
    }
    Optional<EventFile> read = EventFile.read(args[0], err);
    if (read.isEmpty()) {
      return ExitCode.REJECTED;
    }
    DecodeResult result = read.get().result();
    if (result instanceof DecodeResult.Invalid invalid) {
      EventFile.printProblems(args[0], "invalid event", invalid, err);
      return ExitCode.REJECTED;
    }
    OffboardingEvent event = ((DecodeResult.Valid) result).event();
    if (event.cancellation() != null) {
      out.println(
          args[0]
              + ": valid "
              + event.type().wireName()
              + " event "
              + event.id()
              + " cancelling event "
              + event.cancellation().eventId());
      return ExitCode.OK;
    }
    if (event.approval() != null) {
      out.println(
          args[0]
              + ": valid "
              + event.type().wireName()
              + " event "
              + event.id()
              + " approving event "
              + event.approval().eventId());
      return ExitCode.OK;
    }
    out.println(
        args[0]
            + ": valid "
            + event.type().wireName()
            + " event "
            + event.id()
            + " with "
            + event.data().targets().size()
            + " target(s)");
    return ExitCode.OK;
  }
}
