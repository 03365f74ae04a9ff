package dev.offboarding.worker.flow;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.continuation.FollowUps;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.servicebus.RecordingSenders;
import dev.offboarding.worker.servicebus.ServiceBusAuditSink;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeliveryHandlerTest {
  private static final byte[] EVENT =
      """
      {"specversion":"1.0","id":"e-1","source":"/hr","type":"dev.offboarding.leaver.v1",
       "data":{"targets":[{"user":"alice@contoso.com"}],"reason":"Leaver"}}
      """
          .getBytes(StandardCharsets.UTF_8);

  private final Metrics metrics = new Metrics();
  private final RecordingSenders senders = new RecordingSenders(256 * 1024);
  private final List<Boolean> redeliveries = new CopyOnWriteArrayList<>();
  private final List<Continuation> followed = new CopyOnWriteArrayList<>();
  private final FollowUps followUps =
      new FollowUps() {
        @Override
        public void send(String eventId, Continuation next, java.time.Instant notBefore) {
          followed.add(next);
        }

        @Override
        public void hold(
            dev.offboarding.worker.intake.Inbound.Event event, java.time.Instant dueAt) {
          throw new AssertionError("no event here takes effect later");
        }
      };
  private DeliveryHandler handler;
  private volatile boolean bulkHeld;

  private DeliveryHandler handler(DeliveryHandler.EventWork work, Duration maxHold) {
    handler =
        new DeliveryHandler(
            w -> {
              redeliveries.add(w.redelivery());
              return work.process(w);
            },
            (context, cancelled) ->
                new ServiceBusAuditSink(
                    senders,
                    new AuditCodec(),
                    "audit",
                    Set.of(),
                    context,
                    Clock.systemUTC(),
                    metrics,
                    cancelled),
            followUps,
            new DeliverySettlement(metrics),
            new IntakeBackoff(
                new IntakeBackoff.Policy(Duration.ZERO, Duration.ZERO, maxHold),
                Clock.systemUTC(),
                metrics),
            metrics,
            Clock.systemUTC(),
            dev.offboarding.worker.testing.Inbounds.CLASSIFIER,
            () -> bulkHeld);
    return handler;
  }

  private static Settlement completed(dev.offboarding.worker.audit.AuditSink audit) {
    Instant now = Instant.now();
    audit.summary(
        SummaryAudit.builder(SummaryStatus.COMPLETED, now, now)
            .eventId("e-1")
            .eventType("dev.offboarding.leaver.v1")
            .build());
    return new Settlement.Complete();
  }

  @AfterEach
  void tearDown() {
    if (handler != null) {
      handler.release();
    }
  }

  @Test
  void completesAnEventOnceItsAuditIsPublished() {
    RecordingDelivery delivery = new RecordingDelivery(EVENT, 0);

    handler(w -> completed(w.audit()), Duration.ofMinutes(1)).handle(delivery);

    assertEquals(List.of("complete"), delivery.settlements());
    assertEquals(1, senders.messagesTo("audit").size());
    assertEquals(List.of(false), redeliveries);
    assertEquals(1, metrics.count(Metrics.EVENTS, "type", "leaver", "outcome", "COMPLETED"));
  }

  @Test
  void tellsTheWorkWhenTheMessageWasDeliveredBefore() {
    RecordingDelivery delivery = new RecordingDelivery(EVENT, 1);

    handler(w -> completed(w.audit()), Duration.ofMinutes(1)).handle(delivery);

    assertEquals(List.of(true), redeliveries);
  }

  @Test
  void retriesATransientFailureInProcessSoTheDeliveryCountStaysPut() {
    RecordingDelivery delivery = new RecordingDelivery(EVENT, 0);
    AtomicInteger attempts = new AtomicInteger();

    handler(
            w ->
                attempts.incrementAndGet() == 1
                    ? new Settlement.Abandon("Graph unavailable", null)
                    : completed(w.audit()),
            Duration.ofMinutes(1))
        .handle(delivery);

    assertEquals(List.of("complete"), delivery.settlements());
    assertEquals(List.of(false, true), redeliveries);
    assertEquals(1, metrics.count(Metrics.EVENT_RETRIES, "reason", "transient"));
  }

  @Test
  void abandonsWhenTheFailureOutlastsTheInProcessHold() {
    RecordingDelivery delivery = new RecordingDelivery(EVENT, 0);

    handler(w -> new Settlement.Abandon("Graph unavailable", null), Duration.ZERO).handle(delivery);

    assertEquals(List.of("abandon"), delivery.settlements());
  }

  @Test
  void startsNoNewBulkWorkWhileCancellationMarkersAreSaturatedAndAbandonsItPastTheHold() {
    bulkHeld = true;
    RecordingDelivery delivery = new RecordingDelivery(EVENT, 0);

    handler(w -> completed(w.audit()), Duration.ZERO).handle(delivery);

    assertEquals(List.of("abandon"), delivery.settlements());
    assertEquals(List.of(), redeliveries, "the event never ran");
  }

  @Test
  void runsUrgentWorkWhileCancellationMarkersAreSaturated() {
    bulkHeld = true;
    RecordingDelivery delivery =
        new RecordingDelivery(
            new String(EVENT, StandardCharsets.UTF_8)
                .replace("dev.offboarding.leaver.v1", "dev.offboarding.compromise.v1")
                .getBytes(StandardCharsets.UTF_8),
            0);
    delivery.queue = "offboarding-urgent";

    handler(w -> completed(w.audit()), Duration.ZERO).handle(delivery);

    assertEquals(List.of("complete"), delivery.settlements());
  }

  @Test
  void handsTheWorkAFollowUpFromAProducersQueueAsForgedOnceDecoded() {
    RecordingDelivery delivery =
        new RecordingDelivery(
            "{\"continuation\":\"dev.offboarding.continuation.v1\"}"
                .getBytes(StandardCharsets.UTF_8),
            0);
    List<dev.offboarding.worker.intake.Inbound> seen = new CopyOnWriteArrayList<>();

    handler(
            w -> {
              seen.add(w.message());
              return new Settlement.DeadLetter("ForgedInternalMessage", "forged");
            },
            Duration.ofMinutes(1))
        .handle(delivery);

    assertEquals(1, seen.size());
    dev.offboarding.worker.intake.Inbound.Forged forged =
        assertInstanceOf(dev.offboarding.worker.intake.Inbound.Forged.class, seen.get(0));
    assertEquals("offboarding-events", forged.queue());
    assertEquals("1@offboarding-events", forged.origin());
    assertEquals(List.of("deadLetter"), delivery.settlements());
  }

  @Test
  void abandonsWithoutRetryingWhenTheWorkHasADefect() {
    RecordingDelivery delivery = new RecordingDelivery(EVENT, 0);

    handler(
            w -> {
              throw new IllegalStateException("bug");
            },
            Duration.ofMinutes(1))
        .handle(delivery);

    assertEquals(List.of("abandon"), delivery.settlements());
    assertEquals(1, redeliveries.size());
  }

  @Test
  void deadLettersWhatTheWorkRejects() {
    RecordingDelivery delivery = new RecordingDelivery(EVENT, 0);

    handler(w -> new Settlement.DeadLetter("InvalidEvent", "$.id: required"), Duration.ofMinutes(1))
        .handle(delivery);

    assertEquals(List.of("deadLetter"), delivery.settlements());
    assertEquals("InvalidEvent", delivery.deadLetterReason);
  }

  @Test
  void cancelsAnEventThatOutlastsTheDrainBoundAndLeavesItForTheLinkToRelease() throws Exception {
    RecordingDelivery delivery = new RecordingDelivery(EVENT, 0);
    CountDownLatch never = new CountDownLatch(1);
    DeliveryHandler h =
        handler(
            w -> {
              never.await();
              return completed(w.audit());
            },
            Duration.ofMinutes(1));
    Thread processorThread = Thread.ofPlatform().start(() -> h.handle(delivery));
    await().until(() -> h.inFlight() == 1);

    boolean drained = h.drain(Duration.ZERO, Duration.ofSeconds(10));

    assertTrue(drained);
    assertTrue(processorThread.isAlive(), "the handler returned to the processor before it closed");
    h.release();
    processorThread.join();
    assertEquals(List.of(), delivery.settlements());
    assertTrue(senders.sent.isEmpty());
    assertEquals(1, metrics.count(Metrics.EVENTS, "type", "leaver", "outcome", "ABANDONED"));
  }

  @Test
  void holdsAMessageThatArrivesWhileDrainingWithoutProcessingIt() throws Exception {
    RecordingDelivery delivery = new RecordingDelivery(EVENT, 0);
    DeliveryHandler h = handler(w -> completed(w.audit()), Duration.ofMinutes(1));
    h.drain(Duration.ZERO, Duration.ZERO);

    Thread processorThread = Thread.ofPlatform().start(() -> h.handle(delivery));

    await().until(() -> processorThread.getState() == Thread.State.TIMED_WAITING);
    h.release();
    processorThread.join();
    assertEquals(List.of(), delivery.settlements());
    assertTrue(redeliveries.isEmpty());
  }
}
