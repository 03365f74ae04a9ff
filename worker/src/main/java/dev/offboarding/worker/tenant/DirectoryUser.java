package dev.offboarding.worker.tenant;

import java.util.Locale;
import java.util.Objects;

/**
 * A user as the directory describes it: just what planning needs.
 *
 * @param id object id
 * @param userPrincipalName UPN, may be null when the directory withheld it
 * @param userType {@code Member}, {@code Guest} or null when unknown
 * @param described false for a user known only by the object id an event gave: written without a
 *     prior read, its UPN and type come from the read that follows its writes
 */
public record DirectoryUser(
    String id, String userPrincipalName, String userType, boolean described) {
  public DirectoryUser {
    Objects.requireNonNull(id, "id");
    id = id.toLowerCase(Locale.ROOT);
  }

  /** A user as the directory returned it. */
  public DirectoryUser(String id, String userPrincipalName, String userType) {
    this(id, userPrincipalName, userType, true);
  }

  /** A user known only by its object id, not read yet. */
  public static DirectoryUser byId(String id) {
    return new DirectoryUser(id, null, null, false);
  }

  /**
   * This user as a read after its writes described it; this user itself when the read said nothing.
   */
  public DirectoryUser describedBy(String userPrincipalName, String userType) {
    if (described || (userPrincipalName == null && userType == null)) {
      return this;
    }
    return new DirectoryUser(id, userPrincipalName, userType, true);
  }

  /** Guests sign in through their home tenant: revocation here does not reach those sessions. */
  public boolean guest() {
    return "Guest".equalsIgnoreCase(userType)
        || (userPrincipalName != null
            && userPrincipalName.toUpperCase(Locale.ROOT).contains("#EXT#"));
  }
}
