package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import com.azure.messaging.servicebus.models.SubQueue;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SampleEvents;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end behaviours that matter most, against a Service Bus other than the embedded
 * emulator: each subclass supplies a connection string to one that has the project's entities
 * (deploy/servicebus/config.json). Only the official SDK is used to look inside it.
 */
abstract class ServiceBusSuite {
  WorkerHarness harness;

  /** A Service Bus with the project's entities. */
  abstract String connectionString();

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void disablesAndRevokesALeaverAndPublishesItsAudit() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    harness = new WorkerHarness(tenant, connectionString());
    harness.startWorker();
    OffboardingEvent event =
        WorkerHarness.event(EventType.LEAVER, new Target.User(alice.userPrincipalName()));

    harness.send(event);

    harness.awaitSummaries(event.id(), Duration.ofMinutes(1));
    SummaryAudit summary = harness.summaries(event.id()).get(0);
    assertEquals(SummaryStatus.COMPLETED, summary.status());
    assertEquals(1, summary.counts().get(TargetOutcome.SUCCEEDED));
    assertEquals(
        List.of(WriteRecord.Kind.DISABLE, WriteRecord.Kind.REVOKE),
        harness.graph.writeLog().stream().map(WriteRecord::kind).toList());
    assertEquals(1, harness.targets(event.id()).size());
  }

  @Test
  void revokesOnlyForACompromiseEventThatAsksOnlyForRevocation() {
    FakeTenant tenant = new FakeTenant();
    FakeUser mallory = tenant.addUser("mallory@contoso.com");
    harness = new WorkerHarness(tenant, connectionString());
    harness.startWorker();
    OffboardingEvent event =
        new OffboardingEvent(
            UUID.randomUUID().toString(),
            "/siem/sentinel",
            EventType.COMPROMISE,
            Instant.now(),
            new EventData(
                List.of(new Target.User(mallory.id())),
                List.of(Action.REVOKE_SESSIONS),
                "token theft",
                null,
                null,
                false));

    harness.send(event);

    harness.awaitSummaries(event.id(), Duration.ofMinutes(1));
    assertEquals(
        List.of(WriteRecord.Kind.REVOKE),
        harness.graph.writeLog().stream().map(WriteRecord::kind).toList());
  }

  @Test
  void deadLettersAMalformedEventAndPublishesARejectedSummary() {
    harness = new WorkerHarness(new FakeTenant(), connectionString());
    harness.startWorker();
    String eventId = UUID.randomUUID().toString();

    harness.sendRaw(eventId, SampleEvents.load(SampleEvents.MALFORMED));

    try (ServiceBusReceiverClient deadLetters =
        harness
            .clients()
            .receiver()
            .queueName(WorkerHarness.QUEUE)
            .subQueue(SubQueue.DEAD_LETTER_QUEUE)
            .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE)
            .buildClient()) {
      ServiceBusReceivedMessage dead =
          await()
              .atMost(Duration.ofMinutes(1))
              .until(
                  () ->
                      deadLetters.receiveMessages(10, Duration.ofSeconds(1)).stream()
                          .filter(m -> eventId.equals(m.getMessageId()))
                          .findFirst()
                          .orElse(null),
                  m -> m != null);
      assertEquals("InvalidEvent", dead.getDeadLetterReason());
      assertTrue(dead.getDeadLetterErrorDescription().contains("$.data.targets[0].user"));
    }
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                harness.read(WorkerHarness.TOPIC + "/subscriptions/rejected").stream()
                    .anyMatch(m -> "REJECTED".equals(m.getApplicationProperties().get("status"))));
    assertFalse(harness.graph.writeLog().stream().anyMatch(WriteRecord::accepted));
  }
}
