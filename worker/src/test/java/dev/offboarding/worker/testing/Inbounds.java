package dev.offboarding.worker.testing;

import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.intake.MessageClassifier;
import java.util.Set;

/**
 * Messages as the worker's intake decodes them, for tests that hand a body straight to the
 * processor: through the production {@link MessageClassifier}, with the project's queue names.
 */
public final class Inbounds {
  public static final String EVENTS = "offboarding-events";
  public static final String URGENT = "offboarding-urgent";
  public static final String OPS = "offboarding-ops";
  public static final String INTERNAL = "offboarding-internal";
  public static final MessageClassifier CLASSIFIER =
      new MessageClassifier(Set.of(EVENTS, URGENT, OPS), INTERNAL);

  private Inbounds() {}

  /**
   * A body delivered from where a body of its kind belongs: a follow-up from the worker's own
   * queue, an event (valid or not) from the events queue, as message {@code sequenceNumber}.
   */
  public static Inbound of(byte[] body, String sequenceNumber) {
    Inbound asEvent =
        CLASSIFIER.classify(EVENTS, Long.parseLong(sequenceNumber), body, name -> null);
    return asEvent instanceof Inbound.Forged
        ? CLASSIFIER.classify(INTERNAL, Long.parseLong(sequenceNumber), body, name -> null)
        : asEvent;
  }

  /**
   * An event as its sender put it on intake queue {@code queue}, delivered as message {@code
   * sequenceNumber}.
   */
  public static Inbound from(String queue, byte[] body, long sequenceNumber) {
    return CLASSIFIER.classify(queue, sequenceNumber, body, name -> null);
  }

  /**
   * A copy the worker held until a second person approved it, delivered because its time ran out.
   */
  public static Inbound awaitingApproval(byte[] body, String intakeQueue, long sequenceNumber) {
    return CLASSIFIER.classify(
        INTERNAL,
        sequenceNumber,
        body,
        name ->
            switch (name) {
              case MessageClassifier.HELD_UNTIL -> "2026-01-01T00:00:00Z";
              case MessageClassifier.INTAKE_QUEUE -> intakeQueue;
              case MessageClassifier.AWAITING_APPROVAL -> Boolean.TRUE;
              default -> null;
            });
  }

  /** A held copy a second person approved, released on the worker's own queue. */
  public static Inbound approved(
      byte[] body, String intakeQueue, Approved approved, long sequenceNumber) {
    return CLASSIFIER.classify(
        INTERNAL,
        sequenceNumber,
        body,
        name ->
            switch (name) {
              case MessageClassifier.HELD_UNTIL -> "2026-01-01T00:00:00Z";
              case MessageClassifier.INTAKE_QUEUE -> intakeQueue;
              case MessageClassifier.APPROVED_BY -> approved.approvedBy();
              case MessageClassifier.APPROVAL_ID -> approved.approvalId();
              case MessageClassifier.APPROVED_USERS ->
                  approved.users().isEmpty() ? null : approved.usersProperty();
              default -> null;
            });
  }

  /** An event held by the worker until its effectiveAt, now delivered from its own queue. */
  public static Inbound held(byte[] body, String sequenceNumber) {
    return CLASSIFIER.classify(
        INTERNAL,
        Long.parseLong(sequenceNumber),
        body,
        name ->
            switch (name) {
              case MessageClassifier.HELD_UNTIL -> "2026-01-01T00:00:00Z";
              case MessageClassifier.INTAKE_QUEUE -> EVENTS;
              default -> null;
            });
  }
}
