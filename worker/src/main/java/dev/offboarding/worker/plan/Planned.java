package dev.offboarding.worker.plan;

import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Audits;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.audit.Summaries;
import dev.offboarding.worker.tenant.GraphFailure;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * An event's plan for one delivery, or how the delivery settles instead: planning failed
 * transiently (abandon: nothing was written), or the planner refused the event (rejected).
 */
public record Planned(StreamingPlan plan, Settlement settlement) {

  /**
   * Plans {@code event}; when planning fails transiently or the event is refused, audits that and
   * returns how the delivery settles instead.
   */
  public static Planned of(
      Planner planner,
      OffboardingEvent event,
      AuditSink audit,
      boolean redelivery,
      Instant started,
      Clock clock) {
    PlanResult planned;
    try {
      planned = planner.prepare(event);
    } catch (GraphFailure e) {
      // Only transient failures get here (a target that fails for good is reported on its own):
      // the directory or the protected set is unavailable. Nothing was written; try again later.
      return new Planned(null, new Settlement.Abandon("planning failed: " + e.getMessage(), e));
    }
    if (planned instanceof PlanResult.Rejected rejected) {
      return new Planned(
          null,
          Audits.reject(
              audit,
              Summaries.rejected(
                  event.id(),
                  event.type().wireName(),
                  rejected.code() + ": " + rejected.detail(),
                  List.of(),
                  started,
                  clock.instant(),
                  redelivery),
              rejected.code(),
              rejected.detail()));
    }
    return new Planned(((PlanResult.Streamed) planned).plan(), null);
  }
}
