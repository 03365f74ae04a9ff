package com.azure.messaging.servicebus;

import com.azure.core.amqp.exception.AmqpErrorContext;
import com.azure.messaging.servicebus.implementation.instrumentation.ServiceBusTracer;
import java.util.List;

/**
 * Real SDK message batches without a connection, for unit tests of code that packs audit messages:
 * the SDK only creates batches through a connected sender, so this helper lives in the SDK's
 * package to reach the constructor, and sizes messages exactly as a sender's batch does.
 */
public final class TestBatches {
  private TestBatches() {}

  /** An empty batch that holds at most {@code maxSizeInBytes} of encoded messages. */
  public static ServiceBusMessageBatch create(int maxSizeInBytes) {
    return new ServiceBusMessageBatch(
        true,
        maxSizeInBytes,
        () -> new AmqpErrorContext("test"),
        new ServiceBusTracer(null, "test.servicebus.windows.net", "test"),
        new ServiceBusMessageSerializer());
  }

  /** The messages a batch holds, in order. */
  public static List<ServiceBusMessage> messages(ServiceBusMessageBatch batch) {
    return List.copyOf(batch.getMessages());
  }
}
