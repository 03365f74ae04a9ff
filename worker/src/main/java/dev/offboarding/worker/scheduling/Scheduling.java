package dev.offboarding.worker.scheduling;

import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Problem;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Audits;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.audit.Summaries;
import dev.offboarding.worker.continuation.FollowUps;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.process.EventProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Events that take effect later: nothing is planned; the broker holds the event on the worker's own
 * queue until its {@code effectiveAt} ({@link FollowUps#hold}) and a SCHEDULED summary says so.
 * Beyond the horizon it is rejected: a date decades ahead is a producer's mistake, and a message
 * held that long would outlive anyone's memory of it. Thread-safe.
 */
public final class Scheduling {
  private final Duration maxScheduleAhead;
  private final Clock clock;

  /**
   * @param maxScheduleAhead how far ahead an {@code effectiveAt} may lie ({@code
   *     MAX_SCHEDULE_AHEAD})
   */
  public Scheduling(Duration maxScheduleAhead, Clock clock) {
    if (maxScheduleAhead.isNegative() || maxScheduleAhead.isZero()) {
      throw new IllegalArgumentException("maxScheduleAhead must be positive");
    }
    this.maxScheduleAhead = maxScheduleAhead;
    this.clock = clock;
  }

  /** True when the event must wait: it takes effect later and the broker has not held it yet. */
  public boolean mustWait(Inbound.Event message, Instant now) {
    return !message.held() && message.event().dueAfter(now);
  }

  /**
   * Holds an event whose {@code effectiveAt} is later: refused beyond the scheduling horizon, else
   * scheduled on the worker's own queue for then and audited as held; nothing is written.
   */
  public Settlement hold(EventProcessor.Work work, Inbound.Event message, Instant started) {
    OffboardingEvent event = message.event();
    Instant due = event.data().effectiveAt();
    Instant horizon = started.plus(maxScheduleAhead);
    if (due.isAfter(horizon)) {
      String detail =
          "effectiveAt "
              + due
              + " is more than "
              + maxScheduleAhead
              + " ahead (MAX_SCHEDULE_AHEAD)";
      return Audits.reject(
          work.audit(),
          Summaries.rejected(
              event.id(),
              event.type().wireName(),
              "ScheduleTooFarAhead: " + detail,
              List.of(
                  new Problem("$.data.effectiveAt", "more than " + maxScheduleAhead + " ahead")),
              started,
              clock.instant(),
              work.redelivery()),
          "ScheduleTooFarAhead",
          detail);
    }
    try {
      work.followUps().hold(message, due);
      work.audit()
          .summary(Summaries.scheduled(event, due, started, clock.instant(), work.redelivery()));
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon("event not scheduled: " + e.getMessage(), e);
    }
    return new Settlement.Complete();
  }
}
