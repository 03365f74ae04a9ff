package dev.offboarding.worker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * The worker's log format, one record to exactly one line: {@code 2026-11-27T09:00:00.000+0000
 * WARNING logger - message}, then the exception and its stack trace, if any, on the same line.
 * Messages quote what producers control (message ids, event ids, entity names), so CR, LF and every
 * other control character in the line is written as an escape ({@code \r}, {@code \n}, {@code \t},
 * {@code \u001b}, ...): a crafted id can neither forge a record nor split one. Named by the default
 * logging configuration ({@link Logging}); public for {@code java.util.logging} to create it.
 */
public final class OneLineFormatter extends Formatter {
  private static final String HEAD = "%1$tFT%1$tT.%1$tL%1$tz %2$s %3$s - ";

  @Override
  public String format(LogRecord record) {
    StringBuilder text =
        new StringBuilder(
            String.format(
                HEAD,
                ZonedDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault()),
                record.getLevel().getLocalizedName(),
                record.getLoggerName()));
    text.append(formatMessage(record));
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      try (PrintWriter out = new PrintWriter(trace)) {
        out.println();
        record.getThrown().printStackTrace(out);
      }
      text.append(trace.toString().stripTrailing());
    }
    return escape(text) + System.lineSeparator();
  }

  /**
   * Every control character (and Unicode's line and paragraph separators) as a backslash escape.
   */
  static String escape(CharSequence text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
