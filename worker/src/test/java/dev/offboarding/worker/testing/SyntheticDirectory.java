package dev.offboarding.worker.testing;

import dev.offboarding.worker.tenant.AccountState;
import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.DirectoryUser;
import dev.offboarding.worker.tenant.GraphFailure;
import java.util.Optional;

/**
 * A directory with one huge nested group generated on the fly: nothing is stored, so it shows what
 * the worker itself keeps in memory. Members come like Graph's transitive list: the nested groups
 * themselves appear as {@code group} members, and one user in a hundred appears twice (also a
 * direct member of the top group). Each user's UPN can carry ballast, so that holding users (rather
 * than their ids) shows up in the heap.
 */
public final class SyntheticDirectory implements Directory {
  public static final String GROUP = "40000000-0000-4000-8000-000000000001";

  private final int users;
  private final int fanOut;
  private final String ballast;

  public SyntheticDirectory(int users, int fanOut, int upnBallast) {
    this.users = users;
    this.fanOut = fanOut;
    this.ballast = "x".repeat(upnBallast);
  }

  public static String id(int n) {
    return String.format("50000000-0000-4000-8000-%012d", n);
  }

  private DirectoryUser user(int n) {
    return new DirectoryUser(id(n), "u" + n + "." + ballast + "@contoso.com", "Member");
  }

  @Override
  public Optional<DirectoryUser> user(String idOrUserPrincipalName) {
    return Optional.empty();
  }

  @Override
  public Optional<AccountState> accountState(String userId) {
    return Optional.empty();
  }

  @Override
  public void transitiveMembers(String groupId, MemberVisitor visitor) {
    if (!groupId.equals(GROUP)) {
      throw new GraphFailure(
          GraphFailure.Kind.NOT_FOUND,
          404,
          "Request_ResourceNotFound",
          "no group",
          null,
          null,
          null);
    }
    for (int g = 0; g < fanOut; g++) {
      visitor.other("group");
    }
    for (int n = 0; n < users; n++) {
      if (!visitor.user(user(n))) {
        return;
      }
      if (n % 100 == 0 && !visitor.user(user(n))) {
        return;
      }
    }
  }

  @Override
  public void usersWhere(String attribute, String value, MemberVisitor visitor) {}
}
