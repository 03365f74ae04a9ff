package dev.offboarding.worker.domain;

import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The accounts no event may touch: explicit object ids and UPNs, and the transitive user members
 * of protected groups (typically break-glass accounts). Group membership is read fresh for every
 * event, so a newly protected account is protected at once; if it cannot be read, planning fails
 * rather than risk writing to a protected account.
 */
public final class Protection {
  private final Set<String> users;
  private final Set<String> groups;

  /**
   * @param users object ids or UPNs, compared case-insensitively
   * @param groups group object ids
   */
  public Protection(Set<String> users, Set<String> groups) {
    this.users = lower(users);
    this.groups = lower(groups);
  }

  public static Protection none() {
    return new Protection(Set.of(), Set.of());
  }

  /** Reads the protected groups' members now and returns a checker for one event. */
  public Checker load(Directory directory) {
    Set<String> memberIds = new HashSet<>();
    for (String group : groups) {
      try {
        directory.transitiveMembers(group, new Directory.MemberVisitor() {
          @Override
          public boolean user(DirectoryUser user) {
            memberIds.add(user.id());
            return true;
          }

          @Override
          public void other(String kind) {}
        });
      } catch (GraphFailure e) {
        // A protected group we cannot read must stop the event, never be treated as empty.
        throw new GraphFailure(e.isTransient() ? e.kind() : GraphFailure.Kind.UNAVAILABLE, e.status(),
            "ProtectedGroupUnreadable", "protected group " + group + " could not be read: " + e.getMessage(),
            e.requestId(), e.retryAfter().orElse(null), e);
      }
    }
    return new Checker(memberIds);
  }

  /** Answers, for one event, whether a user is protected and why. */
  public final class Checker {
    private final Set<String> groupMemberIds;

    private Checker(Set<String> groupMemberIds) {
      this.groupMemberIds = groupMemberIds;
    }

    /** Why the user is protected, or null when it is not. */
    public String reason(DirectoryUser user) {
      if (users.contains(user.id())) {
        return "listed in PROTECTED_USERS";
      }
      if (user.userPrincipalName() != null && users.contains(user.userPrincipalName().toLowerCase(Locale.ROOT))) {
        return "listed in PROTECTED_USERS";
      }
      if (groupMemberIds.contains(user.id())) {
        return "member of a protected group";
      }
      return null;
    }
  }

  private static Set<String> lower(Set<String> values) {
    Set<String> out = new HashSet<>();
    for (String v : Objects.requireNonNull(values)) {
      out.add(v.toLowerCase(Locale.ROOT));
    }
    return Set.copyOf(out);
  }
}
