package dev.offboarding.worker.audit;

import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * How one delivery hands its audit to the sink: results in batches, and the refusal of a message.
 */
public final class Audits {
  /** How many target results go to the sink in one call. */
  static final int CHUNK = 100;

  private Audits() {}

  /** Collects results and hands them to {@code audit} {@link #CHUNK} at a time. */
  public static final class Batch implements Consumer<TargetAudit> {
    private final AuditSink audit;
    private final Runnable afterEach;
    private final List<TargetAudit> pending = new ArrayList<>(CHUNK);

    /**
     * @param afterEach run after each full batch went out (the delivery's heartbeat)
     */
    public Batch(AuditSink audit, Runnable afterEach) {
      this.audit = audit;
      this.afterEach = afterEach;
    }

    @Override
    public void accept(TargetAudit result) {
      pending.add(result);
      if (pending.size() == CHUNK) {
        flush();
        afterEach.run();
      }
    }

    /** Hands what is left to the sink. */
    public void flush() {
      if (!pending.isEmpty()) {
        audit.targets(List.copyOf(pending));
        pending.clear();
      }
    }
  }

  /**
   * A SKIPPED result for a user the event no longer reaches, or one not written for {@code why}.
   */
  public static TargetAudit skipped(
      OffboardingEvent event, String userId, String why, boolean redelivery) {
    return TargetAudit.builder(event.id(), TargetOutcome.SKIPPED)
        .userId(userId)
        .detail(why)
        .actions(event.effectiveActions().stream().map(a -> ActionResult.skipped(a, why)).toList())
        .redelivery(redelivery)
        .build();
  }

  /**
   * Publishes the REJECTED summary, then dead-letters; abandons when the summary did not go out.
   */
  public static Settlement reject(
      AuditSink audit, SummaryAudit summary, String reason, String description) {
    try {
      audit.summary(summary);
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon("rejection audit not published: " + e.getMessage(), e);
    }
    return new Settlement.DeadLetter(reason, description);
  }
}
