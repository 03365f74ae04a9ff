package dev.offboarding.testkit.graph;

import java.time.Instant;
import java.util.Objects;

/**
 * A user as ID Protection sees it ({@code microsoft.graph.riskyUser}).
 *
 * @param id the user's object id
 * @param userPrincipalName the user's UPN
 * @param userDisplayName the user's display name
 * @param riskLevel {@code none}, {@code low}, {@code medium}, {@code high}, {@code hidden}
 * @param riskState {@code none}, {@code atRisk}, {@code confirmedCompromised}, {@code dismissed},
 *     ...
 * @param riskDetail why, e.g. {@code adminConfirmedUserCompromised}
 * @param riskLastUpdatedDateTime when the risk last changed
 */
public record FakeRiskyUser(
    String id,
    String userPrincipalName,
    String userDisplayName,
    String riskLevel,
    String riskState,
    String riskDetail,
    Instant riskLastUpdatedDateTime) {

  public FakeRiskyUser {
    id = DirectoryObject.requireGuid(id, "risky user id");
    Objects.requireNonNull(riskLevel, "riskLevel");
    Objects.requireNonNull(riskState, "riskState");
    Objects.requireNonNull(riskDetail, "riskDetail");
    Objects.requireNonNull(riskLastUpdatedDateTime, "riskLastUpdatedDateTime");
  }

  /** What {@code confirmCompromised} makes of a user at {@code at}. */
  static FakeRiskyUser confirmedCompromised(FakeUser user, Instant at) {
    return new FakeRiskyUser(
        user.id(),
        user.userPrincipalName(),
        user.displayName(),
        "high",
        "confirmedCompromised",
        "adminConfirmedUserCompromised",
        at);
  }
}
