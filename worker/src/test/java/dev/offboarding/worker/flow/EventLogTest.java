package dev.offboarding.worker.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.Problem;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.JsonLogFormatter;
import dev.offboarding.worker.OneLineFormatter;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each delivery of an event ends with one log line, in both log formats: for an event finished, one
 * that continues, one rejected and one held (scheduled, awaiting approval, braked); with ids and
 * counts only, and nothing a producer wrote in free text.
 */
class EventLogTest {
  private static final byte[] LEAVER =
      """
      {"specversion":"1.0","id":"e-1","source":"/hr","type":"dev.offboarding.leaver.v1",
       "data":{"targets":[{"user":"alice@contoso.com"}],"reason":"Leaver"}}
      """
          .getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");

  private final Metrics metrics = new Metrics();
  private final RecordingSenders senders = new RecordingSenders(256 * 1024);
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  // Held strongly: java.util.logging keeps loggers weakly, and a collected one would lose the
  // handler.
  private final Logger logger = Logger.getLogger(EventLog.class.getName());
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private DeliveryHandler handler;

  @BeforeEach
  void capture() {
    logger.addHandler(capture);
  }

  @AfterEach
  void tearDown() {
    logger.removeHandler(capture);
    if (handler != null) {
      handler.release();
    }
  }

  @Test
  void aFinishedEventSaysItsUsersByOutcomeAndThatItIsFinal() throws Exception {
    LogRecord record =
        deliver(
            new RecordingDelivery(LEAVER, 0),
            w -> {
              w.audit()
                  .summary(
                      summary(
                          SummaryStatus.PARTIAL,
                          Map.of(TargetOutcome.SUCCEEDED, 2, TargetOutcome.FAILED, 1),
                          0,
                          null));
              return new Settlement.Complete();
            });

    assertEquals(Level.INFO, record.getLevel());
    String text = text(record);
    assertTrue(
        text.contains(
            " INFO dev.offboarding.worker.flow.EventLog - event e-1 finished: type=leaver"
                + " queue=offboarding-events status=PARTIAL final=true users=SUCCEEDED:2,FAILED:1 durationMs="),
        text);
    JsonNode json = json(record);
    assertEquals("e-1", json.get("eventId").asText());
    assertEquals("e-1", json.get("correlationId").asText());
    assertEquals("finished", json.get("disposition").asText());
    assertEquals("leaver", json.get("eventType").asText());
    assertEquals("offboarding-events", json.get("queue").asText());
    assertEquals("PARTIAL", json.get("status").asText());
    assertTrue(json.get("final").asBoolean());
    assertEquals(2, json.at("/users/SUCCEEDED").asInt());
    assertEquals(1, json.at("/users/FAILED").asInt());
    assertEquals(0, json.at("/users/PROTECTED").asInt(), "every outcome, zero included: " + json);
    assertTrue(
        json.get("durationMs").isIntegralNumber() && json.get("durationMs").asLong() >= 0,
        json.toString());
    assertEquals(text.substring(text.indexOf("event e-1")).strip(), json.get("message").asText());
    assertFalse(
        text.contains("alice") || json.toString().contains("alice"), "no user but by count");
  }

  @Test
  void aContinuingEventSaysWhyAndHowManyUsersAreLeft() throws Exception {
    LogRecord record =
        deliver(
            new RecordingDelivery(LEAVER, 0),
            w -> {
              w.audit()
                  .summary(
                      summary(
                          SummaryStatus.CONTINUING,
                          Map.of(TargetOutcome.SUCCEEDED, 500),
                          1200,
                          null));
              return new Settlement.Complete(Settlement.Complete.BOUND);
            });

    assertEquals(Level.INFO, record.getLevel());
    String text = text(record);
    assertTrue(
        text.contains(
            "event e-1 continuing (bound): type=leaver queue=offboarding-events status=CONTINUING"
                + " final=false users=SUCCEEDED:500 usersPending=1200 durationMs="),
        text);
    assertTrue(text.contains(" continuedBecause=bound"), text);
    JsonNode json = json(record);
    assertEquals("continuing", json.get("disposition").asText());
    assertFalse(json.get("final").asBoolean());
    assertEquals(1200, json.get("usersPending").asInt());
    assertEquals("bound", json.get("continuedBecause").asText());
  }

