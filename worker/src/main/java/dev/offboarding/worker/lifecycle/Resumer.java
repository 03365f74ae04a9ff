package dev.offboarding.worker.lifecycle;

import dev.offboarding.contracts.ResumeAudit;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.execute.Retries;
import dev.offboarding.worker.execute.RetryLoop;
import dev.offboarding.worker.execute.WriteBudget;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Takes a pending resume from the worker's own queue and calls Graph's resume once: through the
 * tenant write budget (it is a write: bulk priority) and under the same retry policy as every write
 * (429 honouring {@code Retry-After}, 5xx, timeouts). Its outcome is published as a {@code
 * dev.offboarding.audit.resume.v1} audit before the pending resume is completed:
 *
 * <ul>
 *   <li>a 2xx: RESUMED;
 *   <li>a 4xx (not 429): REFUSED with Graph's status and code, never retried. Graph documents no
 *       answer for a result that is no longer in progress; a redelivered pending resume whose
 *       earlier call was accepted meets such an answer, and its audit says it was a redelivery;
 *   <li>transient failures past the retry policy: nothing is audited and the pending resume is
 *       abandoned, so the broker delivers it again (and dead-letters it after its delivery count).
 * </ul>
 *
 * Thread-safe.
 */
public final class Resumer {
  private static final System.Logger LOG = System.getLogger(Resumer.class.getName());

  /** The {@code source} of every resume request: who answers the task. */
  public static final String SOURCE = "offboarding-worker";

  /** The {@code type} of every resume request, as Graph's documentation shows it. */
  public static final String TYPE = "lifecycleEvent";

  /** Outcomes counted: {@code resumed}, {@code refused}, {@code abandoned}. */
  public static final java.util.List<String> OUTCOMES =
      java.util.List.of("resumed", "refused", "abandoned");

  private final TaskResumes graph;
  private final WriteBudget budget;
  private final Retries retries;
  private final Sleeper sleeper;
  private final Consumer<String> counted;

  /**
   * @param counted told each outcome, one of {@link #OUTCOMES}
   */
  public Resumer(
      TaskResumes graph,
      WriteBudget budget,
      Retries retries,
      Sleeper sleeper,
      Consumer<String> counted) {
    this.graph = Objects.requireNonNull(graph, "graph");
    this.budget = Objects.requireNonNull(budget, "budget");
    this.retries = Objects.requireNonNull(retries, "retries");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.counted = Objects.requireNonNull(counted, "counted");
  }

  /**
   * Resumes the task of one pending resume and audits the answer.
   *
   * @return Complete once the outcome is audited; Abandon when Graph stayed unavailable or the
   *     audit was not published
   */
  public Settlement resume(Inbound.Resume message, AuditSink audit, boolean redelivery)
      throws InterruptedException {
    LifecycleTask task = message.task();
    PendingResume pending = message.resume();
    Answer answer =
        RetryLoop.run(
            retries,
            sleeper,
            new RetryLoop.Call<>() {
              @Override
              public Optional<Answer> beforeAttempt(int attemptsMade) throws InterruptedException {
                budget.acquire(false);
                return Optional.empty();
              }

              @Override
              public Answer attempt(int attempt) {
                String requestId = graph.resume(task, pending.operationStatus());
                budget.onAccepted();
                return new Answer(
                    resumeAudit(
                        message,
                        redelivery,
                        ResumeAudit.Outcome.RESUMED,
                        attempt,
                        null,
                        null,
                        requestId),
                    null);
              }

              @Override
              public void afterFailure(GraphFailure failure) {
                if (failure.kind() == GraphFailure.Kind.THROTTLED) {
                  budget.onThrottled(failure.retryAfter().orElse(Duration.ofSeconds(1)));
                }
              }

              @Override
              public Answer gaveUp(GraphFailure failure, int attempts) {
                // A 4xx other than 429 is final: Graph refused; anything else was transient.
                if (!failure.isTransient() && failure.status() >= 400 && failure.status() < 500) {
                  return new Answer(
                      resumeAudit(
                          message,
                          redelivery,
                          ResumeAudit.Outcome.REFUSED,
                          attempts,
                          failure.status(),
                          code(failure),
                          requestId(failure)),
                      null);
                }
                return new Answer(
                    null,
                    new Settlement.Abandon(
                        "resuming Lifecycle Workflows task failed after "
                            + attempts
                            + " attempt(s): "
                            + failure.getMessage(),
                        failure));
              }
            });
    if (answer.abandoned() != null) {
      counted.accept("abandoned");
      return answer.abandoned();
    }
    ResumeAudit result = answer.audit();
    try {
      audit.resume(result);
    } catch (AuditSink.AuditException e) {
      // Graph has answered; a delivery again meets a result no longer in progress, and says so.
      return new Settlement.Abandon("resume audit not published: " + e.getMessage(), e);
    }
    if (result.outcome() == ResumeAudit.Outcome.RESUMED) {
      counted.accept("resumed");
      LOG.log(
          System.Logger.Level.INFO,
          "Lifecycle Workflows task of event "
              + message.eventId()
              + " resumed: "
              + pending.operationStatus());
    } else {
      counted.accept("refused");
      // The event id is lcw/ and three GUIDs (checked), Graph's code a short token: nothing else
      // is logged.
      LOG.log(
          System.Logger.Level.WARNING,
          "Lifecycle Workflows task of event "
              + message.eventId()
              + " refused the resume: HTTP "
              + result.httpStatus()
              + " "
              + result.errorCode()
              + (redelivery ? " (a redelivery: an earlier call was most likely accepted)" : ""));
    }
    return new Settlement.Complete();
  }

  /** What the retried call came to: an audit to publish, or the pending resume abandoned. */
  private record Answer(ResumeAudit audit, Settlement.Abandon abandoned) {}

  private static ResumeAudit resumeAudit(
      Inbound.Resume message,
      boolean redelivery,
      ResumeAudit.Outcome outcome,
      int attempts,
      Integer httpStatus,
      String errorCode,
      String requestId) {
    LifecycleTask task = message.task();
    PendingResume pending = message.resume();
    return new ResumeAudit(
        message.eventId(),
        task.workflowId(),
        task.taskId(),
        task.resultId(),
        pending.operationStatus(),
        pending.summaryStatus(),
        outcome,
        attempts,
        httpStatus,
        errorCode,
        requestId,
        redelivery,
        message.provenance());
  }

  private static String code(GraphFailure failure) {
    String code = failure.errorCode();
    if (code == null || code.isBlank()) {
      return "Http" + failure.status();
    }
    return code.length() > ResumeAudit.MAX_TEXT ? code.substring(0, ResumeAudit.MAX_TEXT) : code;
  }

  private static String requestId(GraphFailure failure) {
    String id = failure.requestId();
    return id == null
            || id.isBlank()
            || id.length() > ResumeAudit.MAX_TEXT
            || id.chars().anyMatch(Character::isISOControl)
        ? null
        : id;
  }
}
