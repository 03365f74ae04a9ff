package dev.offboarding.worker.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusMessage;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.metrics.Metrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ServiceBusAuditSinkTest {
  private static final dev.offboarding.contracts.Provenance ASKED =
      new dev.offboarding.contracts.Provenance(
          "/hr/workday",
          "workday-integration",
          "HR-20931",
          "Leaver: last working day",
          "offboarding-events");
  private static final String TOPIC = "offboarding-audit";
  private static final String EVENT_ID = "evt-42";
  private static final Instant T0 = Instant.parse("2026-11-27T09:00:00Z");

  private final Metrics metrics = new Metrics();
  private final AuditCodec codec = new AuditCodec();
  private boolean cancelled;

  private ServiceBusAuditSink sink(RecordingSenders senders, String replyTo, String session) {
    return new ServiceBusAuditSink(
        senders,
        codec,
        TOPIC,
        Set.of("offboarding-replies"),
        new dev.offboarding.worker.flow.DeliveryAudit.Context(
            "msg-1",
            "7@offboarding-events",
            "dev.offboarding.leaver.v1",
            T0,
            replyTo,
            session,
            ASKED),
        Clock.fixed(T0.plusSeconds(5), ZoneOffset.UTC),
        metrics,
        () -> cancelled);
  }

  private static TargetAudit target(int n, boolean redelivery) {
    String id = String.format("00000000-0000-4000-8000-%012d", n);
    return TargetAudit.builder(EVENT_ID, TargetOutcome.SUCCEEDED)
        .userId(id)
        .userPrincipalName("user" + n + "@contoso.com")
        .via(List.of("group:g"))
        .actions(
            List.of(
                ActionResult.succeeded(Action.DISABLE_ACCOUNT, 1, "r-" + n, T0, T0.plusMillis(100)),
                ActionResult.succeeded(
                    Action.REVOKE_SESSIONS, 2, "r2-" + n, T0.plusMillis(100), T0.plusSeconds(3))))
        .redelivery(redelivery)
        .build();
  }

  private static SummaryAudit summary(SummaryStatus status, boolean redelivery) {
    return SummaryAudit.builder(status, T0, T0.plusSeconds(4))
        .eventId(EVENT_ID)
        .eventType("dev.offboarding.leaver.v1")
        .counts(Map.of(TargetOutcome.SUCCEEDED, 1))
        .usersResolved(1)
        .rejectionReason(status == SummaryStatus.REJECTED ? "InvalidEvent: x" : null)
        .redelivery(redelivery)
        .build();
  }

  @Test
  void packsManyTargetsIntoSeveralBatchesUnderTheSizeLimitInOrder() {
    RecordingSenders senders = new RecordingSenders(4096);
    List<TargetAudit> targets = IntStream.range(0, 40).mapToObj(n -> target(n, false)).toList();

    sink(senders, null, null).targets(targets);

    assertTrue(senders.sent.size() > 1, "expected several batches, got " + senders.sent.size());
    assertTrue(senders.sent.stream().allMatch(s -> !s.messages().isEmpty()));
    List<String> users = new ArrayList<>();
    for (ServiceBusMessage m : senders.messagesTo(TOPIC)) {
      users.add(codec.decodeTarget(m.getBody().toBytes()).userId());
    }
    assertEquals(targets.stream().map(TargetAudit::userId).toList(), users);
  }

  @Test
  void labelsEveryMessageForCorrelationAndSubscriptionRules() {
    RecordingSenders senders = new RecordingSenders(256 * 1024);
    ServiceBusAuditSink sink = sink(senders, null, null);

    sink.targets(List.of(target(1, true)));
    sink.summary(summary(SummaryStatus.COMPLETED, true));

    List<ServiceBusMessage> sent = senders.messagesTo(TOPIC);
    assertEquals(2, sent.size());
    ServiceBusMessage target = sent.get(0);
    ServiceBusMessage summary = sent.get(1);
    for (ServiceBusMessage m : sent) {
      assertEquals(EVENT_ID, m.getCorrelationId());
      assertEquals(dev.offboarding.contracts.OffboardingEvent.CONTENT_TYPE, m.getContentType());
      assertEquals(
          "dev.offboarding.leaver.v1",
          m.getApplicationProperties().get(ServiceBusAuditSink.EVENT_TYPE));
      assertEquals(true, m.getApplicationProperties().get(ServiceBusAuditSink.REDELIVERY));
    }
    assertEquals(TargetAudit.TYPE, target.getSubject());
    assertEquals("SUCCEEDED", target.getApplicationProperties().get(ServiceBusAuditSink.OUTCOME));
    assertEquals(SummaryAudit.TYPE, summary.getSubject());
    assertEquals("COMPLETED", summary.getApplicationProperties().get(ServiceBusAuditSink.STATUS));
    assertEquals("COMPLETED", sink.publishedStatus());
  }

  @Test
  void everyAuditMessageSaysWhoAskedOnWhoseWordAndFromWhichQueue() {
    RecordingSenders senders = new RecordingSenders(256 * 1024);
    ServiceBusAuditSink sink = sink(senders, null, null);

    sink.targets(List.of(target(1, true)));
    sink.summary(summary(SummaryStatus.COMPLETED, true));

    List<ServiceBusMessage> sent = senders.messagesTo(TOPIC);
    assertEquals(ASKED, codec.decodeTarget(sent.get(0).getBody().toBytes()).provenance());
    assertEquals(ASKED, codec.decodeSummary(sent.get(1).getBody().toBytes()).provenance());
  }

  @Test
  void labelsTheCancelledSummaryOfACancelDeliveryWithTheCancelledEventsType() {
    RecordingSenders senders = new RecordingSenders(256 * 1024);
    ServiceBusAuditSink sink =
        new ServiceBusAuditSink(
            senders,
            codec,
            TOPIC,
            Set.of(),
            new dev.offboarding.worker.flow.DeliveryAudit.Context(
                "cancel-1",
                "9@offboarding-events",
                "dev.offboarding.cancel.v1",
                T0,
                null,
                null,
                ASKED),
            Clock.fixed(T0.plusSeconds(5), ZoneOffset.UTC),
            metrics,
            () -> false);

    sink.summary(
        dev.offboarding.worker.audit.Summaries.cancelled(
            EVENT_ID,
            "dev.offboarding.leaver.v1",
            "cancelled before it ran",
            T0,
            T0.plusSeconds(1),
            false));
    sink.summary(
        SummaryAudit.builder(SummaryStatus.COMPLETED, T0, T0.plusSeconds(1))
            .eventId("cancel-1")
            .eventType("dev.offboarding.cancel.v1")
            .build());

    List<ServiceBusMessage> sent = senders.messagesTo(TOPIC);
    assertEquals(EVENT_ID, sent.get(0).getCorrelationId());
    assertEquals(
        "CANCELLED", sent.get(0).getApplicationProperties().get(ServiceBusAuditSink.STATUS));
    assertEquals(
        "dev.offboarding.leaver.v1",
        sent.get(0).getApplicationProperties().get(ServiceBusAuditSink.EVENT_TYPE));
    assertEquals(
        "dev.offboarding.cancel.v1",
        sent.get(1).getApplicationProperties().get(ServiceBusAuditSink.EVENT_TYPE));
  }

  @Test
  void countsTargetsAndTimeToRevokeFromTheEnqueueOnce() {
    RecordingSenders senders = new RecordingSenders(256 * 1024);

    sink(senders, null, null).targets(List.of(target(1, false), target(2, false)));

    assertEquals(
        2, metrics.count(Metrics.TARGETS, "action", "revokeSessions", "outcome", "SUCCEEDED"));
    assertEquals(2, metrics.count(Metrics.GRAPH_RETRIES, "action", "revokeSessions"));
    assertEquals(2, metrics.timerCount(Metrics.TIME_TO_REVOKE, "type", "leaver"));
  }

  @Test
  void sendsTheSummaryAlsoToAnAllowedReplyEntityWithItsSession() {
    RecordingSenders senders = new RecordingSenders(256 * 1024);

    sink(senders, "offboarding-replies", "playbook-7")
        .summary(summary(SummaryStatus.COMPLETED, false));

    List<ServiceBusMessage> replies = senders.messagesTo("offboarding-replies");
    assertEquals(1, replies.size());
    assertEquals(EVENT_ID, replies.get(0).getCorrelationId());
    assertEquals("playbook-7", replies.get(0).getSessionId());
    assertEquals(
        "sent",
        senders
            .messagesTo(TOPIC)
            .get(0)
            .getApplicationProperties()
            .get(ServiceBusAuditSink.REPLY_TO_STATUS));
  }

  @Test
  void ignoresAReplyEntityThatIsNotAllowedAndSaysSoInTheSummary() {
    RecordingSenders senders = new RecordingSenders(256 * 1024);

    sink(senders, "offboarding-events", null).summary(summary(SummaryStatus.COMPLETED, false));

    assertEquals(List.of(TOPIC), senders.sent.stream().map(RecordingSenders.Sent::entity).toList());
    Map<String, Object> props = senders.messagesTo(TOPIC).get(0).getApplicationProperties();
    assertEquals("ignored", props.get(ServiceBusAuditSink.REPLY_TO_STATUS));
    assertEquals("offboarding-events", props.get(ServiceBusAuditSink.REPLY_TO));
  }

  @Test
  void correlatesAnUnreadableEventByItsMessageId() {
    RecordingSenders senders = new RecordingSenders(256 * 1024);
    SummaryAudit rejected =
        SummaryAudit.builder(SummaryStatus.REJECTED, T0, T0)
            .rejectionReason("InvalidEvent: not JSON")
            .build();

    sink(senders, null, null).summary(rejected);

    assertEquals("msg-1", senders.messagesTo(TOPIC).get(0).getCorrelationId());
  }

  @Test
  void refusesAMessageLargerThanAnEmptyBatch() {
    RecordingSenders senders = new RecordingSenders(1024);
    TargetAudit huge =
        TargetAudit.builder(EVENT_ID, TargetOutcome.NOT_FOUND)
            .via(List.of("user:" + "x".repeat(3000)))
            .detail("user not found")
            .build();

    assertThrows(
        AuditSink.AuditException.class, () -> sink(senders, null, null).targets(List.of(huge)));
  }

  @Test
  void turnsABrokerFailureIntoAnAuditException() {
    RecordingSenders senders = new RecordingSenders(256 * 1024);
    senders.failSends = new IllegalStateException("connection lost");

    assertThrows(
        AuditSink.AuditException.class,
        () -> sink(senders, null, null).summary(summary(SummaryStatus.COMPLETED, false)));
  }

  @Test
  void publishesNothingOnceShutdownCancelledTheEvent() {
    RecordingSenders senders = new RecordingSenders(256 * 1024);
    cancelled = true;

    assertThrows(
        AuditSink.AuditException.class,
        () -> sink(senders, null, null).summary(summary(SummaryStatus.COMPLETED, false)));
    assertTrue(senders.sent.isEmpty());
  }
}
