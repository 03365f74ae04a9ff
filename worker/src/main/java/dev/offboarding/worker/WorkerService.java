package dev.offboarding.worker;

import dev.offboarding.worker.http.HttpEndpoints;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.servicebus.SdkAuditSenders;
import dev.offboarding.worker.servicebus.ServiceBusIntake;

/**
 * The running worker, as {@code run} starts it: HTTP endpoints, the audit senders and the intake.
 * {@link #start()} serves {@code /health/live} at once and becomes ready when the audit topic and
 * the queue are connected; {@link #close()} drains the intake within its bound, then closes the
 * senders and the endpoints; it never throws.
 */
public final class WorkerService implements AutoCloseable {
  private final int httpPort;
  private final Metrics metrics;
  private final SdkAuditSenders auditSenders;
  private final String auditTopic;
  private final ServiceBusIntake intake;
  private HttpEndpoints http;

  WorkerService(int httpPort, Metrics metrics, SdkAuditSenders auditSenders, String auditTopic,
      ServiceBusIntake intake) {
    this.httpPort = httpPort;
    this.metrics = metrics;
    this.auditSenders = auditSenders;
    this.auditTopic = auditTopic;
    this.intake = intake;
  }

  /**
   * Serves HTTP, connects the audit topic, then starts receiving.
   *
   * @throws RuntimeException when the port cannot be bound or Service Bus cannot be reached; the
   *     service is then closed
   */
  public void start() {
    try {
      http = HttpEndpoints.start(httpPort, this::ready, metrics::scrape);
      auditSenders.connect(auditTopic);
      intake.start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Ready when the intake receives and the audit sender is connected. */
  public boolean ready() {
    return intake.ready() && auditSenders.healthy();
  }

  /** The HTTP port actually bound (useful with {@code HTTP_PORT=0}). */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  public Metrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    intake.close();
    auditSenders.close();
    if (http != null) {
      http.close();
    }
  }
}
