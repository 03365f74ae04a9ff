package dev.offboarding.contracts;

import static dev.offboarding.contracts.EventJson.bytes;
import static dev.offboarding.contracts.EventJson.data;
import static dev.offboarding.contracts.EventJson.validLeaver;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An audit says who asked, on whose word, and from which queue; and holds only what an event may.
 */
class ProvenanceTest {
  private static final String QUEUE = "offboarding-events";
  private final EventCodec codec = new EventCodec();

  @Test
  void takesTheSourceRequesterTicketAndReasonOfADecodedEvent() {
    OffboardingEvent event = decode(validLeaver());

    Provenance provenance = Provenance.of(event, QUEUE);

    assertEquals(
        new Provenance(
            "/hr/workday", "workday-integration", "HR-20931", "Leaver: last working day", QUEUE),
        provenance);
  }

  @Test
  void leavesOutWhatTheEventDidNotSay() {
    ObjectNode json = validLeaver();
    data(json).remove(List.of("ticket", "requestedBy"));
    OffboardingEvent event = decode(json);

    Provenance provenance = Provenance.of(event, QUEUE);

    assertEquals(
        new Provenance("/hr/workday", null, null, "Leaver: last working day", QUEUE), provenance);
  }

  @Test
  void takesTheRequesterAndReasonOfACancelFromItsCancellation() {
    OffboardingEvent cancel =
        OffboardingEvent.cancel(
            "c-1",
            "/ops/console",
            Instant.parse("2026-11-27T09:00:00Z"),
            new Cancellation("evt-1", "sent by mistake", "hr-ops@contoso.com"));

    Provenance provenance = Provenance.of(cancel, "offboarding-ops");

    assertEquals(
        new Provenance(
            "/ops/console", "hr-ops@contoso.com", null, "sent by mistake", "offboarding-ops"),
        provenance);
  }

  @Test
  void takesTheApproverAndReasonOfAnApproveFromItsApproval() {
    OffboardingEvent approve =
        OffboardingEvent.approve(
            "a-1",
            "/ops/console",
            null,
            new Approval("evt-1", "lead@contoso.com", null, List.of()));

    Provenance provenance = Provenance.of(approve, "offboarding-ops");

    assertEquals(
        new Provenance("/ops/console", "lead@contoso.com", null, null, "offboarding-ops"),
        provenance);
  }

  @Test
  void keepsOnlyTheQueueAndTheSourceOfAnEventThatCouldNotBeDecoded() {
    ObjectNode json = validLeaver();
    data(json).put("reason", " ");
    DecodeResult.Invalid rejected =
        assertInstanceOf(DecodeResult.Invalid.class, codec.decode(bytes(json)));

    Provenance provenance = Provenance.ofUndecodable(rejected, QUEUE);

    assertEquals(new Provenance("/hr/workday", null, null, null, QUEUE), provenance);
  }

  @Test
  void keepsOnlyTheQueueOfAMessageWithoutAReadableSource() {
    DecodeResult.Invalid rejected =
        assertInstanceOf(DecodeResult.Invalid.class, codec.decode(bytes("not json")));

    Provenance provenance = Provenance.ofUndecodable(rejected, QUEUE);

    assertEquals(new Provenance(null, null, null, null, QUEUE), provenance);
  }

  @Test
  void needsTheQueue() {
    assertThrows(
        NullPointerException.class, () -> new Provenance("/hr/workday", null, null, null, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"offboarding-events", "a", "offboarding/urgent_2", "q.v2", "9"})
  void acceptsServiceBusEntityNames(String queue) {
    assertDoesNotThrow(() -> new Provenance(null, null, null, null, queue));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-events",
        ".events",
        "/events",
        "offboarding events",
        "events\n",
        "évents",
        "events?x"
      })
  void refusesAQueueThatIsNoServiceBusEntityName(String queue) {
    IllegalArgumentException thrown =
        assertThrows(
            IllegalArgumentException.class, () -> new Provenance(null, null, null, null, queue));

    assertEquals(
        "queue must be a Service Bus entity name: 1 to 260 letters, digits, '.', '_', '-' or '/', starting"
            + " with a letter or digit",
        thrown.getMessage());
  }

