package dev.offboarding.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One JSON object per log record, one per line, for log pipelines ({@code LOG_FORMAT=json}): {@code
 * timestamp} (ISO-8601, UTC), {@code level} (the System.Logger level names: ERROR, WARNING, INFO,
 * DEBUG, TRACE), {@code logger}, {@code message}, {@code thread}, and where the message names an
 * event, {@code eventId} and {@code correlationId} (the audit's correlation id, which is the event
 * id); {@code exception} holds the stack trace when there is one. A record that carries a {@code
 * Map} among its parameters (the line each event's delivery ends with) has the map's entries
 * written as fields of their own (strings, numbers, booleans, nested maps), after the fields above
 * and never replacing one of them. Anything shaped like a secret (a SAS key, a signature, a bearer
 * token or JWT) is replaced with {@code <redacted>} before it is written, as a last line of
 * defence: the worker itself never logs one. Thread-safe.
 */
public final class JsonLogFormatter extends Formatter {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Pattern EVENT_ID =
      Pattern.compile(
          "\\b(?:event|message)[ =]([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\\b");

  /** The fields every line has, which a record's own fields never replace. */
  private static final Set<String> RESERVED =
      Set.of(
          "timestamp",
          "level",
          "logger",
          "message",
          "thread",
          "eventId",
          "correlationId",
          "exception");

  private static final Pattern[] SECRETS = {
    Pattern.compile(
        "(?i)(SharedAccessKey|SharedAccessSignature|AccountKey|client_secret|password|sig)=[^;&\\s\"]+"),
    Pattern.compile("(?i)(Bearer\\s+)[A-Za-z0-9._~+/=-]+"),
    Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*"),
  };

  @Override
  public String format(LogRecord record) {
    StringWriter line = new StringWriter(256);
    String message = redact(formatMessage(record));
    try (JsonGenerator json = JSON.createGenerator(line)) {
      json.writeStartObject();
      json.writeStringField("timestamp", Instant.ofEpochMilli(record.getMillis()).toString());
      json.writeStringField("level", level(record.getLevel()));
      json.writeStringField("logger", record.getLoggerName());
      json.writeStringField("message", message);
      json.writeStringField("thread", Thread.currentThread().getName());
      Map<String, Object> fields = fields(record);
      Matcher event = EVENT_ID.matcher(message);
      String eventId =
          fields.get("eventId") instanceof String id ? id : event.find() ? event.group(1) : null;
      if (eventId != null) {
        json.writeStringField("eventId", redact(eventId));
        json.writeStringField("correlationId", redact(eventId));
      }
      for (Map.Entry<String, Object> field : fields.entrySet()) {
        if (!RESERVED.contains(field.getKey())) {
          json.writeFieldName(field.getKey());
          write(json, field.getValue());
        }
      }
      if (record.getThrown() != null) {
        StringWriter trace = new StringWriter();
        record.getThrown().printStackTrace(new PrintWriter(trace));
        json.writeStringField("exception", redact(trace.toString()));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return line.append(System.lineSeparator()).toString();
  }

  /** The entries of every map among the record's parameters, with string keys. */
  private static Map<String, Object> fields(LogRecord record) {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (record.getParameters() != null) {
      for (Object parameter : record.getParameters()) {
        if (parameter instanceof Map<?, ?> map) {
          map.forEach(
              (k, v) -> {
                if (k instanceof String key) {
                  fields.putIfAbsent(key, v);
                }
              });
        }
      }
    }
    return fields;
  }

  private static void write(JsonGenerator json, Object value) throws IOException {
    switch (value) {
      case null -> json.writeNull();
      case Boolean b -> json.writeBoolean(b);
      case Integer i -> json.writeNumber(i);
      case Long l -> json.writeNumber(l);
      case Number n -> json.writeNumber(n.doubleValue());
      case Map<?, ?> map -> {
        json.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          json.writeFieldName(String.valueOf(e.getKey()));
          write(json, e.getValue());
        }
        json.writeEndObject();
      }
      default -> json.writeString(redact(value.toString()));
    }
  }

  /** Replaces anything shaped like a secret with {@code <redacted>}. */
  static String redact(String text) {
    if (text == null) {
      return "";
    }
    String s = SECRETS[0].matcher(text).replaceAll("$1=<redacted>");
    s = SECRETS[1].matcher(s).replaceAll("$1<redacted>");
    return SECRETS[2].matcher(s).replaceAll("<redacted>");
  }

  /** System.Logger's names for the java.util.logging levels it maps to. */
  private static String level(Level level) {
    int v = level.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (v >= Level.WARNING.intValue()) {
      return "WARNING";
    }
    if (v >= Level.INFO.intValue()) {
      return "INFO";
    }
    return v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
  }
}
