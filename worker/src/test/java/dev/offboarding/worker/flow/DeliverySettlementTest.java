package dev.offboarding.worker.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.metrics.Metrics;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliverySettlementTest {
  private final Metrics metrics = new Metrics();
  private final DeliverySettlement settlement = new DeliverySettlement(metrics);
  private final RecordingDelivery delivery = new RecordingDelivery(new byte[0], 0);

  @Test
  void completesAndCountsTheSummaryStatus() {
    boolean settled =
        settlement.settle(
            new Settlement.Complete(), delivery, "dev.offboarding.leaver.v1", "PARTIAL");

    assertTrue(settled);
    assertEquals(List.of("complete"), delivery.settlements());
    assertEquals(1, metrics.count(Metrics.EVENTS, "type", "leaver", "outcome", "PARTIAL"));
  }

  @Test
  void deadLettersWithTheReasonCodeAndTheProblemsAsDescription() {
    settlement.settle(
        new Settlement.DeadLetter("InvalidEvent", "$.data.reason: must not be blank"),
        delivery,
        null,
        "REJECTED");

    assertEquals(List.of("deadLetter"), delivery.settlements());
    assertEquals("InvalidEvent", delivery.deadLetterReason);
    assertEquals("$.data.reason: must not be blank", delivery.deadLetterDescription);
    assertEquals(1, metrics.count(Metrics.EVENTS, "type", "invalid", "outcome", "REJECTED"));
  }

  @Test
  void shortensADescriptionTooLongForAnApplicationProperty() {
    settlement.settle(
        new Settlement.DeadLetter("InvalidEvent", "x".repeat(10_000)), delivery, null, null);

    assertEquals(DeliverySettlement.MAX_DESCRIPTION, delivery.deadLetterDescription.length());
    assertTrue(delivery.deadLetterDescription.endsWith("..."));
  }

  @Test
  void abandonsOnATransientFailure() {
    settlement.settle(
        new Settlement.Abandon("Graph unavailable", null),
        delivery,
        "dev.offboarding.compromise.v1",
        null);

    assertEquals(List.of("abandon"), delivery.settlements());
    assertEquals(1, metrics.count(Metrics.EVENTS, "type", "compromise", "outcome", "ABANDONED"));
  }

  @Test
  void countsButNeverThrowsWhenTheBrokerRefusesASettlement() {
    delivery.refuse = new IllegalStateException("lock lost");

    boolean settled =
        settlement.settle(new Settlement.Complete(), delivery, "dev.offboarding.leaver.v1", null);

    assertFalse(settled);
    assertEquals(1, metrics.count(Metrics.SETTLEMENT_FAILURES, "settlement", "complete"));
    assertEquals(0, metrics.count(Metrics.EVENTS, "type", "leaver", "outcome", "COMPLETED"));
  }
}
