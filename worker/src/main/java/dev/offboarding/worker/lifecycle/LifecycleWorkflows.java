package dev.offboarding.worker.lifecycle;

import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.ResumeAudit;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.continuation.FollowUps;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The worker's side of Lifecycle Workflows, for events whose id names a task ({@link
 * LifecycleTask}):
 *
 * <ul>
 *   <li>with {@code LIFECYCLE_WORKFLOWS_RESUME} on, an event whose id claims to name a task is
 *       taken only when the id is exactly {@code lcw/<guid>/<guid>/<guid>} and the event is a
 *       leaver event from the events queue ({@code SERVICEBUS_QUEUE}) with exactly one user target;
 *       else it is REJECTED and dead-lettered {@value #INVALID} before any Graph call;
 *   <li>every summary of such an event that is not final is flagged {@code lifecycleTaskWaits} (the
 *       task's callback times out after at most 3 hours), whether resuming is on or not;
 *   <li>with resuming on, its final summary is followed, before the delivery is settled, by a
 *       {@link PendingResume} on the worker's own queue: {@code completed} when every target result
 *       was SUCCEEDED (an account found already disabled is SUCCEEDED), else {@code failed}.
 * </ul>
 *
 * Thread-safe.
 */
public final class LifecycleWorkflows {
  /** The dead-letter reason of an event that claims a task and breaks the rules above. */
  public static final String INVALID = "InvalidLifecycleTask";

  private final boolean resume;
  private final String eventsQueue;

  private LifecycleWorkflows(boolean resume, String eventsQueue) {
    this.resume = resume;
    this.eventsQueue = eventsQueue;
  }

  /** Resuming off: events are only flagged while they wait. */
  public static LifecycleWorkflows off() {
    return new LifecycleWorkflows(false, null);
  }

  /** Resuming on, for events from {@code eventsQueue} ({@code SERVICEBUS_QUEUE}). */
  public static LifecycleWorkflows resuming(String eventsQueue) {
    return new LifecycleWorkflows(true, Objects.requireNonNull(eventsQueue, "eventsQueue"));
  }

  /** True when the worker resumes tasks ({@code LIFECYCLE_WORKFLOWS_RESUME}). */
  public boolean resumes() {
    return resume;
  }

  /**
   * Why an event may not be taken as a task's, or null. Null for every event while resuming is off,
   * and for events whose id does not claim a task.
   */
  public String refusal(OffboardingEvent event, String intakeQueue) {
    if (!resume) {
      return null;
    }
    return switch (LifecycleTask.parse(event.id())) {
      case LifecycleTask.NotATask n -> null;
      case LifecycleTask.Malformed m -> m.why();
      case LifecycleTask.Named t -> ruleBroken(event, intakeQueue);
    };
  }

  /** What in the event breaks the rule for tasks' events, or null; the event id is a task's. */
  public String ruleBroken(OffboardingEvent event, String intakeQueue) {
    if (event.type() != EventType.LEAVER) {
      return "an event whose id names a Lifecycle Workflows task must be a "
          + EventType.LEAVER.wireName()
          + " event";
    }
    if (resume && !eventsQueue.equals(intakeQueue)) {
      return "an event whose id names a Lifecycle Workflows task must arrive on " + eventsQueue;
    }
    List<Target> targets = event.data().targets();
    if (targets.size() != 1 || !(targets.get(0) instanceof Target.User)) {
      return "an event whose id names a Lifecycle Workflows task has exactly one user target";
    }
    return null;
  }

  /**
   * The audit sink of one delivery of {@code event}: {@code audit} itself when the event's id names
   * no task, else one that flags the summaries that are not final and, when resuming, sends the
   * pending resume after the final summary is published.
   *
   * @param body the event as received
   * @param origin the broker's identity of the event message
   * @param intakeQueue the intake queue the event arrived on
   * @param followUps the worker's own queue
   */
  public AuditSink sink(
      AuditSink audit,
      OffboardingEvent event,
      byte[] body,
      String origin,
      String intakeQueue,
      FollowUps followUps) {
    if (!(LifecycleTask.parse(event.id()) instanceof LifecycleTask.Named)) {
      return audit;
    }
    return new AuditSink() {
      @Override
      public void targets(List<TargetAudit> results) {
        audit.targets(results);
      }

      @Override
      public void summary(SummaryAudit summary) {
        if (!event.id().equals(summary.eventId())) {
          audit.summary(summary);
          return;
        }
        if (!summary.finalSummary()) {
          audit.summary(summary.lifecycleTaskWaits() ? summary : summary.withLifecycleTaskWaits());
          return;
        }
        audit.summary(summary);
        if (resume && eventsQueue.equals(intakeQueue)) {
          followUps.pendingResume(
              event.id(),
              new PendingResume(
                  body, origin, intakeQueue, operationStatus(summary), summary.status()));
        }
      }

      @Override
      public void resume(ResumeAudit resumeAudit) {
        audit.resume(resumeAudit);
      }
    };
  }

  /**
   * {@code completed} when the final summary says every target result was SUCCEEDED (at least one,
   * and no other outcome), else {@code failed}: PARTIAL, FAILED, REJECTED, CANCELLED, DRY_RUN, and
   * a COMPLETED event whose user was not found, protected or skipped.
   */
  public static String operationStatus(SummaryAudit summary) {
    if (summary.status() != SummaryStatus.COMPLETED) {
      return "failed";
    }
    Map<TargetOutcome, Integer> counts = summary.counts();
    boolean onlySucceeded =
        counts.getOrDefault(TargetOutcome.SUCCEEDED, 0) > 0
            && counts.entrySet().stream()
                .allMatch(e -> e.getKey() == TargetOutcome.SUCCEEDED || e.getValue() == 0);
    return onlySucceeded ? "completed" : "failed";
  }
}
