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
 * @param data what to do; null for a cancel or approve event
 * @param cancellation what to cancel, for a cancel event; null otherwise
 * @param approval what is approved, for an approve event; null otherwise
 */
public record OffboardingEvent(
    String id,
    String source,
    EventType type,
    Instant time,
    EventData data,
    Cancellation cancellation,
    Approval approval) {

  public static final String SPEC_VERSION = "1.0";

  /**
   * The content type of every CloudEvents message in structured mode: events and audit messages
   * alike.
   */
  public static final String CONTENT_TYPE = "application/cloudevents+json";

  public OffboardingEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(type, "type");
    if (type.actsOnTargets() != (data != null)
        || (type == EventType.CANCEL) != (cancellation != null)
        || (type == EventType.APPROVE) != (approval != null)) {
      throw new IllegalArgumentException(
          type.actsOnTargets()
              ? "a " + type.wireName() + " event has data and no cancellation or approval"
              : type == EventType.CANCEL
                  ? "a cancel event has a cancellation and no targets"
                  : "an approve event has an approval and no targets");
    }
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    if ((type.urgent() || type.restores()) && data != null && data.effectiveAt() != null) {
      throw new IllegalArgumentException(
          "a " + type.wireName() + " event takes effect at once: no effectiveAt");
    }
    if (data != null && !type.allowedActions().containsAll(data.actions())) {
      throw new IllegalArgumentException(
          "a " + type.wireName() + " event may ask only for " + type.allowedActions());
    }
    if (type.restores() && data.targets().stream().anyMatch(t -> !(t instanceof Target.User))) {
      throw new IllegalArgumentException("a restore names users only");
    }
  }

  /** An event that acts on targets (leaver, compromise). */
  public OffboardingEvent(String id, String source, EventType type, Instant time, EventData data) {
    this(id, source, type, time, data, null, null);
  }

  /** An event that acts on targets, or a cancel event. */
  public OffboardingEvent(
      String id,
      String source,
      EventType type,
      Instant time,
      EventData data,
      Cancellation cancellation) {
    this(id, source, type, time, data, cancellation, null);
  }

  /** An approve event. */
  public static OffboardingEvent approve(
      String id, String source, Instant time, Approval approval) {
    return new OffboardingEvent(id, source, EventType.APPROVE, time, null, null, approval);
  }

  /** A cancel event. */
  public static OffboardingEvent cancel(
      String id, String source, Instant time, Cancellation cancellation) {
    return new OffboardingEvent(id, source, EventType.CANCEL, time, null, cancellation);
  }

  /** True when the event is to take effect later than {@code now}. */
  public boolean dueAfter(Instant now) {
    return data != null && data.effectiveAt() != null && data.effectiveAt().isAfter(now);
  }

  /** The actions to run for each user, in execution order: the event's, or its type's default. */
  public List<Action> effectiveActions() {
    if (data == null) {
      return List.of();
    }
    return data.actions().isEmpty() ? type.defaultActions() : data.actions();
  }
}
