package dev.offboarding.contracts;

import java.util.Objects;
import java.util.Set;

/**
 * The {@code data} of a {@code dev.offboarding.audit.resume.v1} message: how the worker answered
 * the Lifecycle Workflows task that an event's id names ({@code lcw/<workflow>/<task>/<result>}),
 * once the event's final summary was out.
 *
 * <p>The worker calls Graph's {@code POST
 * /identityGovernance/lifecycleWorkflows/workflows/{w}/tasks/{t}/taskProcessingResults/{r}/resume}
 * once with {@code operationStatus} {@code completed} when every target result of the event was
 * SUCCEEDED, else {@code failed}. {@link Outcome#RESUMED}: Graph accepted it. {@link
 * Outcome#REFUSED}: Graph answered with a 4xx (unknown or mismatched ids, a result no longer in
 * progress, no right to resume), which is recorded and not retried; on a redelivery, a 400 most
 * likely means an earlier delivery's call was accepted.
 *
 * @param eventId the event's id, the {@code lcw/...} text
 * @param workflowId the workflow's id (GUID), from the event id
 * @param taskId the task's id (GUID), from the event id
 * @param taskProcessingResultId the task processing result's id (GUID), from the event id
 * @param operationStatus {@code completed} or {@code failed}, as sent
 * @param summaryStatus the final status of the event's summary the answer follows
 * @param outcome what Graph answered
 * @param attempts requests sent, at least 1
 * @param httpStatus for REFUSED the HTTP status (400–499); null for RESUMED
 * @param errorCode for REFUSED Graph's error code; null otherwise
 * @param requestId Graph's {@code request-id} of the last answer, when it sent one
 * @param redelivery true when the worker's pending resume had been delivered before
 * @param provenance who asked for the event, and from which queue
 */
public record ResumeAudit(
    String eventId,
    String workflowId,
    String taskId,
    String taskProcessingResultId,
    String operationStatus,
    SummaryStatus summaryStatus,
    Outcome outcome,
    int attempts,
    Integer httpStatus,
    String errorCode,
    String requestId,
    boolean redelivery,
    Provenance provenance) {

  public static final String TYPE = "dev.offboarding.audit.resume.v1";

  /** The two values of Graph's {@code customTaskExtensionOperationStatus} the worker sends. */
  public static final Set<String> OPERATION_STATUSES = Set.of("completed", "failed");

  /** The longest error code or request id kept. */
  public static final int MAX_TEXT = 256;

  /** What Graph answered. */
  public enum Outcome {
    /** Graph accepted the resume (2xx). */
    RESUMED,
    /** Graph refused it with a 4xx; not retried. */
    REFUSED
  }

  public ResumeAudit {
    if (!Text.isPrintable(eventId, 256)) {
      throw new IllegalArgumentException(
          "eventId must be non-blank, at most 256 characters, without control characters");
    }
    for (String id : new String[] {workflowId, taskId, taskProcessingResultId}) {
      if (!Target.isGuid(id)) {
        throw new IllegalArgumentException(
            "workflowId, taskId and taskProcessingResultId must be GUIDs");
      }
    }
    if (!OPERATION_STATUSES.contains(operationStatus)) {
      throw new IllegalArgumentException("operationStatus must be completed or failed");
    }
    Objects.requireNonNull(summaryStatus, "summaryStatus");
    if (summaryStatus.followedByAnother()) {
      throw new IllegalArgumentException("a task is resumed after its event's final summary only");
    }
    Objects.requireNonNull(outcome, "outcome");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1");
    }
    if (outcome == Outcome.REFUSED) {
      if (httpStatus == null || httpStatus < 400 || httpStatus > 499) {
        throw new IllegalArgumentException("a refused resume carries its 4xx httpStatus");
      }
      if (!Text.isPrintable(errorCode, MAX_TEXT)) {
        throw new IllegalArgumentException("a refused resume carries Graph's errorCode");
      }
    } else if (httpStatus != null || errorCode != null) {
      throw new IllegalArgumentException("only a refused resume carries httpStatus and errorCode");
    }
    if (requestId != null && !Text.isPrintable(requestId, MAX_TEXT)) {
      throw new IllegalArgumentException(
          "requestId must be at most " + MAX_TEXT + " printable characters");
    }
    Objects.requireNonNull(provenance, "provenance");
  }
}
