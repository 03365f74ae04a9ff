package dev.offboarding.contracts;

import static dev.offboarding.contracts.EventJson.bytes;
import static dev.offboarding.contracts.EventJson.data;
import static dev.offboarding.contracts.EventJson.targets;
import static dev.offboarding.contracts.EventJson.validLeaver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The event schema and {@link EventCodec} must say the same about every document, and so must the
 * audit schemas and {@link AuditCodec} about every verification and provenance they carry.
 */
class SchemaCodecAgreementTest {
  private static final SchemaValidation SCHEMA = SchemaValidation.of(Schemas.EVENT);
  private static final SchemaValidation TARGET_SCHEMA = SchemaValidation.of(Schemas.AUDIT_TARGET);
  private static final SchemaValidation SUMMARY_SCHEMA = SchemaValidation.of(Schemas.AUDIT_SUMMARY);
  private static final SchemaValidation ACCESS_SCHEMA = SchemaValidation.of(Schemas.AUDIT_ACCESS);
  private static final SchemaValidation RESUME_SCHEMA = SchemaValidation.of(Schemas.AUDIT_RESUME);
  private final EventCodec codec = new EventCodec();
  private final AuditCodec auditCodec = new AuditCodec();

  static List<String> validExamples() {
    return Examples.valid();
  }

  static List<String> invalidExamples() {
    return Examples.invalid();
  }

  @ParameterizedTest
  @MethodSource("validExamples")
  void everyValidExampleIsAcceptedByTheSchemaAndTheCodec(String example) {
    byte[] json = Examples.load(example);

    List<String> schemaErrors = SCHEMA.errors(json);
    DecodeResult decoded = codec.decode(json);

    assertEquals(List.of(), schemaErrors);
    assertInstanceOf(
        DecodeResult.Valid.class, decoded, () -> ((DecodeResult.Invalid) decoded).describe());
  }

  @ParameterizedTest
  @MethodSource("invalidExamples")
  void everyInvalidExampleIsRejectedByTheSchemaAndTheCodecAtItsExpectedPaths(String example) {
    byte[] json = Examples.load(example);
    List<String> expected = Examples.expectedProblemPaths().get(example);

    boolean schemaAccepts = SCHEMA.accepts(json);
    DecodeResult decoded = codec.decode(json);

    assertEquals(false, schemaAccepts, "the schema accepts " + example);
    DecodeResult.Invalid invalid = assertInstanceOf(DecodeResult.Invalid.class, decoded);
    List<String> paths = invalid.problems().stream().map(Problem::path).toList();
    assertTrue(
        paths.containsAll(expected),
        () -> example + " expected " + expected + ", got:\n" + invalid.describe());
  }

  @Test
  void everyInvalidExampleIsIndexedWithItsExpectedProblems() {
    assertEquals(
        Examples.invalid().stream().sorted().toList(),
        Examples.expectedProblemPaths().keySet().stream().sorted().toList());
    assertTrue(Examples.expectedProblemPaths().values().stream().noneMatch(List::isEmpty));
  }

  @Test
  void theSchemaCarriesTheCodecsPatternsVerbatim() throws Exception {
    JsonNode defs = EventJson.MAPPER.readTree(Schemas.load(Schemas.EVENT)).get("$defs");

    assertEquals(Target.GUID.pattern(), defs.at("/guid/pattern").asText());
    assertEquals(Target.UPN.pattern(), defs.at("/upn/pattern").asText());
    assertEquals(Target.MAX_UPN_LENGTH, defs.at("/upn/maxLength").asInt());
    assertEquals(UriReference.PATTERN.pattern(), defs.at("/uriReference/pattern").asText());
    assertEquals(Rfc3339.DATE_TIME.pattern(), defs.at("/dateTime/pattern").asText());
    assertEquals(
        EventData.MAX_TARGET_ENTRIES, defs.at("/data/properties/targets/maxItems").asInt());
    List<String> attributes = Target.ALLOWED_ATTRIBUTES.stream().sorted().toList();
    assertEquals(
        attributes,
        EventJson.MAPPER.convertValue(
            defs.at("/target/oneOf/2/properties/attribute/enum"), List.class));
  }

