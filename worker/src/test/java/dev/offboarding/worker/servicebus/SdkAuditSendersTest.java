package dev.offboarding.worker.servicebus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.servicebus.EmulatorMessage;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.flow.DeliveryAudit;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.testing.WorkerSystem;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packing of outgoing messages into real SDK batches, against the embedded emulator: batches
 * sized by what the entity's link announces, sent in order, each when the next message does not
 * fit, the stop signal asked before each one.
 */
class SdkAuditSendersTest {
  private static final String QUEUE = WorkerSystem.REPLIES;
  private static final Instant T0 = Instant.parse("2026-11-27T09:00:00Z");

  private final ServiceBusEmulator emulator = WorkerSystem.projectEntities();
  private final ServiceBusClientBuilder clients =
      new ServiceBusClientBuilder().connectionString(emulator.connectionString());
  private final SdkAuditSenders senders = new SdkAuditSenders(clients);

  @AfterEach
  void tearDown() {
    senders.close();
    emulator.close();
  }

  /**
   * The most bytes one batch (and so one message) may hold on {@code entity}, as the SDK sees it.
   */
  private long limitOf(String entity) {
    try (ServiceBusSenderClient raw = clients.sender().queueName(entity).buildClient()) {
      return raw.createMessageBatch().getMaxSizeInBytes();
    }
  }

  private static OutgoingMessage sized(int n, int bytes) {
    byte[] body = new byte[bytes];
    Arrays.fill(body, (byte) ('a' + n % 26));
    return OutgoingMessage.of(body, "application/octet-stream", "part", "m-" + n, "evt-1");
  }

  /** A stop signal that never stops and counts how often it was asked: once per batch. */
  private static final class Batches implements java.util.function.BooleanSupplier {
    final AtomicInteger asked = new AtomicInteger();
    final int stopAfter;

    Batches(int stopAfter) {
      this.stopAfter = stopAfter;
    }

    @Override
    public boolean getAsBoolean() {
      return asked.incrementAndGet() > stopAfter;
    }
  }

  @Test
  void packsMessagesInOrderIntoBatchesOfTheEntitysLimitSendingOneWhenTheNextDoesNotFit() {
    long limit = limitOf(QUEUE);
    // Three fit in one batch with room for the envelope and their headers (alone, a message with a
    // few headers fits with at most 257,893 body bytes on a 262,144-byte link, measured with the
    // SDK 7.17); a fourth does not.
    int size = (int) (limit - 32 * 1024) / 3;
    List<OutgoingMessage> seven = IntStream.range(0, 7).mapToObj(n -> sized(n, size)).toList();
    Batches batches = new Batches(Integer.MAX_VALUE);
    assertEquals(256 * 1024, limit, "the emulator announces what the Standard tier does");

    assertTrue(senders.sendAll(QUEUE, seven, batches));

    assertEquals(3, batches.asked.get(), "batches of 3, 3 and 1");
    List<EmulatorMessage> arrived = emulator.peekMessages(QUEUE);
    assertEquals(seven.stream().map(OutgoingMessage::messageId).toList(), ids(arrived));
    for (int i = 0; i < seven.size(); i++) {
      assertArrayEquals(seven.get(i).body(), arrived.get(i).body());
    }
    assertTrue(senders.healthy());
  }

  @Test
  void sendsNoBatchOnceStopIsTrue() {
    long limit = limitOf(QUEUE);
    int size = (int) (limit - 32 * 1024) / 3;
    List<OutgoingMessage> seven = IntStream.range(0, 7).mapToObj(n -> sized(n, size)).toList();
    Batches stopAfterOne = new Batches(1);

    assertFalse(senders.sendAll(QUEUE, seven, stopAfterOne));

    assertEquals(List.of("m-0", "m-1", "m-2"), ids(emulator.peekMessages(QUEUE)));
    assertEquals(2, stopAfterOne.asked.get(), "asked before the second batch, which never went");
  }

