package dev.offboarding.worker.domain;

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

  public boolean isProtected() {
    return protectedBecause != null;
  }

  public boolean guest() {
    return user.guest();
  }
}
