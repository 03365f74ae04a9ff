package dev.offboarding.testkit.servicebus;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads everything a queue or subscription holds, in sequence order, through the official SDK's
 * peek (browse), without taking anything from it: the reader tests and runs use to watch the audit
 * topic.
 *
 * <p>Why not receive-and-delete: the SDK's synchronous receiver leaves link credit open after a
 * {@code receiveMessages} call returns, and messages the broker sends on that credit are deleted on
 * sending but dropped by the client (azure-sdk-for-java#30958; Service Bus does the same). Under a
 * steady stream of audit messages that loses a share of them to the reader. Peek-lock with a
 * completion per message does not lose any, but settles one message per round trip and falls behind
 * a burst. A peek is one management request per page, holds no lock, and changes nothing, so a
 * message seen once is never missed and never taken from another reader.
 *
 * <p>Sequence numbers only grow, so the tail asks from one past the last number it saw. Messages
 * stay in the entity until their time to live ends; a run must read within it. Not thread-safe.
 */
public final class EntityTail implements AutoCloseable {

  /** Messages asked for per peek: large pages keep the tail ahead of a burst, one frame each. */
  public static final int PAGE = 250;

  private final ServiceBusReceiverClient browser;
  private long next = 0;

  private EntityTail(ServiceBusReceiverClient browser) {
    this.browser = browser;
  }

  /**
   * @param clients a builder with the namespace's connection set
   * @param entityPath a queue name, or {@code topic/subscriptions/name}
   */
  public static EntityTail of(ServiceBusClientBuilder clients, String entityPath) {
    ServiceBusClientBuilder.ServiceBusReceiverClientBuilder b = clients.receiver();
    int split = entityPath.indexOf("/subscriptions/");
    if (split >= 0) {
      b.topicName(entityPath.substring(0, split))
          .subscriptionName(entityPath.substring(split + "/subscriptions/".length()));
    } else {
      b.queueName(entityPath);
    }
    return new EntityTail(b.buildClient());
  }

  /**
   * The messages that arrived since the last call (all of them on the first), in sequence order.
   */
  public List<ServiceBusReceivedMessage> poll() {
    List<ServiceBusReceivedMessage> fresh = new ArrayList<>();
    while (true) {
      List<ServiceBusReceivedMessage> page = browser.peekMessages(PAGE, next).stream().toList();
      for (ServiceBusReceivedMessage m : page) {
        if (m.getSequenceNumber() >= next) {
          fresh.add(m);
          next = m.getSequenceNumber() + 1;
        }
      }
      if (page.size() < PAGE) {
        return fresh;
      }
    }
  }

  @Override
  public void close() {
    browser.close();
  }
}
