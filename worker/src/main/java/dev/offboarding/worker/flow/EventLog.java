package dev.offboarding.worker.flow;

import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.metrics.Metrics;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One log line per delivery of an event, written when the delivery ends: what became of the event
 * ({@link Disposition}), its id, type, intake queue, summary status, users by outcome, how long the
 * delivery took, and whether the event is final or continues. The line is the record's message
 * ({@code event <id> <disposition>[ (<why>)]: type=... queue=... status=... final=... users=...
 * durationMs=...}); its second parameter is the same as a map of fields, which the JSON log format
 * writes as fields of its own.
 *
 * <p>No user data: users appear only as counts. What a producer controls (the event id, or the
 * message id of an event too broken to have one) is capped at {@value #MAX_ID} characters and its
 * control characters are written as escapes here, so the line is safe under any log formatter; the
 * producer's free text (reason, ticket, the problems of a rejected event) is not logged at all: a
 * rejection names the worker's own reason code and how many problems the audit lists.
 */
final class EventLog {
  /** What became of an event at the end of one delivery. */
  enum Disposition {
    /** Done: its final summary is published. */
    FINISHED,
    /** A follow-up continues it (the delivery's bound, a transient Graph failure, shutdown). */
    CONTINUING,
    /** It waits: scheduled for later, awaiting approval, or held back by the mass-action brake. */
    HELD,
    /** Invalid or not allowed: dead-lettered with its rejection audit. */
    REJECTED,
    /** Not settled for good: the message is delivered again. */
    ABANDONED;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  static final int MAX_ID = 128;
  static final int MAX_REASON = 512;
  private static final Logger LOG = System.getLogger(EventLog.class.getName());

  private EventLog() {}

  /**
   * Logs the end of a delivery: at INFO, or WARNING when the event was abandoned or the broker
   * refused the settlement (either way it is delivered again).
   *
   * @param eventId the event's id, or the message id when it has none
   * @param eventType the type as received, or null
   * @param settlement how the delivery was settled
   * @param summary the summary the delivery published, or null
   * @param settled false when the broker did not take the settlement, or shutdown left it unsettled
   */
  static void delivered(
      Delivery delivery,
      String eventId,
      String eventType,
      Settlement settlement,
      SummaryAudit summary,
      boolean settled,
      Duration took) {
    Map<String, Object> fields =
        fields(delivery.queue(), eventId, eventType, settlement, summary, settled, took);
    Level level = settlement instanceof Settlement.Abandon || !settled ? Level.WARNING : Level.INFO;
    LOG.log(level, "{0}", text(fields), fields);
  }

  /** The line's fields, in order; {@code users} is a map of every outcome to its count. */
  static Map<String, Object> fields(
      String queue,
      String eventId,
      String eventType,
      Settlement settlement,
      SummaryAudit summary,
      boolean settled,
      Duration took) {
    Disposition disposition = disposition(settlement, summary);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("eventId", safe(eventId, MAX_ID));
    f.put("disposition", disposition.word());
    f.put("eventType", Metrics.typeTag(eventType));
    f.put("queue", safe(queue, MAX_ID));
    f.put(
        "status",
        summary != null
            ? summary.status().name()
            : switch (settlement) {
              case Settlement.Complete c -> "COMPLETED";
              case Settlement.DeadLetter d -> "REJECTED";
              case Settlement.Abandon a -> "ABANDONED";
            });
    f.put("final", disposition == Disposition.FINISHED || disposition == Disposition.REJECTED);
    Map<String, Integer> users = new LinkedHashMap<>();
    Map<TargetOutcome, Integer> counts =
        summary != null && summary.counts() != null ? summary.counts() : Map.of();
    for (TargetOutcome outcome : TargetOutcome.values()) {
      users.put(outcome.name(), counts.getOrDefault(outcome, 0));
    }
    f.put("users", Collections.unmodifiableMap(users));
    if (summary != null && summary.usersPending() > 0) {
      f.put("usersPending", summary.usersPending());
    }
    if (summary != null && summary.step() > 0) {
      f.put("step", summary.step());
    }
    f.put("durationMs", took.toMillis());
    switch (settlement) {
      case Settlement.Complete c when c.continuedBecause() != null ->
          f.put("continuedBecause", c.continuedBecause());
      case Settlement.DeadLetter d -> {
        f.put("reason", safe(d.reason(), MAX_ID));
        f.put(
            "problems",
            summary != null && summary.problems() != null ? summary.problems().size() : 0);
      }
      case Settlement.Abandon a -> f.put("reason", safe(a.reason(), MAX_REASON));
      default -> {}
    }
    if (summary != null && summary.dueAt() != null && disposition == Disposition.HELD) {
      f.put("dueAt", summary.dueAt().toString());
    }
    if (summary != null && summary.redelivery()) {
      f.put("redelivery", true);
    }
    if (!settled) {
      f.put("settled", false);
    }
    return Collections.unmodifiableMap(f);
  }

  /** The line as text: {@code event <id> <disposition>[ (<why>)]: key=value ...}. */
  static String text(Map<String, Object> f) {
    StringBuilder line =
        new StringBuilder("event ")
            .append(f.get("eventId"))
            .append(' ')
            .append(f.get("disposition"));
    String why = why(f);
    if (why != null) {
      line.append(" (").append(why).append(')');
    }
    line.append(':');
    for (Map.Entry<String, Object> e : f.entrySet()) {
      switch (e.getKey()) {
        case "eventId", "disposition", "reason" -> {}
        case "users" -> {
          StringJoiner users = new StringJoiner(",");
          ((Map<?, ?>) e.getValue())
              .forEach(
                  (outcome, n) -> {
                    if (((Integer) n) > 0) {
                      users.add(outcome + ":" + n);
                    }
                  });
          line.append(" users=").append(users.length() == 0 ? "none" : users.toString());
        }
        case "eventType" -> line.append(" type=").append(e.getValue());
        default -> line.append(' ').append(e.getKey()).append('=').append(e.getValue());
      }
    }
    if (Boolean.FALSE.equals(f.get("settled")) || "abandoned".equals(f.get("disposition"))) {
      line.append("; delivered again");
    }
    return line.toString();
  }

  private static String why(Map<String, Object> f) {
    return switch ((String) f.get("disposition")) {
      case "held" ->
          switch ((String) f.get("status")) {
            case "SCHEDULED" -> "scheduled";
            case "AWAITING_APPROVAL" -> "awaiting approval";
            default -> "mass-action brake";
          };
      case "continuing" -> (String) f.get("continuedBecause");
      case "rejected", "abandoned" -> (String) f.get("reason");
      default -> null;
    };
  }

  static Disposition disposition(Settlement settlement, SummaryAudit summary) {
    return switch (settlement) {
      case Settlement.DeadLetter d -> Disposition.REJECTED;
      case Settlement.Abandon a -> Disposition.ABANDONED;
      case Settlement.Complete c -> {
        SummaryStatus status = summary != null ? summary.status() : null;
        if (status == SummaryStatus.SCHEDULED
            || status == SummaryStatus.AWAITING_APPROVAL
            || Settlement.Complete.BRAKE.equals(c.continuedBecause())) {
          yield Disposition.HELD;
        }
        yield c.continuedBecause() != null || status == SummaryStatus.CONTINUING
            ? Disposition.CONTINUING
            : Disposition.FINISHED;
      }
    };
  }

  /**
   * What a producer controls, made safe for one log line: at most {@code max} characters, every
   * control character (and Unicode's line and paragraph separators) written as a {@code \\uXXXX}
   * escape, backslashes doubled so that an escape cannot be forged.
   */
  static String safe(String text, int max) {
    if (text == null) {
      return "-";
    }
    String capped = text.length() <= max ? text : text.substring(0, max - 3) + "...";
    StringBuilder out = new StringBuilder(capped.length());
    for (int i = 0; i < capped.length(); i++) {
      char c = capped.charAt(i);
      if (c == '\\') {
        out.append("\\\\");
      } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
