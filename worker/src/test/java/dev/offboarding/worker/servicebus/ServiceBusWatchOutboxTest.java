package dev.offboarding.worker.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.offboarding.contracts.AccessAudit;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.Provenance;
import dev.offboarding.worker.codec.WatchEntryCodec;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.watch.WatchEntry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The watch's messages as the broker gets them: ids that a poll done again repeats exactly (so
 * duplicate detection drops the copy), and that differ for every other message.
 */
class ServiceBusWatchOutboxTest {
  static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  static final String USER = "40000000-0000-4000-8000-000000000001";
  final RecordingSenders senders = new RecordingSenders();
  final ServiceBusWatchOutbox outbox =
      new ServiceBusWatchOutbox(
          senders,
          "offboarding-audit",
          "offboarding-internal",
          new AuditCodec(),
          new WatchEntryCodec(),
          Clock.fixed(T, ZoneOffset.UTC),
          new Metrics());
  final Provenance provenance =
      new Provenance("/siem", null, null, "compromised", "offboarding-urgent");
  final WatchEntry entry =
      new WatchEntry(
          "12@offboarding-urgent",
          "evt-1",
          "0.0",
          3,
          provenance,
          List.of(new WatchEntry.Watched(USER, T, T.plusSeconds(5400), Set.of())));

  AccessAudit seen(String id) {
    return new AccessAudit(
        "evt-1",
        USER,
        T,
        T.plusSeconds(5400),
        AccessAudit.Outcome.SIGN_IN_SEEN,
        List.of(
            new AccessAudit.SignIn(id, T.plusSeconds(60), null, null, null, "203.0.113.7", true)),
        provenance);
  }

  @Test
  void aSignInPublishedTwiceCarriesOneIdAndEachSignInItsOwn() {
    outbox.publish(entry, seen("a0000000-0000-4000-8000-000000000001"), 3);
    outbox.publish(entry.next(entry.users()), seen("a0000000-0000-4000-8000-000000000001"), 4);
    outbox.publish(entry, seen("a0000000-0000-4000-8000-000000000002"), 3);
    outbox.publish(
        entry,
        new AccessAudit(
            "evt-1",
            USER,
            T,
            T.plusSeconds(5400),
            AccessAudit.Outcome.NONE_SEEN,
            List.of(),
            provenance),
        3);

    List<OutgoingMessage> sent = senders.messagesTo("offboarding-audit");
    assertEquals(
        sent.get(0).messageId(), sent.get(1).messageId(), "seen again by a later poll: one id");
    assertNotEquals(sent.get(0).messageId(), sent.get(2).messageId());
    assertNotEquals(sent.get(2).messageId(), sent.get(3).messageId());
    OutgoingMessage first = sent.get(0);
    assertEquals(AccessAudit.TYPE, first.subject());
    assertEquals("evt-1", first.correlationId());
    assertEquals("SIGN_IN_SEEN", first.applicationProperties().get(ServiceBusWatchOutbox.OUTCOME));
    assertEquals(3, first.applicationProperties().get(ServiceBusWatchOutbox.WATCH_POLL));
  }

  @Test
  void theNextEntryOfAPollDoneAgainCarriesTheSameIdAndIsScheduled() {
    outbox.schedule(entry.next(entry.users()), T.plusSeconds(60));
    outbox.schedule(entry.next(entry.users()), T.plusSeconds(61));
    outbox.schedule(entry.next(entry.users()).next(entry.users()), T.plusSeconds(120));

    List<OutgoingMessage> sent = senders.messagesTo("offboarding-internal");
    assertEquals(sent.get(0).messageId(), sent.get(1).messageId());
    assertNotEquals(sent.get(0).messageId(), sent.get(2).messageId());
    assertNotNull(sent.get(0).scheduledEnqueueTime());
    assertEquals(WatchEntryCodec.FORMAT, sent.get(0).subject());
    assertEquals(entry.next(entry.users()), new WatchEntryCodec().decode(sent.get(0).body()));
  }
}
