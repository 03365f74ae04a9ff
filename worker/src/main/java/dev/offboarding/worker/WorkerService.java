package dev.offboarding.worker;

import dev.offboarding.worker.http.HttpEndpoints;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.protection.ProtectionRefresher;
import dev.offboarding.worker.servicebus.SdkAuditSenders;
import dev.offboarding.worker.servicebus.ServiceBusCancellationMarkers;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import java.util.List;

/**
 * The running worker, as {@code run} starts it: HTTP endpoints, the audit senders and one intake
 * per queue (the event queue, the urgent queue when configured, and the worker's own queue). {@link
 * #start()} serves {@code /health/live} at once, reads the cancellation markers on the queues, and
 * becomes ready when the audit topic and every queue are connected; {@link #close()} drains the
 * intakes side by side within their bound, then closes the senders and the endpoints; it never
 * throws.
 */
public final class WorkerService implements AutoCloseable {
  private final int httpPort;
  private final Metrics metrics;
  private final SdkAuditSenders auditSenders;
  private final String auditTopic;
  private final List<ServiceBusIntake> intakes;
  private final Protection protection;
  private final ProtectionRefresher refresher;
  private final ServiceBusCancellationMarkers markers;
  private HttpEndpoints http;

  /** Parts closed last, after the intakes drained: they serve events in flight. */
  private final List<AutoCloseable> parts = new java.util.concurrent.CopyOnWriteArrayList<>();

  WorkerService(
      int httpPort,
      Metrics metrics,
      SdkAuditSenders auditSenders,
      String auditTopic,
      List<ServiceBusIntake> intakes,
      Protection protection,
      ProtectionRefresher refresher,
      ServiceBusCancellationMarkers markers) {
    this.markers = markers;
    this.httpPort = httpPort;
    this.metrics = metrics;
    this.auditSenders = auditSenders;
    this.auditTopic = auditTopic;
    this.intakes = List.copyOf(intakes);
    this.protection = protection;
    this.refresher = refresher;
  }

  /**
   * Serves HTTP, connects the audit topic, then starts receiving.
   *
   * @throws RuntimeException when the port cannot be bound or Service Bus cannot be reached; the
   *     service is then closed
   */
  public void start() {
    try {
      http = HttpEndpoints.start(httpPort, this::ready, this::notReadyReason, metrics::scrape);
      // Loaded before the first event, and loudly: an unreadable protected group keeps the worker
      // not ready, and events wait, until it can be read.
      refresher.start();
      auditSenders.connect(auditTopic);
      // Every cancellation marker on the queues is known before the first event is taken, so no
      // delivery of a cancelled event runs here for want of a scan.
      markers.start();
      intakes.forEach(ServiceBusIntake::start);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Ready when every intake receives, the audit sender is connected, the protected set is fresh and
   * the cancellation markers fit in memory (past their bound, new bulk work waits).
   */
  public boolean ready() {
    return intakes.stream().allMatch(ServiceBusIntake::ready)
        && auditSenders.healthy()
        && protection.ready()
        && !markers.saturated();
  }

  /** Why the worker is not ready, for {@code /health/ready}; names no user. */
  String notReadyReason() {
    String protectionProblem = protection.problem();
    if (protectionProblem != null) {
      return "protected set unavailable, events wait: " + protectionProblem;
    }
    if (!auditSenders.healthy()) {
      return "the audit topic cannot be sent to";
    }
    if (markers.saturated()) {
      return "more unexpired cancellation markers on the worker's own queue than a worker keeps"
          + " (offboarding_cancellation_markers_saturated): new bulk work waits until they expire; urgent work goes on";
    }
    return intakes.stream().allMatch(ServiceBusIntake::ready) ? "" : "an intake is not receiving";
  }

  /** Closes {@code part} when the service closes, after the intakes drained. */
  WorkerService alsoClosing(AutoCloseable part) {
    parts.add(part);
    return this;
  }

  /** The HTTP port actually bound (useful with {@code HTTP_PORT=0}). */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The worker's meters, as {@code /metrics} serves them. */
  public Metrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    // The intakes drain side by side, so two queues take no longer than one within the bound.
    List<Thread> closing = intakes.stream().map(i -> Thread.ofVirtual().start(i::close)).toList();
    for (Thread t : closing) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    refresher.close();
    for (AutoCloseable part : parts) {
      try {
        part.close();
      } catch (Exception e) {
        // close() never throws; the part's own close logs what it could not do.
      }
    }
    markers.close();
    auditSenders.close();
    if (http != null) {
      http.close();
    }
  }
}
