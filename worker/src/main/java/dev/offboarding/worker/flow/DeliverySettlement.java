package dev.offboarding.worker.flow;

import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.metrics.Metrics;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The one place a delivery is settled: {@link Settlement.Complete} completes it, {@link
 * Settlement.DeadLetter} dead-letters it with the reason code and the problems as description,
 * {@link Settlement.Abandon} abandons it. Called only after the audit is published (the processor
 * decides that). A settlement the broker refuses (lock lost, connection gone) is logged and
 * counted, never thrown: the message comes back and is processed again, which is safe.
 */
public final class DeliverySettlement {
  /** Service Bus keeps application properties small; the full problem list is in the audit. */
  static final int MAX_DESCRIPTION = 4096;

  static final int MAX_REASON = 128;

  private static final Logger LOG = System.getLogger(DeliverySettlement.class.getName());

  private final Metrics metrics;

  /**
   * Settles deliveries, counting events settled, continued and settlements refused in {@code
   * metrics}.
   */
  public DeliverySettlement(Metrics metrics) {
    this.metrics = metrics;
  }

  /**
   * Settles the delivery and counts the event.
   *
   * @param settlement what the processor decided
   * @param delivery the message
   * @param eventType the event's type as received, for the metric (may be null)
   * @param outcome the published summary's status, or null when none was published
   * @return true when the broker accepted the settlement
   */
  public boolean settle(
      Settlement settlement, Delivery delivery, String eventType, String outcome) {
    String name =
        switch (settlement) {
          case Settlement.Complete c -> "complete";
          case Settlement.DeadLetter d -> "deadLetter";
          case Settlement.Abandon a -> "abandon";
        };
    try {
      switch (settlement) {
        case Settlement.Complete c -> delivery.complete();
        case Settlement.DeadLetter d ->
            delivery.deadLetter(
                truncate(d.reason(), MAX_REASON), truncate(d.description(), MAX_DESCRIPTION));
        // The event's log line (EventLog) says why.
        case Settlement.Abandon a -> delivery.abandon();
      }
    } catch (RuntimeException e) {
      metrics.settlementFailed(name);
      LOG.log(
          Level.WARNING,
          "could not "
              + name
              + " message "
              + delivery.messageId()
              + "; it will be delivered again: "
              + e.getMessage());
      return false;
    }
    String counted =
        switch (settlement) {
          case Settlement.Complete c -> outcome == null ? "COMPLETED" : outcome;
          case Settlement.DeadLetter d -> "REJECTED";
          case Settlement.Abandon a -> "ABANDONED";
        };
    metrics.eventSettled(eventType, counted);
    if (settlement instanceof Settlement.Complete c && c.continuedBecause() != null) {
      metrics.continued(c.continuedBecause());
    }
    return true;
  }

  static String truncate(String s, int max) {
    if (s == null) {
      return null;
    }
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
