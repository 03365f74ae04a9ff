package dev.offboarding.worker.servicebus;

import com.azure.messaging.servicebus.ServiceBusMessageBatch;

/**
 * Where audit message batches go: the audit topic, and reply entities by name. The Service Bus
 * implementation keeps one sender per entity; tests use a recording fake with real SDK batches.
 * Both methods throw a runtime exception when the broker is unreachable or refuses.
 */
public interface AuditSenders {

  /** An empty batch sized to the entity's maximum message size (256 KB on Standard). */
  ServiceBusMessageBatch createBatch(String entity);

  /** Sends a batch; it has arrived when this returns. */
  void send(String entity, ServiceBusMessageBatch batch);
}
