package dev.offboarding.worker.testing;

import static org.awaitility.Awaitility.await;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.testkit.servicebus.EntityTail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads an audit entity (the topic's "all" subscription) as tests need it: browsed with {@link
 * EntityTail}, so nothing is taken from the entity; each message decoded once, when it arrives, and
 * indexed by correlation id (the event it is about), so a long run's polls do not fall behind
 * decoding everything again. Thread-safe.
 */
public final class AuditReader implements AutoCloseable {
  private final ServiceBusClientBuilder clients;
  private final String entityPath;
  private final boolean republishedOnce;
  private final Consumer<List<ServiceBusReceivedMessage>> onArrival;
  private final AuditCodec codec = new AuditCodec();
  private EntityTail tail;
  private final List<ServiceBusReceivedMessage> all = new ArrayList<>();
  private final Map<String, List<ServiceBusReceivedMessage>> byEvent = new HashMap<>();
  private final Map<String, List<SummaryAudit>> summaries = new HashMap<>();
  private final Map<String, List<TargetAudit>> targets = new HashMap<>();

  /**
   * Other audit types decoded on demand, once per message: subject, then message sequence number.
   */
  private final Map<String, Map<Long, Object>> others = new HashMap<>();

  private final Set<String> seenIds = new HashSet<>();
  private final List<String> undecodable = new ArrayList<>();

  /**
   * @param entityPath a queue, or {@code topic/subscriptions/name}
   * @param republishedOnce whether a message published twice with one message id (past the broker's
   *     duplicate detection) counts once, as the reliability runs count results
   * @param onArrival sees each batch of newly arrived messages (e.g. to keep them as evidence)
   */
  public AuditReader(
      ServiceBusClientBuilder clients,
      String entityPath,
      boolean republishedOnce,
      Consumer<List<ServiceBusReceivedMessage>> onArrival) {
    this.clients = clients;
    this.entityPath = entityPath;
    this.republishedOnce = republishedOnce;
    this.onArrival = onArrival;
  }

  /**
   * Takes what has arrived since the last read; returns everything read so far, in sequence order.
   */
  public synchronized List<ServiceBusReceivedMessage> messages() {
    if (tail == null) {
      tail = EntityTail.of(clients, entityPath);
    }
    List<ServiceBusReceivedMessage> fresh = new ArrayList<>();
    for (ServiceBusReceivedMessage m : tail.poll()) {
      if (republishedOnce && !seenIds.add(m.getMessageId())) {
        continue;
      }
      fresh.add(m);
      all.add(m);
      String event = m.getCorrelationId();
      byEvent.computeIfAbsent(event, e -> new ArrayList<>()).add(m);
      try {
        if (SummaryAudit.TYPE.equals(m.getSubject())) {
          summaries
              .computeIfAbsent(event, e -> new ArrayList<>())
              .add(codec.decodeSummary(m.getBody().toBytes()));
        } else if (TargetAudit.TYPE.equals(m.getSubject())) {
          targets
              .computeIfAbsent(event, e -> new ArrayList<>())
              .add(codec.decodeTarget(m.getBody().toBytes()));
        }
      } catch (RuntimeException e) {
        // One message the codec refuses must not cost the rest of the batch.
        undecodable.add(m.getMessageId() + ": " + e.getMessage());
      }
    }
    if (!fresh.isEmpty()) {
      onArrival.accept(List.copyOf(fresh));
    }
    return List.copyOf(all);
  }

  /** Messages read so far about one event (reading what has arrived first). */
  public synchronized List<ServiceBusReceivedMessage> messages(String eventId) {
    messages();
    return List.copyOf(byEvent.getOrDefault(eventId, List.of()));
  }

  /** Summaries read so far for one event (reading what has arrived first). */
  public synchronized List<SummaryAudit> summaries(String eventId) {
    messages();
    return List.copyOf(summaries.getOrDefault(eventId, List.of()));
  }

  /** Every summary read so far, of any event (reading what has arrived first). */
  public synchronized List<SummaryAudit> allSummaries() {
    messages();
    return summaries.values().stream().flatMap(List::stream).toList();
  }

  /** Target results read so far for one event (reading what has arrived first). */
  public synchronized List<TargetAudit> targets(String eventId) {
    messages();
    return List.copyOf(targets.getOrDefault(eventId, List.of()));
  }

  /**
   * Audits of another type ({@code subject}) for one event, each message decoded by {@code decode}
   * the first time it is asked for and kept.
   */
  @SuppressWarnings("unchecked")
  public synchronized <T> List<T> decoded(
      String eventId, String subject, Function<ServiceBusReceivedMessage, T> decode) {
    Map<Long, Object> bySequence = others.computeIfAbsent(subject, s -> new HashMap<>());
    List<T> out = new ArrayList<>();
    for (ServiceBusReceivedMessage m : messages(eventId)) {
      if (subject.equals(m.getSubject())) {
        out.add((T) bySequence.computeIfAbsent(m.getSequenceNumber(), n -> decode.apply(m)));
      }
    }
    return List.copyOf(out);
  }

  /** Audit messages read that the contract's codec refused, with why. */
  public synchronized List<String> undecodable() {
    return List.copyOf(undecodable);
  }

  /** Waits up to {@code atMost} until one event has a summary; returns its summaries. */
  public List<SummaryAudit> awaitSummaries(String eventId, Duration atMost) {
    return awaitSummaries(eventId, atMost, s -> !s.isEmpty());
  }

  /** Waits up to {@code atMost} until one event's summaries satisfy {@code until}; returns them. */
  public List<SummaryAudit> awaitSummaries(
      String eventId, Duration atMost, Predicate<List<SummaryAudit>> until) {
    return await().atMost(atMost).until(() -> summaries(eventId), until);
  }

  /**
   * Waits up to {@code atMost} until one event has a summary matching {@code which}; returns the
   * first such.
   */
  public SummaryAudit awaitSummary(String eventId, Duration atMost, Predicate<SummaryAudit> which) {
    return awaitSummaries(eventId, atMost, s -> s.stream().anyMatch(which)).stream()
        .filter(which)
        .findFirst()
        .orElseThrow();
  }

  /**
   * Waits up to {@code atMost} for one event's final summary (the delivery that finished it);
   * returns it.
   */
  public SummaryAudit awaitFinalSummary(String eventId, Duration atMost) {
    return awaitSummary(eventId, atMost, SummaryAudit::finalSummary);
  }

  public AuditCodec codec() {
    return codec;
  }

  @Override
  public synchronized void close() {
    if (tail != null) {
      tail.close();
    }
  }
}
