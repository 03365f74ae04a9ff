package dev.offboarding.worker.servicebus;

import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.worker.domain.AuditSink;
import dev.offboarding.worker.domain.Settlement;
import dev.offboarding.worker.metrics.Metrics;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Handles each delivered event message, on the processor's thread: runs the event on a virtual
 * thread, retries it in-process after a transient failure under the {@link IntakeBackoff} policy,
 * and settles it once, through {@link ServiceBusSettlement}.
 *
 * <p>Shutdown ({@link #drain}) stops admitting events; events in flight finish within the bound,
 * or are cancelled and abandoned (their audit sink stops publishing, so nothing half-done is
 * completed). Messages that arrive while draining are held, neither processed nor returned to the
 * processor (which would pull the next one at once), then abandoned on {@link #abandonHeld()} and
 * let go on {@link #releaseHeld()}, after the processor is closed. Thread-safe.
 */
public final class DeliveryHandler {
  /** The work of one event: the domain's {@code EventProcessor::process}. */
  @FunctionalInterface
  public interface EventWork {
    Settlement process(byte[] body, boolean redelivery, AuditSink audit) throws InterruptedException;
  }

  /** Makes the audit sink of one delivery attempt. */
  @FunctionalInterface
  public interface SinkFactory {
    ServiceBusAuditSink create(ServiceBusAuditSink.Context context, BooleanSupplier cancelled);
  }

  private static final Logger LOG = System.getLogger(DeliveryHandler.class.getName());
  /** How long held messages wait for the processor to close before they let go on their own. */
  private static final Duration HOLD_BOUND = Duration.ofMinutes(5);

  private final EventWork work;
  private final SinkFactory sinks;
  private final ServiceBusSettlement settlement;
  private final IntakeBackoff backoff;
  private final Metrics metrics;
  private final Clock clock;
  private final EventCodec codec = new EventCodec();
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

  private final Object admission = new Object();
  private final Map<Delivery, Attempt> inFlight = new ConcurrentHashMap<>();
  private final CountDownLatch abandonHeld = new CountDownLatch(1);
  private final CountDownLatch releaseHeld = new CountDownLatch(1);
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger heldSettled = new AtomicInteger();
  private volatile boolean draining;

  public DeliveryHandler(EventWork work, SinkFactory sinks, ServiceBusSettlement settlement, IntakeBackoff backoff,
      Metrics metrics, Clock clock) {
    this.work = work;
    this.sinks = sinks;
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

  /** Processes and settles one delivery; returns when it is settled (or held and let go). Never throws. */
  public void handle(Delivery delivery) {
    Attempt attempt = new Attempt();
    synchronized (admission) {
      if (!draining) {
        inFlight.put(delivery, attempt);
      }
    }
    if (!inFlight.containsKey(delivery)) {
      hold(delivery);
      return;
    }
    metrics.eventStarted();
    Meta meta = meta(delivery);
    try {
      Outcome outcome = run(delivery, meta, attempt);
      // Settling blocks on the SDK, which refuses to block on an interrupted thread.
      boolean interrupted = Thread.interrupted();
      settlement.settle(outcome.settlement(), delivery, meta.type(), outcome.status());
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    } finally {
      synchronized (admission) {
        inFlight.remove(delivery);
        admission.notifyAll();
      }
      metrics.eventFinished();
    }
  }

  private record Outcome(Settlement settlement, String status) {}

  private record Meta(String id, String type) {}

  private Outcome run(Delivery delivery, Meta meta, Attempt attempt) {
    Instant since = clock.instant();
    ServiceBusAuditSink.Context context = new ServiceBusAuditSink.Context(delivery.messageId(), meta.type(),
        delivery.enqueuedAt(), delivery.replyTo(), delivery.replyToSessionId());
    int tries = 0;
    while (true) {
      try {
        backoff.awaitOpen();
      } catch (InterruptedException e) {
        return new Outcome(new Settlement.Abandon("interrupted while intake was paused", e), null);
      }
      if (draining) {
        return new Outcome(new Settlement.Abandon("shutting down", null), null);
      }
      tries++;
      boolean redelivery = delivery.redelivery() || tries > 1;
      ServiceBusAuditSink sink = sinks.create(context, () -> attempt.cancelled);
      Settlement result;
      try {
        attempt.future = workers.submit(() -> work.process(delivery.body(), redelivery, sink));
        if (attempt.cancelled) {
          attempt.future.cancel(true);
        }
        result = attempt.future.get();
      } catch (CancellationException e) {
        return new Outcome(new Settlement.Abandon("shutdown cut the event short", e), null);
      } catch (ExecutionException e) {
        // A defect, not an outage: no in-process retry; the broker's MaxDeliveryCount bounds it.
        LOG.log(Level.ERROR, "event " + meta.id() + " failed unexpectedly", e.getCause());
        return new Outcome(new Settlement.Abandon("unexpected failure", e.getCause()), null);
      } catch (InterruptedException e) {
        attempt.cancelled = true;
        attempt.future.cancel(true);
        return new Outcome(new Settlement.Abandon("interrupted", e), null);
      }
      if (result instanceof Settlement.Abandon abandon && !attempt.cancelled) {
        Duration pause = backoff.onTransientFailure();
        Duration heldFor = Duration.between(since, clock.instant());
        if (!draining && heldFor.plus(pause).compareTo(backoff.policy().maxHold()) <= 0) {
          LOG.log(Level.WARNING, "event " + meta.id() + " failed transiently (" + abandon.reason()
              + "); intake paused for " + pause.toMillis() + " ms, then it is tried again");
          metrics.eventRetried("transient");
          continue;
        }
      } else if (result instanceof Settlement.Complete) {
        backoff.onSuccess();
      }
      return new Outcome(result, sink.publishedStatus());
    }
  }

  private Meta meta(Delivery delivery) {
    return switch (codec.decode(delivery.body())) {
      case DecodeResult.Valid v -> new Meta(v.event().id(), v.event().type().wireName());
      case DecodeResult.Invalid i -> new Meta(i.eventId() != null ? i.eventId() : delivery.messageId(), i.eventType());
    };
  }

  private void hold(Delivery delivery) {
    held.incrementAndGet();
    try {
      if (abandonHeld.await(HOLD_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        settlement.settle(new Settlement.Abandon("shutting down: not started", null), delivery, meta(delivery).type(),
            null);
      }
      synchronized (admission) {
        heldSettled.incrementAndGet();
        admission.notifyAll();
      }
      releaseHeld.await(HOLD_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      // The processor is closing its link; the SDK releases the message.
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
   * Stops admitting events and waits up to {@code bound} for those in flight to settle; then cancels
   * the rest (they are abandoned) and waits up to {@code settleBound} for that. Returns true when
   * nothing is left in flight.
   */
  public boolean drain(Duration bound, Duration settleBound) {
    synchronized (admission) {
      draining = true;
    }
    backoff.close();
    if (awaitInFlight(bound)) {
      return true;
    }
    LOG.log(Level.WARNING, inFlight.size() + " event(s) still in flight after " + bound.toMillis()
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

  /** Abandons the messages held since draining began; waits up to {@code bound} for their settlement. */
  public void abandonHeld(Duration bound) {
    abandonHeld.countDown();
    long deadline = System.nanoTime() + bound.toNanos();
    synchronized (admission) {
      while (heldSettled.get() < held.get()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(admission, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Lets held messages' threads return, after the processor is closed; stops the worker threads. */
  public void releaseHeld() {
    releaseHeld.countDown();
    workers.shutdownNow();
  }

  private boolean awaitInFlight(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    synchronized (admission) {
      while (!inFlight.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(admission, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return inFlight.isEmpty();
        }
      }
      return true;
    }
  }
}
