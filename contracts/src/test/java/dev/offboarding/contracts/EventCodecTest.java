package dev.offboarding.contracts;

import static dev.offboarding.contracts.EventJson.bytes;
import static dev.offboarding.contracts.EventJson.data;
import static dev.offboarding.contracts.EventJson.targets;
import static dev.offboarding.contracts.EventJson.validLeaver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {
  private final EventCodec codec = new EventCodec();

  private OffboardingEvent valid(ObjectNode event) {
    DecodeResult result = codec.decode(bytes(event));
    if (result instanceof DecodeResult.Invalid invalid) {
      throw new AssertionError("expected valid, got:\n" + invalid.describe());
    }
    return ((DecodeResult.Valid) result).event();
  }

  private DecodeResult.Invalid invalid(byte[] json) {
    return assertInstanceOf(DecodeResult.Invalid.class, codec.decode(json));
  }

  private DecodeResult.Invalid invalid(ObjectNode event) {
    return invalid(bytes(event));
  }

  private static List<String> paths(DecodeResult.Invalid invalid) {
    return invalid.problems().stream().map(Problem::path).toList();
  }

  /** Asserts exactly one problem, at {@code path}, and returns its message. */
  private String onlyProblemAt(ObjectNode event, String path) {
    DecodeResult.Invalid result = invalid(event);
    assertEquals(List.of(path), paths(result), result.describe());
    return result.problems().get(0).message();
  }

  /**
   * The valid leaver changed in one way, the one path the codec names and, where it matters, its
   * exact message (null: any message).
   */
  static Stream<Arguments> eventsWithOneProblem() {
    return Stream.of(
        Arguments.of(
            "missing specversion",
            leaver(e -> e.remove("specversion")),
            "$.specversion",
            "required"),
        Arguments.of(
            "datacontenttype other than JSON",
            leaver(e -> e.put("datacontenttype", "text/plain")),
            "$.datacontenttype",
            null),
        Arguments.of("missing data", leaver(e -> e.remove("data")), "$.data", "required"),
        Arguments.of(
            "data that is not an object",
            leaver(e -> e.putArray("data")),
            "$.data",
            "must be an object"),
        Arguments.of(
            "unexpected property in data",
            leaver(e -> data(e).put("priority", "high")),
            "$.data.priority",
            "unexpected property"),
        Arguments.of(
            "missing targets",
            leaver(e -> data(e).remove("targets")),
            "$.data.targets",
            "required"),
        Arguments.of(
            "empty targets",
            leaver(e -> targets(e).removeAll()),
            "$.data.targets",
            "must not be empty"),
        Arguments.of(
            "targets that are not an array",
            leaver(e -> data(e).put("targets", "alice@contoso.com")),
            "$.data.targets",
            "must be an array"),
        Arguments.of(
            "group that is not an object id",
            leaver(e -> targets(e).addObject().put("group", "Finance")),
            "$.data.targets[1].group",
            null),
        Arguments.of(
            "attribute value over the limit",
            leaver(
                e ->
                    targets(e)
                        .addObject()
                        .put("attribute", "department")
                        .put("equals", "d".repeat(257))),
            "$.data.targets[1].equals",
            null),
        Arguments.of(
            "missing reason", leaver(e -> data(e).remove("reason")), "$.data.reason", null),
        Arguments.of(
            "blank reason", leaver(e -> data(e).put("reason", " \t\u3000")), "$.data.reason", null),
        Arguments.of(
            "overlong reason",
            leaver(e -> data(e).put("reason", "r".repeat(1025))),
            "$.data.reason",
            null),
        Arguments.of(
            "duplicate action",
            leaver(e -> data(e).putArray("actions").add("revokeSessions").add("revokeSessions")),
            "$.data.actions[1]",
            "duplicate action"),
        Arguments.of(
            "empty actions", leaver(e -> data(e).putArray("actions")), "$.data.actions", null),
        Arguments.of(
            "actions that are not an array",
            leaver(e -> data(e).put("actions", "revokeSessions")),
            "$.data.actions",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventsWithOneProblem")
  void rejectsAnEventWithOneProblemAtItsPath(
      String description, ObjectNode event, String path, String message) {
    String said = onlyProblemAt(event, path);

    if (message != null) {
      assertEquals(message, said);
    }
  }

  private static ObjectNode leaver(Consumer<ObjectNode> change) {
    ObjectNode event = validLeaver();
    change.accept(event);
    return event;
  }

  @Test
  void decodesAValidLeaverWithEveryField() {
    // Arrange
    ObjectNode event = validLeaver();

    // Act
    OffboardingEvent decoded = valid(event);

    // Assert
    assertEquals(
        new OffboardingEvent(
            "0b7c7a4e-3f0e-4c1e-9a53-4c1f2f0d9a11",
            "/hr/workday",
            EventType.LEAVER,
            Instant.parse("2026-11-27T09:00:00Z"),
            new EventData(
                List.of(new Target.User("alice@contoso.com")),
                List.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS),
                "Leaver: last working day",
                "HR-20931",
                "workday-integration",
                false)),
        decoded);
  }

  @Test
  void decodesAnEffectiveAtWithItsOffsetAndEncodesItBack() {
    ObjectNode event = validLeaver();
    data(event).put("effectiveAt", "2026-12-31T17:00:00+01:00");

    OffboardingEvent decoded = valid(event);

    assertEquals(Instant.parse("2026-12-31T16:00:00Z"), decoded.data().effectiveAt());
    assertTrue(decoded.dueAfter(Instant.parse("2026-12-31T15:59:59Z")));
    assertEquals(false, decoded.dueAfter(Instant.parse("2026-12-31T16:00:00Z")));
    assertEquals(decoded, ((DecodeResult.Valid) codec.decode(codec.encode(decoded))).event());
  }

  @Test
  void refusesAnEffectiveAtOnACompromiseEventSayingWhy() {
    ObjectNode event = validLeaver();
    event.put("type", "dev.offboarding.compromise.v1");
    data(event).put("effectiveAt", "2026-12-31T17:00:00Z");

    String message = onlyProblemAt(event, "$.data.effectiveAt");

    assertTrue(message.contains("compromise event takes effect at once"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-12-31T17:00:00", "2026-12-31", "tomorrow", "2026-12-31T17:00Z"})
  void refusesAnEffectiveAtThatIsNoRfc3339DateTimeWithAnOffset(String text) {
    ObjectNode event = validLeaver();
    data(event).put("effectiveAt", text);

    String message = onlyProblemAt(event, "$.data.effectiveAt");

    assertTrue(message.contains("RFC 3339"), message);
  }

  @Test
  void decodesACancelEventAndEncodesItBack() {
    OffboardingEvent cancel =
        valid(
            (ObjectNode)
                EventJson.MAPPER.valueToTree(
                    java.util.Map.of(
                        "specversion",
                        "1.0",
                        "id",
                        "c-1",
                        "source",
                        "/ops",
                        "type",
                        "dev.offboarding.cancel.v1",
                        "data",
                        java.util.Map.of(
                            "eventId",
                            "evt-9",
                            "reason",
                            "contract extended",
                            "requestedBy",
                            "ops@contoso.com"))));

    assertEquals(EventType.CANCEL, cancel.type());
    assertEquals(
        new Cancellation("evt-9", "contract extended", "ops@contoso.com"), cancel.cancellation());
    assertNull(cancel.data());
    assertEquals(List.of(), cancel.effectiveActions());
    assertEquals(cancel, ((DecodeResult.Valid) codec.decode(codec.encode(cancel))).event());
  }

  @Test
  void decodesAnApproveEventWithTheUsersItNamesAndEncodesItBack() {
    OffboardingEvent approve =
        valid(
            (ObjectNode)
                EventJson.MAPPER.valueToTree(
                    java.util.Map.of(
                        "specversion",
                        "1.0",
                        "id",
                        "a-1",
                        "source",
                        "/ops",
                        "type",
                        "dev.offboarding.approve.v1",
                        "data",
                        java.util.Map.of(
                            "eventId",
                            "evt-9",
                            "requestedBy",
                            "lead@contoso.com",
                            "users",
                            List.of(
                                "alice@contoso.com", "5f1d3c2a-0000-4000-8000-000000000001")))));

    assertEquals(EventType.APPROVE, approve.type());
    assertEquals(
        new Approval(
            "evt-9",
            "lead@contoso.com",
            null,
            List.of("alice@contoso.com", "5f1d3c2a-0000-4000-8000-000000000001")),
        approve.approval());
    assertNull(approve.data());
    assertNull(approve.cancellation());
    assertEquals(List.of(), approve.effectiveActions());
    assertTrue(approve.type().urgent(), "an approval does not wait behind bulk work");
    assertEquals(approve, ((DecodeResult.Valid) codec.decode(codec.encode(approve))).event());
  }

  @Test
  void refusesAnApproveEventWithoutWhoApprovesOrNamingTooManyUsers() {
    ObjectNode event =
        (ObjectNode)
            EventJson.MAPPER.valueToTree(
                java.util.Map.of(
                    "specversion",
                    "1.0",
                    "id",
                    "a-2",
                    "source",
                    "/ops",
                    "type",
                    "dev.offboarding.approve.v1",
                    "data",
                    java.util.Map.of(
                        "eventId",
                        "evt-9",
                        "reason",
                        " ",
                        "users",
                        java.util.Collections.nCopies(1001, "alice@contoso.com"))));

    assertEquals(
        List.of("$.data.requestedBy", "$.data.reason", "$.data.users"), paths(invalid(event)));
  }

  @Test
  void refusesACancelEventWithoutWhatToCancelOrWhoAsked() {
    ObjectNode event =
        (ObjectNode)
            EventJson.MAPPER.valueToTree(
                java.util.Map.of(
                    "specversion",
                    "1.0",
                    "id",
                    "c-2",
                    "source",
                    "/ops",
                    "type",
                    "dev.offboarding.cancel.v1",
                    "data",
                    java.util.Map.of("reason", " ", "targets", List.of())));

    assertEquals(
        List.of("$.data.targets", "$.data.eventId", "$.data.reason", "$.data.requestedBy"),
        paths(invalid(event)));
  }

  @Test
  void aRestoreDefaultsToEnableAccountAndNamesUsersOnly() {
    ObjectNode event = validLeaver();
    event.put("type", "dev.offboarding.restore.v1");
    data(event).remove("actions");

    OffboardingEvent restore = valid(event);

    assertEquals(List.of(Action.ENABLE_ACCOUNT), restore.effectiveActions());
    assertEquals(restore, ((DecodeResult.Valid) codec.decode(codec.encode(restore))).event());
  }

  @Test
  void refusesAGroupOrAnAttributeOrAnEffectiveAtOnARestoreSayingWhy() {
    ObjectNode event = validLeaver();
    event.put("type", "dev.offboarding.restore.v1");
    data(event).remove("actions");
    targets(event).addObject().put("group", "84b18857-3c01-48be-b707-492019c57142");
    targets(event).addObject().put("attribute", "department").put("equals", "HP");
    data(event).put("effectiveAt", "2026-12-31T17:00:00Z");

    DecodeResult.Invalid result = invalid(event);

    assertEquals(
        List.of("$.data.targets[1]", "$.data.targets[2]", "$.data.effectiveAt"), paths(result));
    assertTrue(result.problems().get(0).message().contains("a restore names users only"));
  }

  @Test
  void runsContainmentAfterTheRevokeWhateverOrderTheEventNamesIt() {
    ObjectNode compromise = validLeaver();
    compromise.put("type", "dev.offboarding.compromise.v1");
    data(compromise)
        .putArray("actions")
        .add("disableDevices")
        .add("confirmCompromised")
        .add("resetPassword")
        .add("revokeSessions")
        .add("disableAccount");

    OffboardingEvent event = valid(compromise);

    assertEquals(
        List.of(
            Action.DISABLE_ACCOUNT,
            Action.REVOKE_SESSIONS,
            Action.RESET_PASSWORD,
            Action.CONFIRM_COMPROMISED,
            Action.DISABLE_DEVICES),
        event.effectiveActions());
    assertEquals(new DecodeResult.Valid(event), codec.decode(codec.encode(event)));
  }

  @Test
  void neverAddsContainmentByDefault() {
    ObjectNode compromise = validLeaver();
    compromise.put("type", "dev.offboarding.compromise.v1");
    data(compromise).remove("actions");
    ObjectNode restore = validLeaver();
    restore.put("type", "dev.offboarding.restore.v1");
    data(restore).remove("actions");

    assertEquals(
        List.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS),
        valid(compromise).effectiveActions());
    assertEquals(List.of(Action.ENABLE_ACCOUNT), valid(restore).effectiveActions());
  }

  @Test
  void enablesDevicesOnlyOnARestoreAndContainsOnlyOnALeaverOrCompromise() {
    ObjectNode compromise = validLeaver();
    compromise.put("type", "dev.offboarding.compromise.v1");
    data(compromise).putArray("actions").add("revokeSessions").add("enableDevices");
    ObjectNode restore = validLeaver();
    restore.put("type", "dev.offboarding.restore.v1");
    data(restore).putArray("actions").add("enableDevices").add("confirmCompromised");
    ObjectNode restoreDevices = validLeaver();
    restoreDevices.put("type", "dev.offboarding.restore.v1");
    data(restoreDevices).putArray("actions").add("enableDevices").add("enableAccount");

    assertEquals(
        "unknown action; expected one of disableAccount, revokeSessions, resetPassword, confirmCompromised,"
            + " disableDevices",
        onlyProblemAt(compromise, "$.data.actions[1]"));
    assertEquals(
        "unknown action; expected one of enableAccount, enableDevices",
        onlyProblemAt(restore, "$.data.actions[1]"));
    assertEquals(
        List.of(Action.ENABLE_ACCOUNT, Action.ENABLE_DEVICES),
        valid(restoreDevices).effectiveActions());
  }

  @Test
  void refusesEnableAccountOnALeaverAndDisableOnARestore() {
    ObjectNode leaver = validLeaver();
    ((ArrayNode) data(leaver).get("actions")).add("enableAccount");
    ObjectNode restore = validLeaver();
    restore.put("type", "dev.offboarding.restore.v1");

    assertEquals(
        "unknown action; expected one of disableAccount, revokeSessions, resetPassword, confirmCompromised,"
            + " disableDevices",
        onlyProblemAt(leaver, "$.data.actions[2]"));
    assertEquals(List.of("$.data.actions[0]", "$.data.actions[1]"), paths(invalid(restore)));
  }

  @Test
  void decodesEachKindOfTarget() {
    ObjectNode event = validLeaver();
    ArrayNode targets = targets(event);
    targets.addObject().put("user", "5f1d3c2a-0000-4000-8000-000000000001");
    targets.addObject().put("group", "84B18857-3C01-48BE-B707-492019C57142");
    targets.addObject().put("attribute", "department").put("equals", "HP");

    List<Target> decoded = valid(event).data().targets();

    assertEquals(
        List.of(
            new Target.User("alice@contoso.com"),
            new Target.User("5f1d3c2a-0000-4000-8000-000000000001"),
            new Target.Group("84b18857-3c01-48be-b707-492019c57142"),
            new Target.Attribute("department", "HP")),
        decoded);
  }

  @Test
  void decodesACompromiseEventThatOnlyRevokes() {
    ObjectNode event = validLeaver().put("type", "dev.offboarding.compromise.v1");
    data(event).putArray("actions").add("revokeSessions");

    OffboardingEvent decoded = valid(event);

    assertEquals(EventType.COMPROMISE, decoded.type());
    assertEquals(List.of(Action.REVOKE_SESSIONS), decoded.effectiveActions());
  }

  @Test
  void defaultsToEveryActionAndNoDryRunWhenOptionalFieldsAreAbsent() {
    ObjectNode event = validLeaver();
    event.remove(List.of("time", "datacontenttype"));
    data(event).remove(List.of("actions", "ticket", "requestedBy", "dryRun"));

    OffboardingEvent decoded = valid(event);

    assertNull(decoded.time());
    assertEquals(
        List.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS), decoded.effectiveActions());
    assertEquals(false, decoded.data().dryRun());
    assertNull(decoded.data().ticket());
  }

  @Test
  void putsActionsInExecutionOrderWhateverOrderTheyArriveIn() {
    ObjectNode event = validLeaver();
    data(event).putArray("actions").add("revokeSessions").add("disableAccount");

    assertEquals(
        List.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS), valid(event).data().actions());
  }

  @Test
  void decodesADryRun() {
    ObjectNode event = validLeaver();
    data(event).put("dryRun", true);

    assertTrue(valid(event).data().dryRun());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "o'brien#1$x+y@contoso.com",
        "zoë@contoso.com",
        "renée.dupont@contoso.fr",
        "a&b@sub.contoso.co.uk"
      })
  void acceptsUpnsThatNeedUrlEncoding(String upn) {
    ObjectNode event = validLeaver();
    targets(event).removeAll().addObject().put("user", upn);

    assertEquals(List.of(new Target.User(upn)), valid(event).data().targets());
  }

  @Test
  void convertsATimeWithAnOffsetToTheSameInstant() {
    ObjectNode event = validLeaver().put("time", "2026-11-27T10:00:00.5+01:00");

    assertEquals(Instant.parse("2026-11-27T09:00:00.5Z"), valid(event).time());
  }

  @Test
  void acceptsScalarExtensionAttributes() {
    ObjectNode event =
        validLeaver().put("traceparent", "00-abc-01").put("priority", 5).put("replay", false);

    valid(event);
  }

  @Test
  void rejectsAnEventWithAnUnknownType() {
    ObjectNode event = validLeaver().put("type", "dev.offboarding.mover.v1");

    DecodeResult.Invalid result = invalid(event);

    assertEquals(List.of("$.type"), paths(result));
    assertTrue(result.problems().get(0).message().startsWith("unknown type"));
    assertEquals("dev.offboarding.mover.v1", result.eventType());
    assertEquals("0b7c7a4e-3f0e-4c1e-9a53-4c1f2f0d9a11", result.eventId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.3", "1", "1.0.0", ""})
  void rejectsASpecVersionOtherThanOnePointZero(String specversion) {
    onlyProblemAt(validLeaver().put("specversion", specversion), "$.specversion");
  }

  @Test
  void rejectsAMissingId() {
    ObjectNode event = validLeaver();
    event.remove("id");

    DecodeResult.Invalid result = invalid(event);

    assertEquals(List.of("$.id"), paths(result));
    assertNull(result.eventId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\u00a0", "evt\u0000", "evt\n1", "evt\u0085"})
  void rejectsABlankIdOrOneWithControlCharacters(String id) {
    onlyProblemAt(validLeaver().put("id", id), "$.id");
  }

  @Test
  void acceptsAnIdOfTwoHundredAndFiftySixCharactersButNotOneMore() {
    valid(validLeaver().put("id", "x".repeat(256)));

    DecodeResult.Invalid result = invalid(validLeaver().put("id", "x".repeat(257)));

    assertEquals(List.of("$.id"), paths(result));
    assertNull(result.eventId(), "an id over the limit is not repeated in the rejection");
  }

  @Test
  void countsIdLengthInCodePointsAsTheSchemaDoes() {
    valid(validLeaver().put("id", "😀".repeat(256)));
  }

  @Test
  void rejectsAnIdThatIsNotAString() {
    ObjectNode event = validLeaver();
    event.put("id", 42);

    assertEquals("must be a string", onlyProblemAt(event, "$.id"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/hr/workday",
        "https://hr.contoso.com/x?y=1#z",
        "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        "//contoso.com/hr",
        "workday",
        "mailto:hr@contoso.com",
        "/a%20b",
        "https://[2001:db8::1]:8443/x",
        "a/b:c"
      })
  void acceptsSourcesThatAreUriReferences(String source) {
    valid(validLeaver().put("source", source));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "HR Workday",
        "/hr/%zz",
        "/hr/%4",
        "1a:b",
        "/hr/\u00e9",
        "a#b#c",
        "/x[1]",
        "/hr\n"
      })
  void rejectsSourcesThatAreNotUriReferences(String source) {
    onlyProblemAt(validLeaver().put("source", source), "$.source");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-27T09:00:00Z",
        "2026-11-27t09:00:00z",
        "2026-11-27T09:00:00.123456789-05:30",
        "0001-01-01T00:00:00Z"
      })
  void acceptsRfc3339Times(String time) {
    valid(validLeaver().put("time", time));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-27",
        "2026-11-27T09:00Z",
        "2026-11-27 09:00:00Z",
        "2026-11-27T09:00:00",
        "2026-02-30T09:00:00Z",
        "2026-11-27T09:00:60Z",
        "+12026-11-27T09:00:00Z",
        "2026-11-27T09:00:00.1234567890Z",
        "2026-11-27T09:00:00+25:00",
        "2026-11-27T09:00:00Z\n"
      })
  void rejectsTimesThatAreNotRfc3339(String time) {
    onlyProblemAt(validLeaver().put("time", time), "$.time");
  }

  @ParameterizedTest
  @ValueSource(strings = {"traceParent", "x-trace", "abcdefghijklmnopqrstu", "data_base64", "Id"})
  void rejectsAnUnexpectedEnvelopeProperty(String name) {
    DecodeResult.Invalid result = invalid(validLeaver().put(name, "v"));

    assertEquals(1, result.problems().size(), result.describe());
    assertTrue(result.problems().get(0).message().startsWith("unexpected property"));
  }

  @Test
  void quotesAPropertyNameThatIsNotAnIdentifierInThePath() {
    DecodeResult.Invalid result = invalid(validLeaver().put("x-trace", "v"));

    assertEquals(List.of("$['x-trace']"), paths(result));
  }

  @Test
  void neverRepeatsAHugeOrControlCharacterPropertyNameInAPath() {
    String name = "\u0007".repeat(10_000);

    String path = paths(invalid(validLeaver().put(name, "v"))).get(0);

    assertTrue(path.length() < 500, path);
    assertTrue(path.chars().noneMatch(Character::isISOControl), path);
  }

  @Test
  void rejectsAnExtensionAttributeWhoseValueIsNotAScalar() {
    ObjectNode event = validLeaver();
    event.putObject("routing").put("queue", "fast");
    event.putNull("partition");

    DecodeResult.Invalid result = invalid(event);

    assertEquals(List.of("$.routing", "$.partition"), paths(result));
  }

  @Test
  void acceptsTheMaximumNumberOfTargetsButNotOneMore() {
    ObjectNode atLimit = validLeaver();
    for (int i = 1; i < EventData.MAX_TARGET_ENTRIES; i++) {
      targets(atLimit).addObject().put("user", "user" + i + "@contoso.com");
    }
    ObjectNode overLimit = atLimit.deepCopy();
    targets(overLimit).addObject().put("user", "one.more@contoso.com");

    assertEquals(EventData.MAX_TARGET_ENTRIES, valid(atLimit).data().targets().size());
    onlyProblemAt(overLimit, "$.data.targets");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "alice",
        "alice@",
        "@contoso.com",
        "alice smith@contoso.com",
        "alice@contoso",
        "alice@contoso.c",
        "alice@-contoso.com",
        "al/ice@contoso.com",
        "alice@contoso.com\n",
        "ali\u00a0ce@contoso.com",
        "ali\u2028ce@contoso.com",
        "ali\u200bce@contoso.com",
        "5f1d3c2a-0000-4000-8000-00000000000",
        "{5f1d3c2a-0000-4000-8000-000000000001}"
      })
  void rejectsAMalformedUser(String user) {
    ObjectNode event = validLeaver();
    targets(event).addObject().put("user", user);

    assertEquals("malformed UPN or GUID", onlyProblemAt(event, "$.data.targets[1].user"));
  }

  @Test
  void acceptsAUpnOfEntrasMaximumLengthButNotOneMore() {
    String local = "a".repeat(Target.MAX_UPN_LENGTH - "@contoso.com".length());
    ObjectNode atLimit = validLeaver();
    targets(atLimit).removeAll().addObject().put("user", local + "@contoso.com");
    ObjectNode overLimit = validLeaver();
    targets(overLimit).removeAll().addObject().put("user", local + "a@contoso.com");

    valid(atLimit);
    onlyProblemAt(overLimit, "$.data.targets[0].user");
  }

  @Test
  void rejectsAnAttributeThatIsNotAllowListed() {
    ObjectNode event = validLeaver();
    targets(event).addObject().put("attribute", "manager").put("equals", "bob");

    assertTrue(
        onlyProblemAt(event, "$.data.targets[1].attribute").startsWith("not an allowed attribute"));
  }

  @Test
  void rejectsAnAttributeWithoutAValueAndAValueWithoutAnAttribute() {
    ObjectNode event = validLeaver();
    targets(event).addObject().put("attribute", "department");
    targets(event).addObject().put("equals", "HP");

    assertEquals(
        List.of("$.data.targets[1].equals", "$.data.targets[2].attribute"), paths(invalid(event)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "H\u0000P", "HP\t"})
  void rejectsAnAttributeValueThatIsBlankOrHasControlCharacters(String value) {
    ObjectNode event = validLeaver();
    targets(event).addObject().put("attribute", "department").put("equals", value);

    onlyProblemAt(event, "$.data.targets[1].equals");
  }

  @Test
  void rejectsATargetWithTwoKinds() {
    ObjectNode event = validLeaver();
    targets(event)
        .addObject()
        .put("user", "bob@contoso.com")
        .put("group", "84b18857-3c01-48be-b707-492019c57142");

    assertTrue(onlyProblemAt(event, "$.data.targets[1]").startsWith("must have exactly one of"));
  }

  @Test
  void rejectsATargetWithNoKindOrAnUnknownProperty() {
    ObjectNode event = validLeaver();
    targets(event).addObject();
    targets(event)
        .addObject()
        .put("user", "bob@contoso.com")
        .put("filter", "accountEnabled eq true");
    targets(event).add("bob@contoso.com");

    assertEquals(
        List.of("$.data.targets[1]", "$.data.targets[2].filter", "$.data.targets[3]"),
        paths(invalid(event)));
  }

  @Test
  void rejectsATargetValueOfTheWrongJsonType() {
    ObjectNode event = validLeaver();
    targets(event).addObject().put("user", 42);
    targets(event).addObject().putArray("group");

    DecodeResult.Invalid result = invalid(event);

    assertEquals(List.of("$.data.targets[1].user", "$.data.targets[2].group"), paths(result));
    assertTrue(result.problems().stream().allMatch(p -> p.message().equals("must be a string")));
  }

  @Test
  void rejectsUnknownActionsEachAtItsIndex() {
    ObjectNode unknown = validLeaver();
    data(unknown).putArray("actions").add("revokeSessions").add("deleteUser").add(3);

    assertEquals(List.of("$.data.actions[1]", "$.data.actions[2]"), paths(invalid(unknown)));
  }

  @Test
  void acceptsAReasonOfTheMaximumLength() {
    ObjectNode atLimit = validLeaver();
    data(atLimit).put("reason", "r".repeat(1024));

    valid(atLimit);
  }

  @Test
  void acceptsAReasonOverSeveralLines() {
    ObjectNode event = validLeaver();
    data(event).put("reason", "Leaver.\nSee HR-20931.");

    assertEquals("Leaver.\nSee HR-20931.", valid(event).data().reason());
  }

  @Test
  void rejectsOverlongTicketAndRequester() {
    ObjectNode event = validLeaver();
    data(event).put("ticket", "T".repeat(129)).put("requestedBy", "r".repeat(257));

    assertEquals(List.of("$.data.ticket", "$.data.requestedBy"), paths(invalid(event)));
  }

  @Test
  void rejectsOptionalFieldsOfTheWrongJsonType() {
    ObjectNode event = validLeaver();
    data(event).put("dryRun", "true").putNull("ticket").put("requestedBy", 7);
    event.put("time", 1764234000);

    assertEquals(
        List.of("$.time", "$.data.ticket", "$.data.requestedBy", "$.data.dryRun"),
        paths(invalid(event)));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    ObjectNode event = validLeaver().put("type", "dev.offboarding.unknown.v1");
    event.remove("source");
    targets(event).addObject().put("user", "bob@");
    targets(event).addObject().put("group", "not-a-guid");
    data(event).putArray("actions").add("disableAccount").add("wipeDevice");

    DecodeResult.Invalid result = invalid(event);

    assertEquals(
        List.of(
            "$.source",
            "$.type",
            "$.data.targets[1].user",
            "$.data.targets[2].group",
            "$.data.actions[1]"),
        paths(result));
  }

  @Test
  void capsTheProblemListAndCountsTheRest() {
    ObjectNode event = validLeaver();
    for (int i = 0; i < 300; i++) {
      targets(event).addObject().put("group", "g" + i);
    }

    DecodeResult.Invalid result = invalid(event);

    assertEquals(EventCodec.MAX_PROBLEMS, result.problems().size());
    assertEquals(
        new Problem("$", "201 more problems not listed"),
        result.problems().get(EventCodec.MAX_PROBLEMS - 1));
  }

  @Test
  void rejectsDuplicateKeysAsOneProblemAtTheRoot() {
    String json = "{\"specversion\":\"1.0\",\"id\":\"a\",\"id\":\"b\"}";

    DecodeResult.Invalid result = invalid(bytes(json));

    assertEquals(List.of("$"), paths(result));
    assertTrue(
        result.problems().get(0).message().startsWith("duplicate property"), result.describe());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "null",
        "[]",
        "\"event\"",
        "42",
        "{",
        "{} {}",
        "{'a':1}",
        "{\"a\":NaN}",
        "{\"a\":1,}"
      })
  void rejectsInputThatIsNotAJsonObjectAsOneProblemAtTheRoot(String json) {
    DecodeResult.Invalid result = invalid(bytes(json));

    assertEquals(List.of("$"), paths(result), result.describe());
    assertNull(result.eventId());
  }

  @Test
  void rejectsAMessageOverTheSizeLimitWithoutReadingIt() {
    byte[] json = new byte[EventCodec.MAX_BYTES + 1];
    java.util.Arrays.fill(json, (byte) ' ');

    DecodeResult.Invalid result = invalid(json);

    assertEquals(List.of("$"), paths(result));
    assertTrue(result.problems().get(0).message().contains(String.valueOf(EventCodec.MAX_BYTES)));
  }

  @Test
  void rejectsBytesThatAreNotUtf8() {
    byte[] json = bytes(validLeaver());
    byte[] latin1 =
        new String(json, java.nio.charset.StandardCharsets.UTF_8)
            .replace("Leaver", "Lé")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    assertEquals(List.of("$"), paths(invalid(latin1)));
  }

  @Test
  void keepsAPrintableIdAndTypeOfAnInvalidEventForCorrelation() {
    ObjectNode event = validLeaver();
    data(event).remove("reason");

    DecodeResult.Invalid result = invalid(event);

    assertEquals("0b7c7a4e-3f0e-4c1e-9a53-4c1f2f0d9a11", result.eventId());
    assertEquals("dev.offboarding.leaver.v1", result.eventType());
  }

  @Test
  void dropsAnIdOrTypeWithControlCharactersFromTheCorrelation() {
    ObjectNode event = validLeaver().put("id", "evt\u001b[31m").put("type", "x".repeat(300));

    DecodeResult.Invalid result = invalid(event);

    assertNull(result.eventId());
    assertNull(result.eventType());
  }

  @Test
  void keepsTheSourceOfAnInvalidEventSoTheRejectionCanSayWhoSentIt() {
    ObjectNode event = validLeaver().put("source", "/hr/workday");
    data(event).remove("reason");

    DecodeResult.Invalid result = invalid(event);

    assertEquals("/hr/workday", result.source());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "HR Workday", "/hr\n", "/%zz"})
  void dropsASourceThatIsNoUriReferenceFromTheRejection(String source) {
    DecodeResult.Invalid result = invalid(validLeaver().put("source", source));

    assertNull(result.source());
  }

  @Test
  void dropsAValidButOverLongSourceFromTheRejection() {
    ObjectNode event = validLeaver().put("source", "/" + "s".repeat(256));
    data(event).remove("reason");

    DecodeResult.Invalid result = invalid(event);

    assertNull(
        result.source(), "a source longer than 256 characters is not repeated in the rejection");
  }

  @Test
  void knowsNoSourceOfAMessageThatIsNotJson() {
    DecodeResult.Invalid result = invalid(bytes("{\"source\": \"/hr/workday\""));

    assertNull(result.source());
  }

  @Test
  void roundTripsAnEventThroughEncodeAndDecode() {
    OffboardingEvent event =
        new OffboardingEvent(
            "evt-1",
            "https://hr.contoso.com/workday",
            EventType.COMPROMISE,
            Instant.parse("2026-11-27T09:00:00.123456789Z"),
            new EventData(
                List.of(
                    new Target.User("o'brien#1$x+y@contoso.com"),
                    new Target.User("zoë@contoso.com"),
                    new Target.Group("84b18857-3c01-48be-b707-492019c57142"),
                    new Target.Attribute("city", "Zürich \"HQ\"")),
                List.of(Action.REVOKE_SESSIONS),
                "Token theft\nsecond line",
                "SEC-1",
                "sentinel",
                true));

    DecodeResult decoded = codec.decode(codec.encode(event));

    assertEquals(new DecodeResult.Valid(event), decoded);
  }

  @Test
  void roundTripsAnEventWithoutOptionalFields() {
    OffboardingEvent event =
        new OffboardingEvent(
            "evt-2",
            "/hr/workday",
            EventType.LEAVER,
            null,
            new EventData(
                List.of(new Target.User("alice@contoso.com")),
                List.of(),
                "Leaver",
                null,
                null,
                false));

    assertEquals(new DecodeResult.Valid(event), codec.decode(codec.encode(event)));
  }

  @Test
  void refusesToEncodeAnEventTheContractRejects() {
    OffboardingEvent event =
        new OffboardingEvent(
            "evt-3",
            "not a uri",
            EventType.LEAVER,
            null,
            new EventData(
                List.of(new Target.User("alice@contoso.com")), List.of(), " ", null, null, false));

    IllegalArgumentException thrown =
        assertThrows(IllegalArgumentException.class, () -> codec.encode(event));

    assertTrue(thrown.getMessage().contains("$.source"), thrown.getMessage());
    assertTrue(thrown.getMessage().contains("$.data.reason"), thrown.getMessage());
  }

  @Test
  void refusesToEncodeATimeThatRfc3339CannotWrite() {
    OffboardingEvent event =
        new OffboardingEvent(
            "evt-4",
            "/hr/workday",
            EventType.LEAVER,
            Instant.parse("+10000-01-01T00:00:00Z"),
            new EventData(
                List.of(new Target.User("alice@contoso.com")),
                List.of(),
                "Leaver",
                null,
                null,
                false));

    assertThrows(IllegalArgumentException.class, () -> codec.encode(event));
  }
}