  /** One field changed at a time, to values either side of each rule's edge. */
  static Stream<Arguments> edgeCases() {
    Stream.Builder<Arguments> cases = Stream.builder();
    for (String id :
        List.of(
            "x",
            " x ",
            "",
            " ",
            "\u00a0",
            "\u3000",
            "\ufeff",
            "a\u0000",
            "a\n",
            "a\u0085",
            "a\u2028",
            "😀".repeat(256),
            "😀".repeat(257),
            "x".repeat(256),
            "x".repeat(257),
            "é")) {
      cases.add(Arguments.of("id " + escape(id), edit(e -> e.put("id", id))));
    }
    for (String source :
        List.of(
            "/hr/workday",
            "https://hr.contoso.com/a?b=c#d",
            "urn:x:y",
            "//host/p",
            "rel/p",
            "a/b:c",
            "1a:b",
            "",
            "HR Workday",
            "/%zz",
            "/%4",
            "/%",
            "/%41",
            "/é",
            "a#b#c",
            "/x[1]",
            "https://[::1]/x",
            "/hr\n",
            "?q",
            "#f",
            "mailto:hr@contoso.com",
            "/a b")) {
      cases.add(Arguments.of("source " + escape(source), edit(e -> e.put("source", source))));
    }
    for (String time :
        List.of(
            "2026-11-27T09:00:00Z",
            "2026-11-27T09:00:00.123456789+01:00",
            "2026-11-27T09:00:00-05:30",
            "2026-11-27",
            "2026-11-27T09:00Z",
            "2026-11-27 09:00:00Z",
            "2026-11-27T09:00:00",
            "2026-02-30T09:00:00Z",
            "2026-02-29T09:00:00Z",
            "2028-02-29T09:00:00Z",
            "2026-11-27T09:00:60Z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T09:00:00.1234567890Z",
            "2026-11-27T09:00:00+25:00",
            "2026-11-27T09:00:00Z\n",
            "2026-13-01T00:00:00Z")) {
      cases.add(Arguments.of("time " + escape(time), edit(e -> e.put("time", time))));
    }
    for (String user :
        List.of(
            "alice@contoso.com",
            "o'brien#1$x+y@contoso.com",
            "zoë@contoso.com",
            "ALICE@CONTOSO.COM",
            "84b18857-3c01-48be-b707-492019c57142",
            "84B18857-3C01-48BE-B707-492019C57142",
            "alice",
            "alice@",
            "@contoso.com",
            "alice smith@contoso.com",
            "alice@contoso",
            "alice@-contoso.com",
            "alice@contoso-.com",
            "alice@contoso.c",
            "alice@contoso.com\n",
            "alice@contoso.com\u2028",
            "84b18857-3c01-48be-b707-492019c57142\n",
            "ali\u00a0ce@contoso.com",
            "ali\u200bce@contoso.com",
            "ali\u0085ce@contoso.com",
            "a?b@contoso.com",
            "a\\b@contoso.com",
            "a/b@contoso.com",
            "a@b@contoso.com",
            "a".repeat(101) + "@contoso.com",
            "a".repeat(102) + "@contoso.com",
            "user@xn--bcher-kva.example",
            "user@例え.テスト",
            "user@contoso.123",
            "ali\u00adce@contoso.com",
            "ali\u2066ce@contoso.com",
            "ali\u180ece@contoso.com",
            "ali\ufeffce@contoso.com",
            "ali\ud800ce@contoso.com",
            "ali\udc00ce@contoso.com",
            "😀@contoso.com",
            "ali\udb40\udc01ce@contoso.com",
            "flag\udb40\udc67@contoso.com",
            "user@\ud840\udc00.example",
            "user@contoso.\ud801\udc00\ud801\udc01",
            "user@١٢٣.example",
            "user@bücher.de",
            "jürgen.müller@bücher.de",
            "user@ex\u1680ample.com",
            "a\u3000b@contoso.com",
            "a\u2029@contoso.com",
            "μ@ελληνικά.ελ")) {
      cases.add(
          Arguments.of(
              "user " + escape(user),
              edit(e -> targets(e).removeAll().addObject().put("user", user))));
    }
    for (String group :
        List.of(
            "84b18857-3c01-48be-b707-492019c57142",
            "84b18857-3c01-48be-b707-492019c5714",
            "Finance",
            "84b18857-3c01-48be-b707-492019c57142\n",
            "{84b18857-3c01-48be-b707-492019c57142}")) {
      cases.add(
          Arguments.of(
              "group " + escape(group),
              edit(e -> targets(e).removeAll().addObject().put("group", group))));
    }
    for (String value :
        List.of(
            "HP",
            "Zürich \"HQ\"",
            "",
            " ",
            "\u00a0",
            "a\tb",
            "a\u0085",
            "v".repeat(256),
            "v".repeat(257),
            "😀".repeat(256))) {
      cases.add(
          Arguments.of(
              "equals " + escape(value),
              edit(
                  e ->
                      targets(e)
                          .removeAll()
                          .addObject()
                          .put("attribute", "department")
                          .put("equals", value))));
    }
    for (String reason :
        List.of(
            "Leaver",
            "line one\nline two",
            "\t",
            "\u2029",
            "\ufeff",
            "a\u0000",
            "r".repeat(1024),
            "r".repeat(1025))) {
      cases.add(Arguments.of("reason " + escape(reason), edit(e -> data(e).put("reason", reason))));
    }
    for (String ticket : List.of("", "HR-1", "T".repeat(128), "T".repeat(129), "HR\n1")) {
      cases.add(Arguments.of("ticket " + escape(ticket), edit(e -> data(e).put("ticket", ticket))));
    }
    for (String name :
        List.of(
            "traceparent",
            "a",
            "abcdefghij0123456789",
            "abcdefghij0123456789a",
            "Trace",
            "x-y",
            "x_y",
            "data_base64",
            "subject",
            "dataschema",
            "x\n",
            "é")) {
      cases.add(Arguments.of("extension " + escape(name), edit(e -> e.put(name, "v"))));
    }
    cases.add(Arguments.of("extension number", edit(e -> e.put("priority", 1.5))));
    cases.add(Arguments.of("extension boolean", edit(e -> e.put("replay", true))));
    cases.add(Arguments.of("extension null", edit(e -> e.putNull("replay"))));
    cases.add(Arguments.of("extension array", edit(e -> e.putArray("replay"))));
    cases.add(
        Arguments.of(
            "actions reversed",
            edit(e -> data(e).putArray("actions").add("revokeSessions").add("disableAccount"))));
    cases.add(Arguments.of("actions unknown", edit(e -> data(e).putArray("actions").add("wipe"))));
    cases.add(
        Arguments.of(
            "actions repeated", edit(e -> data(e).putArray("actions").add("wipe").add("wipe"))));
    cases.add(
        Arguments.of(
            "target with user and equals",
            edit(
                e ->
                    targets(e)
                        .removeAll()
                        .addObject()
                        .put("user", "alice@contoso.com")
                        .put("equals", "x"))));
    cases.add(Arguments.of("target empty", edit(e -> targets(e).removeAll().addObject())));
    cases.add(Arguments.of("data null", edit(e -> e.putNull("data"))));
    cases.add(Arguments.of("specversion number", edit(e -> e.put("specversion", 1.0))));
    cases.add(Arguments.of("dryRun null", edit(e -> data(e).putNull("dryRun"))));
    return cases.build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edgeCases")
  void theSchemaAndTheCodecAgreeAtEveryEdge(String description, ObjectNode event) {
    byte[] json = bytes(event);

    List<String> schemaErrors = SCHEMA.errors(json);
    DecodeResult decoded = codec.decode(json);

    boolean codecAccepts = decoded instanceof DecodeResult.Valid;
    assertEquals(
        schemaErrors.isEmpty(),
        codecAccepts,
        () ->
            description
                + ": schema says "
                + schemaErrors
                + ", codec says "
                + (decoded instanceof DecodeResult.Invalid i ? i.describe() : "valid"));
  }

  /** Every valid audit example, with the type its list says it has. */
  static Stream<Arguments> auditExamples() {
    return Stream.of(
            Examples.auditTargets().stream().map(e -> Arguments.of(e, TargetAudit.TYPE)),
            Examples.auditSummaries().stream().map(e -> Arguments.of(e, SummaryAudit.TYPE)),
            Examples.auditAccesses().stream().map(e -> Arguments.of(e, AccessAudit.TYPE)),
            Examples.auditResumes().stream().map(e -> Arguments.of(e, ResumeAudit.TYPE)))
        .flatMap(examples -> examples);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("auditExamples")
  void everyAuditExampleIsAcceptedByItsSchemaAndTheCodecAndEncodesBackTheSame(
      String example, String type) throws Exception {
    byte[] json = Examples.load(example);
    JsonNode tree = EventJson.MAPPER.readTree(json);

    String declared = auditCodec.typeOf(json);
    List<String> schemaErrors = auditSchemaOf(json).errors(json);
    JsonNode reencoded =
        EventJson.MAPPER.readTree(
            reencodeAudit(json, tree.get("id").asText(), Rfc3339.parse(tree.get("time").asText())));

    assertEquals(type, declared);
    assertEquals(List.of(), schemaErrors);
    assertEquals(tree, reencoded);
  }

  @Test
  void aResumeThatIsRefusedWithoutItsStatusIsRefusedBySchemaAndCodec() throws Exception {
    ObjectNode tree =
        (ObjectNode) EventJson.MAPPER.readTree(Examples.load(Examples.auditResumes().get(0)));
    ((ObjectNode) tree.get("data")).remove("httpStatus");
    byte[] json = EventJson.MAPPER.writeValueAsBytes(tree);

    assertFalse(SchemaValidation.of(Schemas.AUDIT_RESUME).accepts(json));
    assertThrows(IllegalArgumentException.class, () -> auditCodec.decodeResume(json));
  }

  /** One member of the sign-in-seen example changed at a time, either side of each rule's edge. */
  static Stream<Arguments> accessEdgeCases() {
    String seen = Examples.auditAccesses().get(1);
    String none = Examples.auditAccesses().get(0);
    Stream.Builder<Arguments> cases = Stream.builder();
    cases.add(Arguments.of("as given", edit(seen, d -> {})));
    cases.add(Arguments.of("none seen as given", edit(none, d -> {})));
    cases.add(
        Arguments.of(
            "none seen with a sign-in",
            edit(
                none,
                d ->
                    d.set(
                        "signIns",
                        EventJson.MAPPER.valueToTree(
                            List.of(
                                Map.of(
                                    "id",
                                    "66ea54eb-6301-4ee5-be62-ff5a759b0100",
                                    "createdDateTime",
                                    "2026-11-27T03:24:12Z",
                                    "isInteractive",
                                    true)))))));
    cases.add(Arguments.of("seen without sign-ins", edit(seen, d -> d.putArray("signIns"))));
    cases.add(
        Arguments.of(
            "fifty-one sign-ins",
            edit(
                seen,
                d -> {
                  var list = d.putArray("signIns");
                  for (int i = 0; i < 51; i++) {
                    list.addObject()
                        .put("id", String.format("66ea54eb-6301-4ee5-be62-ff5a759b%04d", i))
                        .put("createdDateTime", "2026-11-27T03:24:12Z")
                        .put("isInteractive", false);
                  }
                })));
    cases.add(Arguments.of("unknown outcome", edit(seen, d -> d.put("outcome", "SEEN"))));
    for (String userId :
        List.of(
            "5f1d3c2a-0000-4000-8000-000000000002",
            "bob@contoso.com",
            "",
            "5f1d3c2a-0000-4000-8000-000000000002\n")) {
      cases.add(Arguments.of("userId " + escape(userId), edit(seen, d -> d.put("userId", userId))));
    }
    for (String eventId :
        List.of(
            "x",
            "",
            " ",
            "\u00a0",
            "\u3000",
            "\ufeff",
            "a\u0000",
            "a\u0085",
            "x".repeat(256),
            "x".repeat(257))) {
      cases.add(
          Arguments.of("eventId " + escape(eventId), edit(seen, d -> d.put("eventId", eventId))));
    }
    for (String ip :
        List.of(
            "203.0.113.45",
            "2001:db8::1f",
            "::1",
            "::ffff:192.0.2.1",
            "fe80::1:2:3:4:5:6",
            "1.2.3",
            "1.2.3.4.5",
            "2001:db8::1f\n",
            "203.0.113.45 ",
            "example.com",
            "1:2",
            "",
            "1.2.3.4\n",
            "١.٢.٣.٤",
            "a".repeat(46))) {
      cases.add(
          Arguments.of("ipAddress " + escape(ip), edit(seen, d -> signIn(d).put("ipAddress", ip))));
    }
    for (String name :
        List.of(
            "Office 365 Exchange Online",
            "Zoë's app",
            "",
            " ",
            "a\tb",
            "a\u0085",
            "n".repeat(256),
            "n".repeat(257),
            "😀".repeat(256))) {
      cases.add(
          Arguments.of(
              "appDisplayName " + escape(name),
              edit(seen, d -> signIn(d).put("appDisplayName", name))));
      cases.add(
          Arguments.of(
              "resourceDisplayName " + escape(name),
              edit(seen, d -> signIn(d).put("resourceDisplayName", name))));
    }
    for (String appId :
        List.of(
            "00000002-0000-0ff1-ce00-000000000000",
            "Exchange",
            "00000002-0000-0ff1-ce00-00000000000")) {
      cases.add(
          Arguments.of("appId " + escape(appId), edit(seen, d -> signIn(d).put("appId", appId))));
    }
    for (String member : List.of("appDisplayName", "appId", "resourceDisplayName", "ipAddress")) {
      cases.add(
          Arguments.of("sign-in without " + member, edit(seen, d -> signIn(d).remove(member))));
    }
    for (String member : List.of("id", "createdDateTime", "isInteractive")) {
      cases.add(
          Arguments.of("sign-in without " + member, edit(seen, d -> signIn(d).remove(member))));
    }
    cases.add(Arguments.of("sign-in id not a GUID", edit(seen, d -> signIn(d).put("id", "1"))));
    cases.add(
        Arguments.of(
            "sign-in with status",
            edit(seen, d -> signIn(d).putObject("status").put("errorCode", 0))));
    cases.add(
        Arguments.of(
            "isInteractive a string", edit(seen, d -> signIn(d).put("isInteractive", "true"))));
    cases.add(Arguments.of("without provenance", edit(seen, d -> d.remove("provenance"))));
    cases.add(
        Arguments.of(
            "provenance queue only", edit(seen, d -> d.putObject("provenance").put("queue", "q"))));
    cases.add(
        Arguments.of(
            "provenance reason blank",
            edit(seen, d -> ((ObjectNode) d.get("provenance")).put("reason", "\u2029"))));
    cases.add(
        Arguments.of(
            "provenance ticket with a control",
            edit(seen, d -> ((ObjectNode) d.get("provenance")).put("ticket", "HR\u00851"))));
    cases.add(
        Arguments.of(
            "provenance requestedBy of 256 emoji",
            edit(
                seen,
                d -> ((ObjectNode) d.get("provenance")).put("requestedBy", "😀".repeat(256)))));
    return cases.build();
  }

  /**
   * Rules a JSON Schema cannot state (comparing instants, unique members): the codec alone holds
   * them.
   */
  static Stream<Arguments> accessRulesBeyondTheSchema() {
    String seen = Examples.auditAccesses().get(1);
    return Stream.of(
        Arguments.of(
            "window closing before it opens",
            "allResourcesBy must not be before revokedAt",
            edit(seen, d -> d.put("allResourcesBy", "2026-11-27T03:00:00Z"))),
        Arguments.of(
            "sign-in before the revoke",
            "a sign-in seen is not before revokedAt",
            edit(seen, d -> signIn(d).put("createdDateTime", "2026-11-27T03:00:00Z"))),
        Arguments.of(
            "sign-in listed twice",
            "a sign-in is listed once",
            edit(
                seen,
                d ->
                    ((ObjectNode) d.get("signIns").get(1))
                        .put("id", "66ea54eb-6301-4ee5-be62-ff5a759b0100"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accessRulesBeyondTheSchema")
  void theAuditCodecRefusesWhatTheAccessSchemaCannotCompare(
      String description, String rule, ObjectNode audit) {
    byte[] json = bytes(audit);

    IllegalArgumentException thrown =
        assertThrows(IllegalArgumentException.class, () -> auditCodec.decodeAccess(json));

    assertTrue(thrown.getMessage().endsWith("$.data: " + rule), thrown.getMessage());
  }

  /** The containment example's results and access window changed one rule at a time. */
  static Stream<Arguments> containmentEdgeCases() {
    String contained = Examples.auditTargets().get(0);
    Stream.Builder<Arguments> cases = Stream.builder();
    cases.add(Arguments.of("as given", edit(contained, d -> {})));
    cases.add(
        Arguments.of(
            "access without note",
            edit(contained, d -> ((ObjectNode) d.get("access")).remove("note"))));
    for (String note :
        List.of(
            "guest",
            "",
            " ",
            "\ufeff",
            "a\u0000",
            "a\u0085",
            "line\nbreak",
            "n".repeat(512),
            "n".repeat(513),
            "😀".repeat(512))) {
      cases.add(
          Arguments.of(
              "access note " + escape(note),
              edit(contained, d -> ((ObjectNode) d.get("access")).put("note", note))));
    }
    for (String member : List.of("revokedAt", "caeResourcesBy", "allResourcesBy")) {
      cases.add(
          Arguments.of(
              "access without " + member,
              edit(contained, d -> ((ObjectNode) d.get("access")).remove(member))));
      cases.add(
          Arguments.of(
              "access " + member + " not a time",
              edit(contained, d -> ((ObjectNode) d.get("access")).put(member, "soon"))));
    }
    cases.add(Arguments.of("access an array", edit(contained, d -> d.putArray("access"))));
    cases.add(
        Arguments.of(
            "deviceIds empty", edit(contained, d -> containment(d, 4).putArray("deviceIds"))));
    cases.add(
        Arguments.of(
            "deviceIds not GUIDs",
            edit(contained, d -> containment(d, 4).putArray("deviceIds").add("laptop"))));
    cases.add(
        Arguments.of(
            "deviceIds repeated",
            edit(
                contained,
                d ->
                    containment(d, 4)
                        .putArray("deviceIds")
                        .add("6a1c3e2a-0000-4000-8000-0000000000d1")
                        .add("6a1c3e2a-0000-4000-8000-0000000000d1"))));
    cases.add(
        Arguments.of(
            "deviceIds on enableDevices",
            edit(contained, d -> containment(d, 4).put("action", "enableDevices"))));
    cases.add(
        Arguments.of(
            "deviceIds on revokeSessions",
            edit(
                contained,
                d ->
                    containment(d, 1)
                        .putArray("deviceIds")
                        .add("6a1c3e2a-0000-4000-8000-0000000000d1"))));
    cases.add(
        Arguments.of(
            "riskLevel unknown",
            edit(
                contained,
                d -> ((ObjectNode) containment(d, 3).get("observed")).put("riskLevel", "severe"))));
    cases.add(
        Arguments.of(
            "riskState dismissed",
            edit(
                contained,
                d ->
                    ((ObjectNode) containment(d, 3).get("observed"))
                        .put("riskState", "dismissed"))));
    cases.add(
        Arguments.of(
            "lastPasswordChange not a time",
            edit(
                contained,
                d ->
                    ((ObjectNode) containment(d, 2).get("observed"))
                        .put("lastPasswordChangeDateTime", "today"))));
    cases.add(
        Arguments.of(
            "risk observed without verification",
            edit(contained, d -> containment(d, 3).remove("verified"))));
    cases.add(
        Arguments.of(
            "reset skipped with a reason",
            edit(
                contained,
                d ->
                    containment(d, 2)
                        .put("outcome", "SKIPPED")
                        .put("attempts", 0)
                        .put("errorCode", "PasswordManagedElsewhere")
                        .put("errorMessage", "reset in AD")
                        .remove(
                            List.of(
                                "verified", "observed", "requestId", "startedAt", "finishedAt")))));
    cases.add(
        Arguments.of(
            "unknown action",
            edit(contained, d -> containment(d, 2).put("action", "wipeDevices"))));
    return cases.build();
  }

  private static ObjectNode signIn(ObjectNode data) {
    return (ObjectNode) data.get("signIns").get(0);
  }

  private static ObjectNode containment(ObjectNode data, int action) {
    return (ObjectNode) data.get("actions").get(action);
  }

  static List<String> invalidAuditExamples() {
    return Examples.invalidAudits();
  }

  @ParameterizedTest
  @MethodSource("invalidAuditExamples")
  void everyInvalidAuditExampleIsRefusedByItsSchemaAndTheCodecAtItsExpectedPath(String example) {
    byte[] json = Examples.load(example);
    List<String> expected = Examples.expectedAuditProblemPaths().get(example);

    boolean schemaAccepts = auditSchemaOf(json).accepts(json);
    IllegalArgumentException thrown =
        assertThrows(IllegalArgumentException.class, () -> decodeAudit(json));

    assertFalse(schemaAccepts, "the schema accepts " + example);
    assertTrue(
        expected.stream().allMatch(path -> thrown.getMessage().contains(": " + path + ": ")),
        () -> example + " expected " + expected + ", got: " + thrown.getMessage());
  }

  @Test
  void everyInvalidAuditExampleIsIndexedWithItsExpectedProblem() {
    assertEquals(
        Examples.invalidAudits().stream().sorted().toList(),
        Examples.expectedAuditProblemPaths().keySet().stream().sorted().toList());
    assertTrue(Examples.expectedAuditProblemPaths().values().stream().noneMatch(List::isEmpty));
  }

  @ParameterizedTest
  @ValueSource(strings = {Schemas.AUDIT_TARGET, Schemas.AUDIT_SUMMARY})
  void theAuditSchemasCarryTheEventsRulesForEveryProvenanceMember(String schema) throws Exception {
    JsonNode defs = EventJson.MAPPER.readTree(Schemas.load(schema)).get("$defs");
    JsonNode eventDefs = EventJson.MAPPER.readTree(Schemas.load(Schemas.EVENT)).get("$defs");
    JsonNode provenance = defs.at("/provenance/properties");

    assertEquals(eventDefs.get("uriReference"), defs.get("uriReference"));
    assertEquals("#/$defs/uriReference", provenance.at("/source/$ref").asText());
    for (String member : List.of("requestedBy", "ticket", "reason")) {
      ObjectNode rule = ((ObjectNode) provenance.get(member)).deepCopy();
      rule.remove("description");
      ObjectNode eventRule = ((ObjectNode) eventDefs.at("/data/properties/" + member)).deepCopy();
      eventRule.remove("description");
      assertEquals(eventRule, rule, member);
    }
    assertEquals(Provenance.QUEUE.pattern(), defs.at("/entityName/pattern").asText());
    assertEquals(Provenance.MAX_QUEUE_LENGTH, defs.at("/entityName/maxLength").asInt());
    assertEquals(
        List.of("queue"),
        EventJson.MAPPER.convertValue(defs.at("/provenance/required"), List.class));
  }

  /**
   * One provenance member of a target and of a summary example changed at a time, either side of
   * each rule's edge.
   */
  static Stream<Arguments> provenanceEdgeCases() {
    Stream.Builder<Arguments> cases = Stream.builder();
    Map<String, List<String>> values = new LinkedHashMap<>();
    values.put(
        "source",
        List.of(
            "/hr/workday",
            "urn:x:y",
            "https://hr.contoso.com/a?b=c#d",
            "",
            "HR Workday",
            "/%zz",
            "/hr\n",
            "/é"));
    values.put(
        "requestedBy",
        List.of(
            "",
            "workday-integration",
            "😀".repeat(256),
            "x".repeat(257),
            "hr\u001b",
            "a\u0085",
            " "));
    values.put("ticket", List.of("", "HR-1", "T".repeat(128), "T".repeat(129), "HR\n1", "\u00a0"));
    values.put(
        "reason",
        List.of(
            "Leaver",
            "line one\nline two",
            "r".repeat(1024),
            "r".repeat(1025),
            "",
            "\t",
            "\u2029",
            "\ufeff",
            "a\u0000"));
    values.put(
        "queue",
        List.of(
            "offboarding-events",
            "q",
            "offboarding/urgent_2.v1",
            "q".repeat(260),
            "q".repeat(261),
            "",
            "-events",
            "/events",
            "offboarding events",
            "events\n",
            "évents",
            "events?x"));
    for (String example :
        List.of(Examples.auditTargets().get(1), Examples.auditSummaries().get(0))) {
      String kind = example.contains("/target-") ? "target" : "summary";
      values.forEach(
          (member, edges) -> {
            for (String value : edges) {
              cases.add(
                  Arguments.of(
                      kind + " " + member + " " + escape(value),
                      edit(example, d -> ((ObjectNode) d.get("provenance")).put(member, value))));
            }
          });
      for (String member : List.of("source", "requestedBy", "ticket", "reason", "queue")) {
        cases.add(
            Arguments.of(
                kind + " without " + member,
                edit(example, d -> ((ObjectNode) d.get("provenance")).remove(member))));
        cases.add(
            Arguments.of(
                kind + " " + member + " null",
                edit(example, d -> ((ObjectNode) d.get("provenance")).putNull(member))));
        cases.add(
            Arguments.of(
                kind + " " + member + " a number",
                edit(example, d -> ((ObjectNode) d.get("provenance")).put(member, 1))));
      }
      cases.add(
          Arguments.of(
              kind + " queue only",
              edit(example, d -> d.putObject("provenance").put("queue", "q"))));
      cases.add(
          Arguments.of(kind + " without provenance", edit(example, d -> d.remove("provenance"))));
      cases.add(
          Arguments.of(kind + " provenance empty", edit(example, d -> d.putObject("provenance"))));
      cases.add(
          Arguments.of(kind + " provenance null", edit(example, d -> d.putNull("provenance"))));
      cases.add(
          Arguments.of(
              kind + " provenance an array",
              edit(example, d -> d.putArray("provenance").add("q"))));
      cases.add(
          Arguments.of(
              kind + " provenance with an unknown member",
              edit(example, d -> ((ObjectNode) d.get("provenance")).put("approvedBy", "x"))));
      cases.add(
          Arguments.of(
              kind + " provenance with a nested unknown member",
              edit(
                  example,
                  d -> ((ObjectNode) d.get("provenance")).putObject("on").put("behalf", "x"))));
    }
    return cases.build();
  }

  /**
   * Each audit schema and the audit codec agree on every edge case: the access window and sign-ins,
   * containment results, provenance, verification.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource({
    "accessEdgeCases",
    "containmentEdgeCases",
    "provenanceEdgeCases",
    "verificationEdgeCases"
  })
  void theAuditSchemasAndTheAuditCodecAgree(String description, ObjectNode audit) {
    byte[] json = bytes(audit);

    List<String> schemaErrors = auditSchemaOf(json).errors(json);
    String codecSays;
    try {
      decodeAudit(json);
      codecSays = "valid";
    } catch (IllegalArgumentException e) {
      codecSays = e.getMessage();
    }

    String codec = codecSays;
    assertEquals(
        schemaErrors.isEmpty(),
        codec.equals("valid"),
        () -> description + ": schema says " + schemaErrors + ", codec says " + codec);
  }

  /** One action of the unverified example changed at a time, around the verification rules. */
  static Stream<Arguments> verificationEdgeCases() {
    Stream.Builder<Arguments> cases = Stream.builder();
    cases.add(Arguments.of("as given", action(a -> {})));
    cases.add(Arguments.of("verified true on UNVERIFIED", action(a -> a.put("verified", true))));
    cases.add(
        Arguments.of(
            "UNVERIFIED without verified", action(a -> a.remove(List.of("verified", "observed")))));
    cases.add(Arguments.of("UNVERIFIED without observed", action(a -> a.remove("observed"))));
    cases.add(
        Arguments.of("SUCCEEDED with verified false", action(a -> a.put("outcome", "SUCCEEDED"))));
    cases.add(
        Arguments.of(
            "SUCCEEDED verified",
            action(a -> a.put("outcome", "SUCCEEDED").put("verified", true))));
    cases.add(
        Arguments.of(
            "SUCCEEDED without verification",
            action(a -> a.put("outcome", "SUCCEEDED").remove(List.of("verified", "observed")))));
    cases.add(
        Arguments.of(
            "SUCCEEDED observed without verified",
            action(a -> a.put("outcome", "SUCCEEDED").remove("verified"))));
    cases.add(
        Arguments.of(
            "FAILED verified true", action(a -> a.put("outcome", "FAILED").put("verified", true))));
    cases.add(Arguments.of("FAILED verified false", action(a -> a.put("outcome", "FAILED"))));
    cases.add(
        Arguments.of(
            "SKIPPED without verification",
            action(a -> a.put("outcome", "SKIPPED").remove(List.of("verified", "observed")))));
    cases.add(Arguments.of("verified a string", action(a -> a.put("verified", "false"))));
    cases.add(Arguments.of("verified null", action(a -> a.putNull("verified"))));
    cases.add(
        Arguments.of(
            "observed not an object", action(a -> a.put("observed", "2026-11-27T09:00:00Z"))));
    cases.add(Arguments.of("observed null", action(a -> a.putNull("observed"))));
    cases.add(Arguments.of("observed empty", action(a -> a.putObject("observed"))));
    cases.add(
        Arguments.of(
            "observed accountEnabled only",
            action(
                a -> ((ObjectNode) a.get("observed")).remove("signInSessionsValidFromDateTime"))));
    cases.add(
        Arguments.of(
            "observed accountEnabled a string",
            action(a -> ((ObjectNode) a.get("observed")).put("accountEnabled", "false"))));
    for (String time :
        List.of(
            "2026-11-27T09:00:00Z",
            "2026-11-27T09:00:00.5+01:00",
            "2026-11-27T09:00:00",
            "2026-02-30T09:00:00Z",
            "yesterday")) {
      cases.add(
          Arguments.of(
              "observed time " + time,
              action(
                  a ->
                      ((ObjectNode) a.get("observed"))
                          .put("signInSessionsValidFromDateTime", time))));
    }
    cases.add(
        Arguments.of(
            "outcome UNVERIFIED on the user",
            edit(Examples.auditTargets().get(0), d -> d.put("outcome", "UNVERIFIED"))));
    cases.add(
        Arguments.of(
            "unknown outcome on the user",
            edit(Examples.auditTargets().get(0), d -> d.put("outcome", "VERIFIED"))));
    return cases.build();
  }

  private SchemaValidation auditSchemaOf(byte[] audit) {
    return switch (auditCodec.typeOf(audit)) {
      case TargetAudit.TYPE -> TARGET_SCHEMA;
      case AccessAudit.TYPE -> ACCESS_SCHEMA;
      case ResumeAudit.TYPE -> RESUME_SCHEMA;
      default -> SUMMARY_SCHEMA;
    };
  }

  private void decodeAudit(byte[] audit) {
    switch (auditCodec.typeOf(audit)) {
      case TargetAudit.TYPE -> auditCodec.decodeTarget(audit);
      case AccessAudit.TYPE -> auditCodec.decodeAccess(audit);
      case ResumeAudit.TYPE -> auditCodec.decodeResume(audit);
      default -> auditCodec.decodeSummary(audit);
    }
  }

  /** The audit decoded and encoded again under the same message id and time. */
  private byte[] reencodeAudit(byte[] audit, String id, java.time.Instant time) {
    return switch (auditCodec.typeOf(audit)) {
      case TargetAudit.TYPE -> auditCodec.encodeTarget(id, time, auditCodec.decodeTarget(audit));
      case AccessAudit.TYPE -> auditCodec.encodeAccess(id, time, auditCodec.decodeAccess(audit));
      case ResumeAudit.TYPE -> auditCodec.encodeResume(id, time, auditCodec.decodeResume(audit));
      case SummaryAudit.TYPE -> auditCodec.encodeSummary(id, time, auditCodec.decodeSummary(audit));
      default -> throw new AssertionError("not an audit type: " + auditCodec.typeOf(audit));
    };
  }

  /** The unverified example with its second action (the unverified revoke) changed. */
  private static ObjectNode action(Consumer<ObjectNode> change) {
    return edit(
        Examples.auditTargets().get(0), d -> change.accept((ObjectNode) d.get("actions").get(1)));
  }

  private static ObjectNode edit(String example, Consumer<ObjectNode> changeData) {
    try {
      ObjectNode root = (ObjectNode) EventJson.MAPPER.readTree(Examples.load(example));
      changeData.accept((ObjectNode) root.get("data"));
      return root;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ObjectNode edit(Consumer<ObjectNode> change) {
    ObjectNode event = validLeaver();
    change.accept(event);
    return event;
  }

  private static String escape(String s) {
    return Text.excerpt(s, 24);
  }
}
