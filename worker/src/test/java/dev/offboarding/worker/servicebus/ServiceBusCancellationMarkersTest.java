package dev.offboarding.worker.servicebus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.Cancellation;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.codec.CancellationMarkerCodec;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.execute.OutageGuard;
import dev.offboarding.worker.execute.WriteBudget;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.scheduling.CancellationMarkers;
import dev.offboarding.worker.testing.FakeDirectory;
import dev.offboarding.worker.testing.Inbounds;
import dev.offboarding.worker.testing.RecordingWrites;
import dev.offboarding.worker.testing.WorkerSystem;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cancellation markers in the embedded emulator, through the official SDK: the broker is their only
 * state.
 */
class ServiceBusCancellationMarkersTest {
  private static final String QUEUE = "offboarding-events";
  private static final String INTERNAL = "offboarding-internal";

  private final ServiceBusEmulator emulator = WorkerSystem.projectEntities();
  private final ServiceBusClientBuilder clients =
      new ServiceBusClientBuilder().connectionString(emulator.connectionString());
  private final SdkAuditSenders senders = new SdkAuditSenders(clients);
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    senders.close();
    emulator.close();
  }

  /**
   * A worker's markers, as a process has them: started (the start-up scan), tailed every 100 ms.
   */
  private ServiceBusCancellationMarkers process(Metrics metrics) {
    ServiceBusCancellationMarkers markers =
        new ServiceBusCancellationMarkers(
            clients, senders, INTERNAL, Clock.systemUTC(), Duration.ofMillis(100), metrics);
    opened.add(markers);
    markers.start();
    return markers;
  }

  private static CancellationMarkers.Marker marker(
      String eventId, CancellationMarkers.Removed removed) {
    return new CancellationMarkers.Marker(
        eventId,
        "cancel-1",
        "hr-ops@contoso.com",
        "wrong group",
        Instant.now().plus(Duration.ofHours(6)).truncatedTo(ChronoUnit.MILLIS),
        removed);
  }

  @Test
  void aMarkerOneReplicaPlacesIsReadByAnotherTailingAndByAReplicaStartedLater() {
    Metrics tailing = new Metrics();
    ServiceBusCancellationMarkers one = process(new Metrics());
    ServiceBusCancellationMarkers other = process(tailing);
    CancellationMarkers.Marker placed =
        marker(
            "evt-1",
            new CancellationMarkers.Removed(
                QUEUE, "dev.offboarding.leaver.v1", Instant.parse("2026-12-31T16:00:00Z"), 1));

    one.place(placed, "7@" + QUEUE);

    assertEquals(List.of(placed), one.known("evt-1"), "known at once where it was placed");
    await().atMost(Duration.ofSeconds(10)).until(() -> !other.known("evt-1").isEmpty());
    assertEquals(List.of(placed), other.known("evt-1"));
    assertEquals(
        List.of(placed), process(new Metrics()).known("evt-1"), "read by the start-up scan");
    assertEquals(
        1, emulator.stats(INTERNAL).scheduled(), "one scheduled message, due when it expires");
    assertEquals(
        0, emulator.stats(QUEUE).scheduled(), "nothing of the worker's on a producer's queue");
    assertEquals("SCHEDULED", emulator.peekMessages(INTERNAL).get(0).state());
    assertEquals("evt-1", emulator.peekMessages(INTERNAL).get(0).correlationId());
    assertTrue(tailing.count(Metrics.CANCELLATION_MARKER_PEEKS, "scan", "tail") >= 1);
    assertTrue(tailing.scrape().contains(Metrics.CANCELLATION_MARKERS + " 1.0"), tailing.scrape());
  }

  @Test
  void aMarkerPlacedTwiceIsKeptOnceAndAMalformedOneIsIgnored() {
    ServiceBusCancellationMarkers one = process(new Metrics());
    try (ServiceBusSenderClient raw = clients.sender().queueName(INTERNAL).buildClient()) {
      ServiceBusMessage forged =
          new ServiceBusMessage("{\"cancellationMarker\":\"x\"}".getBytes(StandardCharsets.UTF_8));
      forged.setSubject(CancellationMarkerCodec.FORMAT);
      forged.setScheduledEnqueueTime(java.time.OffsetDateTime.now().plusHours(1));
      raw.sendMessage(forged);
    }

    one.place(marker("evt-2", null), "8@" + QUEUE);
    one.place(marker("evt-2", null), "8@" + QUEUE);

    assertEquals(
        2,
        emulator.stats(INTERNAL).scheduled(),
        "the queue's duplicate detection kept one of the two");
    ServiceBusCancellationMarkers later = process(new Metrics());
    assertEquals(1, later.known("evt-2").size());
    assertEquals(List.of(), later.known("x"));
  }

  /**
   * A well-formed marker planted on a producer's queue, as anyone with Send there could: never
   * read.
   */
  @Test
  void aMarkerOnAProducersQueueIsNeverRead() {
    try (ServiceBusSenderClient raw = clients.sender().queueName(QUEUE).buildClient()) {
      ServiceBusMessage planted =
          new ServiceBusMessage(new CancellationMarkerCodec().encode(marker("evt-victim", null)));
      planted.setSubject(CancellationMarkerCodec.FORMAT);
      planted.setCorrelationId("evt-victim");
      planted.setScheduledEnqueueTime(java.time.OffsetDateTime.now().plusHours(1));
      raw.sendMessage(planted);
    }
    ServiceBusCancellationMarkers tailing = process(new Metrics());
    ServiceBusCancellationMarkers one = process(new Metrics());
    one.place(marker("evt-known", null), "9@" + QUEUE);
    await().atMost(Duration.ofSeconds(10)).until(() -> !tailing.known("evt-known").isEmpty());

    assertEquals(List.of(), tailing.known("evt-victim"), "not learnt by tailing");
    assertEquals(List.of(), process(new Metrics()).known("evt-victim"), "not learnt at start-up");
  }

  /**
   * More unexpired markers than a worker keeps: it says so (saturated, and the gauge), keeps what
   * fits, and once markers expired and there is room, reads the queue again and knows the rest.
   */
  @Test
  void aWorkerPastItsBoundOfMarkersIsSaturatedUntilThereIsRoomThenKnowsTheRest() {
    Metrics metrics = new Metrics();
    ServiceBusCancellationMarkers writer = process(new Metrics());
    Instant soon = Instant.now().plus(Duration.ofSeconds(3));
    writer.place(
        new CancellationMarkers.Marker("evt-a", "cancel-a", "ops", "r", soon, null), "1@" + QUEUE);
    writer.place(
        new CancellationMarkers.Marker("evt-b", "cancel-b", "ops", "r", soon, null), "2@" + QUEUE);
    writer.place(marker("evt-c", null), "3@" + QUEUE);
    ServiceBusCancellationMarkers bounded =
        new ServiceBusCancellationMarkers(
            clients, senders, INTERNAL, Clock.systemUTC(), Duration.ofMillis(100), metrics, 2);
    opened.add(bounded);

    bounded.start();

    assertTrue(bounded.saturated(), "three markers, room for two");
    assertTrue(
        metrics.scrape().contains(Metrics.CANCELLATION_MARKERS_SATURATED + " 1.0"),
        metrics.scrape());
    assertTrue(bounded.known("evt-c").isEmpty(), "the third was not kept");
    await().atMost(Duration.ofSeconds(15)).until(() -> !bounded.saturated());
    await().atMost(Duration.ofSeconds(10)).until(() -> !bounded.known("evt-c").isEmpty());
    assertTrue(
        metrics.scrape().contains(Metrics.CANCELLATION_MARKERS_SATURATED + " 0.0"),
        metrics.scrape());
  }

  /**
   * The worker dies after it removed the held copy and before the CANCELLED summary was published.
   * The cancel, delivered again to a new process, finds no held copy; the marker it left first says
   * what was removed, so the summaries are published after all.
   */
  @Test
  void aCancelDeliveredToANewProcessAfterACrashBetweenRemovalAndAuditStillAuditsTheCancelledEvent()
      throws Exception {
    EventCodec codec = new EventCodec();
    Instant due = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
    OffboardingEvent leaver =
        new OffboardingEvent(
            "evt-3",
            "/test",
            EventType.LEAVER,
            Instant.now(),
            new EventData(
                List.of(new Target.User("alice@contoso.com")),
                List.of(),
                "leaver",
                null,
                "hr",
                false,
                due));
    ServiceBusFollowUps queue =
        new ServiceBusFollowUps(senders, INTERNAL, new ContinuationCodec(), Clock.systemUTC());
    queue.hold((Inbound.Event) Inbounds.of(codec.encode(leaver), "5"), due);
    byte[] cancel =
        codec.encode(
            OffboardingEvent.cancel(
                "cancel-3",
                "/ops",
                Instant.now(),
                new Cancellation("evt-3", "contract extended", "hr-ops@contoso.com")));
    AuditSink dies =
        new AuditSink() {
          @Override
          public void targets(List<TargetAudit> results) {}

          @Override
          public void summary(SummaryAudit s) {
            throw new AuditException("the process died", null);
          }
        };
    Settlement first =
        processor(process(new Metrics()))
            .process(
                new EventProcessor.Work(
                    Inbounds.of(cancel, "8"), false, dies, queue, () -> false, () -> {}));
    assertInstanceOf(Settlement.Abandon.class, first);
    assertTrue(
        emulator.peekMessages(INTERNAL).stream()
            .noneMatch(
                m ->
                    leaver.id().equals(m.correlationId())
                        && !CancellationMarkerCodec.FORMAT.equals(m.subject())),
        "the held copy is gone");
    List<SummaryAudit> published = new CopyOnWriteArrayList<>();
    AuditSink topic =
        new AuditSink() {
          @Override
          public void targets(List<TargetAudit> results) {}

          @Override
          public void summary(SummaryAudit s) {
            published.add(s);
          }
        };

    Settlement again =
        processor(process(new Metrics()))
            .process(
                new EventProcessor.Work(
                    Inbounds.of(cancel, "8"), true, topic, queue, () -> false, () -> {}));

    assertInstanceOf(Settlement.Complete.class, again);
    assertEquals(
        List.of("evt-3", "cancel-3"), published.stream().map(SummaryAudit::eventId).toList());
    assertEquals(SummaryStatus.CANCELLED, published.get(0).status());
    assertEquals("dev.offboarding.leaver.v1", published.get(0).eventType());
    assertTrue(
        published.get(0).detail().startsWith("cancelled before it ran, due " + due),
        published.get(0).detail());
    assertTrue(
        published
            .get(1)
            .detail()
            .startsWith(
                "cancelled event evt-3, due "
                    + due
                    + ", before it ran (1"
                    + " scheduled message(s) removed from "
                    + INTERNAL
                    + ")"),
        published.get(1).detail());
  }

  private EventProcessor processor(CancellationMarkers markers) {
    // A cancel plans and writes nothing: a directory and writes that know no one do.
    return EventProcessor.builder(
            new Planner(new FakeDirectory(), Protection.none(), 100),
            new Executor(
                new RecordingWrites(),
                WriteBudget.UNLIMITED,
                RetryPolicy.defaults(),
                OutageGuard.NONE,
                null,
                d -> {},
                Clock.systemUTC(),
                8),
            Clock.systemUTC())
        .scheduled(new ServiceBusScheduledEvents(clients, List.of(INTERNAL)))
        .markers(markers, Duration.ofDays(1))
        .build();
  }
}
