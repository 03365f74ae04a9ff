package dev.offboarding.worker.audit;

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

  /** Publishing failed; the event must not be completed. */
  final class AuditException extends RuntimeException {
    public AuditException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
