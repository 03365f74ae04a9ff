package dev.offboarding.worker.scheduling;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.Cancellation;
import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Audits;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.audit.Summaries;
import dev.offboarding.worker.continuation.Chunks;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.intake.IntakePolicies;
import dev.offboarding.worker.lifecycle.LifecycleWorkflows;
import dev.offboarding.worker.plan.Planned;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.process.EventProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cancellation: a cancel event, and the deliveries of an event a cancellation marker names. A
 * cancel removes a held event through {@link ScheduledEvents}, stops one this process is running
 * ({@link RunningEvents}), and first leaves a {@link CancellationMarkers cancellation marker} in
 * the broker, so that the event also stops wherever else it runs: a running event checks the
 * markers between users, and a follow-up or first delivery of a marked event finishes it as
 * cancelled instead of running it. Thread-safe.
 */
public final class Cancellations {
  private final LifecycleWorkflows lifecycle;
  private final ScheduledEvents scheduled;
  private final RunningEvents running;
  private final CancellationMarkers markers;
  private final Duration markerLifetime;
  private final Planner planner;
  private final Clock clock;
  private final IntakePolicies policies;
  private final EventCodec codec = new EventCodec();

  /**
   * @param policies who a cancel may reach: the events of its own queue, or (the operators') of
   *     every queue
   */
  public Cancellations(
      ScheduledEvents scheduled,
      RunningEvents running,
      CancellationMarkers markers,
      Duration markerLifetime,
      Planner planner,
      Clock clock,
      IntakePolicies policies) {
    this(
        scheduled,
        running,
        markers,
        markerLifetime,
        planner,
        clock,
        policies,
        LifecycleWorkflows.off());
  }

  /**
   * @param lifecycle how a held event whose id names a Lifecycle Workflows task is answered when a
   *     cancel removes it: its CANCELLED summary is followed by a pending resume ({@code failed})
   *     when resuming is on
   */
  public Cancellations(
      ScheduledEvents scheduled,
      RunningEvents running,
      CancellationMarkers markers,
      Duration markerLifetime,
      Planner planner,
      Clock clock,
      IntakePolicies policies,
      LifecycleWorkflows lifecycle) {
    this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
    this.scheduled = Objects.requireNonNull(scheduled, "scheduled");
    this.running = Objects.requireNonNull(running, "running");
    this.markers = Objects.requireNonNull(markers, "markers");
    this.markerLifetime = markerLifetime;
    this.planner = planner;
    this.clock = clock;
    this.policies = Objects.requireNonNull(policies, "policies");
  }

  /**
   * The marker naming {@code eventId} that a delivery of it, which first arrived on {@code
   * intakeQueue}, must honour, or null: a marker left by a cancel from another producer's queue
   * does not reach it.
   */
  public CancellationMarkers.Marker markerOf(String eventId, String intakeQueue) {
    for (CancellationMarkers.Marker m : markers.known(eventId)) {
      if (policies.reaches(m.queue(), intakeQueue)) {
        return m;
      }
    }
    return null;
  }

  /**
   * Who cancelled {@code eventId} (of {@code intakeQueue}) and why, when a marker reaching it names
   * it now; null otherwise.
   */
  public String cancelledBecause(String eventId, String intakeQueue) {
    CancellationMarkers.Marker m = markerOf(eventId, intakeQueue);
    return m == null ? null : m.why();
  }

  /**
   * Where the CANCELLED summary of the held event a cancel removed goes: through {@link
   * LifecycleWorkflows#sink} when the first removed copy decodes as an event (so a task's event is
   * answered {@code failed}), else straight to the cancel's audit.
   */
  private AuditSink cancelledAudit(EventProcessor.Work work, List<ScheduledEvents.Held> held) {
    if (held.isEmpty() || held.get(0).intakeQueue() == null) {
      return work.audit();
    }
    ScheduledEvents.Held copy = held.get(0);
    if (!(new EventCodec().decode(copy.body()) instanceof DecodeResult.Valid valid)) {
      return work.audit();
    }
    return lifecycle.sink(
        work.audit(),
        valid.event(),
        copy.body(),
        Inbound.origin(copy.sequenceNumber(), copy.queue()),
        copy.intakeQueue(),
        work.followUps());
  }

