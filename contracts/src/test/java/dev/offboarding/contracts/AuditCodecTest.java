package dev.offboarding.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuditCodecTest {
  private static final SchemaValidation TARGET_SCHEMA = SchemaValidation.of(Schemas.AUDIT_TARGET);
  private static final SchemaValidation SUMMARY_SCHEMA = SchemaValidation.of(Schemas.AUDIT_SUMMARY);
  private static final Instant T0 = Instant.parse("2026-11-27T09:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-27T09:00:01.250Z");
  private static final Provenance FROM_HR =
      new Provenance(
          "/hr/workday",
          "workday-integration",
          "HR-20931",
          "Leaver: last working day",
          "offboarding-events");

  private final AuditCodec codec = new AuditCodec();

  static Stream<TargetAudit> targetAudits() {
    return Stream.of(
        TargetAudit.builder("evt-1", TargetOutcome.SUCCEEDED)
            .userId("5f1d3c2a-0000-4000-8000-000000000001")
            .userPrincipalName("alice@contoso.com")
            .via(List.of("user:alice@contoso.com", "group:84b18857-3c01-48be-b707-492019c57142"))
            .actions(
                List.of(
                    ActionResult.succeeded(Action.DISABLE_ACCOUNT, 1, "req-1", T0, T1),
                    ActionResult.succeeded(Action.REVOKE_SESSIONS, 3, "req-2", T0, T1)))
            .build(),
        TargetAudit.builder("evt-1", TargetOutcome.NOT_FOUND)
            .userPrincipalName("o'brien#1$x+y@contoso.com")
            .via(List.of("user:o'brien#1$x+y@contoso.com"))
            .detail("no such user")
            .actions(
                List.of(
                    ActionResult.failed(
                        Action.DISABLE_ACCOUNT,
                        TargetOutcome.NOT_FOUND,
                        1,
                        "req-3",
                        T0,
                        T1,
                        "Request_ResourceNotFound",
                        "Resource 'o'brien' does not exist"),
                    ActionResult.skipped(Action.REVOKE_SESSIONS, "an earlier action failed")))
            .redelivery(true)
            .build(),
        TargetAudit.builder("evt-2", TargetOutcome.PROTECTED)
            .userId("5f1d3c2a-0000-4000-8000-000000000009")
            .via(List.of("attribute:department"))
            .guest(true)
            .detail("break-glass account")
            .build(),
        TargetAudit.builder("evt-3", TargetOutcome.UNVERIFIED)
            .userId("5f1d3c2a-0000-4000-8000-000000000002")
            .userPrincipalName("bob@contoso.com")
            .via(List.of("user:bob@contoso.com"))
            .detail("revokeSessions: not seen on read-back")
            .actions(
                List.of(
                    ActionResult.succeeded(Action.DISABLE_ACCOUNT, 1, "req-4", T0, T1)
                        .withVerification(true, null, false, null),
                    ActionResult.succeeded(Action.REVOKE_SESSIONS, 1, "req-5", T0, T1)
                        .withVerification(
                            false,
                            Instant.parse("2024-01-01T00:00:00Z"),
                            false,
                            "not seen on read-back")))
            .build(),
        TargetAudit.builder("evt-3", TargetOutcome.UNVERIFIED)
            .userId("5f1d3c2a-0000-4000-8000-000000000003")
            .userPrincipalName("carol@contoso.com")
            .via(List.of("user:carol@contoso.com"))
            .detail("revokeSessions: user not found on read-back")
            .actions(
                List.of(
                    ActionResult.succeeded(Action.REVOKE_SESSIONS, 1, "req-6", T0, T1)
                        .withVerification(false, null, null, "user not found on read-back")))
            .build(),
        TargetAudit.builder("evt-4", TargetOutcome.SUCCEEDED)
            .userId("5f1d3c2a-0000-4000-8000-000000000004")
            .userPrincipalName("dave@contoso.com")
            .via(List.of("user:dave@contoso.com"))
            .actions(List.of(ActionResult.succeeded(Action.DISABLE_ACCOUNT, 1, "req-7", T0, T1)))
            .provenance(FROM_HR)
            .build(),
        TargetAudit.builder("evt-5", TargetOutcome.SUCCEEDED)
            .userId("5f1d3c2a-0000-4000-8000-000000000005")
            .via(List.of("user:5f1d3c2a-0000-4000-8000-000000000005"))
            .actions(List.of(ActionResult.succeeded(Action.REVOKE_SESSIONS, 1, "req-8", T0, T1)))
            .provenance(
                new Provenance(
                    "/siem/sentinel", null, null, "Token theft\nsecond line", "offboarding-urgent"))
            .build());
  }

  static Stream<SummaryAudit> summaryAudits() {
    DecodeResult.Invalid rejected =
        (DecodeResult.Invalid) new EventCodec().decode(SampleEvents.load(SampleEvents.MALFORMED));
    return Stream.of(
        SummaryAudit.builder(SummaryStatus.PARTIAL, T0, T1)
            .eventId("evt-1")
            .eventType(EventType.LEAVER.wireName())
            .counts(Map.of(TargetOutcome.SUCCEEDED, 41, TargetOutcome.FORBIDDEN, 1))
            .skippedMembers(Map.of("device", 3, "orgContact", 1))
            .usersResolved(42)
            .build(),
        SummaryAudit.builder(SummaryStatus.REJECTED, T0, T0)
            .eventId(rejected.eventId())
            .eventType(rejected.eventType())
            .rejectionReason("the event breaks the v1 contract")
            .problems(rejected.problems())
            .build(),
        SummaryAudit.builder(SummaryStatus.REJECTED, T0, T0)
            .rejectionReason("not valid JSON")
            .problems(List.of(new Problem("$", "not valid JSON at line 1, column 2")))
            .redelivery(true)
            .build(),
        SummaryAudit.builder(SummaryStatus.DRY_RUN, T0, T1)
            .eventId("evt-3")
            .eventType(EventType.COMPROMISE.wireName())
            .counts(Map.of(TargetOutcome.SKIPPED, 7))
            .usersResolved(7)
            .dryRun(true)
            .build(),
        SummaryAudit.builder(SummaryStatus.SCHEDULED, T0, T0)
            .eventId("evt-4")
            .eventType(EventType.LEAVER.wireName())
            .dueAt(Instant.parse("2026-12-31T16:00:00Z"))
            .detail("held by the broker until 2026-12-31T16:00:00Z")
            .build(),
        SummaryAudit.builder(SummaryStatus.COMPLETED, T0, T1)
            .eventId("evt-6")
            .eventType(EventType.LEAVER.wireName())
            .counts(Map.of(TargetOutcome.SUCCEEDED, 1))
            .usersResolved(1)
            .provenance(FROM_HR)
            .build(),
        SummaryAudit.builder(SummaryStatus.REJECTED, T0, T0)
            .rejectionReason("not valid JSON")
            .problems(List.of(new Problem("$", "not valid JSON at line 1, column 2")))
            .provenance(new Provenance(null, null, null, null, "offboarding-ops"))
            .build());
  }

  @ParameterizedTest
  @MethodSource("targetAudits")
  void encodesATargetAuditThatTheSchemaAcceptsAndThatDecodesToItself(TargetAudit audit) {
    byte[] message = codec.encodeTarget("msg-1", T1, audit);

    List<String> schemaErrors = TARGET_SCHEMA.errors(message);
    TargetAudit decoded = codec.decodeTarget(message);

    assertEquals(List.of(), schemaErrors);
    assertEquals(audit, decoded);
  }

  @ParameterizedTest
  @MethodSource("summaryAudits")
  void encodesASummaryAuditThatTheSchemaAcceptsAndThatDecodesToItself(SummaryAudit audit) {
    byte[] message = codec.encodeSummary("msg-2", T1, audit);

    List<String> schemaErrors = SUMMARY_SCHEMA.errors(message);
    SummaryAudit decoded = codec.decodeSummary(message);

    assertEquals(List.of(), schemaErrors);
    assertEquals(audit, decoded);
  }

  @Test
  void writesTheCloudEventsEnvelopeWithTheUserAsSubject() throws Exception {
    TargetAudit audit = targetAudits().findFirst().orElseThrow();

    JsonNode root = EventJson.MAPPER.readTree(codec.encodeTarget("msg-1", T1, audit));

    assertEquals("1.0", root.get("specversion").asText());
    assertEquals("msg-1", root.get("id").asText());
    assertEquals("/offboarding-worker", root.get("source").asText());
    assertEquals(TargetAudit.TYPE, root.get("type").asText());
    assertEquals("2026-11-27T09:00:01.250Z", root.get("time").asText());
    assertEquals("5f1d3c2a-0000-4000-8000-000000000001", root.get("subject").asText());
    assertEquals("application/json", root.get("datacontenttype").asText());
  }

  @Test
  void writesEnumsByNameActionsByWireNameAndLeavesNullsOut() throws Exception {
    TargetAudit audit = targetAudits().skip(1).findFirst().orElseThrow();

    JsonNode data = EventJson.MAPPER.readTree(codec.encodeTarget("msg-1", T1, audit)).get("data");

    assertEquals("NOT_FOUND", data.get("outcome").asText());
    assertEquals("disableAccount", data.at("/actions/0/action").asText());
    assertEquals("SKIPPED", data.at("/actions/1/outcome").asText());
    assertEquals("2026-11-27T09:00:00Z", data.at("/actions/0/startedAt").asText());
    assertFalse(data.has("userId"));
    assertFalse(data.get("actions").get(1).has("requestId"));
    assertFalse(data.get("actions").get(1).has("startedAt"));
  }

  @Test
  void writesTheVerificationAndWhatWasReadBackLeavingOutWhatWasNot() throws Exception {
    TargetAudit audit = targetAudits().skip(3).findFirst().orElseThrow();

    JsonNode actions =
        EventJson.MAPPER.readTree(codec.encodeTarget("msg-1", T1, audit)).at("/data/actions");

    assertTrue(actions.get(0).get("verified").asBoolean());
    assertFalse(actions.get(0).get("observed").has("signInSessionsValidFromDateTime"));
    assertFalse(actions.get(0).at("/observed/accountEnabled").asBoolean(true));
    assertEquals("UNVERIFIED", actions.get(1).get("outcome").asText());
    assertFalse(actions.get(1).get("verified").asBoolean(true));
    assertEquals(
        "2024-01-01T00:00:00Z",
        actions.get(1).at("/observed/signInSessionsValidFromDateTime").asText());
    assertEquals(ActionResult.UNVERIFIED_CODE, actions.get(1).get("errorCode").asText());
  }

  @Test
  void leavesVerificationOutOfAResultThatWasNotVerified() throws Exception {
    TargetAudit audit = targetAudits().findFirst().orElseThrow();

    JsonNode action =
        EventJson.MAPPER.readTree(codec.encodeTarget("msg-1", T1, audit)).at("/data/actions/0");

    assertFalse(action.has("verified"));
    assertFalse(action.has("observed"));
  }

  @Test
  void writesTheSummaryDurationAndEveryOutcomeCount() throws Exception {
    SummaryAudit audit = summaryAudits().findFirst().orElseThrow();

    JsonNode root = EventJson.MAPPER.readTree(codec.encodeSummary("msg-2", T1, audit));

    assertEquals(1250, root.at("/data/durationMillis").asLong());
    assertEquals(0, root.at("/data/counts/NOT_FOUND").asInt());
    assertEquals(0, root.at("/data/counts/UNVERIFIED").asInt());
    assertEquals(41, root.at("/data/counts/SUCCEEDED").asInt());
    assertEquals("PARTIAL", root.at("/data/status").asText());
    assertEquals("evt-1", root.get("subject").asText());
  }

  @Test
  void leavesTheSubjectOutWhenTheEventIdIsUnknown() throws Exception {
    SummaryAudit audit = summaryAudits().skip(2).findFirst().orElseThrow();

    JsonNode root = EventJson.MAPPER.readTree(codec.encodeSummary("msg-2", T1, audit));

    assertFalse(root.has("subject"));
    assertFalse(root.get("data").has("eventId"));
  }

  @Test
  void writesWhoAskedAndFromWhichQueue() throws Exception {
    TargetAudit audit = targetAudits().skip(5).findFirst().orElseThrow();

    JsonNode provenance =
        EventJson.MAPPER.readTree(codec.encodeTarget("m", T1, audit)).at("/data/provenance");

    assertEquals("/hr/workday", provenance.get("source").asText());
    assertEquals("workday-integration", provenance.get("requestedBy").asText());
    assertEquals("HR-20931", provenance.get("ticket").asText());
    assertEquals("Leaver: last working day", provenance.get("reason").asText());
    assertEquals("offboarding-events", provenance.get("queue").asText());
  }

  @Test
  void writesOnlyTheQueueWhenNothingElseIsKnownOfTheEvent() throws Exception {
    SummaryAudit audit = summaryAudits().skip(6).findFirst().orElseThrow();

    JsonNode provenance =
        EventJson.MAPPER.readTree(codec.encodeSummary("m", T1, audit)).at("/data/provenance");

    assertEquals(EventJson.MAPPER.readTree("{\"queue\": \"offboarding-ops\"}"), provenance);
  }

  @Test
  void readsAnAuditWrittenBeforeProvenanceAsOneWithout() throws Exception {
    ObjectNode root =
        (ObjectNode)
            EventJson.MAPPER.readTree(
                codec.encodeSummary("m", T1, summaryAudits().skip(5).findFirst().orElseThrow()));
    ((ObjectNode) root.get("data")).remove("provenance");

    SummaryAudit decoded = codec.decodeSummary(EventJson.bytes(root));

    assertNull(decoded.provenance());
  }

  @Test
  void leavesProvenanceOutOfAnAuditThatHasNone() throws Exception {
    TargetAudit audit = targetAudits().findFirst().orElseThrow();

    JsonNode data = EventJson.MAPPER.readTree(codec.encodeTarget("m", T1, audit)).get("data");

    assertFalse(data.has("provenance"));
  }

  @Test
  void tellsTheTypeOfAnAuditMessage() {
    byte[] target = codec.encodeTarget("m", T0, targetAudits().findFirst().orElseThrow());
    byte[] summary = codec.encodeSummary("m", T0, summaryAudits().findFirst().orElseThrow());

    assertEquals(TargetAudit.TYPE, codec.typeOf(target));
    assertEquals(SummaryAudit.TYPE, codec.typeOf(summary));
  }

  @Test
  void refusesToDecodeASummaryAsATargetAudit() {
    byte[] summary = codec.encodeSummary("m", T0, summaryAudits().findFirst().orElseThrow());

    IllegalArgumentException thrown =
        assertThrows(IllegalArgumentException.class, () -> codec.decodeTarget(summary));

    assertTrue(thrown.getMessage().contains("$.type"), thrown.getMessage());
  }

  @Test
  void toleratesDataPropertiesItDoesNotKnow() throws Exception {
    TargetAudit audit = targetAudits().findFirst().orElseThrow();
    ObjectNode root = (ObjectNode) EventJson.MAPPER.readTree(codec.encodeTarget("m", T0, audit));
    ((ObjectNode) root.get("data")).put("addedInAMinorVersion", 1);

    assertEquals(audit, codec.decodeTarget(EventJson.bytes(root)));
  }

  @Test
  void rejectsInputThatIsNotAnAuditMessage() {
    for (String junk : List.of("", "[]", "{", "{\"type\":1}", "{\"type\":\"a\",\"type\":\"b\"}")) {
      byte[] bytes = junk.getBytes(StandardCharsets.UTF_8);

      assertThrows(IllegalArgumentException.class, () -> codec.typeOf(bytes), junk);
      assertThrows(IllegalArgumentException.class, () -> codec.decodeTarget(bytes), junk);
      assertThrows(IllegalArgumentException.class, () -> codec.decodeSummary(bytes), junk);
    }
  }

  @Test
  void refusesAMessageIdThatCouldNotCorrelate() {
    TargetAudit audit = targetAudits().findFirst().orElseThrow();

    assertThrows(IllegalArgumentException.class, () -> codec.encodeTarget(" ", T0, audit));
    assertThrows(IllegalArgumentException.class, () -> codec.encodeTarget("m\n1", T0, audit));
    assertThrows(NullPointerException.class, () -> codec.encodeTarget(null, T0, audit));
  }

  @Test
  void aRejectionSummaryCarriesEveryProblemOfTheDecodedEvent() {
    DecodeResult.Invalid rejected =
        assertInstanceOf(
            DecodeResult.Invalid.class,
            new EventCodec().decode(SampleEvents.load(SampleEvents.MALFORMED)));
    SummaryAudit audit = summaryAudits().skip(1).findFirst().orElseThrow();

    SummaryAudit decoded = codec.decodeSummary(codec.encodeSummary("m", T0, audit));

    assertEquals(rejected.problems(), decoded.problems());
    assertEquals(rejected.eventId(), decoded.eventId());
  }

  /**
   * Encoded audits each broken in one place, with the message decoding them gives: the type, then
   * where and what.
   */
  static Stream<Arguments> brokenAudits() {
    String target = "not a valid dev.offboarding.audit.target.v1 message: ";
    String summary = "not a valid dev.offboarding.audit.summary.v1 message: ";
    return Stream.of(
        Arguments.of(
            "a verification that contradicts its outcome",
            editedTarget(3, d -> ((ObjectNode) d.at("/actions/1")).put("outcome", "SUCCEEDED")),
            target
                + "$.data.actions[1]: a write the read-back did not show is UNVERIFIED, never"
                + " SUCCEEDED"),
        Arguments.of(
            "a provenance member it does not know",
            editedTarget(
                5,
                d -> ((ObjectNode) d.get("provenance")).put("approvedBy", "soc-lead@contoso.com")),
            target + "$.data.provenance.approvedBy: unexpected property"),
        Arguments.of(
            "a provenance member that breaks the event's rule",
            editedSummary(
                5, d -> ((ObjectNode) d.get("provenance")).put("ticket", "T".repeat(129))),
            summary + "$.data.provenance.ticket: at most 128 characters"),
        Arguments.of(
            "a provenance without its queue",
            editedSummary(5, d -> ((ObjectNode) d.get("provenance")).remove("queue")),
            summary + "$.data.provenance.queue: required"),
        Arguments.of(
            "an unknown outcome",
            editedTarget(0, d -> ((ObjectNode) d.at("/actions/1")).put("outcome", "EXPLODED")),
            target + "$.data.actions[1].outcome: unknown outcome"),
        Arguments.of(
            "a missing required field",
            editedSummary(0, d -> d.remove("finishedAt")),
            summary + "$.data.finishedAt: required"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenAudits")
  void namesWhereADecodedAuditBreaksTheContract(
      String description, byte[] broken, String expected) {
    IllegalArgumentException thrown =
        assertThrows(
            IllegalArgumentException.class,
            () -> {
              if (TargetAudit.TYPE.equals(codec.typeOf(broken))) {
                codec.decodeTarget(broken);
              } else {
                codec.decodeSummary(broken);
              }
            });

    assertEquals(expected, thrown.getMessage());
  }

  /** Summaries each without a field their status requires, and that field. */
  static Stream<Arguments> summariesMissingWhatTheirStatusRequires() {
    return Stream.of(
        Arguments.of(
            "a scheduled summary without a due time",
            SummaryAudit.builder(SummaryStatus.SCHEDULED, T0, T0)
                .eventId("evt-5")
                .eventType(EventType.LEAVER.wireName())
                .dueAt(T1)
                .build(),
            "dueAt"),
        Arguments.of(
            "a rejected summary without a reason",
            summaryAudits().skip(1).findFirst().orElseThrow(),
            "rejectionReason"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("summariesMissingWhatTheirStatusRequires")
  void theSchemaRejectsASummaryWithoutAFieldItsStatusRequires(
      String description, SummaryAudit summary, String field) throws Exception {
    ObjectNode message =
        (ObjectNode) EventJson.MAPPER.readTree(codec.encodeSummary("msg-5", T1, summary));
    ((ObjectNode) message.get("data")).remove(field);

    boolean accepted = SUMMARY_SCHEMA.accepts(EventJson.MAPPER.writeValueAsBytes(message));

    assertFalse(accepted);
  }

  /** Target audit example {@code n} encoded, with its {@code data} changed. */
  private static byte[] editedTarget(int n, Consumer<ObjectNode> changeData) {
    TargetAudit audit = targetAudits().skip(n).findFirst().orElseThrow();
    return edited(new AuditCodec().encodeTarget("m", T1, audit), changeData);
  }

  /** Summary example {@code n} encoded, with its {@code data} changed. */
  private static byte[] editedSummary(int n, Consumer<ObjectNode> changeData) {
    SummaryAudit audit = summaryAudits().skip(n).findFirst().orElseThrow();
    return edited(new AuditCodec().encodeSummary("m", T1, audit), changeData);
  }

  private static byte[] edited(byte[] message, Consumer<ObjectNode> changeData) {
    try {
      ObjectNode root = (ObjectNode) EventJson.MAPPER.readTree(message);
      changeData.accept((ObjectNode) root.get("data"));
      return EventJson.bytes(root);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
