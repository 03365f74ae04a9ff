package dev.offboarding.worker.config;

import java.util.List;

/** The configuration is missing or invalid; {@link #problems()} names each variable at fault. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  /**
   * @param problems each problem, one line each, naming the variable and never quoting a secret
   */
  public ConfigException(List<String> problems) {
    super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem found, in the order of the variables checked. */
  public List<String> problems() {
    return problems;
  }
}
