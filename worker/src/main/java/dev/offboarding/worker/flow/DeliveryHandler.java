package dev.offboarding.worker.flow;

import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.codec.CancellationMarkerCodec;
import dev.offboarding.worker.continuation.FollowUps;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.intake.IntakePolicy;
import dev.offboarding.worker.intake.MessageClassifier;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.process.EventProcessor;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Handles each delivered message, on the processor's thread: decodes it once ({@link
 * MessageClassifier}: the queue it came from decides which kinds it may be), runs it on a virtual
 * thread, retries it in-process after a transient failure under the {@link IntakeBackoff} policy,
 * and settles it once, through {@link DeliverySettlement}; each delivery ends with one line of
 * {@link EventLog}. New bulk work (a leaver or restore event, not a follow-up) waits while {@code
 * bulkHeld} says so (the cancellation markers are at their bound), for up to the policy's {@code
 * maxHold}; urgent work never waits for it.
 *
 * <p>Shutdown ({@link #drain}) stops admitting events and tells the events in flight to start no
 * further user: they finish the users in flight, hand the rest to a follow-up and complete, within
 * the bound; an event still running after it is cancelled (its audit sink stops publishing, so
 * nothing half-done is completed). From then on no handler returns to the processor until {@link
 * #release()}, because a returning handler makes the processor pull the next message at once, and
 * an abandoned message would come straight back into a free slot, burning its delivery count in a
 * loop. Cancelled events and messages that arrive while draining are therefore left unsettled:
 * their locks expire after the processor closes and the broker delivers them again, one delivery
 * count each. Thread-safe.
 */
public final class DeliveryHandler {
  /** The work of one event: the domain's {@code EventProcessor::process}. */
  @FunctionalInterface
  public interface EventWork {
    Settlement process(EventProcessor.Work work) throws InterruptedException;
  }

  /** Makes the audit sink of one delivery attempt. */
  @FunctionalInterface
  public interface SinkFactory {
    DeliveryAudit create(DeliveryAudit.Context context, BooleanSupplier cancelled);
  }

  private static final Logger LOG = System.getLogger(DeliveryHandler.class.getName());

  /** How long held handlers wait for the processor to close before they return on their own. */
  private static final Duration HOLD_BOUND = Duration.ofMinutes(5);

  private final EventWork work;
  private final SinkFactory sinks;
  private final FollowUps followUps;
  private final DeliverySettlement settlement;
  private final IntakeBackoff backoff;
  private final Metrics metrics;
  private final Clock clock;
  private final MessageClassifier classifier;
  private final BooleanSupplier bulkHeld;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

  // A lock rather than a monitor: handlers are virtual threads, and waiting on a monitor would pin
  // their carrier threads on JDK 21.
  private final ReentrantLock admission = new ReentrantLock();
  private final Condition settled = admission.newCondition();
  private final Map<Delivery, Attempt> inFlight = new ConcurrentHashMap<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean draining;

  /**
   * @param classifier decodes each message and says whether its queue may carry it
   * @param bulkHeld true while new bulk work must not start
   */
  public DeliveryHandler(
      EventWork work,
      SinkFactory sinks,
      FollowUps followUps,
      DeliverySettlement settlement,
      IntakeBackoff backoff,
      Metrics metrics,
      Clock clock,
      MessageClassifier classifier,
      BooleanSupplier bulkHeld) {
    this.classifier = classifier;
    this.bulkHeld = bulkHeld;
    this.work = work;
    this.sinks = sinks;
    this.followUps = followUps;
    this.settlement = settlement;
    this.backoff = backoff;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The running attempt of one delivery. */
  private static final class Attempt {
    volatile Future<Settlement> future;
    volatile boolean cancelled;
  }

  /**
   * Processes and settles one delivery; returns when it is settled, or, while draining, when the
   * processor is closed ({@link #release()}). Never throws.
   */
  public void handle(Delivery delivery) {
    Attempt attempt = new Attempt();
    boolean admitted;
    admission.lock();
    try {
      admitted = !draining;
      if (admitted) {
        inFlight.put(delivery, attempt);
      }
    } finally {
      admission.unlock();
    }
    if (!admitted) {
      awaitRelease();
      return;
    }
    metrics.eventStarted();
    Instant began = clock.instant();
    Inbound message;
    Meta meta;
    try {
      message =
          classifier.classify(
              delivery.queue(), delivery.sequenceNumber(), delivery.body(), delivery::property);
      meta = meta(delivery, message);
    } catch (RuntimeException e) {
      // Not one of the worker's queues, or a defect: settled below like any unexpected failure.
      message = null;
      meta = new Meta(delivery.messageId(), null);
      LOG.log(
          Level.ERROR,
          "classifying message "
              + delivery.messageId()
              + " from "
              + delivery.queue()
              + " failed unexpectedly",
          e);
    }
    try {
      Outcome outcome;
      try {
        outcome =
            message == null
                ? new Outcome(new Settlement.Abandon("unexpected failure", null), null)
                : run(delivery, message, meta, attempt);
      } catch (RuntimeException e) {
        // A defect here must still settle the message, or it would wait for its lock to expire.
        LOG.log(Level.ERROR, "handling event " + meta.id() + " failed unexpectedly", e);
        outcome = new Outcome(new Settlement.Abandon("unexpected failure", e), null);
      }
      if (outcome.leftForShutdown()) {
        // Left unsettled: the message is delivered again when its lock expires.
        metrics.eventSettled(meta.type(), "ABANDONED");
        EventLog.delivered(
            delivery,
            meta.id(),
            meta.type(),
            outcome.settlement(),
            outcome.summary(),
            false,
            Duration.between(began, clock.instant()));
      } else {
        // Settling blocks on the SDK, which refuses to block on an interrupted thread.
        boolean interrupted = Thread.interrupted();
        boolean settled =
            settlement.settle(outcome.settlement(), delivery, meta.type(), outcome.status());
        EventLog.delivered(
            delivery,
            meta.id(),
            meta.type(),
            outcome.settlement(),
            outcome.summary(),
            settled,
            Duration.between(began, clock.instant()));
        if (settled
            && message != null
            && outcome.settlement() instanceof Settlement.DeadLetter d
            && IntakePolicy.VIOLATION.equals(d.reason())) {
          // Counted by the intake queue the event arrived on: a configured queue name, never the
          // event's text.
          metrics.policyViolation(message.provenance().queue());
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    } finally {
      admission.lock();
      try {
        inFlight.remove(delivery);
        settled.signalAll();
      } finally {
        admission.unlock();
      }
      metrics.eventFinished();
    }
    if (draining) {
      awaitRelease();
    }
  }

  /**
   * How a delivery ended: its settlement, the summary it published (or null); {@code
   * leftForShutdown}: not settled, delivered again when its lock expires.
   */
  private record Outcome(Settlement settlement, SummaryAudit summary, boolean leftForShutdown) {
    Outcome(Settlement settlement, SummaryAudit summary) {
      this(settlement, summary, false);
    }

    static Outcome shutdown(String why, Throwable cause) {
      return new Outcome(new Settlement.Abandon(why, cause), null, true);
    }

    String status() {
      return summary == null ? null : summary.status().name();
    }
  }

  /** What the handler reads of a message for its logs and metrics: event id and type. */
  private record Meta(String id, String type) {}

  private Outcome run(Delivery delivery, Inbound message, Meta meta, Attempt attempt) {
    Instant since = clock.instant();
    DeliveryAudit.Context context =
        new DeliveryAudit.Context(
            delivery.messageId(),
            message.origin(),
            meta.type(),
            delivery.enqueuedAt(),
            delivery.replyTo(),
            delivery.replyToSessionId(),
            message.provenance());
    boolean newBulkWork = message instanceof Inbound.Event e && !e.event().type().urgent();
    int tries = 0;
    while (true) {
      try {
        backoff.awaitOpen();
      } catch (InterruptedException e) {
        return Outcome.shutdown("interrupted while intake was paused", e);
      }
      if (draining) {
        return Outcome.shutdown("shutting down", null);
      }
      if (newBulkWork && bulkHeld.getAsBoolean()) {
        if (Duration.between(since, clock.instant()).compareTo(backoff.policy().maxHold()) >= 0) {
          return new Outcome(
              new Settlement.Abandon(
                  "new bulk work waits: more cancellation markers than a worker" + " keeps", null),
              null);
        }
        try {
          TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException e) {
          return Outcome.shutdown("interrupted while bulk work waited", e);
        }
        continue;
      }
      tries++;
      boolean redelivery = delivery.redelivery() || tries > 1;
      DeliveryAudit sink = sinks.create(context, () -> attempt.cancelled);
      // Draining asks the event to start no further user: it finishes those in flight, hands the
      // rest to a follow-up and completes, so shutdown leaves nothing half-done.
      EventProcessor.Work input =
          new EventProcessor.Work(message, redelivery, sink, followUps, () -> draining, () -> {});
      Settlement result;
      try {
        attempt.future = workers.submit(() -> work.process(input));
        if (attempt.cancelled) {
          attempt.future.cancel(true);
        }
        result = attempt.future.get();
      } catch (CancellationException e) {
        return Outcome.shutdown("shutdown cut the event short", e);
      } catch (ExecutionException e) {
        // A defect, not an outage: no in-process retry; the broker's MaxDeliveryCount bounds it.
        LOG.log(Level.ERROR, "event " + meta.id() + " failed unexpectedly", e.getCause());
        return new Outcome(new Settlement.Abandon("unexpected failure", e.getCause()), null);
      } catch (InterruptedException e) {
        attempt.cancelled = true;
        attempt.future.cancel(true);
        return Outcome.shutdown("interrupted", e);
      }
      if (result instanceof Settlement.Abandon && attempt.cancelled) {
        return Outcome.shutdown("shutdown cut the event short", null);
      }
      if (result instanceof Settlement.Abandon abandon) {
        Duration pause = backoff.onTransientFailure();
        Duration heldFor = Duration.between(since, clock.instant());
        if (!draining && heldFor.plus(pause).compareTo(backoff.policy().maxHold()) <= 0) {
          LOG.log(
              Level.WARNING,
              "event "
                  + meta.id()
                  + " failed transiently ("
                  + abandon.reason()
                  + "); intake paused for "
                  + pause.toMillis()
                  + " ms, then it is tried again");
          metrics.eventRetried("transient");
          continue;
        }
      } else if (result instanceof Settlement.Complete complete) {
        if (complete.graphUnavailable()) {
          // This message is done (its unfinished users wait in a follow-up), but Graph is failing:
          // intake pauses as for any outage, so further events do not pile up behind it.
          backoff.onTransientFailure();
        } else {
          backoff.onSuccess();
        }
      }
      return new Outcome(result, sink.publishedSummary());
    }
  }

  private static Meta meta(Delivery delivery, Inbound message) {
    String type =
        message instanceof Inbound.DueMarker
            ? CancellationMarkerCodec.FORMAT
            : message instanceof Inbound.WatchEntry
                ? dev.offboarding.worker.codec.WatchEntryCodec.FORMAT
                : message.eventType();
    return new Meta(message.eventId() != null ? message.eventId() : delivery.messageId(), type);
  }

  private void awaitRelease() {
    try {
      if (!released.await(HOLD_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.log(Level.WARNING, "a held message was let go before the processor closed");
      }
    } catch (InterruptedException e) {
      // The processor is closing; the message's lock expires and it is delivered again.
      Thread.currentThread().interrupt();
    }
  }

  /** Events being processed now. */
  public int inFlight() {
    return inFlight.size();
  }

  /** True once {@link #drain} began. */
  public boolean draining() {
    return draining;
  }

  /**
   * Stops admitting events and waits up to {@code bound} for those in flight to settle; then
   * cancels the rest (they are abandoned) and waits up to {@code settleBound} for that. Returns
   * true when nothing is left in flight.
   */
  public boolean drain(Duration bound, Duration settleBound) {
    admission.lock();
    try {
      draining = true;
    } finally {
      admission.unlock();
    }
    backoff.close();
    if (awaitInFlight(bound)) {
      return true;
    }
    LOG.log(
        Level.WARNING,
        inFlight.size()
            + " event(s) still in flight after "
            + bound.toMillis()
            + " ms; cancelling them, they will be delivered again");
    for (Attempt attempt : inFlight.values()) {
      attempt.cancelled = true;
      Future<Settlement> f = attempt.future;
      if (f != null) {
        f.cancel(true);
      }
    }
    return awaitInFlight(settleBound);
  }

  /** Lets every held handler return, once the processor is closed; stops the worker threads. */
  public void release() {
    released.countDown();
    workers.shutdownNow();
  }

  private boolean awaitInFlight(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    admission.lock();
    try {
      while (!inFlight.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          settled.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return inFlight.isEmpty();
        }
      }
      return true;
    } finally {
      admission.unlock();
    }
  }
}
