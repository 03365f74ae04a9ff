package dev.offboarding.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Properties;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoggingTest {
  @AfterEach
  void restoreTheDefaults() {
    Logging.configure("text");
  }

  /** The formatter the worker's default logging configuration puts on its console handler. */
  private static Formatter configuredFormatter() throws Exception {
    Properties defaults = new Properties();
    try (InputStream in = Logging.class.getResourceAsStream(Logging.DEFAULTS)) {
      defaults.load(in);
    }
    String name = defaults.getProperty("java.util.logging.ConsoleHandler.formatter");
    return (Formatter) Class.forName(name).getDeclaredConstructor().newInstance();
  }

  private static boolean allJson() {
    Handler[] handlers = Logger.getLogger("").getHandlers();
    return handlers.length > 0
        && Arrays.stream(handlers).allMatch(h -> h.getFormatter() instanceof JsonLogFormatter);
  }

  @Test
  void writesARecordWithAForgedLineInItsMessageIdAsExactlyOneLine() throws Exception {
    LogRecord record = new LogRecord(Level.WARNING, "message {0} of {1}: dead-lettered");
    record.setLoggerName("dev.offboarding.worker.servicebus.ServiceBusSettlement");
    record.setParameters(
        new Object[] {
          "0b7c\r\nFAKE LINE 2026-12-02T00:00:00.000+0000 INFO forged", "queue\u001b[2J"
        });
    record.setThrown(new IllegalStateException("lock lost\nFAKE LINE from the exception"));

    String line = configuredFormatter().format(record);

    String body = line.substring(0, line.length() - System.lineSeparator().length());
    assertEquals(System.lineSeparator(), line.substring(body.length()));
    assertFalse(body.contains("\n") || body.contains("\r"), line);
    assertTrue(
        body.contains(
            "message 0b7c\\r\\nFAKE LINE 2026-12-02T00:00:00.000+0000 INFO forged of queue\\u001b[2J"),
        body);
    assertTrue(
        body.contains("IllegalStateException: lock lost\\nFAKE LINE from the exception"), body);
    assertTrue(
        body.contains("\\tat dev.offboarding.worker.LoggingTest."),
        "the stack trace, on the same line: " + body);
    assertTrue(
        body.contains(" WARNING dev.offboarding.worker.servicebus.ServiceBusSettlement - "), body);
  }

  @Test
  void logFormatJsonMakesEveryRootHandlerWriteJson() {
    Logging.configure("json");

    assertTrue(allJson());
  }

  @Test
  void theDefaultAndAnUnknownFormatStayPlainText() {
    Logging.configure(null);
    assertFalse(allJson());

    Logging.configure("yaml");
    assertFalse(allJson());
  }
}
