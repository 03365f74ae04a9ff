package dev.offboarding.worker.plan;

import dev.offboarding.worker.tenant.DirectoryUser;
import java.util.List;
import java.util.Objects;

/**
 * One distinct user an event resolved to.
 *
 * @param user the directory's view of the user
 * @param via every way the event reached this user ({@code user:...}, {@code group:...}, {@code
 *     attribute:...}), in the order found
 * @param protectedBecause why the user must not be touched, or null when it may be
 */
public record PlannedUser(DirectoryUser user, List<String> via, String protectedBecause) {
  public PlannedUser {
    Objects.requireNonNull(user, "user");
    via = List.copyOf(via);
  }

  /** Whether the user is protected: reported, never written to. */
  public boolean isProtected() {
    return protectedBecause != null;
  }

  /**
   * This planned user, named by a read that followed its writes (see {@link
   * DirectoryUser#describedBy}).
   */
  public PlannedUser describedBy(String userPrincipalName, String userType) {
    DirectoryUser named = user.describedBy(userPrincipalName, userType);
    return named == user ? this : new PlannedUser(named, via, protectedBecause);
  }

  /** Whether the user is a guest ({@code userType} Guest). */
  public boolean guest() {
    return user.guest();
  }
}
