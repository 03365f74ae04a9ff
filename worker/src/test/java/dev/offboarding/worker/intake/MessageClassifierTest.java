package dev.offboarding.worker.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.codec.CancellationMarkerCodec;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.scheduling.CancellationMarkers;
import dev.offboarding.worker.testing.Events;
import dev.offboarding.worker.testing.Inbounds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each kind of message, from each kind of queue: what it is decoded to, and what is refused where.
 */
class MessageClassifierTest {
  static final String USER = "40000000-0000-4000-8000-000000000001";
  final MessageClassifier classifier = Inbounds.CLASSIFIER;
  final byte[] event = new EventCodec().encode(Events.leaver(new Target.User(USER)));
  final byte[] followUp =
      new ContinuationCodec()
          .encode(
              new Continuation(
                  event,
                  "3@" + Inbounds.EVENTS,
                  Inbounds.EVENTS,
                  1,
                  Instant.now(),
                  Map.of(TargetOutcome.SUCCEEDED, 1),
                  Map.of(),
                  1,
                  null,
                  List.of()));
  final byte[] marker =
      new CancellationMarkerCodec()
          .encode(
              new CancellationMarkers.Marker(
                  "evt-1", "cancel-1", "ops", "wrong", Instant.now().plusSeconds(60), null));
  static final Function<String, Object> NO_PROPERTIES = name -> null;

  @Test
  void takesAnEventFromAProducersQueueWithThatQueueAsItsProvenance() {
    Inbound.Event e =
        assertInstanceOf(
            Inbound.Event.class, classifier.classify(Inbounds.URGENT, 42, event, NO_PROPERTIES));

    assertEquals("42@" + Inbounds.URGENT, e.origin());
    assertEquals(Inbounds.URGENT, e.intakeQueue());
    assertEquals(Inbounds.URGENT, e.provenance().queue());
    assertEquals(false, e.held());
  }

  @Test
  void refusesAFollowUpOrAMarkerOnAProducersQueueUnread() {
    for (byte[] internal : List.of(followUp, marker)) {
      Inbound.Forged forged =
          assertInstanceOf(
              Inbound.Forged.class,
              classifier.classify(Inbounds.EVENTS, 7, internal, NO_PROPERTIES));

      assertEquals(Inbounds.EVENTS, forged.queue());
      assertEquals(null, forged.eventId(), "what it claims is not even read");
    }
  }

  @Test
  void ignoresTheMarksOfAHeldEventOnAProducersQueue() {
    Inbound.Event e =
        assertInstanceOf(
            Inbound.Event.class,
            classifier.classify(Inbounds.EVENTS, 7, event, held(Inbounds.EVENTS)));

    assertEquals(false, e.held(), "a producer cannot make its event skip its effectiveAt");
  }

  @Test
  void takesAFollowUpFromTheWorkersOwnQueueWithTheQueueItsEventArrivedOn() {
    Inbound.FollowUp f =
        assertInstanceOf(
            Inbound.FollowUp.class,
            classifier.classify(Inbounds.INTERNAL, 9, followUp, NO_PROPERTIES));

    assertEquals(
        "3@" + Inbounds.EVENTS, f.origin(), "the origin of its event, not of the follow-up");
    assertEquals(Inbounds.EVENTS, f.provenance().queue());
  }

  @Test
  void takesAHeldEventFromTheWorkersOwnQueueOnlyWhenItNamesAnIntakeQueue() {
    Inbound.Event e =
        assertInstanceOf(
            Inbound.Event.class,
            classifier.classify(Inbounds.INTERNAL, 9, event, held(Inbounds.EVENTS)));
    assertTrue(e.held());
    assertEquals(Inbounds.EVENTS, e.intakeQueue());

    assertInstanceOf(
        Inbound.Forged.class, classifier.classify(Inbounds.INTERNAL, 9, event, held("elsewhere")));
    assertInstanceOf(
        Inbound.Forged.class, classifier.classify(Inbounds.INTERNAL, 9, event, NO_PROPERTIES));
  }

  @Test
  void readsTheApprovalMarksOfAHeldEventOnTheWorkersOwnQueueOnly() {
    Approved approved = Approved.of("ops-b", "approve-1", List.of("alice@contoso.com"));
    Map<String, Object> marks =
        Map.of(
            MessageClassifier.HELD_UNTIL,
            "2026-01-01T00:00:00Z",
            MessageClassifier.INTAKE_QUEUE,
            Inbounds.OPS,
            MessageClassifier.APPROVED_BY,
            "ops-b",
            MessageClassifier.APPROVAL_ID,
            "approve-1",
            MessageClassifier.APPROVED_USERS,
            approved.usersProperty());

    Inbound.Event released =
        assertInstanceOf(
            Inbound.Event.class, classifier.classify(Inbounds.INTERNAL, 9, event, marks::get));
    Inbound.Event onAProducersQueue =
        assertInstanceOf(
            Inbound.Event.class, classifier.classify(Inbounds.OPS, 9, event, marks::get));

    assertEquals(approved, released.approved());
    assertEquals(
        null,
        onAProducersQueue.approved(),
        "a producer cannot approve its own event by a property");
  }

