package dev.offboarding.worker.intake;

import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Problem;
import dev.offboarding.contracts.Provenance;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.lifecycle.LifecycleTask;
import dev.offboarding.worker.lifecycle.PendingResume;
import java.util.List;
import java.util.Objects;

/**
 * One delivered message, decoded once ({@link MessageClassifier}) into the one kind it is, with the
 * queue it came from. Which kinds a queue may carry is the trust boundary: producers' events come
 * from the intake queues, and the worker's own messages (follow-ups, held events, cancellation
 * markers) from its internal queue alone; anything else is {@link Forged}.
 */
public sealed interface Inbound {

  /** The entity the message was delivered from. */
  String queue();

  /**
   * The broker's identity of the event message this delivery belongs to: {@code <sequence
   * number>@<queue>}, assigned by the broker, never chosen by a producer. Audit and follow-up
   * message ids derive from it, so a re-sent event is a new run.
   */
  String origin();

  /** The event's id, or null when there is none to read. */
  default String eventId() {
    return null;
  }

  /** The event's type as received, or null when there is none to read. */
  default String eventType() {
    return null;
  }

  /**
   * Who asked, on whose word, from which queue, for every audit message of this delivery: the
   * event's source, requester, ticket and reason with the intake queue it arrived on; for what
   * could not be read, the queue it arrived on and what little is known.
   */
  default Provenance provenance() {
    return new Provenance(null, null, null, null, queue());
  }

  /**
   * An event to process: a producer's, from an intake queue, or one the worker held until its
   * {@code effectiveAt} and the broker now delivered from the internal queue.
   *
   * @param event the decoded event
   * @param body the event as received
   * @param intakeQueue the intake queue the event arrived on: its provenance and policy
   * @param held true when the broker held it until its {@code effectiveAt}: it runs now
   * @param awaitingApproval true for a copy held until a second person approved it, delivered
   *     because its approval time ran out: it is not run
   * @param approved the approval that released it, for an approved copy; null otherwise
   */
  record Event(
      OffboardingEvent event,
      byte[] body,
      String queue,
      String intakeQueue,
      String origin,
      boolean held,
      boolean awaitingApproval,
      Approved approved)
      implements Inbound {
    public Event {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(queue, "queue");
      Objects.requireNonNull(intakeQueue, "intakeQueue");
      Objects.requireNonNull(origin, "origin");
      if (awaitingApproval && approved != null) {
        throw new IllegalArgumentException(
            "a held copy awaits its approval or carries it, not both");
      }
    }

    /**
     * An event as a producer sent it, or held until its {@code effectiveAt}: no approval about it.
     */
    public Event(
        OffboardingEvent event,
        byte[] body,
        String queue,
        String intakeQueue,
        String origin,
        boolean held) {
      this(event, body, queue, intakeQueue, origin, held, false, null);
    }

    @Override
    public String eventId() {
      return event.id();
    }

    @Override
    public String eventType() {
      return event.type().wireName();
    }

    @Override
    public Provenance provenance() {
      return Provenance.of(event, intakeQueue);
    }
  }

  /** A follow-up the worker sent itself, from the internal queue, with its event decoded. */
  record FollowUp(Continuation continuation, OffboardingEvent event, String queue)
      implements Inbound {
    public FollowUp {
      Objects.requireNonNull(continuation, "continuation");
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(queue, "queue");
    }

    @Override
    public String origin() {
      return continuation.origin();
    }

    @Override
    public String eventId() {
      return event.id();
    }

    @Override
    public String eventType() {
      return event.type().wireName();
    }

    @Override
    public Provenance provenance() {
      return Provenance.of(event, continuation.queue());
    }
  }

  /**
   * A sign-in watch entry the worker scheduled for itself, from the internal queue: one poll of the
   * sign-in log for the users it names.
   */
  record WatchEntry(dev.offboarding.worker.watch.WatchEntry entry, String queue)
      implements Inbound {
    public WatchEntry {
      Objects.requireNonNull(entry, "entry");
      Objects.requireNonNull(queue, "queue");
    }

    @Override
    public String origin() {
      return entry.origin();
    }

    @Override
    public String eventId() {
      return entry.eventId();
    }

    @Override
    public Provenance provenance() {
      return entry.provenance();
    }
  }

  /**
   * A resume the worker owes a Lifecycle Workflows task, from the internal queue, with its event
   * decoded and its event id read again as the task's.
   */
  record Resume(
      PendingResume resume, OffboardingEvent event, LifecycleTask task, String queue, String origin)
      implements Inbound {
    public Resume {
      Objects.requireNonNull(resume, "resume");
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(queue, "queue");
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String eventId() {
      return event.id();
    }

    @Override
    public String eventType() {
      return event.type().wireName();
    }

    @Override
    public Provenance provenance() {
      return Provenance.of(event, resume.intakeQueue());
    }
  }

  /**
   * A cancellation marker that came due on the internal queue: its life is over. What it said was
   * learnt while it was scheduled; delivered, it asks for nothing.
   */
  record DueMarker(String queue, String origin) implements Inbound {}

  /**
   * A message of a kind its queue may not carry: a follow-up or a marker on a producer's queue, or
   * a producer's event on the worker's own queue. Dead-lettered {@code ForgedInternalMessage}, and
   * acted on in no way: what it claims is not even read.
   *
   * @param kind what it claims to be, in words
   * @param why where such a message may come from, in words
   */
  record Forged(String queue, String origin, String kind, String why) implements Inbound {}

  /**
   * A message of a kind its queue carries that does not decode: an event against the contract, or a
   * malformed follow-up.
   *
   * @param reason the dead-letter reason ({@code InvalidEvent}, {@code InvalidContinuation})
   * @param description the problems, naming no content
   * @param source the event's source when it could be read, or null
   */
  record Invalid(
      String queue,
      String origin,
      String reason,
      String description,
      List<Problem> problems,
      String eventId,
      String eventType,
      String source)
      implements Inbound {
    public Invalid {
      problems = List.copyOf(problems);
    }

    @Override
    public Provenance provenance() {
      return new Provenance(source, null, null, null, queue);
    }
  }

  /** The origin of message {@code sequenceNumber} on {@code queue}. */
  static String origin(long sequenceNumber, String queue) {
    return sequenceNumber + "@" + queue;
  }

  /** True for an origin as {@link #origin(long, String)} writes one. */
  static boolean isOrigin(String origin) {
    int at = origin.indexOf('@');
    return at > 0
        && at <= 19
        && origin.substring(0, at).chars().allMatch(c -> c >= '0' && c <= '9')
        && isEntityName(origin.substring(at + 1));
  }

  /** True for a Service Bus entity name as the worker's configuration accepts one. */
  static boolean isEntityName(String name) {
    return name.matches("[A-Za-z0-9][A-Za-z0-9._/-]{0,259}");
  }
}
