package dev.offboarding.contracts;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who asked for an event, on whose word, and through which queue: the {@code provenance} of every
 * audit message. Service Bus stamps no sender identity on a message, so {@code queue} (where the
 * event arrived, and whose Data Sender role says who could send there) is the one member the worker
 * knows for itself; the others repeat what the event claims.
 *
 * <p>Each member follows the rule the event contract applies to the same value, so whatever an
 * accepted event carries fits here unchanged. Immutable and thread-safe.
 *
 * @param source the event's CloudEvents {@code source}, e.g. {@code /hr/workday}: a non-empty RFC
 *     3986 URI reference; null when unknown (an event that could not be read that far)
 * @param requestedBy the event's {@code data.requestedBy}: at most 256 characters, no control
 *     characters; null when absent
 * @param ticket the event's {@code data.ticket}: at most 128 characters, no control characters;
 *     null when absent
 * @param reason the event's {@code data.reason}: non-blank, at most 1024 characters; null when
 *     absent (only for an event that could not be decoded)
 * @param queue the Service Bus entity the event arrived on: 1 to 260 letters, digits, {@code .},
 *     {@code _}, {@code -} or {@code /}, starting with a letter or digit; required
 */
public record Provenance(
    String source, String requestedBy, String ticket, String reason, String queue) {

  /** The longest Service Bus entity name. */
  public static final int MAX_QUEUE_LENGTH = 260;

  /**
   * A Service Bus entity name, as the worker's configuration accepts it; also the schemas' pattern.
   */
  static final Pattern QUEUE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._/\\-]{0,259}$");

  /** The longest source kept from an event that could not be decoded, as for its id and type. */
  private static final int MAX_UNDECODED_SOURCE_LENGTH = 256;

  public Provenance {
    Objects.requireNonNull(queue, "queue");
    require("source", sourceProblem(source));
    require("requestedBy", requestedByProblem(requestedBy));
    require("ticket", ticketProblem(ticket));
    require("reason", reasonProblem(reason));
    require("queue", queueProblem(queue));
  }

  /**
   * The provenance of a decoded event: its source, and the requester, ticket and reason its data
   * gives (a cancel event's from its cancellation, an approve event's from its approval; neither
   * has a ticket, and an approval's reason is optional).
   *
   * @param event the event as decoded
   * @param queue the entity it arrived on
   * @throws IllegalArgumentException when {@code queue} is no Service Bus entity name, or when the
   *     event holds a value no decoded event can (an event built in code with, e.g., a blank
   *     reason)
   */
  public static Provenance of(OffboardingEvent event, String queue) {
    Objects.requireNonNull(event, "event");
    if (event.cancellation() != null) {
      Cancellation c = event.cancellation();
      return new Provenance(event.source(), c.requestedBy(), null, c.reason(), queue);
    }
    if (event.approval() != null) {
      Approval a = event.approval();
      return new Provenance(event.source(), a.requestedBy(), null, a.reason(), queue);
    }
    EventData d = event.data();
    return new Provenance(event.source(), d.requestedBy(), d.ticket(), d.reason(), queue);
  }

  /**
   * What is known of an event that could not be decoded: the queue, and its {@code source} when
   * that was readable (see {@link DecodeResult.Invalid#source()}). Nothing of its data is repeated:
   * none of it was found to follow the contract.
   *
   * @param rejected what decoding found
   * @param queue the entity it arrived on
   * @throws IllegalArgumentException when {@code queue} is no Service Bus entity name
   */
  public static Provenance ofUndecodable(DecodeResult.Invalid rejected, String queue) {
    Objects.requireNonNull(rejected, "rejected");
    return new Provenance(rejected.source(), null, null, null, queue);
  }

  /**
   * The audit-worthy form of a raw {@code source} from an event that could not be decoded, or null.
   */
  static String undecodedSource(String raw) {
    return raw != null
            && Text.length(raw) <= MAX_UNDECODED_SOURCE_LENGTH
            && sourceProblem(raw) == null
        ? raw
        : null;
  }

  /** Why {@code source} cannot be a provenance's source, or null when it can (null included). */
  static String sourceProblem(String source) {
    if (source == null) {
      return null;
    }
    if (source.isEmpty()) {
      return "must not be empty";
    }
    return UriReference.isValid(source)
        ? null
        : "must be a URI reference (RFC 3986), e.g. /hr/workday";
  }

  /** Why {@code requestedBy} cannot be a provenance's requester, or null when it can. */
  static String requestedByProblem(String requestedBy) {
    return lengthAndControls(requestedBy, EventReader.MAX_REQUESTED_BY_LENGTH);
  }

  /** Why {@code ticket} cannot be a provenance's ticket, or null when it can. */
  static String ticketProblem(String ticket) {
    return lengthAndControls(ticket, EventReader.MAX_TICKET_LENGTH);
  }

  /** Why {@code reason} cannot be a provenance's reason, or null when it can. */
  static String reasonProblem(String reason) {
    if (reason == null) {
      return null;
    }
    if (Text.isBlank(reason)) {
      return "must not be blank";
    }
    return tooLong(reason, EventReader.MAX_REASON_LENGTH);
  }

  /** Why {@code queue} cannot be a provenance's queue, or null when it can. */
  static String queueProblem(String queue) {
    if (queue == null) {
      return "required";
    }
    return QUEUE.matcher(queue).matches()
        ? null
        : "must be a Service Bus entity name: 1 to "
            + MAX_QUEUE_LENGTH
            + " letters, digits, '.', '_', '-' or '/',"
            + " starting with a letter or digit";
  }

  private static String lengthAndControls(String value, int max) {
    if (value == null) {
      return null;
    }
    String tooLong = tooLong(value, max);
    if (tooLong != null) {
      return tooLong;
    }
    return Text.hasControl(value) ? "must not contain control characters" : null;
  }

  private static String tooLong(String value, int max) {
    return Text.length(value) > max ? "at most " + max + " characters" : null;
  }

  private static void require(String member, String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(member + " " + problem);
    }
  }
}
