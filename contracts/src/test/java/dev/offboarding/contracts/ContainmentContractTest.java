package dev.offboarding.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Containment results, the access window and the sign-in watch's audit, as records and on the wire.
 */
class ContainmentContractTest {
  private static final Instant REVOKED = Instant.parse("2026-11-27T03:20:00.240Z");
  private static final String USER = "5f1d3c2a-0000-4000-8000-000000000002";
  private static final Provenance PROVENANCE =
      new Provenance("/siem/sentinel", "sentinel", "SEC-1", "Token theft", "offboarding-urgent");
  private final AuditCodec codec = new AuditCodec();

  @Test
  void theAccessWindowAddsTheCaeLatencyAndTheLongestTokenLifetimeToTheRevoke() {
    AccessWindow window = AccessWindow.from(REVOKED, Duration.ofMinutes(90), null);

    assertEquals(Instant.parse("2026-11-27T03:35:00.240Z"), window.caeResourcesBy());
    assertEquals(Instant.parse("2026-11-27T04:50:00.240Z"), window.allResourcesBy());
    assertNull(window.note());
    assertEquals(window, AccessWindow.from(REVOKED));
  }

  @Test
  void aGuestsWindowSaysThatRevocationDoesNotReachTheHomeTenant() {
    AccessWindow window = AccessWindow.forUser(REVOKED, Duration.ofHours(2), true);

    assertEquals(AccessWindow.GUEST_NOTE, window.note());
    assertEquals(REVOKED.plus(Duration.ofHours(2)), window.allResourcesBy());
    assertNull(AccessWindow.forUser(REVOKED, Duration.ofHours(2), false).note());
  }