  @Test
  void refusesAMessageLargerThanTheEntitysLimitHavingSentOnlyTheBatchesFilledBeforeIt() {
    long limit = limitOf(QUEUE);
    int size = (int) (limit - 32 * 1024) / 3;
    List<OutgoingMessage> messages = new java.util.ArrayList<>();
    IntStream.range(0, 4).forEach(n -> messages.add(sized(n, size)));
    messages.add(sized(4, (int) limit + 1));
    messages.add(sized(5, 100));

    AuditSenders.MessageTooLargeException e =
        assertThrows(
            AuditSenders.MessageTooLargeException.class,
            () -> senders.sendAll(QUEUE, messages, () -> false));

    assertEquals(limit, e.maxSizeInBytes());
    assertEquals(QUEUE, e.entity());
    assertEquals(
        List.of("m-0", "m-1", "m-2"),
        ids(emulator.peekMessages(QUEUE)),
        "the full batch before it went; the one it would have joined did not");
    assertTrue(senders.healthy(), "the broker took what it was given: no broker failure");
  }

  @Test
  void aMessageAloneLargerThanTheLimitSendsNothing() {
    long limit = limitOf(QUEUE);

    assertThrows(
        AuditSenders.MessageTooLargeException.class,
        () -> senders.send(QUEUE, sized(0, (int) limit + 1)));

    assertEquals(List.of(), emulator.peekMessages(QUEUE));
  }

  @Test
  void carriesEveryFieldTheMessageGivesOntoTheWire() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("text", "SUCCEEDED");
    properties.put("flag", true);
    properties.put("count", 3);
    properties.put("big", 1L << 40);
    Instant due = Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    OutgoingMessage message =
        new OutgoingMessage(
            "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "application/json",
            "subject-1",
            "id-1",
            "evt-9",
            null,
            due,
            properties);

    senders.send(QUEUE, message);

