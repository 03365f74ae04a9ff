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
            SummaryAudit.builder(SummaryStatus.COMPLETED, t, t)
                .eventId("e")
                .counts(Map.of(TargetOutcome.FAILED, -1))
                .build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SummaryAudit.builder(SummaryStatus.COMPLETED, t, t)
                .eventId("e")
                .skippedMembers(Map.of("device", -2))
                .build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SummaryAudit.builder(SummaryStatus.COMPLETED, t, t)
                .eventId("e")
                .usersResolved(-1)
                .build());
  }

  @Test
  void anActionResultNeverCallsAWriteTheReadBackDidNotShowSucceeded() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");
    Action revoke = Action.REVOKE_SESSIONS;

    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ActionResult(
                revoke,
                TargetOutcome.SUCCEEDED,
                1,
                "r",
                t,
                t,
                null,
                null,
                false,
                t,
                null,
                null,
                null,
                null,
                List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ActionResult(
                revoke,
                TargetOutcome.UNVERIFIED,
                1,
                "r",
                t,
                t,
                null,
                null,
                true,
                t,
                null,
                null,
                null,
                null,
                List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ActionResult(
                revoke,
                TargetOutcome.UNVERIFIED,
                1,
                "r",
                t,
                t,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ActionResult(
                revoke,
                TargetOutcome.FAILED,
                1,
                "r",
                t,
                t,
                "x",
                "y",
                true,
                null,
                null,
                null,
                null,
                null,
                List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ActionResult(
                revoke,
                TargetOutcome.SUCCEEDED,
                1,
                "r",
                t,
                t,
                null,
                null,
                null,
                t,
                null,
                null,
                null,
                null,
                List.of()));
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
            true,
            null,
            null,
            null,
            List.of()),
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
            true,
            null,
            null,
            null,
            List.of()),
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
        SummaryAudit.builder(SummaryStatus.PARTIAL, t, t)
            .eventId("e")
            .counts(Map.of(TargetOutcome.UNVERIFIED, 2))
            .usersResolved(2)
            .build();

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

  @Test
  void aBuiltSummaryIsFinalExactlyWhenItsStatusIsNotFollowedByAnother() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");

    for (SummaryStatus status : SummaryStatus.values()) {
      SummaryAudit.Builder builder =
          SummaryAudit.builder(status, t, t)
              .dueAt(status.held() ? t.plusSeconds(60) : null)
              .rejectionReason(status == SummaryStatus.REJECTED ? "InvalidEvent" : null);

      assertEquals(!status.followedByAnother(), builder.build().finalSummary(), status.name());
    }
  }

  @Test
  void aSummaryRebuiltFromItsBuilderIsTheSameSummary() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");
    SummaryAudit summary =
        SummaryAudit.builder(SummaryStatus.CONTINUING, t, t.plusSeconds(2))
            .eventId("lcw/wf/task/result")
            .eventType(EventType.LEAVER.wireName())
            .counts(Map.of(TargetOutcome.SUCCEEDED, 3))
            .skippedMembers(Map.of("device", 1))
            .usersResolved(5)
            .redelivery(true)
            .step(2)
            .usersPending(2)
            .detail("held back")
            .provenance(new Provenance("/hr/workday", null, "HR-1", null, "offboarding-events"))
            .allResourcesBy(t.plusSeconds(5400))
            .lifecycleTaskWaits(true)
            .build();

    assertEquals(summary, summary.toBuilder().build());
    assertEquals("other", summary.toBuilder().detail("other").build().detail());
    assertEquals(
        summary.allResourcesBy(), summary.toBuilder().detail("x").build().allResourcesBy());
  }

  @Test
  void aSummaryBuilderRefusesWhatTheRecordRefuses() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");

    assertThrows(
        IllegalArgumentException.class,
        () -> SummaryAudit.builder(SummaryStatus.REJECTED, t, t).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> SummaryAudit.builder(SummaryStatus.SCHEDULED, t, t).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> SummaryAudit.builder(SummaryStatus.COMPLETED, t, t).usersPending(1).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> SummaryAudit.builder(SummaryStatus.COMPLETED, t, t).lifecycleTaskWaits(true).build());
    assertThrows(NullPointerException.class, () -> SummaryAudit.builder(null, t, t));
  }

  @Test
  void aTargetAuditRebuiltFromItsBuilderIsTheSameAudit() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");
    TargetAudit audit =
        TargetAudit.builder("e", TargetOutcome.SUCCEEDED)
            .userId("5f1d3c2a-0000-4000-8000-000000000001")
            .userPrincipalName("alice@contoso.com")
            .via(List.of("user:alice@contoso.com"))
            .guest(true)
            .detail("guest account")
            .actions(List.of(ActionResult.succeeded(Action.REVOKE_SESSIONS, 1, "r", t, t)))
            .redelivery(true)
            .provenance(new Provenance(null, null, null, null, "offboarding-events"))
            .access(AccessWindow.forUser(t, java.time.Duration.ofMinutes(90), true))
            .build();

    assertEquals(audit, audit.toBuilder().build());
    assertThrows(NullPointerException.class, () -> TargetAudit.builder("e", null));
    assertThrows(
        NullPointerException.class,
        () -> TargetAudit.builder("e", TargetOutcome.SKIPPED).actions(null).build());
  }

  @Test
  void aFailedResultIsOneThatDidNotTakeEffect() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");

    for (TargetOutcome outcome :
        List.of(TargetOutcome.NOT_FOUND, TargetOutcome.FORBIDDEN, TargetOutcome.FAILED)) {
      ActionResult failed =
          ActionResult.failed(Action.DISABLE_ACCOUNT, outcome, 2, "r", t, t, "code", "message");
      assertEquals(outcome, failed.outcome());
      assertEquals(List.of(), failed.deviceIds());
    }
    for (TargetOutcome outcome :
        List.of(
            TargetOutcome.SUCCEEDED,
            TargetOutcome.UNVERIFIED,
            TargetOutcome.PROTECTED,
            TargetOutcome.SKIPPED)) {
      assertThrows(
          IllegalArgumentException.class,
          () -> ActionResult.failed(Action.DISABLE_ACCOUNT, outcome, 0, null, null, null, "c", "m"),
          outcome.name());
    }
  }
}