  /**
   * A cancel event. First it leaves a cancellation marker for the named event in the broker (with
   * what it is about to remove), then it removes every held copy of the event, then it asks a run
   * of the event in this process to stop, and then it audits. The marker comes first so that no
   * crash can make the cancel lie: delivered again after a crash between the removal and the audit,
   * the cancel finds its own marker, which says what was removed, and publishes the same summaries
   * (their message ids are derived from the cancel's delivery, so the topic keeps one copy).
   *
   * <p>The cancelled event, when held copies were removed, gets its final CANCELLED summary; the
   * cancel event gets COMPLETED with a detail saying what was done: removed before it ran, stopped
   * here, or only marked (not scheduled and not running here: any replica running it stops at its
   * next user, a later delivery of it is finished as cancelled, an unknown id simply expires).
   */
  public Settlement cancel(EventProcessor.Work work, Inbound.Event message, Instant started) {
    OffboardingEvent event = message.event();
    Cancellation c = event.cancellation();
    String asked = "requested by " + c.requestedBy() + ": " + c.reason();
    String by = "by cancel event " + event.id() + " " + asked;
    String from = message.intakeQueue();
    // A cancel reaches the events of its own queue only, the operators' those of every queue.
    String reach =
        policies.reaches(from, null)
            ? ""
            : "; a cancel from " + from + " reaches only events that" + " arrived on " + from;
    try {
      List<ScheduledEvents.Held> held =
          scheduled.find(c.eventId()).stream()
              .filter(h -> policies.reaches(from, h.intakeQueue()))
              .toList();
      markers.catchUp();
      CancellationMarkers.Removed removed =
          held.isEmpty()
              ? markers.known(c.eventId()).stream()
                  .filter(m -> m.cancelId().equals(event.id()) && m.removed() != null)
                  .map(CancellationMarkers.Marker::removed)
                  .findFirst()
                  .orElse(null)
              : new CancellationMarkers.Removed(
                  held.get(0).queue(),
                  typeOf(held.get(0).body()),
                  held.get(0).dueAt(),
                  held.size());
      Instant until = clock.instant().plus(markerLifetime);
      markers.place(
          new CancellationMarkers.Marker(
              c.eventId(), event.id(), c.requestedBy(), c.reason(), until, removed, from),
          message.origin());
      for (ScheduledEvents.Held copy : held) {
        scheduled.cancel(copy);
      }
      String marked = "marked cancelled until " + until + " for every replica" + reach;
      if (removed != null) {
        String due = removed.dueAt() != null ? "due " + removed.dueAt() + ", " : "";
        cancelledAudit(work, held)
            .summary(
                Summaries.cancelled(
                    c.eventId(),
                    removed.eventType(),
                    "cancelled before it ran, " + due + by,
                    started,
                    clock.instant(),
                    work.redelivery()));
        work.audit()
            .summary(
                Summaries.cancel(
                    event,
                    SummaryStatus.COMPLETED,
                    "cancelled event "
                        + c.eventId()
                        + (removed.dueAt() != null ? ", due " + removed.dueAt() : "")
                        + ", before it ran ("
                        + removed.messages()
                        + " scheduled message(s) removed from "
                        + removed.queue()
                        + "); "
                        + marked
                        + "; "
                        + asked,
                    started,
                    clock.instant(),
                    work.redelivery()));
        return new Settlement.Complete();
      }
      if (running.cancel(c.eventId(), by, queue -> policies.reaches(from, queue))) {
        work.audit()
            .summary(
                Summaries.cancel(
                    event,
                    SummaryStatus.COMPLETED,
                    "event "
                        + c.eventId()
                        + " is running in this worker: it starts no further user, and users not yet written get SKIPPED"
                        + " results (Cancelled); "
                        + marked
                        + "; "
                        + asked,
                    started,
                    clock.instant(),
                    work.redelivery()));
        return new Settlement.Complete();
      }
      work.audit()
          .summary(
              Summaries.cancel(
                  event,
                  SummaryStatus.COMPLETED,
                  "event "
                      + c.eventId()
                      + " is not scheduled on the worker's own queue and not running in this worker; "
                      + marked
                      + ": any replica"
                      + " running it stops at its next user, and a follow-up or later delivery of it is finished as cancelled"
                      + " (users not yet written get SKIPPED results, Cancelled); an unknown id, or an event already finished,"
                      + " simply expires; "
                      + asked,
                  started,
                  clock.instant(),
                  work.redelivery()));
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon("cancellation not done or not audited: " + e.getMessage(), e);
    }
    return new Settlement.Complete();
  }

