package dev.offboarding.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoggingTest {
  @AfterEach
  void restoreTheDefaults() {
    Logging.configure("text");
  }

  private static boolean allJson() {
    Handler[] handlers = Logger.getLogger("").getHandlers();
    return handlers.length > 0 && Arrays.stream(handlers).allMatch(h -> h.getFormatter() instanceof JsonLogFormatter);
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
