package dev.offboarding.worker;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Sets up java.util.logging, which the worker logs through (System.Logger) and the Azure SDK is
 * routed into (slf4j-jdk14): exactly one line per record on stderr, the worker at INFO, the SDKs
 * and their transports at WARNING. {@code text} (the default) writes the plain line ({@link
 * OneLineFormatter}, which escapes control characters, so producer-controlled ids cannot forge
 * lines); {@code LOG_FORMAT=json} makes each line a JSON object ({@link JsonLogFormatter}). An
 * operator's own {@code -Djava.util.logging.config.file} wins.
 */
final class Logging {
  static final String DEFAULTS = "/dev/offboarding/worker/logging.properties";

  private Logging() {}

  static void configure() {
    configure(System.getenv("LOG_FORMAT"));
  }

  static void configure(String format) {
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
    if (format == null || format.isBlank() || format.trim().equalsIgnoreCase("text")) {
      return;
    }
    if (!format.trim().equalsIgnoreCase("json")) {
      System.err.println(
          "logging: LOG_FORMAT must be 'text' or 'json', got '"
              + format.replaceAll("\\p{Cntrl}", "?")
              + "'; logging as text");
      return;
    }
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      handler.setFormatter(new JsonLogFormatter());
    }
  }
}
