package dev.offboarding.worker.cli;

/** The process exit codes of every command, so that scripts can tell bad input from a failure. */
public final class ExitCode {
  /** Success. */
  public static final int OK = 0;

  /** Unexpected failure (Graph unreachable, I/O). */
  public static final int FAILED = 1;

  /**
   * Bad input or configuration: invalid event, rejected plan, bad variable, no Azure credential,
   * bad usage.
   */
  public static final int REJECTED = 2;

  private ExitCode() {}
}