    EmulatorMessage arrived = emulator.peekMessages(QUEUE).get(0);
    assertEquals("id-1", arrived.messageId());
    assertEquals("evt-9", arrived.correlationId());
    assertEquals("subject-1", arrived.subject());
    assertEquals("application/json", arrived.contentType());
    assertEquals("{\"a\":1}", arrived.bodyAsString());
    assertEquals("SCHEDULED", arrived.state());
    assertEquals(properties, arrived.applicationProperties());
  }

  /**
   * The wire order of application properties is the SDK map's own: the same message built by hand
   * on the SDK (as the worker built its messages before) arrives with the properties in the same
   * order.
   */
  @Test
  void encodesApplicationPropertiesInTheOrderOfAnSdkMessageBuiltByHand() {
    Instant due = Instant.parse("2030-12-01T10:00:00.123Z");
    ServiceBusMessage byHand = new ServiceBusMessage(new byte[] {1});
    byHand.setMessageId("by-hand");
    byHand.getApplicationProperties().put("heldUntil", due.toString());
    byHand.getApplicationProperties().put("intakeQueue", "offboarding-events");
    byHand.getApplicationProperties().put("watchPoll", 3);
    try (ServiceBusSenderClient raw = clients.sender().queueName(QUEUE).buildClient()) {
      raw.sendMessage(byHand);
    }

    senders.send(
        QUEUE,
        OutgoingMessage.of(new byte[] {1}, null, null, "ours", null)
            .withProperty("heldUntil", due.toString())
            .withProperty("intakeQueue", "offboarding-events")
            .withProperty("watchPoll", 3));

    List<EmulatorMessage> arrived = emulator.peekMessages(QUEUE);
    assertEquals(
        List.copyOf(arrived.get(0).applicationProperties().keySet()),
        List.copyOf(arrived.get(1).applicationProperties().keySet()));
  }

  @Test
  void buildsTheSdkMessageFieldByFieldAndSetsNoneThatIsNull() {
    Instant due = Instant.parse("2026-12-01T10:00:00Z");
    OutgoingMessage full =
        new OutgoingMessage(
            new byte[] {1, 2, 3},
            "application/cloudevents+json",
            "dev.offboarding.audit.summary.v1",
            "id-2",
            "evt-2",
            "playbook-7",
            due,
            Map.of("status", "COMPLETED"));

    ServiceBusMessage sdk = SdkAuditSenders.toServiceBus(full);
    ServiceBusMessage bare =
        SdkAuditSenders.toServiceBus(OutgoingMessage.of(new byte[0], null, null, null, null));

    assertArrayEquals(new byte[] {1, 2, 3}, sdk.getBody().toBytes());
    assertEquals("application/cloudevents+json", sdk.getContentType());
    assertEquals("dev.offboarding.audit.summary.v1", sdk.getSubject());
    assertEquals("id-2", sdk.getMessageId());
    assertEquals("evt-2", sdk.getCorrelationId());
    assertEquals("playbook-7", sdk.getSessionId());
    assertEquals(
        OffsetDateTime.of(2026, 12, 1, 10, 0, 0, 0, ZoneOffset.UTC), sdk.getScheduledEnqueueTime());
    assertEquals(Map.of("status", "COMPLETED"), sdk.getApplicationProperties());
    assertEquals(null, bare.getContentType());
    assertEquals(null, bare.getCorrelationId());
    assertEquals(null, bare.getSessionId());
    assertEquals(null, bare.getScheduledEnqueueTime());
    assertTrue(bare.getApplicationProperties().isEmpty());
  }

  @Test
  void aFailedSendMakesTheSendersUnhealthyUntilTheNextOneSucceeds() {
    senders.connect(QUEUE);
    assertTrue(senders.healthy());
    emulator.denySend(WorkerSystem.INTERNAL_QUEUE, true);

    assertThrows(
        RuntimeException.class, () -> senders.send(WorkerSystem.INTERNAL_QUEUE, sized(0, 10)));
    assertFalse(senders.healthy());

    senders.send(QUEUE, sized(1, 10));
    assertTrue(senders.healthy());
  }

  /**
   * The audit of a delivery with more targets than one batch holds, through the audit sink: every
   * target on the topic, in order, in several batches.
   */
  @Test
  void anAuditOfManyTargetsReachesTheTopicInOrderInSeveralBatches() {
    AuditCodec codec = new AuditCodec();
    long limit = limitOf(WorkerSystem.TOPIC);
    int one = codec.encodeTarget("x", T0, target(0)).length;
    int count = (int) (limit / one) + 50;
    List<TargetAudit> targets =
        IntStream.range(0, count).mapToObj(SdkAuditSendersTest::target).toList();
    Batches batches = new Batches(Integer.MAX_VALUE);
    ServiceBusAuditSink sink =
        new ServiceBusAuditSink(
            senders,
            codec,
            WorkerSystem.TOPIC,
            Set.of(),
            new DeliveryAudit.Context(
                "msg-1", "7@offboarding-events", "dev.offboarding.leaver.v1", T0, null, null, null),
            Clock.fixed(T0, ZoneOffset.UTC),
            new Metrics(),
            batches);

    sink.targets(targets);

    assertTrue(batches.asked.get() >= 2, "batches: " + batches.asked.get());
    List<String> users =
        emulator.peekMessages(WorkerSystem.ALL_AUDITS).stream()
            .map(m -> codec.decodeTarget(m.body()).userId())
            .toList();
    assertEquals(targets.stream().map(TargetAudit::userId).toList(), users);
  }

  private static TargetAudit target(int n) {
    return TargetAudit.builder("evt-42", TargetOutcome.SUCCEEDED)
        .userId(String.format("00000000-0000-4000-8000-%012d", n))
        .userPrincipalName("user" + n + "@contoso.com")
        .via(List.of("group:g"))
        .build();
  }

  private static List<String> ids(List<EmulatorMessage> messages) {
    return messages.stream().map(EmulatorMessage::messageId).toList();
  }
}
