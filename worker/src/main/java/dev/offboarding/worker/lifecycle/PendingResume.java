package dev.offboarding.worker.lifecycle;

import dev.offboarding.contracts.ResumeAudit;
import dev.offboarding.contracts.SummaryStatus;
import java.util.Objects;

/**
 * A resume the worker owes a Lifecycle Workflows task: sent to its own queue before the delivery
 * that published the event's final summary is settled, and taken from there by any replica, so a
 * restart between the summary and the Graph call neither loses nor repeats it. Its message id is
 * derived from the event id, so the queue's duplicate detection drops a second copy.
 *
 * @param event the event as received, read again by the event codec when the resume is taken
 * @param origin the broker's identity of the event message
 * @param intakeQueue the intake queue the event arrived on
 * @param operationStatus {@code completed} or {@code failed}
 * @param summaryStatus the final status of the event's summary
 */
public record PendingResume(
    byte[] event,
    String origin,
    String intakeQueue,
    String operationStatus,
    SummaryStatus summaryStatus) {
  public PendingResume {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(intakeQueue, "intakeQueue");
    if (!ResumeAudit.OPERATION_STATUSES.contains(operationStatus)) {
      throw new IllegalArgumentException("operationStatus must be completed or failed");
    }
    Objects.requireNonNull(summaryStatus, "summaryStatus");
    if (summaryStatus.followedByAnother()) {
      throw new IllegalArgumentException("a resume follows a final summary only");
    }
  }
}
