package dev.offboarding.worker.lifecycle;

import dev.offboarding.worker.tenant.GraphFailure;

/**
 * Port: Graph's {@code POST
 * /identityGovernance/lifecycleWorkflows/workflows/{w}/tasks/{t}/taskProcessingResults/{r}/resume}.
 * Each call is exactly one attempt (the {@link Resumer} owns retries and the write budget).
 * Implementations are safe for concurrent use.
 */
public interface TaskResumes {

  /**
   * Resumes the task processing result with {@code operationStatus} ({@code completed} or {@code
   * failed}).
   *
   * @return Graph's {@code request-id}, or null when it sent none
   * @throws GraphFailure when Graph did not accept it
   */
  String resume(LifecycleTask task, String operationStatus);
}
