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
    for (String upn : List.of("ali\u00a0ce@contoso.com", "alice@contoso.com\u2028", "ali\u200bce@contoso.com", "ali\u202ece@contoso.com")) {
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

    assertThrows(IllegalArgumentException.class, () -> new Target.Attribute("city", "😀".repeat(Target.Attribute.MAX_VALUE_LENGTH + 1)));
  }

  @Test
  void aSummaryRefusesNegativeCounts() {
    Instant t = Instant.parse("2026-11-27T09:00:00Z");

    assertThrows(IllegalArgumentException.class, () -> new SummaryAudit(
        "e", null, SummaryStatus.COMPLETED, Map.of(TargetOutcome.FAILED, -1), Map.of(), 0, t, t, null, List.of(), false, false));
    assertThrows(IllegalArgumentException.class, () -> new SummaryAudit(
        "e", null, SummaryStatus.COMPLETED, Map.of(), Map.of("device", -2), 0, t, t, null, List.of(), false, false));
    assertThrows(IllegalArgumentException.class, () -> new SummaryAudit(
        "e", null, SummaryStatus.COMPLETED, Map.of(), Map.of(), -1, t, t, null, List.of(), false, false));
  }

  @Test
  void anInvalidResultNeedsAtLeastOneProblem() {
    assertThrows(IllegalArgumentException.class, () -> new DecodeResult.Invalid(List.of(), null, null));
  }

  @Test
  void anInvalidResultDescribesEachProblemOnItsOwnLine() {
    DecodeResult.Invalid invalid = new DecodeResult.Invalid(
        List.of(new Problem("$.type", "unknown type"), new Problem("$.data.reason", "required")), "e", null);

    assertEquals("$.type: unknown type\n$.data.reason: required", invalid.describe());
  }
}
