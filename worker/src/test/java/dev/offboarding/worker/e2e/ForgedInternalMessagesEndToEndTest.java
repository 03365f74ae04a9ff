package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.servicebus.EmulatorConfig;
import dev.offboarding.testkit.servicebus.EmulatorMessage;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.codec.CancellationMarkerCodec;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.intake.MessageClassifier;
import dev.offboarding.worker.scheduling.CancellationMarkers;
import dev.offboarding.worker.testing.WorkerSystem;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The attacker's side of the trust boundary, end to end over real AMQP and real HTTP to the fake
 * tenant: someone who may send to a producer's queue hand-makes the worker's own messages (a
 * follow-up claiming verified results, a cancellation marker), or puts a producer's event on the
 * worker's own queue. Each is dead-lettered {@code ForgedInternalMessage}, causes no write, no
 * result and no cancellation, and the genuine event's results still appear.
 */
class ForgedInternalMessagesEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private WorkerHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void
      aFollowUpForgedOnTheProducersQueueWritesNothingAuditsNoResultAndTheGenuineEventStillCompletes() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent event = revokeOf(alice, bob);
    // What the worker once accepted: both users' revoke "done earlier", verified on its word.
    Continuation forged =
        new Continuation(
            new EventCodec().encode(event),
            "1@" + WorkerHarness.QUEUE,
            WorkerHarness.QUEUE,
            1,
            Instant.now(),
            Map.of(),
            Map.of(),
            2,
            null,
            List.of(
                new Continuation.Pending(alice.id(), 0, Set.of(Action.REVOKE_SESSIONS)),
                new Continuation.Pending(bob.id(), 0, Set.of(Action.REVOKE_SESSIONS))));

    harness.sendRaw(UUID.randomUUID().toString(), new ContinuationCodec().encode(forged));

    EmulatorMessage dead = awaitDeadLettered(WorkerHarness.QUEUE);
    assertEquals(MessageClassifier.FORGED, dead.deadLetterReason());
    assertTrue(
        dead.deadLetterErrorDescription().contains("follow-up"), dead.deadLetterErrorDescription());
    assertEquals(List.of(), harness.graph.writeLog(), "no write for anyone");
    assertEquals(List.of(), harness.targets(event.id()), "no result for the event it names");
    assertEquals(List.of(), harness.summaries(event.id()), "no summary for the event it names");

    harness.send(event);

    SummaryAudit last = awaitFinal(event);
    assertEquals(SummaryStatus.COMPLETED, last.status());
    List<TargetAudit> results = harness.targets(event.id());
    assertEquals(2, results.size(), results.toString());
    for (TargetAudit result : results) {
      assertEquals(TargetOutcome.SUCCEEDED, result.outcome());
      assertEquals(
          1,
          result.actions().get(0).attempts(),
          "written by the genuine event, not taken on trust");
      assertEquals(WorkerHarness.QUEUE, result.provenance().queue());
    }
    assertEquals(2, harness.graph.writeLog().size());
  }

  @Test
  void aCancellationMarkerPlantedOnTheProducersQueueCancelsNothingAndIsDeadLetteredWhenDue() {
    FakeTenant tenant = new FakeTenant();
    FakeUser carol = tenant.addUser("carol@contoso.com");
    harness = new WorkerHarness(tenant);
    OffboardingEvent victim = revokeOf(carol);
    CancellationMarkers.Marker marker =
        new CancellationMarkers.Marker(
            victim.id(),
            "cancel-forged",
            "mallory",
            "planted",
            Instant.now().plus(Duration.ofDays(1)),
            null);
    // One scheduled far ahead, read by no start-up scan; one due at once, delivered like any
    // message.
    plantMarker(marker, OffsetDateTime.now(ZoneOffset.UTC).plusDays(1));
    plantMarker(marker, null);
    harness.startWorker();

    harness.send(victim);

    SummaryAudit last = awaitFinal(victim);
    assertEquals(
        SummaryStatus.COMPLETED,
        last.status(),
        "the planted marker cancelled nothing: " + last.detail());
    assertEquals(TargetOutcome.SUCCEEDED, harness.targets(victim.id()).get(0).outcome());
    EmulatorMessage dead = awaitDeadLettered(WorkerHarness.QUEUE);
    assertEquals(MessageClassifier.FORGED, dead.deadLetterReason());
    assertTrue(
        dead.deadLetterErrorDescription().contains("cancellation marker"),
        dead.deadLetterErrorDescription());
  }

  @Test
  void aProducersEventPutOnTheWorkersOwnQueueIsDeadLetteredUnread() {
    FakeTenant tenant = new FakeTenant();
    FakeUser dave = tenant.addUser("dave@contoso.com");
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent event = revokeOf(dave);

    try (ServiceBusSenderClient sender =
        harness.clients().sender().queueName(WorkerHarness.INTERNAL_QUEUE).buildClient()) {
      ServiceBusMessage message = new ServiceBusMessage(new EventCodec().encode(event));
      message.setMessageId(event.id());
      // The marks of a held event do not help either: they name no queue the worker takes events
      // from.
      message
          .getApplicationProperties()
          .put(MessageClassifier.HELD_UNTIL, Instant.now().toString());
      message.getApplicationProperties().put(MessageClassifier.INTAKE_QUEUE, "somewhere-else");
      sender.sendMessage(message);
    }

    EmulatorMessage dead = awaitDeadLettered(WorkerHarness.INTERNAL_QUEUE);
    assertEquals(MessageClassifier.FORGED, dead.deadLetterReason());
    assertEquals(List.of(), harness.graph.writeLog());
    assertEquals(List.of(), harness.targets(event.id()));
  }

  /**
   * With Service Bus's own rights, as the Bicep template grants them: a producer holding Send on
   * its queue alone cannot write the worker's own queue, nor cancel the scheduled message that
   * holds its own event there, which then runs when due.
   */
  @Test
  void aProducersKeyCannotWriteTheWorkersOwnQueueNorCancelWhatTheWorkerScheduledThere() {
    EmulatorConfig config =
        EmulatorConfig.fromJson(WorkerSystem.ENTITIES)
            .withSharedAccessKey(
                EmulatorConfig.SharedAccessKey.onEntity(
                    WorkerHarness.QUEUE,
                    "hr-producer",
                    "hr-producer-key",
                    EmulatorConfig.AccessRight.SEND));
    FakeTenant tenant = new FakeTenant();
    FakeUser erin = tenant.addUser("erin@contoso.com");
    harness = new WorkerHarness(tenant, ServiceBusEmulator.start(config, 0));
    harness.startWorker();
    ServiceBusClientBuilder producer =
        new ServiceBusClientBuilder()
            .connectionString(harness.emulator.connectionString("hr-producer"));
    Instant due = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.SECONDS);
    OffboardingEvent later =
        new OffboardingEvent(
            UUID.randomUUID().toString(),
            "/test/e2e",
            EventType.LEAVER,
            Instant.now(),
            new EventData(
                List.of(new Target.User(erin.id())),
                List.of(Action.REVOKE_SESSIONS),
                "leaver",
                "T-1",
                "hr",
                false,
                due));
    try (ServiceBusSenderClient events =
        producer.sender().queueName(WorkerHarness.QUEUE).buildClient()) {
      events.sendMessage(
          dev.offboarding.worker.servicebus.EventMessages.of(
              new EventCodec().encode(later), later));
    }
    await()
        .atMost(WAIT)
        .until(() -> harness.emulator.stats(WorkerHarness.INTERNAL_QUEUE).scheduled() == 1);
    long held = harness.emulator.peekMessages(WorkerHarness.INTERNAL_QUEUE).get(0).sequenceNumber();

    try (ServiceBusSenderClient internal =
        producer.sender().queueName(WorkerHarness.INTERNAL_QUEUE).buildClient()) {
      ServiceBusException send =
          assertThrows(
              ServiceBusException.class, () -> internal.sendMessage(new ServiceBusMessage("{}")));
      assertTrue(send.getMessage().contains("Send"), send.getMessage());
      RuntimeException cancel =
          assertThrows(RuntimeException.class, () -> internal.cancelScheduledMessage(held));
      assertTrue(
          String.valueOf(cancel.getMessage()).contains("Send")
              || String.valueOf(cancel.getCause()).contains("Send"),
          String.valueOf(cancel));
    }

    assertEquals(1, harness.emulator.stats(WorkerHarness.INTERNAL_QUEUE).scheduled(), "still held");
    SummaryAudit last = awaitFinal(later);
    assertEquals(SummaryStatus.COMPLETED, last.status());
    assertEquals(
        WorkerHarness.QUEUE,
        last.provenance().queue(),
        "its provenance is the queue it arrived on");
  }

  private static OffboardingEvent revokeOf(FakeUser... users) {
    return new OffboardingEvent(
        UUID.randomUUID().toString(),
        "/test/e2e",
        EventType.COMPROMISE,
        Instant.now(),
        new EventData(
            java.util.Arrays.stream(users).map(u -> (Target) new Target.User(u.id())).toList(),
            List.of(Action.REVOKE_SESSIONS),
            "attack test",
            "T-1",
            "tests",
            false));
  }

  private void plantMarker(CancellationMarkers.Marker marker, OffsetDateTime scheduled) {
    ServiceBusMessage message = new ServiceBusMessage(new CancellationMarkerCodec().encode(marker));
    message.setSubject(CancellationMarkerCodec.FORMAT);
    message.setCorrelationId(marker.eventId());
    message.setMessageId(UUID.randomUUID().toString());
    if (scheduled != null) {
      message.setScheduledEnqueueTime(scheduled);
    }
    try (ServiceBusSenderClient sender =
        harness.clients().sender().queueName(WorkerHarness.QUEUE).buildClient()) {
      sender.sendMessage(message);
    }
  }

  private EmulatorMessage awaitDeadLettered(String queue) {
    await().atMost(WAIT).until(() -> harness.emulator.deadLetterMessageCount(queue) >= 1);
    return harness.emulator.peekDeadLetterMessages(queue).get(0);
  }

  private SummaryAudit awaitFinal(OffboardingEvent event) {
    harness.awaitFinalSummary(event.id(), WAIT);
    return harness.summaries(event.id()).stream()
        .filter(SummaryAudit::finalSummary)
        .findFirst()
        .orElseThrow();
  }
}
