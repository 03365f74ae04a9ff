package dev.offboarding.testkit;

import java.io.PrintStream;

/** Lets tests in other packages run the command line without exiting the JVM. */
public final class TestkitMainAccess {

  private TestkitMainAccess() {}

  public static int run(String[] args, PrintStream err) throws Exception {
    return TestkitMain.run(args, err);
  }
}
