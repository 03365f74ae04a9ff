package dev.offboarding.worker.domain;

import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Problem;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.TargetAudit;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One event, start to finish: decode and validate, plan, execute, publish the audit, and decide
 * the settlement. Knows nothing of Service Bus or Graph; thread-safe, one call per delivery.
 */
public final class EventProcessor {
  /** How many target results go to the sink in one call. */
  static final int AUDIT_CHUNK = 100;

  private final EventCodec codec;
  private final Planner planner;
  private final Executor executor;
  private final Clock clock;

  public EventProcessor(EventCodec codec, Planner planner, Executor executor, Clock clock) {
    this.codec = codec;
    this.planner = planner;
    this.executor = executor;
    this.clock = clock;
  }

  /**
   * Processes one delivery of an event.
   *
   * @param body the message body
   * @param redelivery true when the message was delivered before
   * @param audit where this event's audit goes
   * @return how to settle the message; never throws except on interruption
   */
  public Settlement process(byte[] body, boolean redelivery, AuditSink audit) throws InterruptedException {
    Instant started = clock.instant();
    DecodeResult decoded = codec.decode(body);
    if (decoded instanceof DecodeResult.Invalid invalid) {
      String description = invalid.problems().stream().map(Problem::toString).collect(Collectors.joining("; "));
      return reject(audit, Summaries.rejected(invalid.eventId(), invalid.eventType(), "InvalidEvent: " + description,
          invalid.problems(), started, clock.instant(), redelivery), "InvalidEvent", description);
    }
    OffboardingEvent event = ((DecodeResult.Valid) decoded).event();

    PlanResult planned;
    try {
      planned = planner.plan(event);
    } catch (GraphFailure e) {
      // Reading the directory failed. Transient or not, the event itself is fine: try again later
      // rather than burn it into the dead-letter queue.
      return new Settlement.Abandon("planning failed: " + e.getMessage(), e);
    }
    if (planned instanceof PlanResult.Rejected rejected) {
      return reject(audit, Summaries.rejected(event.id(), event.type().wireName(),
          rejected.code() + ": " + rejected.detail(), List.of(), started, clock.instant(), redelivery),
          rejected.code(), rejected.detail());
    }
    Plan plan = ((PlanResult.Ready) planned).plan();

    List<TargetAudit> results = executor.execute(plan, redelivery);
    SummaryAudit summary = Summaries.of(plan, results, started, clock.instant(), redelivery);
    try {
      for (int i = 0; i < results.size(); i += AUDIT_CHUNK) {
        audit.targets(results.subList(i, Math.min(results.size(), i + AUDIT_CHUNK)));
      }
      audit.summary(summary);
    } catch (AuditSink.AuditException e) {
      // The writes are idempotent: processing again is safe, losing the audit is not.
      return new Settlement.Abandon("audit not published: " + e.getMessage(), e);
    }
    return new Settlement.Complete();
  }

  private static Settlement reject(AuditSink audit, SummaryAudit summary, String reason, String description) {
    try {
      audit.summary(summary);
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon("rejection audit not published: " + e.getMessage(), e);
    }
    return new Settlement.DeadLetter(reason, description);
  }
}
