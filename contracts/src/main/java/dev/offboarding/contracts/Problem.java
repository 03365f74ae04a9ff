package dev.offboarding.contracts;

import java.util.Objects;

/**
 * One contract violation.
 *
 * @param path where, as a JSONPath from the document root, e.g. {@code $.data.targets[2].user}
 * @param message what is wrong, in words an operator can act on
 */
public record Problem(String path, String message) {
  public Problem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return path + ": " + message;
  }
}
