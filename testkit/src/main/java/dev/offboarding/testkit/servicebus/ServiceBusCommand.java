package dev.offboarding.testkit.servicebus;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code servicebus} command: runs the emulator alone until the process is stopped.
 *
 * <pre>
 * java -jar offboarding-testkit.jar servicebus [--port 5672] --config deploy/servicebus/config.json
 * </pre>
 *
 * <p>Prints the connection string on standard output, diagnostics on standard error.
 */
public final class ServiceBusCommand {

  private ServiceBusCommand() {}

  /**
   * Parses the options, starts the emulator and blocks until Ctrl-C; returns 2 on a usage error.
   */
  public static int run(String[] args) throws InterruptedException {
    return run(args, System.out, System.err, new CountDownLatch(1));
  }

  /** As {@link #run(String[])}, stopping when {@code stop} opens (tests) or on JVM shutdown. */
  static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch stop)
      throws InterruptedException {
    int port = 5672;
    Path config = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if ((arg.equals("--port") || arg.equals("--config")) && i + 1 >= args.length) {
        return usage(err, arg + " needs a value");
      }
      switch (arg) {
        case "--port" -> {
          try {
            port = Integer.parseInt(args[++i]);
          } catch (NumberFormatException e) {
            return usage(err, "--port must be a number, was " + args[i]);
          }
          if (port < 0 || port > 65535) {
            return usage(err, "--port must be between 0 and 65535, was " + port);
          }
        }
        case "--config" -> config = Path.of(args[++i]);
        case "--help", "-h" -> {
          return usage(err, null);
        }
        default -> {
          return usage(err, "unknown option " + arg);
        }
      }
    }
    if (config == null) {
      return usage(err, "--config is required");
    }
    if (!Files.isRegularFile(config)) {
      return usage(err, "config file not found: " + config);
    }
    EmulatorConfig emulatorConfig;
    try {
      emulatorConfig = EmulatorConfig.fromJson(config);
    } catch (IllegalArgumentException e) {
      err.println("invalid config " + config + ": " + e.getMessage());
      return 1;
    }
    ServiceBusEmulator emulator = ServiceBusEmulator.start(emulatorConfig, port);
    Thread hook =
        new Thread(
            () -> {
              emulator.close();
              stop.countDown();
            },
            "servicebus-emulator-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    err.println(
        "Service Bus emulator on 127.0.0.1:"
            + emulator.port()
            + " serving "
            + emulatorConfig.queues().size()
            + " queue(s) and "
            + emulatorConfig.topics().size()
            + " topic(s); Ctrl-C stops it");
    out.println(emulator.connectionString());
    out.flush();
    try {
      stop.await();
    } finally {
      emulator.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running already.
      }
    }
    return 0;
  }

  private static int usage(PrintStream err, String problem) {
    if (problem != null) {
      err.println(problem);
    }
    err.println("usage: servicebus [--port P (default 5672, 0 = any free port)] --config FILE");
    return 2;
  }
}