  @Test
  void acceptsAQueueNameOfTwoHundredAndSixtyCharactersButNotOneMore() {
    assertDoesNotThrow(() -> new Provenance(null, null, null, null, "q".repeat(260)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Provenance(null, null, null, null, "q".repeat(261)));
  }

  @Test
  void holdsEveryValueAnAcceptedEventCanCarry() {
    assertAll(
        () -> assertDoesNotThrow(() -> new Provenance("urn:x:y", null, null, null, QUEUE)),
        () -> assertDoesNotThrow(() -> new Provenance(null, "", "", null, QUEUE)),
        () ->
            assertDoesNotThrow(
                () -> new Provenance(null, "😀".repeat(256), "T".repeat(128), null, QUEUE)),
        () ->
            assertDoesNotThrow(() -> new Provenance(null, null, null, "line one\nline two", QUEUE)),
        () -> assertDoesNotThrow(() -> new Provenance(null, null, null, "r".repeat(1024), QUEUE)));
  }

  @Test
  void refusesWhatNoAcceptedEventCanCarry() {
    assertAll(
        () -> assertRefused("source must not be empty", "", null, null, null),
        () ->
            assertRefused(
                "source must be a URI reference (RFC 3986), e.g. /hr/workday",
                "HR Workday",
                null,
                null,
                null),
        () ->
            assertRefused("requestedBy at most 256 characters", null, "x".repeat(257), null, null),
        () ->
            assertRefused(
                "requestedBy must not contain control characters",
                null,
                "hr\u001b[31m",
                null,
                null),
        () -> assertRefused("ticket at most 128 characters", null, null, "T".repeat(129), null),
        () ->
            assertRefused("ticket must not contain control characters", null, null, "HR\n1", null),
        () -> assertRefused("reason must not be blank", null, null, null, "\u2029"),
        () -> assertRefused("reason at most 1024 characters", null, null, null, "r".repeat(1025)));
  }

  @Test
  void anInvalidResultRefusesASourceItWouldNotHaveKept() {
    List<Problem> problems = List.of(new Problem("$.data", "required"));

    assertThrows(
        IllegalArgumentException.class,
        () -> new DecodeResult.Invalid(problems, "e", null, "HR Workday"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new DecodeResult.Invalid(problems, "e", null, "/" + "s".repeat(256)));
  }

  @Test
  void aTargetAuditGainsProvenanceAndKeepsEverythingElse() {
    TargetAudit audit =
        TargetAudit.builder("evt-1", TargetOutcome.SKIPPED)
            .userId("5f1d3c2a-0000-4000-8000-000000000001")
            .userPrincipalName("alice@contoso.com")
            .via(List.of("user:alice@contoso.com"))
            .detail("dry run")
            .redelivery(true)
            .build();
    Provenance provenance =
        new Provenance("/hr/workday", "workday-integration", null, "Leaver", QUEUE);

    TargetAudit withProvenance = audit.withProvenance(provenance);

    assertNull(audit.provenance(), "an audit built without provenance has none");
    assertEquals(provenance, withProvenance.provenance());
    assertEquals(
        audit,
        new TargetAudit(
            withProvenance.eventId(),
            withProvenance.userId(),
            withProvenance.userPrincipalName(),
            withProvenance.via(),
            withProvenance.guest(),
            withProvenance.outcome(),
            withProvenance.detail(),
            withProvenance.actions(),
            withProvenance.redelivery(),
            null,
            withProvenance.access()));
  }

  @Test
  void aSummaryGainsProvenanceAndKeepsEverythingElse() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");
    SummaryAudit summary =
        SummaryAudit.builder(SummaryStatus.SCHEDULED, t, t)
            .eventId("evt-1")
            .eventType(EventType.LEAVER.wireName())
            .dueAt(t.plusSeconds(3600))
            .detail("held")
            .build();
    Provenance provenance = new Provenance("/hr/workday", null, "HR-1", "Leaver", QUEUE);

    SummaryAudit withProvenance = summary.withProvenance(provenance);

    assertNull(summary.provenance(), "a summary built without provenance has none");
    assertEquals(provenance, withProvenance.provenance());
    assertEquals(
        new SummaryAudit(
            summary.eventId(),
            summary.eventType(),
            summary.status(),
            summary.counts(),
            summary.skippedMembers(),
            summary.usersResolved(),
            summary.startedAt(),
            summary.finishedAt(),
            summary.rejectionReason(),
            summary.problems(),
            summary.redelivery(),
            summary.dryRun(),
            summary.finalSummary(),
            summary.step(),
            summary.usersPending(),
            summary.dueAt(),
            summary.detail(),
            provenance,
            summary.allResourcesBy(),
            summary.lifecycleTaskWaits()),
        withProvenance);
  }

  @Test
  void anAuditIsNotGivenAnEmptyProvenance() {
    TargetAudit audit =
        TargetAudit.builder("evt-1", TargetOutcome.NOT_FOUND)
            .userPrincipalName("alice@contoso.com")
            .via(List.of("user:alice@contoso.com"))
            .build();

    assertThrows(NullPointerException.class, () -> audit.withProvenance(null));
  }

  private static void assertRefused(
      String message, String source, String requestedBy, String ticket, String reason) {
    IllegalArgumentException thrown =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Provenance(source, requestedBy, ticket, reason, QUEUE));

    assertEquals(message, thrown.getMessage());
  }

  private OffboardingEvent decode(ObjectNode json) {
    DecodeResult result = codec.decode(bytes(json));
    return assertInstanceOf(DecodeResult.Valid.class, result, result::toString).event();
  }
}
