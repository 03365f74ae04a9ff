package dev.offboarding.worker.config;

import java.util.List;

/** The configuration is missing or invalid; {@link #problems()} names each variable at fault. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
