package dev.offboarding.worker.tenant;

import java.util.Optional;

/**
 * Port: read access to the tenant's directory. Implementations retry transient failures themselves
 * and throw {@link GraphFailure} once they give up; they are safe for concurrent use.
 */
public interface Directory {

  /** The user with this object id or UPN, or empty when the directory has none (404). */
  Optional<DirectoryUser> user(String idOrUserPrincipalName);

  /**
   * The user's {@code accountEnabled} and {@code signInSessionsValidFromDateTime} as the directory
   * reports them now, to read a write back, with its UPN and type from the same read; empty when
   * the directory has no such user (404). Transient failures are retried like every read; a final
   * one, or the last transient one, is thrown as {@link GraphFailure}. The directory is eventually
   * consistent: a write Graph has just acknowledged may not show yet.
   *
   * @param userId the user's object id
   */
  Optional<AccountState> accountState(String userId);

  /**
   * Streams every transitive member of a group, page by page, to the visitor: users as users,
   * everything else by kind. Throws {@link GraphFailure} of kind NOT_FOUND when the group does not
   * exist.
   */
  void transitiveMembers(String groupId, MemberVisitor visitor);

  /** Streams every user whose allow-listed attribute equals the value exactly. */
  void usersWhere(String attribute, String value, MemberVisitor visitor);

  /** Receives directory objects as pages arrive; returning false stops the listing early. */
  interface MemberVisitor {
    /** A user member; return false to stop listing. */
    boolean user(DirectoryUser user);

    /**
     * A member that is not a user; {@code kind} is the OData type without its namespace, e.g.
     * {@code device}, {@code group}, {@code orgContact}, {@code servicePrincipal}.
     */
    void other(String kind);
  }
}
