package dev.offboarding.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records refuse what the contract refuses, whoever builds them. */
class RecordInvariantsTest {

  @Test
  void aUserTargetRefusesUnicodeWhitespaceAndFormatCharacters() {
    for (String upn :
        List.of(
            "ali\u00a0ce@contoso.com",
            "alice@contoso.com\u2028",
            "ali\u200bce@contoso.com",
            "ali\u202ece@contoso.com")) {
      assertThrows(IllegalArgumentException.class, () -> new Target.User(upn), upn);
    }
  }

  @Test
  void aUserTargetRefusesAUpnLongerThanEntraAllowsWithoutRunningTheRegex() {
    String longUpn = "a".repeat(50_000) + "@" + "b.".repeat(50_000) + "com";

    assertThrows(IllegalArgumentException.class, () -> new Target.User(longUpn));
  }

  @Test
  void aUserTargetKnowsAnObjectIdFromAUpn() {
    assertTrue(new Target.User("84b18857-3c01-48be-b707-492019c57142").isObjectId());
    assertEquals(false, new Target.User("zoë@contoso.com").isObjectId());
  }

  @Test
  void anAttributeValueIsMeasuredInCodePoints() {
    new Target.Attribute("city", "😀".repeat(Target.Attribute.MAX_VALUE_LENGTH));

    assertThrows(
        IllegalArgumentException.class,
        () -> new Target.Attribute("city", "😀".repeat(Target.Attribute.MAX_VALUE_LENGTH + 1)));
  }

  @Test
  void aSummaryRefusesNegativeCounts() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");

    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SummaryAudit(
                "e",
                null,
                SummaryStatus.COMPLETED,
                Map.of(TargetOutcome.FAILED, -1),
                Map.of(),
                0,
                t,
                t,
                null,
                List.of(),
                false,
                false));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SummaryAudit(
                "e",
                null,
                SummaryStatus.COMPLETED,
                Map.of(),
                Map.of("device", -2),
                0,
                t,
                t,
                null,
                List.of(),
                false,
                false));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SummaryAudit(
                "e",
                null,
                SummaryStatus.COMPLETED,
                Map.of(),
                Map.of(),
                -1,
                t,
                t,
                null,
                List.of(),
                false,
                false));
  }

  @Test
  void anActionResultNeverCallsAWriteTheReadBackDidNotShowSucceeded() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");
    Action revoke = Action.REVOKE_SESSIONS;

    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ActionResult(
                revoke, TargetOutcome.SUCCEEDED, 1, "r", t, t, null, null, false, t, null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ActionResult(
                revoke, TargetOutcome.UNVERIFIED, 1, "r", t, t, null, null, true, t, null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ActionResult(
                revoke, TargetOutcome.UNVERIFIED, 1, "r", t, t, null, null, null, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ActionResult(
                revoke, TargetOutcome.FAILED, 1, "r", t, t, "x", "y", true, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ActionResult(
                revoke, TargetOutcome.SUCCEEDED, 1, "r", t, t, null, null, null, t, null));
  }

  @Test
  void anAcknowledgedWriteTakesItsVerificationAndKeepsItsAttemptsAndTimings() {
    Instant t0 = Instant.parse("2026-11-27T09:00:00Z");
    Instant t1 = Instant.parse("2026-11-27T09:00:01Z");
    ActionResult written = ActionResult.succeeded(Action.REVOKE_SESSIONS, 2, "req-1", t0, t1);

    ActionResult verified = written.withVerification(true, t0, true, null);
    ActionResult unverified =
        written.withVerification(false, Instant.parse("2024-01-01T00:00:00Z"), true, "not moved");

    assertEquals(
        new ActionResult(
            Action.REVOKE_SESSIONS,
            TargetOutcome.SUCCEEDED,
            2,
            "req-1",
            t0,
            t1,
            null,
            null,
            true,
            t0,
            true),
        verified);
    assertEquals(
        new ActionResult(
            Action.REVOKE_SESSIONS,
            TargetOutcome.UNVERIFIED,
            2,
            "req-1",
            t0,
            t1,
            ActionResult.UNVERIFIED_CODE,
            "not moved",
            false,
            Instant.parse("2024-01-01T00:00:00Z"),
            true),
        unverified);
    assertEquals(verified, unverified.withVerification(true, t0, true, null));
  }

  @Test
  void onlyAnAcknowledgedWriteCanBeVerifiedAndAnUnverifiedOneSaysWhy() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");
    ActionResult skipped = ActionResult.skipped(Action.DISABLE_ACCOUNT, "dry run");
    ActionResult written = ActionResult.succeeded(Action.DISABLE_ACCOUNT, 1, "r", t, t);

    assertThrows(
        IllegalArgumentException.class, () -> skipped.withVerification(true, null, false, null));
    assertThrows(
        IllegalArgumentException.class, () -> written.withVerification(false, null, true, " "));
    assertEquals(null, skipped.verified());
    assertEquals(null, written.verified());
  }

  @Test
  void summaryCountsIncludeUnverified() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");

    SummaryAudit summary =
        new SummaryAudit(
            "e",
            null,
            SummaryStatus.PARTIAL,
            Map.of(TargetOutcome.UNVERIFIED, 2),
            Map.of(),
            2,
            t,
            t,
            null,
            List.of(),
            false,
            false);

    assertEquals(2, summary.counts().get(TargetOutcome.UNVERIFIED));
    assertEquals(0, summary.counts().get(TargetOutcome.SUCCEEDED));
  }

  @Test
  void anInvalidResultNeedsAtLeastOneProblem() {
    assertThrows(
        IllegalArgumentException.class, () -> new DecodeResult.Invalid(List.of(), null, null));
  }

  @Test
  void anInvalidResultDescribesEachProblemOnItsOwnLine() {
    DecodeResult.Invalid invalid =
        new DecodeResult.Invalid(
            List.of(
                new Problem("$.type", "unknown type"), new Problem("$.data.reason", "required")),
            "e",
            null);

    assertEquals("$.type: unknown type\n$.data.reason: required", invalid.describe());
  }
}
