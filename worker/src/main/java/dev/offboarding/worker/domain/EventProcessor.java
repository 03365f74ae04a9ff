package dev.offboarding.worker.domain;

import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Problem;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.TargetAudit;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
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

  private final Progress progress;

  public EventProcessor(EventCodec codec, Planner planner, Executor executor, Clock clock) {
    this(codec, planner, executor, clock, Progress.NONE);
  }

  public EventProcessor(EventCodec codec, Planner planner, Executor executor, Clock clock, Progress progress) {
    this.codec = codec;
    this.planner = planner;
    this.executor = executor;
    this.clock = clock;
    this.progress = progress;
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
    return process(body, redelivery, audit, () -> {});
  }

  /**
   * Processes one delivery of an event, calling {@code heartbeat} each time a chunk of results has
   * been published (at least every {@value #AUDIT_CHUNK} users) and once after planning: intake
   * can renew the message lock there when its client does not renew it by itself.
   */
  public Settlement process(byte[] body, boolean redelivery, AuditSink audit, Runnable heartbeat)
      throws InterruptedException {
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
      planned = planner.prepare(event);
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
    StreamingPlan plan = ((PlanResult.Streamed) planned).plan();
    heartbeat.run();

    // Results go out in chunks as users finish: a huge group never sits in memory.
    List<TargetAudit> chunk = new ArrayList<>(AUDIT_CHUNK);
    Consumer<TargetAudit> publish = result -> {
      chunk.add(result);
      if (chunk.size() == AUDIT_CHUNK) {
        flush(audit, chunk);
        heartbeat.run();
      }
    };
    Executor.Outcome outcome = executor.execute(plan, redelivery, publish, progress);
    try {
      if (outcome.end() == Executor.End.SINK_FAILED) {
        throw outcome.failure();
      }
      flush(audit, chunk);
      audit.summary(Summaries.of(event, outcome.counts(), plan.skippedMembers(), plan.userCount(), started,
          clock.instant(), redelivery));
    } catch (AuditSink.AuditException e) {
      // The writes are idempotent: processing again is safe, losing the audit is not.
      return new Settlement.Abandon("audit not published: " + e.getMessage(), e);
    }
    return switch (outcome.end()) {
      // Graph was unavailable to some users until every attempt was spent: their results are
      // audited FAILED, and the event is processed again later rather than left half done. Disable
      // and revoke are idempotent, so the users already done are safely done again.
      case DONE -> outcome.retriesExhausted() == 0 ? new Settlement.Complete()
          : new Settlement.Abandon("Graph unavailable: " + outcome.retriesExhausted()
              + " user(s) not written after every retry", null);
      // Everyone not reached is audited FAILED; a redelivery finishes the job (writes are idempotent).
      case DIRECTORY_FAILED -> new Settlement.Abandon("directory failed during execution: "
          + outcome.failure().getMessage(), outcome.failure());
      case INTERRUPTED -> throw new InterruptedException("interrupted while executing event " + event.id());
      case SINK_FAILED -> throw new IllegalStateException("unreachable");
    };
  }

  private static void flush(AuditSink audit, List<TargetAudit> chunk) {
    if (!chunk.isEmpty()) {
      audit.targets(List.copyOf(chunk));
      chunk.clear();
    }
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
