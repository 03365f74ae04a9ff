package dev.offboarding.testkit.graph;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the tenant's sign-in log ({@code microsoft.graph.signIn}); Graph v1.0 lists only
 * interactive ones.
 *
 * @param id the entry's id (GUID)
 * @param createdDateTime when the sign-in happened; the log shows it only after the tenant's
 *     reporting latency has passed
 * @param userId the user's object id
 * @param userPrincipalName the user's UPN
 * @param appId the application's id
 * @param appDisplayName the application's name
 * @param resourceDisplayName the resource signed in to
 * @param ipAddress the client's address
 * @param isInteractive whether the user signed in interactively
 * @param errorCode {@code status.errorCode}: 0 for success
 */
public record FakeSignIn(
    String id,
    Instant createdDateTime,
    String userId,
    String userPrincipalName,
    String appId,
    String appDisplayName,
    String resourceDisplayName,
    String ipAddress,
    boolean isInteractive,
    int errorCode) {

  public FakeSignIn {
    id = DirectoryObject.requireGuid(id, "sign-in id");
    Objects.requireNonNull(createdDateTime, "createdDateTime");
    userId = DirectoryObject.requireGuid(userId, "sign-in userId");
  }

  /**
   * A successful interactive sign-in of {@code user} to Exchange Online from {@code ipAddress} at
   * {@code at}.
   */
  public static FakeSignIn successful(FakeUser user, Instant at, String ipAddress) {
    return new FakeSignIn(
        DirectoryObject.newId(),
        at,
        user.id(),
        user.userPrincipalName(),
        "00000002-0000-0ff1-ce00-000000000000",
        "Office 365 Exchange Online",
        "Office 365 Exchange Online",
        ipAddress,
        true,
        0);
  }
}
