package dev.offboarding.worker.audit;

import dev.offboarding.contracts.ResumeAudit;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.TargetAudit;
import java.util.List;

/**
 * Port: where audit results go. Target results may be published in several calls as they become
 * known; the summary comes last, once. A failure throws {@link AuditException}: the event is then
 * not settled as done, and is processed again.
 */
public interface AuditSink {

  void targets(List<TargetAudit> results);

  void summary(SummaryAudit summary);

  /** How a Lifecycle Workflows task was answered; sinks that carry no such audit refuse it. */
  default void resume(ResumeAudit audit) {
    throw new AuditException("this audit sink publishes no resume audits", null);
  }

  /** Publishing failed; the event must not be completed. */
  final class AuditException extends RuntimeException {
    /**
     * @param message what failed, without user data
     * @param cause the broker's failure, or null
     */
    public AuditException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
