package dev.offboarding.contracts;

import java.util.List;
import java.util.Objects;

/**
 * What {@link EventCodec#decode} made of a message: a valid event, or every problem found.
 *
 * <p>Switch over it exhaustively:
 *
 * <pre>{@code
 * switch (codec.decode(body)) {
 *   case DecodeResult.Valid v -> plan(v.event());
 *   case DecodeResult.Invalid i -> reject(i.eventId(), i.problems());
 * }
 * }</pre>
 */
public sealed interface DecodeResult permits DecodeResult.Valid, DecodeResult.Invalid {

  /**
   * The message met the contract.
   *
   * @param event the decoded event
   */
  record Valid(OffboardingEvent event) implements DecodeResult {
    public Valid {
      Objects.requireNonNull(event, "event");
    }
  }

  /**
   * The message broke the contract.
   *
   * @param problems every problem found, at least one, each with a JSONPath; capped at {@link
   *     EventCodec#MAX_PROBLEMS} entries so a rejection audit stays small, the last entry then
   *     saying how many more there were
   * @param eventId the raw {@code id} when it was a short printable string (so a rejection audit
   *     can still be correlated), else null
   * @param eventType the raw {@code type} under the same condition, else null
   * @param source the raw {@code source} when it was a URI reference of at most 256 characters (so
   *     the rejection audit can say which producer the message claims to come from, see {@link
   *     Provenance#ofUndecodable}), else null
   */
  record Invalid(List<Problem> problems, String eventId, String eventType, String source)
      implements DecodeResult {
    public Invalid {
      problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
      if (problems.isEmpty()) {
        throw new IllegalArgumentException("an invalid result needs at least one problem");
      }
      if (source != null && !source.equals(Provenance.undecodedSource(source))) {
        throw new IllegalArgumentException(
            "source must be a URI reference of at most 256 characters, or null");
      }
    }

    /** A result that knows no source. */
    public Invalid(List<Problem> problems, String eventId, String eventType) {
      this(problems, eventId, eventType, null);
    }

    /** The problems as one line each, e.g. for a dead-letter description. */
    public String describe() {
      return String.join("\n", problems.stream().map(Problem::toString).toList());
    }
  }
}
