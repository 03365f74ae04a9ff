package dev.offboarding.worker.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * {@code check}: the preflight ({@link Preflight}) as a command. Prints one table of every check
 * and exits 0 when none failed, 2 otherwise (a bad variable, a missing entity or permission, an
 * unreadable protected group, or an unreachable Service Bus or Graph). Warnings (a worker
 * credential others may hold) are printed and counted but do not change the exit code.
 */
public final class CheckCommand {
  private CheckCommand() {}

  /**
   * {@code check}: validates the configuration and reaches Service Bus and Graph.
   *
   * @return an {@link ExitCode}
   */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.length != 0) {
      err.println("usage: check (configured by environment variables only)");
      return ExitCode.REJECTED;
    }
    return print(new Preflight(env).run(), out);
  }

  static int print(Preflight.Report report, PrintStream out) {
    out.print(report.table());
    if (report.passed()) {
      int warnings = report.warnings().size();
      out.println(
          warnings == 0 ? "preflight passed" : "preflight passed with " + warnings + " warning(s)");
      return ExitCode.OK;
    }
    out.println("preflight failed: " + report.failures().size() + " check(s)");
    return ExitCode.REJECTED;
  }
}
