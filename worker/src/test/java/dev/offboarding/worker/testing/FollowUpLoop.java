package dev.offboarding.worker.testing;

import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.continuation.FollowUps;
import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.scheduling.ScheduledEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an event through the processor the way the broker would: each follow-up a delivery hands
 * back is delivered next, at once (its wait is recorded, not slept), until a delivery ends the
 * event or settles otherwise. A stand-in for the queue in domain tests.
 */
public final class FollowUpLoop implements FollowUps {
  public final List<Continuation> sent = new ArrayList<>();
  public final List<Instant> notBefore = new ArrayList<>();
  public final List<Settlement> settlements = new ArrayList<>();

  /** Events held until they take effect, with their due times; not delivered by {@link #run}. */
  public final List<byte[]> held = new ArrayList<>();

  public final List<Instant> heldUntil = new ArrayList<>();

  /** Events held until a second person approves them, with the times their approval runs out. */
  public final List<Inbound.Event> awaitingApproval = new ArrayList<>();

  public final List<Instant> approvalDue = new ArrayList<>();

  /** Held copies released by an approval, each with the approval it carries. */
  public final List<ScheduledEvents.Held> released = new ArrayList<>();

  public final List<Approved> releasedWith = new ArrayList<>();
  private final ContinuationCodec codec = new ContinuationCodec();

  @Override
  public void send(String eventId, Continuation next, Instant at) {
    sent.add(next);
    notBefore.add(at);
  }

  @Override
  public void hold(Inbound.Event event, Instant dueAt) {
    held.add(event.body());
    heldUntil.add(dueAt);
  }

  @Override
  public void holdForApproval(Inbound.Event event, Instant dueAt) {
    awaitingApproval.add(event);
    approvalDue.add(dueAt);
  }

  @Override
  public void release(ScheduledEvents.Held held, Approved approved) {
    released.add(held);
    releasedWith.add(approved);
  }

  /** Processes {@code body} and every follow-up after it; returns the last settlement. */
  public Settlement run(EventProcessor processor, byte[] body, AuditSink audit, Runnable heartbeat)
      throws InterruptedException {
    int seen = sent.size();
    Settlement last =
        processor.process(
            new EventProcessor.Work(
                Inbounds.of(body, "1"), false, audit, this, () -> false, heartbeat));
    settlements.add(last);
    while (last instanceof Settlement.Complete c
        && c.continuedBecause() != null
        && sent.size() > seen) {
      Continuation next = sent.get(sent.size() - 1);
      seen = sent.size();
      last =
          processor.process(
              new EventProcessor.Work(
                  Inbounds.of(codec.encode(next), "1"),
                  false,
                  audit,
                  this,
                  () -> false,
                  heartbeat));
      settlements.add(last);
    }
    return last;
  }
}