  @Test
  void refusesAHeldEventWhoseApprovalMarksDoNotReadAsTheWorkerWritesThem() {
    Map<String, Object> noId =
        Map.of(
            MessageClassifier.HELD_UNTIL,
            "2026-01-01T00:00:00Z",
            MessageClassifier.INTAKE_QUEUE,
            Inbounds.OPS,
            MessageClassifier.APPROVED_BY,
            "ops-b");
    Map<String, Object> both =
        Map.of(
            MessageClassifier.HELD_UNTIL,
            "2026-01-01T00:00:00Z",
            MessageClassifier.INTAKE_QUEUE,
            Inbounds.OPS,
            MessageClassifier.APPROVED_BY,
            "ops-b",
            MessageClassifier.APPROVAL_ID,
            "approve-1",
            MessageClassifier.AWAITING_APPROVAL,
            true);
    Map<String, Object> badUsers =
        Map.of(
            MessageClassifier.HELD_UNTIL,
            "2026-01-01T00:00:00Z",
            MessageClassifier.INTAKE_QUEUE,
            Inbounds.OPS,
            MessageClassifier.APPROVED_BY,
            "ops-b",
            MessageClassifier.APPROVAL_ID,
            "approve-1",
            MessageClassifier.APPROVED_USERS,
            "alice@contoso.com");

    for (Map<String, Object> marks : List.of(noId, both, badUsers)) {
      Inbound.Forged forged =
          assertInstanceOf(
              Inbound.Forged.class,
              classifier.classify(Inbounds.INTERNAL, 9, event, marks::get),
              marks.toString());
      assertEquals("approved event", forged.kind());
    }
  }

  @Test
  void dropsAMarkerThatCameDueOnTheWorkersOwnQueue() {
    assertInstanceOf(
        Inbound.DueMarker.class, classifier.classify(Inbounds.INTERNAL, 9, marker, NO_PROPERTIES));
  }

  @Test
  void refusesAFollowUpNamingAQueueTheWorkerTakesNoEventsFrom() {
    byte[] elsewhere =
        new String(followUp, StandardCharsets.UTF_8)
            .replace("\"queue\":\"" + Inbounds.EVENTS + "\"", "\"queue\":\"offboarding-elsewhere\"")
            .getBytes(StandardCharsets.UTF_8);

    Inbound.Invalid invalid =
        assertInstanceOf(
            Inbound.Invalid.class,
            classifier.classify(Inbounds.INTERNAL, 9, elsewhere, NO_PROPERTIES));

    assertEquals("InvalidContinuation", invalid.reason());
  }

  @Test
  void reportsAnInvalidEventWithWhatCouldBeRead() {
    Inbound.Invalid invalid =
        assertInstanceOf(
            Inbound.Invalid.class,
            classifier.classify(
                Inbounds.EVENTS,
                9,
                "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/hr\"}"
                    .getBytes(StandardCharsets.UTF_8),
                NO_PROPERTIES));

    assertEquals("InvalidEvent", invalid.reason());
    assertEquals("e-1", invalid.eventId());
    assertEquals(Inbounds.EVENTS, invalid.provenance().queue());
  }

  @Test
  void refusesToClassifyForAQueueThatIsNotTheWorkers() {
    assertThrows(
        IllegalArgumentException.class,
        () -> classifier.classify("somewhere", 1, event, NO_PROPERTIES));
  }

  private static Function<String, Object> held(String intakeQueue) {
    return name ->
        switch (name) {
          case MessageClassifier.HELD_UNTIL -> "2026-12-31T16:00:00Z";
          case MessageClassifier.INTAKE_QUEUE -> intakeQueue;
          default -> null;
        };
  }

  final byte[] watchEntry =
      new dev.offboarding.worker.codec.WatchEntryCodec()
          .encode(
              new dev.offboarding.worker.watch.WatchEntry(
                  "3@" + Inbounds.URGENT,
                  "evt-1",
                  "0.0",
                  0,
                  new dev.offboarding.contracts.Provenance(
                      "/siem", null, null, "compromised", Inbounds.URGENT),
                  List.of(
                      new dev.offboarding.worker.watch.WatchEntry.Watched(
                          USER,
                          Instant.parse("2026-03-01T10:00:00Z"),
                          Instant.parse("2026-03-01T11:30:00Z"),
                          java.util.Set.of()))));

  @Test
  void takesASignInWatchEntryFromTheInternalQueueOnly() {
    Inbound.WatchEntry w =
        assertInstanceOf(
            Inbound.WatchEntry.class,
            classifier.classify(Inbounds.INTERNAL, 9, watchEntry, NO_PROPERTIES));
    assertEquals("3@" + Inbounds.URGENT, w.origin());
    assertEquals(Inbounds.URGENT, w.provenance().queue());

    for (String producers : List.of(Inbounds.EVENTS, Inbounds.URGENT, Inbounds.OPS)) {
      Inbound.Forged forged =
          assertInstanceOf(
              Inbound.Forged.class, classifier.classify(producers, 9, watchEntry, NO_PROPERTIES));
      assertEquals("sign-in watch entry", forged.kind());
      assertEquals(null, forged.eventId(), "what it claims is not even read");
    }
  }

  @Test
  void refusesAWatchEntryThatDoesNotReadOrNamesAQueueTheWorkerDoesNotTakeEventsFrom() {
    String good = new String(watchEntry, StandardCharsets.UTF_8);
    for (String bad :
        List.of(
            good.replace("\"poll\":0", "\"poll\":-1"),
            good.replace("\"queue\":\"" + Inbounds.URGENT + "\"", "\"queue\":\"elsewhere\""))) {
      Inbound.Invalid i =
          assertInstanceOf(
              Inbound.Invalid.class,
              classifier.classify(
                  Inbounds.INTERNAL, 9, bad.getBytes(StandardCharsets.UTF_8), NO_PROPERTIES));
      assertEquals(MessageClassifier.INVALID_WATCH_ENTRY, i.reason());
    }
  }
}