  @Test
  void aRejectedEventNamesTheReasonCodeButNotWhatTheProducerWrote() throws Exception {
    RecordingDelivery delivery =
        new RecordingDelivery("not an event\r\nINFO forged".getBytes(StandardCharsets.UTF_8), 0);
    // A message too broken to carry an event id is named by its message id, which the producer
    // chose.
    delivery.messageId =
        "m-9\n2026-12-07T09:00:00.000+0000 INFO dev.offboarding.worker.flow.EventLog - event x finished";
    String producerText = "data.reason: 'ignore\u2028previous'";
    LogRecord record =
        deliver(
            delivery,
            w -> {
              w.audit()
                  .summary(
                      SummaryAudit.builder(SummaryStatus.REJECTED, T0, T0)
                          .rejectionReason("InvalidEvent: " + producerText)
                          .problems(
                              List.of(
                                  new Problem("/data/reason", producerText),
                                  new Problem("/id", "x")))
                          .build());
              return new Settlement.DeadLetter("InvalidEvent", producerText);
            });

    assertEquals(Level.INFO, record.getLevel());
    String text = text(record);
    assertTrue(
        text.contains(
            " - event m-9\\u000a2026-12-07T09:00:00.000+0000 INFO dev.offboarding.worker.flow.EventLog"
                + " - event x finished rejected (InvalidEvent): type=invalid queue=offboarding-events status=REJECTED"
                + " final=true users=none durationMs="),
        text);
    assertTrue(text.contains(" problems=2"), text);
    assertEquals(1, text.strip().lines().count(), "one line: " + text);
    assertFalse(
        text.contains("ignore") || text.contains("previous"),
        "the producer's text stays out: " + text);
    JsonNode json = json(record);
    assertEquals("rejected", json.get("disposition").asText());
    assertEquals("InvalidEvent", json.get("reason").asText());
    assertEquals(2, json.get("problems").asInt());
    assertEquals("invalid", json.get("eventType").asText());
    assertTrue(json.get("eventId").asText().startsWith("m-9\\u000a2026"), json.toString());
    assertFalse(json.toString().contains("ignore"), json.toString());
  }

  @Test
  void aHeldEventSaysWhyAndUntilWhen() throws Exception {
    Instant due = T0.plus(Duration.ofDays(2));
    LogRecord scheduled =
        deliver(
            new RecordingDelivery(LEAVER, 0),
            w -> {
              w.audit().summary(summary(SummaryStatus.SCHEDULED, Map.of(), 0, due));
              return new Settlement.Complete();
            });
    LogRecord approval =
        deliver(
            new RecordingDelivery(LEAVER, 0),
            w -> {
              w.audit().summary(summary(SummaryStatus.AWAITING_APPROVAL, Map.of(), 0, due));
              return new Settlement.Complete();
            });
    LogRecord braked =
        deliver(
            new RecordingDelivery(LEAVER, 0),
            w -> {
              w.audit()
                  .summary(
                      summary(
                          SummaryStatus.CONTINUING, Map.of(TargetOutcome.SUCCEEDED, 10), 90, null));
              return new Settlement.Complete(Settlement.Complete.BRAKE);
            });

    assertTrue(
        text(scheduled)
            .contains(
                "event e-1 held (scheduled): type=leaver queue=offboarding-events"
                    + " status=SCHEDULED final=false users=none durationMs="),
        text(scheduled));
    assertTrue(text(scheduled).contains(" dueAt=2026-12-09T09:00:00Z"), text(scheduled));
    assertTrue(
        text(approval)
            .contains(
                "event e-1 held (awaiting approval): type=leaver queue=offboarding-events"
                    + " status=AWAITING_APPROVAL final=false"),
        text(approval));
    assertTrue(
        text(braked)
            .contains(
                "event e-1 held (mass-action brake): type=leaver queue=offboarding-events"
                    + " status=CONTINUING final=false users=SUCCEEDED:10 usersPending=90"),
        text(braked));
    for (LogRecord record : List.of(scheduled, approval, braked)) {
      assertEquals(Level.INFO, record.getLevel());
      assertEquals("held", json(record).get("disposition").asText());
      assertFalse(json(record).get("final").asBoolean());
    }
    assertEquals("2026-12-09T09:00:00Z", json(scheduled).get("dueAt").asText());
    assertEquals("AWAITING_APPROVAL", json(approval).get("status").asText());
    assertEquals("brake", json(braked).get("continuedBecause").asText());
    assertEquals(90, json(braked).get("usersPending").asInt());
  }

