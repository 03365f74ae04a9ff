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
import java.util.function.BooleanSupplier;

/**
 * Handles each delivered event message, on the processor's thread: runs the event on a virtual
 * thread, retries it in-process after a transient failure under the {@link IntakeBackoff} policy,
 * and settles it once, through {@link ServiceBusSettlement}.
 *
 * <p>Shutdown ({@link #drain}) stops admitting events; events in flight finish within the bound, or
 * are cancelled (their audit sink stops publishing, so nothing half-done is completed). From then
 * on no handler returns to the processor until {@link #release()}, because a returning handler
 * makes the processor pull the next message at once, and an abandoned message would come straight
 * back into a free slot, burning its delivery count in a loop. Cancelled events and messages that
 * arrive while draining are therefore left unsettled: their locks expire after the processor
 * closes and the broker delivers them again, one delivery count each. Thread-safe.
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
  /** How long held handlers wait for the processor to close before they return on their own. */
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
  private final CountDownLatch released = new CountDownLatch(1);
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

  /**
   * Processes and settles one delivery; returns when it is settled, or, while draining, when the
   * processor is closed ({@link #release()}). Never throws.
   */
  public void handle(Delivery delivery) {
    Attempt attempt = new Attempt();
    boolean admitted;
    synchronized (admission) {
      admitted = !draining;
      if (admitted) {
        inFlight.put(delivery, attempt);
      }
    }
    if (!admitted) {
      awaitRelease();
      return;
    }
    metrics.eventStarted();
    Meta meta = meta(delivery);
    try {
      Outcome outcome;
      try {
        outcome = run(delivery, meta, attempt);
      } catch (RuntimeException e) {
        // A defect here must still settle the message, or it would wait for its lock to expire.
        LOG.log(Level.ERROR, "handling event " + meta.id() + " failed unexpectedly", e);
        outcome = new Outcome(new Settlement.Abandon("unexpected failure", e), null);
      }
      if (outcome.leftForShutdown()) {
        LOG.log(Level.WARNING, "event " + meta.id() + " left unsettled by shutdown; it is delivered again when"
            + " its lock expires");
        metrics.eventSettled(meta.type(), "ABANDONED");
      } else {
        // Settling blocks on the SDK, which refuses to block on an interrupted thread.
        boolean interrupted = Thread.interrupted();
        settlement.settle(outcome.settlement(), delivery, meta.type(), outcome.status());
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    } finally {
      synchronized (admission) {
        inFlight.remove(delivery);
        admission.notifyAll();
      }
      metrics.eventFinished();
    }
    if (draining) {
      awaitRelease();
    }
  }

  /** How a delivery ended; {@code leftForShutdown}: not settled, delivered again when its lock expires. */
  private record Outcome(Settlement settlement, String status, boolean leftForShutdown) {
    Outcome(Settlement settlement, String status) {
      this(settlement, status, false);
    }

    static Outcome shutdown(String why, Throwable cause) {
      return new Outcome(new Settlement.Abandon(why, cause), null, true);
    }
  }

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
        return Outcome.shutdown("interrupted while intake was paused", e);
      }
      if (draining) {
        return Outcome.shutdown("shutting down", null);
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

  /** Lets every held handler return, once the processor is closed; stops the worker threads. */
  public void release() {
    released.countDown();
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
