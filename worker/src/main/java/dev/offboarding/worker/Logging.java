package dev.offboarding.worker;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;

/**
 * Sets up java.util.logging, which the worker logs through (System.Logger) and the Azure SDK is
 * routed into (slf4j-jdk14): exactly one line per record on stderr ({@link OneLineFormatter}, which
 * escapes control characters, so producer-controlled ids cannot forge lines), the worker at INFO,
 * the SDKs and their transports at WARNING. An operator's own {@code
 * -Djava.util.logging.config.file} wins.
 */
final class Logging {
  static final String DEFAULTS = "/dev/offboarding/worker/logging.properties";

  private Logging() {}

  static void configure() {
    if (System.getProperty("java.util.logging.config.file") != null
        || System.getProperty("java.util.logging.config.class") != null) {
      return;
    }
    try (InputStream defaults = Logging.class.getResourceAsStream(DEFAULTS)) {
      if (defaults != null) {
        LogManager.getLogManager().readConfiguration(defaults);
      }
    } catch (IOException e) {
      System.err.println("logging: default configuration not loaded: " + e.getMessage());
    }
  }
}