  /**
   * A delivery of an event a cancellation marker names, taken instead of running it. Its first
   * delivery (held or not) gets the final CANCELLED summary: nothing of it was planned or written.
   * A follow-up (the event was cancelled between two of its chunks, or while another replica ran
   * one) plans the event again to name every user not yet final, gives each a SKIPPED result
   * ({@code Cancelled}), and publishes the event's final summary naming the cancel; no further
   * follow-up is sent.
   *
   * @param from the follow-up, or null for the event's first delivery
   */
  public Settlement finishMarked(
      EventProcessor.Work work,
      OffboardingEvent event,
      Continuation from,
      CancellationMarkers.Marker marker,
      Instant started) {
    AuditSink audit = work.audit();
    boolean redelivery = work.redelivery();
    if (from == null) {
      try {
        audit.summary(
            Summaries.cancelled(
                event.id(),
                event.type().wireName(),
                "cancelled before it ran, " + marker.why() + "; nothing planned or written",
                started,
                clock.instant(),
                redelivery));
      } catch (AuditSink.AuditException e) {
        return new Settlement.Abandon("cancellation not audited: " + e.getMessage(), e);
      }
      return new Settlement.Complete();
    }
    Planned planned = Planned.of(planner, event, audit, redelivery, started, clock);
    if (planned.settlement() != null) {
      return planned.settlement();
    }
    Map<String, Set<Action>> left = new LinkedHashMap<>();
    from.pending().forEach(p -> left.putIfAbsent(p.userId(), p.done()));
    Chunks.afterCursor(planned.plan(), from.cursor()).forEach(id -> left.putIfAbsent(id, Set.of()));
    Map<TargetOutcome, Integer> counts = new EnumMap<>(TargetOutcome.class);
    counts.putAll(from.counts());
    counts.merge(TargetOutcome.SKIPPED, left.size(), Integer::sum);
    try {
      skip(event, left, marker.why(), redelivery, audit);
      work.heartbeat().run();
      audit.summary(
          Summaries.withDetail(
              Summaries.of(
                  event,
                  counts,
                  from.skippedMembers(),
                  from.usersResolved(),
                  from.startedAt(),
                  clock.instant(),
                  redelivery,
                  from.step()),
              "cancelled between deliveries, "
                  + marker.why()
                  + "; "
                  + left.size()
                  + " user(s) not yet written were skipped"));
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon("cancellation not audited: " + e.getMessage(), e);
    }
    return new Settlement.Complete();
  }

  /**
   * Publishes a SKIPPED result, code {@code Cancelled}, for each user of a cancelled event not yet
   * written, naming the actions a user caught between its writes already had done.
   *
   * @param users the users, each with the actions already done
   */
  public static void skip(
      OffboardingEvent event,
      Map<String, Set<Action>> users,
      String why,
      boolean redelivery,
      AuditSink audit) {
    Audits.Batch batch = new Audits.Batch(audit, () -> {});
    for (Map.Entry<String, Set<Action>> user : users.entrySet()) {
      Set<Action> already = user.getValue();
      String detail =
          "cancelled "
              + why
              + "; not written"
              + (already.isEmpty()
                  ? ""
                  : " further (already done: "
                      + already.stream().map(Action::wireName).collect(Collectors.joining(", "))
                      + ")");
      List<ActionResult> actions =
          event.effectiveActions().stream()
              .filter(a -> !already.contains(a))
              .map(a -> ActionResult.skipped(a, "Cancelled", detail))
              .toList();
      batch.accept(
          TargetAudit.builder(event.id(), TargetOutcome.SKIPPED)
              .userId(user.getKey())
              .detail(detail)
              .actions(actions)
              .redelivery(redelivery)
              .build());
    }
    batch.flush();
  }

  private String typeOf(byte[] body) {
    return codec.decode(body) instanceof DecodeResult.Valid v ? v.event().type().wireName() : null;
  }
}
