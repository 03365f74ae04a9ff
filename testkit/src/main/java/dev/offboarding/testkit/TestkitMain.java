package dev.offboarding.testkit;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line entry of the testkit jar: runs one of its servers, or all of them with the worker.
 */
public final class TestkitMain {

  /** One sub-command; returns the process exit code (servers block until stopped). */
  @FunctionalInterface
  interface Command {
    int run(String[] args) throws Exception;
  }

  private TestkitMain() {}

  private static Map<String, Command> commands() {
    Map<String, Command> commands = new LinkedHashMap<>();
    // Each server registers its command here.
    commands.put("fake-graph", dev.offboarding.testkit.graph.FakeGraphCommand::run);
    commands.put("servicebus", dev.offboarding.testkit.servicebus.ServiceBusCommand::run);
    commands.put("local", dev.offboarding.testkit.local.LocalCommand::run);
    return commands;
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("java.util.logging.config.file") == null) {
      // The Azure SDK (used by `local`) logs through SLF4J into java.util.logging: warnings only.
      try (var defaults = TestkitMain.class.getResourceAsStream("/testkit-logging.properties")) {
        if (defaults != null) {
          java.util.logging.LogManager.getLogManager().readConfiguration(defaults);
        }
      }
    }
    System.exit(run(args, System.err));
  }

  static int run(String[] args, PrintStream err) throws Exception {
    Map<String, Command> commands = commands();
    if (args.length == 0 || !commands.containsKey(args[0])) {
      err.println("usage: java -jar offboarding-testkit.jar <command> [options]");
      err.println("commands: " + String.join(", ", commands.keySet()));
      return 2;
    }
    return commands.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
  }
}
