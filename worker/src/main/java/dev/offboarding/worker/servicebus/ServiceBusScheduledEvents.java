package dev.offboarding.worker.servicebus;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.ServiceBusMessageState;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.intake.MessageClassifier;
import dev.offboarding.worker.scheduling.ScheduledEvents;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * {@link ScheduledEvents} on Service Bus: peeks the worker's own queue (peeking locks and removes
 * nothing, and shows scheduled messages with their state, time and sequence number) for the held
 * events ({@link MessageClassifier#HELD_UNTIL}) whose correlation id is the event id, and cancels
 * them by sequence number. Only the worker's own queue is read and cancelled in: producers' queues
 * hold nothing of the worker's. Peeking reads the queue from its oldest message on, at most {@link
 * #MAX_SCANNED} messages per queue; a queue with a deeper backlog is reported as a failure rather
 * than searched in part. Each call opens its clients on the shared builder (one AMQP connection)
 * and closes them. Thread-safe.
 */
public final class ServiceBusScheduledEvents implements ScheduledEvents {
  /** The deepest queue searched: a backlog beyond it is an incident of its own. */
  public static final int MAX_SCANNED = 100_000;

  private static final int PAGE = 250;

  /**
   * One scheduled message on a queue, as {@code scheduled list} shows it.
   *
   * @param heldEvent true for an event held until its effectiveAt ({@link
   *     MessageClassifier#HELD_UNTIL}), false for another scheduled message (a follow-up waiting to
   *     retry users)
   * @param intakeQueue the intake queue a held event names ({@link
   *     MessageClassifier#INTAKE_QUEUE}), or null
   * @param awaitingApproval true for a held event waiting for a second person's approval
   */
  public record Listed(
      String queue,
      long sequenceNumber,
      String messageId,
      String correlationId,
      String subject,
      Instant dueAt,
      byte[] body,
      boolean heldEvent,
      String intakeQueue,
      boolean awaitingApproval) {}

  private final ServiceBusClientBuilder clients;
  private final List<String> queues;

  /** The messages scheduled on {@code queues}, read and cancelled through {@code clients}. */
  public ServiceBusScheduledEvents(ServiceBusClientBuilder clients, List<String> queues) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.queues = List.copyOf(queues);
  }

  @Override
  public List<Held> find(String eventId) {
    List<Held> found = new ArrayList<>();
    for (Listed m :
        scan(
            m ->
                eventId.equals(m.getCorrelationId())
                    && m.getApplicationProperties().get(MessageClassifier.HELD_UNTIL) != null,
            Integer.MAX_VALUE)) {
      found.add(
          new Held(
              m.queue(),
              m.sequenceNumber(),
              eventId,
              m.dueAt(),
              m.body(),
              m.intakeQueue(),
              m.awaitingApproval()));
    }
    return found;
  }

  @Override
  public void cancel(Held held) {
    if (!queues.contains(held.queue())) {
      throw new IllegalArgumentException("not one of this worker's queues: " + held.queue());
    }
    try (ServiceBusSenderClient sender = clients.sender().queueName(held.queue()).buildClient()) {
      sender.cancelScheduledMessage(held.sequenceNumber());
    } catch (RuntimeException e) {
      throw new AuditSink.AuditException(
          "cancelling scheduled message "
              + held.sequenceNumber()
              + " on "
              + held.queue()
              + " failed: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Every scheduled message on the queues, held events and follow-ups alike, at most {@code max}.
   */
  public List<Listed> list(int max) {
    return scan(m -> true, max);
  }

  private List<Listed> scan(Predicate<ServiceBusReceivedMessage> wanted, int max) {
    List<Listed> found = new ArrayList<>();
    for (String queue : queues) {
      try (ServiceBusReceiverClient receiver = clients.receiver().queueName(queue).buildClient()) {
        long next = 0;
        int scanned = 0;
        while (found.size() < max) {
          List<ServiceBusReceivedMessage> page =
              receiver.peekMessages(PAGE, next).stream().toList();
          if (page.isEmpty()) {
            break;
          }
          for (ServiceBusReceivedMessage m : page) {
            next = Math.max(next, m.getSequenceNumber() + 1);
            if (m.getState() == ServiceBusMessageState.SCHEDULED
                && wanted.test(m)
                && found.size() < max) {
              found.add(listed(queue, m));
            }
          }
          scanned += page.size();
          if (scanned >= MAX_SCANNED) {
            throw new AuditSink.AuditException(
                "queue "
                    + queue
                    + " holds more than "
                    + MAX_SCANNED
                    + " messages; not searched for scheduled events",
                null);
          }
        }
      } catch (AuditSink.AuditException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new AuditSink.AuditException(
            "peeking " + queue + " for scheduled events failed: " + e.getMessage(), e);
      }
    }
    return found;
  }

  private static Listed listed(String queue, ServiceBusReceivedMessage m) {
    OffsetDateTime due = m.getScheduledEnqueueTime();
    Object intake = m.getApplicationProperties().get(MessageClassifier.INTAKE_QUEUE);
    return new Listed(
        queue,
        m.getSequenceNumber(),
        m.getMessageId(),
        m.getCorrelationId(),
        m.getSubject(),
        due == null ? null : due.toInstant(),
        m.getBody().toBytes(),
        m.getApplicationProperties().get(MessageClassifier.HELD_UNTIL) != null,
        intake instanceof String s ? s : null,
        Boolean.TRUE.equals(m.getApplicationProperties().get(MessageClassifier.AWAITING_APPROVAL)));
  }
}