  @Test
  void anAbandonedDeliveryWarnsThatItComesBack() throws Exception {
    LogRecord record =
        deliver(
            new RecordingDelivery(LEAVER, 0),
            w -> new Settlement.Abandon("audit not published: connection reset", null),
            Duration.ZERO);

    assertEquals(Level.WARNING, record.getLevel());
    assertTrue(
        text(record)
            .contains(
                "event e-1 abandoned (audit not published: connection reset): type=leaver"
                    + " queue=offboarding-events status=ABANDONED final=false users=none durationMs="),
        text(record));
    assertTrue(text(record).strip().endsWith("; delivered again"), text(record));
    assertEquals("abandoned", json(record).get("disposition").asText());
  }

  @Test
  void aSettlementTheBrokerRefusedIsSaidToComeBack() throws Exception {
    RecordingDelivery delivery = new RecordingDelivery(LEAVER, 0);
    delivery.refuse = new IllegalStateException("lock lost");
    LogRecord record =
        deliver(
            delivery,
            w -> {
              w.audit()
                  .summary(
                      summary(
                          SummaryStatus.COMPLETED, Map.of(TargetOutcome.SUCCEEDED, 1), 0, null));
              return new Settlement.Complete();
            });

    assertEquals(Level.WARNING, record.getLevel());
    assertTrue(text(record).contains(" settled=false; delivered again"), text(record));
    assertFalse(json(record).get("settled").asBoolean());
  }

  @Test
  void writesExactlyOneLinePerDelivery() {
    deliver(
        new RecordingDelivery(LEAVER, 0),
        w -> {
          w.audit()
              .summary(
                  summary(SummaryStatus.COMPLETED, Map.of(TargetOutcome.SUCCEEDED, 1), 0, null));
          return new Settlement.Complete();
        });

    assertEquals(1, records.size(), records.toString());
  }

  private LogRecord deliver(RecordingDelivery delivery, DeliveryHandler.EventWork work) {
    return deliver(delivery, work, Duration.ofMinutes(1));
  }

  private LogRecord deliver(
      RecordingDelivery delivery, DeliveryHandler.EventWork work, Duration maxHold) {
    if (handler != null) {
      handler.release();
    }
    records.clear();
    handler =
        new DeliveryHandler(
            work,
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
            new FollowUps() {
              @Override
              public void send(String eventId, Continuation next, Instant notBefore) {}

              @Override
              public void hold(dev.offboarding.worker.intake.Inbound.Event event, Instant dueAt) {}
            },
            new DeliverySettlement(metrics),
            new IntakeBackoff(
                new IntakeBackoff.Policy(Duration.ZERO, Duration.ZERO, maxHold),
                Clock.systemUTC(),
                metrics),
            metrics,
            Clock.systemUTC(),
            dev.offboarding.worker.testing.Inbounds.CLASSIFIER,
            () -> false);
    handler.handle(delivery);
    assertEquals(1, records.size(), "one line per delivery: " + records);
    return records.get(0);
  }

  private static SummaryAudit summary(
      SummaryStatus status, Map<TargetOutcome, Integer> some, int pending, Instant dueAt) {
    Map<TargetOutcome, Integer> counts = new EnumMap<>(TargetOutcome.class);
    for (TargetOutcome o : TargetOutcome.values()) {
      counts.put(o, some.getOrDefault(o, 0));
    }
    return SummaryAudit.builder(status, T0, T0)
        .eventId("e-1")
        .eventType("dev.offboarding.leaver.v1")
        .counts(counts)
        .usersResolved(3)
        .usersPending(pending)
        .dueAt(dueAt)
        .build();
  }

  private static String text(LogRecord record) {
    return new OneLineFormatter().format(record);
  }

  private static JsonNode json(LogRecord record) throws Exception {
    String line = new JsonLogFormatter().format(record);
    assertEquals(1, line.strip().lines().count(), line);
    return JSON.readTree(line);
  }
}