  @Test
  void theAccessWindowRefusesALifetimeNoTokenHasAndTimesBeforeTheRevoke() {
    assertThrows(
        IllegalArgumentException.class, () -> AccessWindow.from(REVOKED, Duration.ZERO, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> AccessWindow.from(REVOKED, Duration.ofHours(29), null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AccessWindow(REVOKED, REVOKED.minusSeconds(1), REVOKED, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> AccessWindow.from(REVOKED, Duration.ofMinutes(90), "a\nb"));
    assertThrows(
        IllegalArgumentException.class,
        () -> AccessWindow.from(REVOKED, Duration.ofMinutes(90), " "));
  }

  @Test
  void aTargetAuditCarriesItsAccessWindowThroughTheCodecAndKeepsItWhenProvenanceIsAdded()
      throws Exception {
    TargetAudit audit =
        TargetAudit.builder("e-1", TargetOutcome.SUCCEEDED)
            .userId(USER)
            .userPrincipalName("bob@contoso.com")
            .via(List.of("user:bob@contoso.com"))
            .guest(true)
            .actions(
                List.of(ActionResult.succeeded(Action.REVOKE_SESSIONS, 1, "r", REVOKED, REVOKED)))
            .build()
            .withAccess(AccessWindow.forUser(REVOKED, Duration.ofMinutes(90), true))
            .withProvenance(PROVENANCE);

    byte[] json = codec.encodeTarget("e-1/target/0", REVOKED, audit);
    JsonNode access = EventJson.MAPPER.readTree(json).at("/data/access");

    assertEquals(audit, codec.decodeTarget(json));
    assertEquals("2026-11-27T03:20:00.240Z", access.get("revokedAt").asText());
    assertEquals("2026-11-27T04:50:00.240Z", access.get("allResourcesBy").asText());
    assertEquals(AccessWindow.GUEST_NOTE, access.get("note").asText());
    assertTrue(SchemaValidation.of(Schemas.AUDIT_TARGET).accepts(json));
  }

  @Test
  void aSkippedPasswordResetSaysWhyWithACodeToMatchOn() {
    ActionResult skipped =
        ActionResult.skipped(
            Action.RESET_PASSWORD,
            ActionResult.PASSWORD_MANAGED_ELSEWHERE,
            "the password is synchronised from on-premises Active Directory: reset it there, twice");

    assertEquals(TargetOutcome.SKIPPED, skipped.outcome());
    assertEquals("PasswordManagedElsewhere", skipped.errorCode());
    assertEquals(0, skipped.attempts());
    assertEquals(
        ActionResult.SKIPPED_CODE,
        ActionResult.skipped(Action.DISABLE_DEVICES, "dry run").errorCode());
  }

  @Test
  void aContainmentResultKeepsWhatItsReadBackShowedAndTheDevicesItWrote() {
    String device = "6a1c3e2a-0000-4000-8000-0000000000d1";
    ActionResult confirmed =
        ActionResult.succeeded(Action.CONFIRM_COMPROMISED, 1, "r", REVOKED, REVOKED)
            .withContainmentVerification(true, null, "confirmedCompromised", "high", null);
    ActionResult notYet =
        ActionResult.succeeded(Action.CONFIRM_COMPROMISED, 1, "r", REVOKED, REVOKED)
            .withContainmentVerification(
                false, null, "atRisk", "medium", "riskState is still atRisk");
    ActionResult devices =
        ActionResult.succeeded(Action.DISABLE_DEVICES, 2, "r", REVOKED, REVOKED)
            .withDeviceIds(List.of(device))
            .withVerification(true, null, null, null);

    assertEquals("confirmedCompromised", confirmed.observedRiskState());
    assertEquals(TargetOutcome.UNVERIFIED, notYet.outcome());
    assertEquals(ActionResult.UNVERIFIED_CODE, notYet.errorCode());
    assertEquals(List.of(device), devices.deviceIds());
    assertEquals(List.of(), confirmed.deviceIds());
  }

  @Test
  void onlyDeviceActionsListDistinctDeviceGuids() {
    ActionResult revoke = ActionResult.succeeded(Action.REVOKE_SESSIONS, 1, "r", REVOKED, REVOKED);
    ActionResult devices = ActionResult.succeeded(Action.DISABLE_DEVICES, 1, "r", REVOKED, REVOKED);
    String device = "6a1c3e2a-0000-4000-8000-0000000000d1";

    assertThrows(IllegalArgumentException.class, () -> revoke.withDeviceIds(List.of(device)));
    assertThrows(IllegalArgumentException.class, () -> devices.withDeviceIds(List.of("laptop")));
    assertThrows(
        IllegalArgumentException.class, () -> devices.withDeviceIds(List.of(device, device)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ActionResult.succeeded(Action.CONFIRM_COMPROMISED, 1, "r", REVOKED, REVOKED)
                .withContainmentVerification(true, null, "compromised", null, null));
  }

  @Test
  void theSummaryCarriesTheEventsLatestAllResourcesBy() throws Exception {
    Instant by = REVOKED.plus(Duration.ofMinutes(90));
    SummaryAudit summary =
        SummaryAudit.builder(SummaryStatus.COMPLETED, REVOKED, REVOKED)
            .eventId("e-1")
            .eventType(EventType.COMPROMISE.wireName())
            .counts(Map.of(TargetOutcome.SUCCEEDED, 1))
            .usersResolved(1)
            .build()
            .withAllResourcesBy(by)
            .withProvenance(PROVENANCE);

    byte[] json = codec.encodeSummary("e-1/summary/0", REVOKED, summary);

    assertEquals(by, codec.decodeSummary(json).allResourcesBy());
    assertEquals(
        "2026-11-27T04:50:00.240Z",
        EventJson.MAPPER.readTree(json).at("/data/allResourcesBy").asText());
    assertTrue(SchemaValidation.of(Schemas.AUDIT_SUMMARY).accepts(json));
  }

  @Test
  void theWatchReportsASignInSeenWithTheUserAsSubjectAndRoundTrips() throws Exception {
    AccessWindow window = AccessWindow.from(REVOKED);
    AccessAudit.SignIn later =
        new AccessAudit.SignIn(
            "66ea54eb-6301-4ee5-be62-ff5a759b0101",
            REVOKED.plusSeconds(600),
            "Microsoft Teams",
            "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
            null,
            "2001:db8::1f",
            true);
    AccessAudit.SignIn earlier =
        new AccessAudit.SignIn(
            "66ea54eb-6301-4ee5-be62-ff5a759b0100",
            REVOKED.plusSeconds(60),
            "Office 365 Exchange Online",
            null,
            "Office 365 Exchange Online",
            "203.0.113.45",
            false);
    AccessAudit audit = AccessAudit.seen("e-1", USER, window, List.of(later, earlier), PROVENANCE);

    byte[] json = codec.encodeAccess("e-1/access/1", REVOKED.plusSeconds(700), audit);
    JsonNode tree = EventJson.MAPPER.readTree(json);

    assertEquals(List.of(earlier, later), audit.signIns());
    assertEquals(audit, codec.decodeAccess(json));
    assertEquals(AccessAudit.TYPE, codec.typeOf(json));
    assertEquals(USER, tree.get("subject").asText());
    assertEquals("SIGN_IN_SEEN", tree.at("/data/outcome").asText());
    assertTrue(SchemaValidation.of(Schemas.AUDIT_ACCESS).accepts(json));
  }

  @Test
  void theWatchReportsAQuietWindowWithNoSignIns() {
    AccessAudit audit = AccessAudit.noneSeen("e-1", USER, AccessWindow.from(REVOKED), PROVENANCE);

    byte[] json =
        codec.encodeAccess("e-1/access/closed", REVOKED.plus(Duration.ofMinutes(91)), audit);

    assertEquals(AccessAudit.Outcome.NONE_SEEN, codec.decodeAccess(json).outcome());
    assertTrue(codec.decodeAccess(json).signIns().isEmpty());
  }

  @Test
  void theWatchsAuditRefusesWhatItMustNotSay() {
    AccessWindow window = AccessWindow.from(REVOKED);
    AccessAudit.SignIn signIn =
        new AccessAudit.SignIn(
            "66ea54eb-6301-4ee5-be62-ff5a759b0100", REVOKED, null, null, null, null, true);

    assertThrows(
        IllegalArgumentException.class,
        () -> AccessAudit.seen("e-1", USER, window, List.of(), PROVENANCE));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new AccessAudit(
                "e-1",
                USER,
                REVOKED,
                REVOKED,
                AccessAudit.Outcome.NONE_SEEN,
                List.of(signIn),
                PROVENANCE));
    assertThrows(
        IllegalArgumentException.class,
        () -> AccessAudit.seen("e-1", "bob@contoso.com", window, List.of(signIn), PROVENANCE));
    assertThrows(
        NullPointerException.class,
        () -> AccessAudit.seen("e-1", USER, window, List.of(signIn), null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new AccessAudit.SignIn(
                "66ea54eb-6301-4ee5-be62-ff5a759b0100",
                REVOKED,
                null,
                null,
                null,
                "10.0.0.1, 10.0.0.2",
                true));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new AccessAudit.SignIn(
                "66ea54eb-6301-4ee5-be62-ff5a759b0100",
                REVOKED,
                "app\r\nX: y",
                null,
                null,
                null,
                true));
    assertFalse(AccessAudit.SignIn.isIpAddress("١.٢.٣.٤"));
  }
}
