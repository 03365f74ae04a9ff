package dev.offboarding.worker.servicebus;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusMessageState;
import dev.offboarding.worker.domain.AuditSink;
import dev.offboarding.worker.domain.CancellationMarkerCodec;
import dev.offboarding.worker.domain.CancellationMarkers;
import dev.offboarding.worker.domain.KnownMarkers;
import dev.offboarding.worker.metrics.Metrics;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link CancellationMarkers} on Service Bus, with the broker as the only state. A marker is a
 * scheduled message on {@code SERVICEBUS_QUEUE}, due when it expires: subject {@value
 * CancellationMarkerCodec#FORMAT}, {@code correlationId} the cancelled event's id, message id
 * {@link MessageIds#cancellationMarker} (so the queue's duplicate detection keeps one copy when a
 * cancel is re-sent or delivered again). When it comes due it is delivered like any message and the
 * worker completes it: that is how it is dropped.
 *
 * <p>Every worker learns of markers by peeking its queues (browsing locks and removes nothing, and
 * shows scheduled messages): at {@link #start()} each queue is read once from its oldest message
 * to its newest, however deep its backlog (the place read to is kept page by page, so a read cut
 * short by a failure goes on from there and nothing is read twice; a backlog deeper than {@link
 * ServiceBusScheduledEvents#MAX_SCANNED} is logged, never refused: a worker that would not start
 * behind a deep backlog would stop every offboarding to honour a cancel); afterwards, every {@code
 * pollEvery}, from the sequence number after the last one seen, which only grows: each tick costs
 * one peek per queue when nothing was enqueued, and one more per {@value #PAGE} messages that were. A cancel event catches up at once ({@link
 * #catchUp()}) before it answers. Sequence numbers grow per entity; the project's queues are not
 * partitioned ({@code deploy/servicebus/config.json}, the Bicep template), where they would grow
 * per partition only.
 *
 * <p>Lifecycle: {@link #start()} scans (throws when the broker cannot be read) and starts the
 * background tail on a virtual thread; {@link #close()} stops it and closes its receivers, never
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
  private final List<String> queues;
  private final Duration pollEvery;
  private final Metrics metrics;
  private final KnownMarkers known;
  private final Clock clock;
  private final CancellationMarkerCodec codec = new CancellationMarkerCodec();
  // A lock rather than a monitor: callers are virtual threads, and peeks block.
  private final ReentrantLock reading = new ReentrantLock();
  private final ReentrantLock lifecycle = new ReentrantLock();
  private final Condition stopping = lifecycle.newCondition();
  private final Map<String, ServiceBusReceiverClient> receivers = new HashMap<>();
  private final Map<String, Long> nextSequence = new HashMap<>();
  private Thread tail;
  private boolean closed;

  /**
   * @param queues the worker's queues, all of them read for markers; markers are placed on the first
   * @param pollEvery how often the background tail reads what was enqueued since
   */
  public ServiceBusCancellationMarkers(ServiceBusClientBuilder clients, AuditSenders senders, List<String> queues,
      Clock clock, Duration pollEvery, Metrics metrics) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.senders = Objects.requireNonNull(senders, "senders");
    this.queues = List.copyOf(queues);
    if (this.queues.isEmpty()) {
      throw new IllegalArgumentException("at least one queue");
    }
    this.pollEvery = pollEvery;
    this.metrics = metrics;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.known = new KnownMarkers(clock);
    metrics.gauge(Metrics.CANCELLATION_MARKERS, "cancellation markers known and not expired", known::expire);
  }

  @Override
  public void place(Marker marker) {
    ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(codec.encode(marker)));
    message.setMessageId(MessageIds.cancellationMarker(marker.eventId(), marker.removed() != null));
    message.setContentType("application/json");
    message.setSubject(CancellationMarkerCodec.FORMAT);
    message.setCorrelationId(marker.eventId());
    message.setScheduledEnqueueTime(marker.until().atOffset(ZoneOffset.UTC));
    String queue = queues.get(0);
    try {
      ServiceBusMessageBatch batch = senders.createBatch(queue);
      if (!batch.tryAddMessage(message)) {
        throw new AuditSink.AuditException("a cancellation marker is larger than " + batch.getMaxSizeInBytes()
            + " bytes, the limit of " + queue, null);
      }
      senders.send(queue, batch);
    } catch (AuditSink.AuditException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new AuditSink.AuditException("leaving a cancellation marker on " + queue + " failed: " + e.getMessage(),
          e);
    }
    known.add(marker);
  }

  @Override
  public List<Marker> known(String eventId) {
    return known.of(eventId);
  }

  @Override
  public void catchUp() {
    reading.lock();
    try {
      for (String queue : queues) {
        read(queue);
      }
    } finally {
      reading.unlock();
    }
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
        LOG.log(Level.WARNING, "reading cancellation markers failed; tried again in " + pollEvery.toMillis()
            + " ms: " + e.getMessage());
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

  /** Reads one queue from the message after the last one seen; the first read starts at its oldest. */
  private void read(String queue) {
    boolean startup = !nextSequence.containsKey(queue);
    long next = nextSequence.getOrDefault(queue, 0L);
    int scanned = 0;
    try {
      ServiceBusReceiverClient receiver = receivers.computeIfAbsent(queue,
          q -> clients.receiver().queueName(q).buildClient());
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
            learn(queue, m);
          }
        }
        int before = scanned;
        scanned += page.size();
        // Kept page by page: a failure later in this read goes on from here next time.
        nextSequence.put(queue, next);
        if (before < ServiceBusScheduledEvents.MAX_SCANNED && scanned >= ServiceBusScheduledEvents.MAX_SCANNED) {
          LOG.log(Level.WARNING, "queue " + queue + " holds more than " + ServiceBusScheduledEvents.MAX_SCANNED
              + " messages; reading on through all of them for cancellation markers");
        }
      }
      nextSequence.put(queue, next);
    } catch (RuntimeException e) {
      ServiceBusReceiverClient broken = receivers.remove(queue);
      if (broken != null) {
        broken.close();
      }
      throw new AuditSink.AuditException("peeking " + queue + " for cancellation markers failed: " + e.getMessage(),
          e);
    }
  }

  private void learn(String queue, ServiceBusReceivedMessage m) {
    try {
      CancellationMarkers.Marker marker = codec.decode(m.getBody().toBytes());
      if (!known.add(marker) && marker.until().isAfter(clock.instant())) {
        LOG.log(Level.WARNING, "a cancellation marker on " + queue + " (sequence number " + m.getSequenceNumber()
            + ") claims to live until " + marker.until() + ", more than " + KnownMarkers.MAX_LIFETIME.toDays()
            + " days: not written by a worker, ignored");
      }
    } catch (IllegalArgumentException e) {
      // Not one the worker wrote: ignored, and completed like any marker when it comes due.
      LOG.log(Level.WARNING, "a malformed cancellation marker on " + queue + " (sequence number "
          + m.getSequenceNumber() + ") was ignored: " + e.getMessage());
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
      receivers.values().forEach(r -> {
        try {
          r.close();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "closing a receiver of cancellation markers failed", e);
        }
      });
      receivers.clear();
    } finally {
      reading.unlock();
    }
  }
}
