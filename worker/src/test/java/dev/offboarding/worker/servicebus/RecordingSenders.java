package dev.offboarding.worker.servicebus;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.TestBatches;
import java.util.ArrayList;
import java.util.List;

/** {@link AuditSenders} that records each batch sent, with real SDK batches of a chosen size. */
public final class RecordingSenders implements AuditSenders {
  public record Sent(String entity, List<ServiceBusMessage> messages) {}

  public final List<Sent> sent = new ArrayList<>();
  private final int maxBatchBytes;
  RuntimeException failSends;

  public RecordingSenders(int maxBatchBytes) {
    this.maxBatchBytes = maxBatchBytes;
  }

  @Override
  public ServiceBusMessageBatch createBatch(String entity) {
    return TestBatches.create(maxBatchBytes);
  }

  @Override
  public void send(String entity, ServiceBusMessageBatch batch) {
    if (failSends != null) {
      throw failSends;
    }
    sent.add(new Sent(entity, TestBatches.messages(batch)));
  }

  public List<ServiceBusMessage> messagesTo(String entity) {
    return sent.stream()
        .filter(s -> s.entity().equals(entity))
        .flatMap(s -> s.messages().stream())
        .toList();
  }
}
