package dev.offboarding.worker.servicebus;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import dev.offboarding.worker.flow.DeliveryHandler;
import dev.offboarding.worker.flow.IntakeBackoff;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Intake of the event queue: a {@link ServiceBusProcessorClient} in peek-lock mode with
 * auto-complete off, at most {@code concurrency} events at once, and the SDK's lock renewal for
 * events that take long (a big group). Each message goes to the {@link DeliveryHandler}, which
 * settles it exactly once.
 *
 * <p>Lifecycle: {@link #start()} checks that the queue can be read (a peek), then starts the
 * processor; {@link #close()} drains (see {@link DeliveryHandler#drain}) within the configured
 * bound, then closes the processor; it never throws. {@link #ready()} is true from a successful
 * start until close, unless the processor reported an error that retrying cannot fix.
 */
public final class ServiceBusIntake implements AutoCloseable {
  private static final Logger LOG = System.getLogger(ServiceBusIntake.class.getName());

  /**
   * @param concurrency events processed at once
   * @param maxLockRenewal how long the SDK keeps renewing one message's lock; above the longest
   *     event plus the in-process retry hold ({@link IntakeBackoff.Policy#maxHold()})
   * @param drainBound how long shutdown waits for events in flight before it cancels them
   * @param settleBound how long shutdown then waits for cancelled events to stop
   */
  public record Options(
      int concurrency, Duration maxLockRenewal, Duration drainBound, Duration settleBound) {
    public Options {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be >= 1");
      }
    }

    /**
     * 8 events at once, locks renewed for up to 25 min (a delivery's 5 min bound, the 15 min
     * in-process hold of an outage, and a margin), 20 s to drain and 5 s to settle (inside k8s' 30
     * s grace).
     */
    public static Options defaults() {
      return new Options(8, Duration.ofMinutes(25), Duration.ofSeconds(20), Duration.ofSeconds(5));
    }

    /** The same options with another lock renewal bound. */
    public Options withLockRenewal(Duration maxLockRenewal) {
      return new Options(concurrency, maxLockRenewal, drainBound, settleBound);
    }
  }

  private final ServiceBusClientBuilder builder;
  private final String queue;
  private final DeliveryHandler handler;
  private final Options options;
  // Not a monitor: close() runs on a virtual thread and blocks while draining; a monitor held
  // there would pin its carrier on JDK 21 and could starve the handlers it waits for.
  private final java.util.concurrent.locks.ReentrantLock lifecycle =
      new java.util.concurrent.locks.ReentrantLock();
  private ServiceBusProcessorClient processor;
  private volatile boolean started;
  private volatile boolean closed;
  private volatile boolean broken;

  /** An intake of {@code queue} handing each delivery to {@code handler}; {@code start} begins. */
  public ServiceBusIntake(
      ServiceBusClientBuilder builder, String queue, DeliveryHandler handler, Options options) {
    this.builder = builder;
    this.queue = queue;
    this.handler = handler;
    this.options = options;
  }

  /**
   * Checks the queue is reachable and starts receiving.
   *
   * @throws RuntimeException when the queue cannot be read (bad name, credential or network)
   */
  public void start() {
    lifecycle.lock();
    try {
      startLocked();
    } finally {
      lifecycle.unlock();
    }
  }

  private void startLocked() {
    if (started) {
      return;
    }
    try (ServiceBusReceiverClient probe = builder.receiver().queueName(queue).buildClient()) {
      probe.peekMessage();
    }
    processor =
        builder
            .processor()
            .queueName(queue)
            .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
            .disableAutoComplete()
            .prefetchCount(0)
            .maxConcurrentCalls(options.concurrency())
            .maxAutoLockRenewDuration(options.maxLockRenewal())
            .processMessage(
                context -> {
                  broken = false;
                  handler.handle(new SdkDelivery(queue, context));
                })
            .processError(this::onError)
            .buildProcessorClient();
    processor.start();
    started = true;
  }

  private void onError(ServiceBusErrorContext context) {
    Throwable e = context.getException();
    if (e instanceof ServiceBusException sb && !sb.isTransient()) {
      broken = true;
      LOG.log(
          Level.ERROR,
          "receiving from " + context.getEntityPath() + " failed: " + sb.getReason(),
          e);
    } else {
      LOG.log(
          Level.WARNING,
          "receiving from " + context.getEntityPath() + " failed; the SDK retries",
          e);
    }
  }

  /** True while receiving: started, not closing, and no error that retries cannot fix. */
  public boolean ready() {
    ServiceBusProcessorClient p = processor;
    return started && !closed && !broken && !handler.draining() && p != null && p.isRunning();
  }

  /** Drains in-flight work within the bound, then stops receiving. Never throws. */
  @Override
  public void close() {
    lifecycle.lock();
    try {
      closeLocked();
    } finally {
      lifecycle.unlock();
    }
  }

  private void closeLocked() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!handler.drain(options.drainBound(), options.settleBound())) {
        LOG.log(
            Level.WARNING,
            "shutdown: some events could not be settled in time; their locks expire and"
                + " they are delivered again");
      }
      if (processor != null) {
        processor.close();
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "closing the Service Bus processor failed", e);
    } finally {
      handler.release();
    }
  }
}
