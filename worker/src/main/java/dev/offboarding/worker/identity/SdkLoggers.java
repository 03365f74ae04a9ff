package dev.offboarding.worker.identity;

import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The identity library's loggers and those of the transports under it, silenced for the duration of
 * one call and then restored: a one-shot command reports a missing or refused credential in one
 * line of its own, not in a screenful of retries and stack traces. One call at a time.
 */
final class SdkLoggers {
  /**
   * Where the noise comes from: each credential tried, MSAL, azure-core's HTTP client and retry
   * policy.
   */
  static final List<String> NAMES =
      List.of("com.azure.identity", "com.microsoft.aad.msal4j", "com.azure.core.http");

  private SdkLoggers() {}

  static synchronized <T> T silencedWhile(Supplier<T> call) {
    // Strong references: java.util.logging holds loggers weakly, and a collected one would lose its
    // level.
    List<Logger> loggers = NAMES.stream().map(Logger::getLogger).toList();
    List<Level> levels = loggers.stream().map(Logger::getLevel).toList();
    loggers.forEach(l -> l.setLevel(Level.OFF));
    try {
      return call.get();
    } finally {
      for (int i = 0; i < loggers.size(); i++) {
        loggers.get(i).setLevel(levels.get(i));
      }
    }
  }
}
