package dev.offboarding.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A v1 offboarding event: a CloudEvents 1.0 envelope (structured JSON mode) around {@link
 * EventData}.
 *
 * @param id the CloudEvents id; used as correlation id of every audit message
 * @param source the CloudEvents source, a URI reference such as {@code /hr/workday}
 * @param type leaver or compromise
 * @param time when the producer created the event, if it said
 * @param data what to do
 */
public record OffboardingEvent(String id, String source, EventType type, Instant time, EventData data) {

  public static final String SPEC_VERSION = "1.0";
  /** The content type of every CloudEvents message in structured mode: events and audit messages alike. */
  public static final String CONTENT_TYPE = "application/cloudevents+json";

  public OffboardingEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    if (type.urgent() && data.effectiveAt() != null) {
      throw new IllegalArgumentException("an urgent event never waits: it cannot have an effectiveAt");
    }
  }

  /** True when the event is to take effect later than {@code now}. */
  public boolean dueAfter(Instant now) {
    return data.effectiveAt() != null && data.effectiveAt().isAfter(now);
  }

  /** The actions to run for each user, in execution order: the event's, or all by default. */
  public List<Action> effectiveActions() {
    return data.actions().isEmpty() ? List.of(Action.values()) : data.actions();
  }
}
