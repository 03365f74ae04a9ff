package dev.offboarding.worker.domain;

import java.util.Locale;
import java.util.Objects;

/**
 * A user as the directory describes it: just what planning needs.
 *
 * @param id object id
 * @param userPrincipalName UPN, may be null when the directory withheld it
 * @param userType {@code Member}, {@code Guest} or null when unknown
 */
public record DirectoryUser(String id, String userPrincipalName, String userType) {
  public DirectoryUser {
    Objects.requireNonNull(id, "id");
    id = id.toLowerCase(Locale.ROOT);
  }

  /** Guests sign in through their home tenant: revocation here does not reach those sessions. */
  public boolean guest() {
    return "Guest".equalsIgnoreCase(userType)
        || (userPrincipalName != null && userPrincipalName.toUpperCase(Locale.ROOT).contains("#EXT#"));
  }
}
