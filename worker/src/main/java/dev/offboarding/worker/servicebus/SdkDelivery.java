package dev.offboarding.worker.servicebus;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessageContext;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import dev.offboarding.worker.flow.Delivery;
import java.time.Instant;
import java.time.OffsetDateTime;

/** A {@link Delivery} over the processor's message context. */
final class SdkDelivery implements Delivery {
  private final String queue;
  private final ServiceBusReceivedMessageContext context;
  private final ServiceBusReceivedMessage message;

  SdkDelivery(String queue, ServiceBusReceivedMessageContext context) {
    this.queue = queue;
    this.context = context;
    this.message = context.getMessage();
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public String messageId() {
    return message.getMessageId();
  }

  @Override
  public long sequenceNumber() {
    return message.getSequenceNumber();
  }

  @Override
  public byte[] body() {
    return message.getBody().toBytes();
  }

  @Override
  public long deliveryCount() {
    return message.getDeliveryCount();
  }

  @Override
  public Instant enqueuedAt() {
    OffsetDateTime t = message.getEnqueuedTime();
    return t == null ? null : t.toInstant();
  }

  @Override
  public String replyTo() {
    return message.getReplyTo();
  }

  @Override
  public String replyToSessionId() {
    return message.getReplyToSessionId();
  }

  @Override
  public Object property(String name) {
    return message.getApplicationProperties().get(name);
  }

  @Override
  public void complete() {
    context.complete();
  }

  @Override
  public void abandon() {
    context.abandon();
  }

  @Override
  public void deadLetter(String reason, String description) {
    context.deadLetter(
        new DeadLetterOptions()
            .setDeadLetterReason(reason)
            .setDeadLetterErrorDescription(description));
  }
}
