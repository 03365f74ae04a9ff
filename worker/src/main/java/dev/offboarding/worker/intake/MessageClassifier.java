package dev.offboarding.worker.intake;

import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.Problem;
import dev.offboarding.worker.codec.BodyFormat;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.codec.PendingResumeCodec;
import dev.offboarding.worker.codec.WatchEntryCodec;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.lifecycle.LifecycleTask;
import dev.offboarding.worker.lifecycle.PendingResume;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decodes each delivered message once into the one {@link Inbound} kind it is, and decides from the
 * queue it came from whether that kind may come from there:
 *
 * <ul>
 *   <li>an intake queue (producers') carries events only: a follow-up, a cancellation marker, a
 *       pending resume or a sign-in watch entry there is {@link Inbound.Forged}, whatever
 *       application properties it carries;
 *   <li>the internal queue (the worker's own) carries follow-ups, held events (marked by the
 *       {@value #HELD_UNTIL} and {@value #INTAKE_QUEUE} properties, naming a configured intake
 *       queue; a copy awaiting approval also by {@value #AWAITING_APPROVAL}, an approved one by
 *       {@value #APPROVED_BY} and {@value #APPROVAL_ID}) and cancellation markers coming due: a
 *       bare event there, or one whose approval marks do not read, is {@link Inbound.Forged}; and
 *       pending resumes of Lifecycle Workflows tasks ({@link Inbound.Resume}); and sign-in watch
 *       entries ({@link Inbound.WatchEntry}), which every other queue refuses.
 * </ul>
 *
 * Thread-safe.
 */
public final class MessageClassifier {
  /**
   * The application property that marks an event the worker handed to its own queue to wait for its
   * {@code effectiveAt}; its value is that instant. Read on the internal queue only.
   */
  public static final String HELD_UNTIL = "heldUntil";

  /** The application property of a held event naming the intake queue it first arrived on. */
  public static final String INTAKE_QUEUE = "intakeQueue";

  /**
   * The application property ({@code true}) that marks a copy held until a second person approves
   * it; delivered, its approval time ran out. Read on the internal queue only.
   */
  public static final String AWAITING_APPROVAL = "awaitingApproval";

  /**
   * The application property of an approved copy naming who approved it. Read on the internal queue
   * only.
   */
  public static final String APPROVED_BY = "approvedBy";

  /** The application property of an approved copy naming the approve event. */
  public static final String APPROVAL_ID = "approvalId";

  /**
   * The application property of an approved copy listing the users its approval names ({@link
   * Approved#usersProperty}).
   */
  public static final String APPROVED_USERS = "approvedUsers";

  /**
   * The dead-letter reason of a watch entry on the internal queue that does not read as the worker
   * writes one.
   */
  public static final String INVALID_WATCH_ENTRY = "InvalidWatchEntry";

  /** The dead-letter reason of a message of a kind its queue may not carry. */
  public static final String FORGED = "ForgedInternalMessage";

  private final Set<String> intakeQueues;
  private final String internalQueue;
  private final EventCodec events = new EventCodec();
  private final ContinuationCodec continuations = new ContinuationCodec();
  private final WatchEntryCodec watchEntries = new WatchEntryCodec();
  private final PendingResumeCodec resumes = new PendingResumeCodec();

  /**
   * @param intakeQueues the producers' queues the worker takes events from
   * @param internalQueue the worker's own queue
   */
  public MessageClassifier(Set<String> intakeQueues, String internalQueue) {
    this.intakeQueues = Set.copyOf(intakeQueues);
    this.internalQueue = Objects.requireNonNull(internalQueue, "internalQueue");
    if (this.intakeQueues.contains(internalQueue)) {
      throw new IllegalArgumentException("the internal queue cannot be an intake queue");
    }
  }

  /** The worker's own queue. */
  public String internalQueue() {
    return internalQueue;
  }

  /**
   * Classifies one delivery.
   *
   * @param queue the entity it was delivered from
   * @param sequenceNumber the broker's sequence number of the message
   * @param body the body, as sent
   * @param property the message's application properties, by name (null when absent)
   */
  public Inbound classify(
      String queue, long sequenceNumber, byte[] body, Function<String, Object> property) {
    String origin = Inbound.origin(sequenceNumber, queue);
    Kind kind = kindOf(body);
    if (intakeQueues.contains(queue)) {
      if (kind != Kind.EVENT) {
        return new Inbound.Forged(
            queue,
            origin,
            kind.words,
            "only the worker writes "
                + kind.plural
                + ", on "
                + internalQueue
                + "; "
                + queue
                + " is a producer's queue");
      }
      return event(body, queue, queue, origin, false);
    }
    if (!queue.equals(internalQueue)) {
      throw new IllegalArgumentException("not one of the worker's queues: " + queue);
    }
    if (kind == Kind.FOLLOW_UP) {
      return followUp(body, queue, origin);
    }
    if (kind == Kind.MARKER) {
      return new Inbound.DueMarker(queue, origin);
    }
    if (kind == Kind.WATCH) {
      return watchEntry(body, queue, origin);
    }
    if (kind == Kind.PENDING_RESUME) {
      return pendingResume(body, queue, origin);
    }
    Object intake = property.apply(INTAKE_QUEUE);
    if (property.apply(HELD_UNTIL) == null
        || !(intake instanceof String from)
        || !intakeQueues.contains(from)) {
      return new Inbound.Forged(
          queue,
          origin,
          "event",
          "producers' events arrive on "
              + String.join(", ", intakeQueues.stream().sorted().toList())
              + "; "
              + queue
              + " carries only what the worker held itself");
    }
    boolean awaiting =
        Boolean.TRUE.equals(property.apply(AWAITING_APPROVAL))
            || "true".equals(property.apply(AWAITING_APPROVAL));
    Approved approved;
    try {
      approved = approved(property);
    } catch (IllegalArgumentException e) {
      return new Inbound.Forged(
          queue,
          origin,
          "approved event",
          "its approval does not read as the worker writes" + " one (" + e.getMessage() + ")");
    }
    if (awaiting && approved != null) {
      return new Inbound.Forged(
          queue,
          origin,
          "approved event",
          "a held copy awaits its approval or carries it," + " not both");
    }
    return event(body, queue, from, origin, true, awaiting, approved);
  }

  /** The approval an approved copy carries, or null when it carries none. */
  private static Approved approved(Function<String, Object> property) {
    Object by = property.apply(APPROVED_BY);
    Object id = property.apply(APPROVAL_ID);
    Object users = property.apply(APPROVED_USERS);
    if (by == null && id == null && users == null) {
      return null;
    }
    if (!(by instanceof String approver)
        || !(id instanceof String approval)
        || (users != null && !(users instanceof String))) {
      throw new IllegalArgumentException("approvedBy and approvalId must be text");
    }
    return new Approved(approver, approval, Approved.usersFromProperty((String) users));
  }

  private Inbound event(
      byte[] body, String queue, String intakeQueue, String origin, boolean held) {
    return event(body, queue, intakeQueue, origin, held, false, null);
  }

  private Inbound event(
      byte[] body,
      String queue,
      String intakeQueue,
      String origin,
      boolean held,
      boolean awaitingApproval,
      Approved approved) {
    return switch (events.decode(body)) {
      case DecodeResult.Valid v ->
          new Inbound.Event(
              v.event(), body, queue, intakeQueue, origin, held, awaitingApproval, approved);
      case DecodeResult.Invalid i ->
          new Inbound.Invalid(
              queue,
              origin,
              "InvalidEvent",
              describe(i.problems()),
              i.problems(),
              i.eventId(),
              i.eventType(),
              i.source());
    };
  }

  private Inbound followUp(byte[] body, String queue, String origin) {
    Continuation c;
    try {
      c = continuations.decode(body);
    } catch (IllegalArgumentException e) {
      return new Inbound.Invalid(
          queue, origin, "InvalidContinuation", e.getMessage(), List.of(), null, null, null);
    }
    if (!intakeQueues.contains(c.queue())) {
      return new Inbound.Invalid(
          queue,
          origin,
          "InvalidContinuation",
          "the follow-up names a queue the worker takes no events from",
          List.of(),
          null,
          null,
          null);
    }
    return switch (events.decode(c.event())) {
      case DecodeResult.Valid v -> new Inbound.FollowUp(c, v.event(), queue);
      case DecodeResult.Invalid i ->
          new Inbound.Invalid(
              queue,
              origin,
              "InvalidContinuation",
              "its event: " + describe(i.problems()),
              i.problems(),
              i.eventId(),
              i.eventType(),
              i.source());
    };
  }

  private Inbound pendingResume(byte[] body, String queue, String origin) {
    PendingResume r;
    try {
      r = resumes.decode(body);
    } catch (IllegalArgumentException e) {
      return new Inbound.Invalid(
          queue, origin, "InvalidPendingResume", e.getMessage(), List.of(), null, null, null);
    }
    if (!intakeQueues.contains(r.intakeQueue())) {
      return new Inbound.Invalid(
          queue,
          origin,
          "InvalidPendingResume",
          "the pending resume names a queue the worker takes no events from",
          List.of(),
          null,
          null,
          null);
    }
    return switch (events.decode(r.event())) {
      case DecodeResult.Valid v ->
          LifecycleTask.parse(v.event().id()) instanceof LifecycleTask.Named named
              ? new Inbound.Resume(r, v.event(), named.task(), queue, r.origin())
              : new Inbound.Invalid(
                  queue,
                  origin,
                  "InvalidPendingResume",
                  "its event's id does not name a Lifecycle Workflows task",
                  List.of(),
                  v.event().id(),
                  v.event().type().wireName(),
                  v.event().source());
      case DecodeResult.Invalid i ->
          new Inbound.Invalid(
              queue,
              origin,
              "InvalidPendingResume",
              "its event: " + describe(i.problems()),
              i.problems(),
              i.eventId(),
              i.eventType(),
              i.source());
    };
  }

  private Inbound watchEntry(byte[] body, String queue, String origin) {
    dev.offboarding.worker.watch.WatchEntry entry;
    try {
      entry = watchEntries.decode(body);
    } catch (IllegalArgumentException e) {
      return new Inbound.Invalid(
          queue, origin, INVALID_WATCH_ENTRY, e.getMessage(), List.of(), null, null, null);
    }
    if (!intakeQueues.contains(entry.provenance().queue())) {
      return new Inbound.Invalid(
          queue,
          origin,
          INVALID_WATCH_ENTRY,
          "the watch entry names a queue the worker takes no events from",
          List.of(),
          null,
          null,
          null);
    }
    return new Inbound.WatchEntry(entry, queue);
  }

  /** What a body claims to be, by its format member. */
  private enum Kind {
    EVENT("event", "events"),
    FOLLOW_UP("follow-up", "follow-ups"),
    MARKER("cancellation marker", "cancellation markers"),
    PENDING_RESUME("pending resume", "pending resumes"),
    WATCH("sign-in watch entry", "sign-in watch entries");

    final String words;
    final String plural;

    Kind(String words, String plural) {
      this.words = words;
      this.plural = plural;
    }
  }

  /** What kind a body claims to be, by its format member ({@link BodyFormat}). */
  private static Kind kindOf(byte[] body) {
    return switch (BodyFormat.of(body)) {
      case FOLLOW_UP -> Kind.FOLLOW_UP;
      case MARKER -> Kind.MARKER;
      case WATCH -> Kind.WATCH;
      case PENDING_RESUME -> Kind.PENDING_RESUME;
      case EVENT -> Kind.EVENT;
    };
  }

  private static String describe(List<Problem> problems) {
    return problems.stream().map(Problem::toString).collect(Collectors.joining("; "));
  }
}
