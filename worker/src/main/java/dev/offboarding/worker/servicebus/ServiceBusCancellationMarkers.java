package dev.offboarding.worker.servicebus;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusMessageState;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.codec.CancellationMarkerCodec;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.scheduling.CancellationMarkers;
import dev.offboarding.worker.scheduling.KnownMarkers;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link CancellationMarkers} on Service Bus, with the broker as the only state. A marker is a
 * scheduled message on the worker's own queue ({@code SERVICEBUS_INTERNAL_QUEUE}, which only the
 * worker's identity may write), due when it expires: subject {@value
 * CancellationMarkerCodec#FORMAT}, {@code correlationId} the cancelled event's id, message id
 * {@link MessageIds#cancellationMarker} (derived from the cancel's origin, so the queue's duplicate
 * detection keeps one copy when a cancel is delivered again). When it comes due it is delivered
 * like any message and the worker completes it: that is how it is dropped. Markers on any other
 * queue are not read at all.
 *
 * <p>Every worker learns of markers by peeking the internal queue (browsing locks and removes
 * nothing, and shows scheduled messages): at {@link #start()} from its oldest message to its
 * newest, however deep (the place read to is kept page by page, so a read cut short by a failure
 * goes on from there and nothing is read twice); afterwards, every {@code pollEvery}, from the
 * sequence number after the last one seen, which only grows: each tick costs one peek when nothing
 * was enqueued, and one more per {@value #PAGE} messages that were. A cancel event catches up at
 * once ({@link #catchUp()}) before it answers. Sequence numbers grow per entity; the project's
 * queues are not partitioned ({@code deploy/servicebus/config.json}, the Bicep template), where
 * they would grow per partition only.
 *
 * <p>At most {@link KnownMarkers#MAX_KNOWN} unexpired markers are kept. Past that the worker is
 * {@link #saturated()}: it remembers where the first marker it could not keep lies, and once
 * markers expired and there is room, reads the queue again from there; meanwhile new bulk work
 * waits (the intake asks) and the gauge {@value Metrics#CANCELLATION_MARKERS_SATURATED} is 1.
 *
 * <p>Lifecycle: {@link #start()} scans (throws when the broker cannot be read) and starts the
 * background tail on a virtual thread; {@link #close()} stops it and closes its receiver, never
 * throws. Thread-safe.
 */
public final class ServiceBusCancellationMarkers implements CancellationMarkers, AutoCloseable {
  private static final Logger LOG = System.getLogger(ServiceBusCancellationMarkers.class.getName());

  /** Messages per peek request. */
  static final int PAGE = 250;

  /** The tail's pace in production: a replica running a cancelled event stops within about this. */
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);

  private final ServiceBusClientBuilder clients;
  private final AuditSenders senders;
  private final String queue;
  private final Duration pollEvery;
  private final Metrics metrics;
  private final KnownMarkers known;
  private final Clock clock;
  private final CancellationMarkerCodec codec = new CancellationMarkerCodec();
  // A lock rather than a monitor: callers are virtual threads, and peeks block.
  private final ReentrantLock reading = new ReentrantLock();
  private final ReentrantLock lifecycle = new ReentrantLock();
  private final Condition stopping = lifecycle.newCondition();
  private ServiceBusReceiverClient receiver;

  /**
   * The sequence number to read from next; -1 before the start-up scan. Guarded by {@link
   * #reading}.
   */
  private long nextSequence = -1;

  /**
   * Where the first marker not kept lies, while saturated; -1 otherwise. Guarded by {@link
   * #reading}.
   */
  private long resumeFrom = -1;

  private volatile boolean saturated;
  private Thread tail;
  private boolean closed;

  /**
   * @param queue the worker's own queue, where markers are placed and read
   * @param pollEvery how often the background tail reads what was enqueued since
   */
  public ServiceBusCancellationMarkers(
      ServiceBusClientBuilder clients,
      AuditSenders senders,
      String queue,
      Clock clock,
      Duration pollEvery,
      Metrics metrics) {
    this(clients, senders, queue, clock, pollEvery, metrics, KnownMarkers.MAX_KNOWN);
  }

  /**
   * @param bound the most unexpired markers kept ({@link KnownMarkers#MAX_KNOWN} in production)
   */
  public ServiceBusCancellationMarkers(
      ServiceBusClientBuilder clients,
      AuditSenders senders,
      String queue,
      Clock clock,
      Duration pollEvery,
      Metrics metrics,
      int bound) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.senders = Objects.requireNonNull(senders, "senders");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.pollEvery = pollEvery;
    this.metrics = metrics;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.known = new KnownMarkers(clock, bound);
    metrics.gauge(
        Metrics.CANCELLATION_MARKERS, "cancellation markers known and not expired", known::expire);
    metrics.gauge(
        Metrics.CANCELLATION_MARKERS_SATURATED,
        "1 while more cancellation markers are unexpired than a"
            + " worker keeps: new bulk work waits",
        () -> saturated ? 1 : 0);
  }

  @Override
  public void place(Marker marker, String origin) {
    OutgoingMessage message =
        OutgoingMessage.of(
                codec.encode(marker),
                "application/json",
                CancellationMarkerCodec.FORMAT,
                MessageIds.cancellationMarker(origin, marker.eventId(), marker.removed() != null),
                marker.eventId())
            .withScheduledEnqueueTime(marker.until());
    try {
      senders.send(queue, message);
    } catch (AuditSenders.MessageTooLargeException e) {
      throw new AuditSink.AuditException(
          "a cancellation marker is larger than "
              + e.maxSizeInBytes()
              + " bytes, the limit of "
              + queue,
          null);
    } catch (RuntimeException e) {
      throw new AuditSink.AuditException(
          "leaving a cancellation marker on " + queue + " failed: " + e.getMessage(), e);
    }
    if (known.add(marker) == KnownMarkers.Added.FULL) {
      reading.lock();
      try {
        // Where it lies is not known here: the queue is read again from its start once there is
        // room.
        notKept(0);
      } finally {
        reading.unlock();
      }
    }
  }

  @Override
  public boolean saturated() {
    return saturated;
  }

  @Override
  public List<Marker> known(String eventId) {
    return known.of(eventId);
  }

  @Override
  public void catchUp() {
    reading.lock();
    try {
      if (saturated && known.expire() < known.bound()) {
        // Markers expired since: read again from the first one that was not kept.
        LOG.log(
            Level.INFO,
            "room for cancellation markers again; reading "
                + queue
                + " again from sequence number "
                + resumeFrom);
        nextSequence = Math.min(nextSequence, resumeFrom);
        resumeFrom = -1;
        saturated = false;
      }
      read();
    } finally {
      reading.unlock();
    }
  }

  /** A marker at or after {@code sequenceNumber} was not kept. Called holding {@link #reading}. */
  private void notKept(long sequenceNumber) {
    if (!saturated) {
      LOG.log(
          Level.ERROR,
          "more than "
              + known.bound()
              + " unexpired cancellation markers on "
              + queue
              + ": new bulk work waits until they expire (only the worker's identity may write "
              + queue
              + ")");
    }
    resumeFrom = resumeFrom < 0 ? sequenceNumber : Math.min(resumeFrom, sequenceNumber);
    saturated = true;
  }

  /** Reads every queue from its oldest message, then tails them in the background. */
  public void start() {
    catchUp();
    lifecycle.lock();
    try {
      if (tail == null && !closed) {
        tail = Thread.ofVirtual().name("cancellation-markers").start(this::tailLoop);
      }
    } finally {
      lifecycle.unlock();
    }
  }

  private void tailLoop() {
    while (awaitTick()) {
      try {
        catchUp();
      } catch (AuditSink.AuditException e) {
        // Not fatal: the next tick reads on from the same place, and a cancel event that needs the
        // markers catches up itself (and waits like any transient failure when it cannot).
        LOG.log(
            Level.WARNING,
            "reading cancellation markers failed; tried again in "
                + pollEvery.toMillis()
                + " ms: "
                + e.getMessage());
      }
    }
  }

  /** Waits one tick; false once closed. */
  private boolean awaitTick() {
    lifecycle.lock();
    try {
      long left = pollEvery.toNanos();
      while (!closed && left > 0) {
        left = stopping.awaitNanos(left);
      }
      return !closed;
    } catch (InterruptedException e) {
      return false;
    } finally {
      lifecycle.unlock();
    }
  }

  /**
   * Reads the queue from the message after the last one seen; the first read starts at its oldest.
   */
  private void read() {
    boolean startup = nextSequence < 0;
    long next = Math.max(0, nextSequence);
    try {
      if (receiver == null) {
        receiver = clients.receiver().queueName(queue).buildClient();
      }
      while (true) {
        metrics.markerPeek(startup ? "startup" : "tail");
        List<ServiceBusReceivedMessage> page = receiver.peekMessages(PAGE, next).stream().toList();
        if (page.isEmpty()) {
          break;
        }
        for (ServiceBusReceivedMessage m : page) {
          next = Math.max(next, m.getSequenceNumber() + 1);
          if (m.getState() == ServiceBusMessageState.SCHEDULED
              && CancellationMarkerCodec.FORMAT.equals(m.getSubject())) {
            learn(m);
          }
        }
        // Kept page by page: a failure later in this read goes on from here next time.
        nextSequence = next;
      }
      nextSequence = next;
    } catch (RuntimeException e) {
      ServiceBusReceiverClient broken = receiver;
      receiver = null;
      if (broken != null) {
        broken.close();
      }
      throw new AuditSink.AuditException(
          "peeking " + queue + " for cancellation markers failed: " + e.getMessage(), e);
    }
  }

  private void learn(ServiceBusReceivedMessage m) {
    try {
      CancellationMarkers.Marker marker = codec.decode(m.getBody().toBytes());
      KnownMarkers.Added added = known.add(marker);
      if (added == KnownMarkers.Added.FULL) {
        notKept(m.getSequenceNumber());
      } else if (added == KnownMarkers.Added.REFUSED && marker.until().isAfter(clock.instant())) {
        LOG.log(
            Level.WARNING,
            "a cancellation marker on "
                + queue
                + " (sequence number "
                + m.getSequenceNumber()
                + ") claims to live until "
                + marker.until()
                + ", more than "
                + KnownMarkers.MAX_LIFETIME.toDays()
                + " days: not written by a worker, ignored");
      }
    } catch (IllegalArgumentException e) {
      // Not one the worker wrote: ignored, and completed like any marker when it comes due.
      LOG.log(
          Level.WARNING,
          "a malformed cancellation marker on "
              + queue
              + " (sequence number "
              + m.getSequenceNumber()
              + ") was ignored: "
              + e.getMessage());
    }
  }

  @Override
  public void close() {
    Thread t;
    lifecycle.lock();
    try {
      closed = true;
      stopping.signalAll();
      t = tail;
    } finally {
      lifecycle.unlock();
    }
    try {
      if (t != null) {
        t.join(TimeUnit.SECONDS.toMillis(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reading.lock();
    try {
      if (receiver != null) {
        receiver.close();
        receiver = null;
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "closing the receiver of cancellation markers failed", e);
    } finally {
      reading.unlock();
    }
  }
}
