package dev.offboarding.worker.protection;

import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.DirectoryUser;
import dev.offboarding.worker.tenant.GraphFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The accounts no event may touch, kept warm: the object ids of {@code PROTECTED_USERS} (UPNs are
 * resolved to ids, so a renamed account stays protected) and of every transitive user member of
 * {@code PROTECTED_GROUPS} (typically break-glass accounts); and, with {@link PrivilegedRoles}, the
 * holders of privileged directory roles, whom an event may write to only when it names them (a user
 * target), never when a group or an attribute reaches them.
 *
 * <p>Fail-closed and off the critical path: {@link #refresh} reads the directory (a background
 * {@link ProtectionRefresher} calls it well within the staleness bound); {@link #checker} hands
 * events the last good set while it is at most {@code maxStaleness} old. Older, or never loaded, an
 * event refreshes it itself, and if that fails the event waits (a transient {@link GraphFailure}
 * with code {@value #UNAVAILABLE_CODE}) rather than risk writing to a protected account. A
 * protected user or group that cannot be read (deleted, mistyped, forbidden) fails the refresh:
 * nothing is ever treated as "not protected" because it could not be read. Thread-safe.
 */
public final class Protection {
  /** The error code of an event held back because the protected set is unavailable. */
  public static final String UNAVAILABLE_CODE = "ProtectedSetUnavailable";

  /**
   * How old the protected set may be when an event is planned ({@code PROTECTED_MAX_STALENESS}).
   */
  public static final Duration DEFAULT_MAX_STALENESS = Duration.ofSeconds(60);

  private final Set<String> users;
  private final Set<String> groups;
  private final PrivilegedRoles roles;
  private final Clock clock;
  private final Duration maxStaleness;
  private final ReentrantLock refreshing = new ReentrantLock();
  private volatile Snapshot snapshot;
  private volatile String problem;

  private record Snapshot(
      Set<String> userIds, Set<String> memberIds, Set<String> privilegedIds, Instant loadedAt) {}

  /**
   * Protecting the listed accounts only, not the holders of privileged roles.
   *
   * @param users object ids or UPNs, compared case-insensitively
   * @param groups group object ids
   * @param clock for the age of the set
   * @param maxStaleness how old a set events may still use
   */
  public Protection(Set<String> users, Set<String> groups, Clock clock, Duration maxStaleness) {
    this(users, groups, null, clock, maxStaleness);
  }

  /**
   * @param users object ids or UPNs, compared case-insensitively
   * @param groups group object ids
   * @param roles who holds privileged roles; null to leave them unguarded (tests of the listed
   *     accounts alone)
   * @param clock for the age of the set
   * @param maxStaleness how old a set events may still use
   */
  public Protection(
      Set<String> users,
      Set<String> groups,
      PrivilegedRoles roles,
      Clock clock,
      Duration maxStaleness) {
    this.users = lower(users);
    this.groups = lower(groups);
    this.roles = roles;
    this.clock = Objects.requireNonNull(clock);
    if (maxStaleness.isNegative() || maxStaleness.isZero()) {
      throw new IllegalArgumentException("maxStaleness must be positive");
    }
    this.maxStaleness = maxStaleness;
  }

  /** On the system clock, with the default staleness bound. */
  public Protection(Set<String> users, Set<String> groups) {
    this(users, groups, Clock.systemUTC(), DEFAULT_MAX_STALENESS);
  }

  /** No protected account: every user may be written to. For tests. */
  public static Protection none() {
    return new Protection(Set.of(), Set.of());
  }

  /** True when nothing is configured: no directory read is ever needed. */
  public boolean empty() {
    return users.isEmpty() && groups.isEmpty() && roles == null;
  }

  /** True when holders of privileged roles are guarded too. */
  public boolean guardsPrivilegedRoles() {
    return roles != null;
  }

  /** How old the protected set may be before events wait for a refresh. */
  Duration maxStaleness() {
    return maxStaleness;
  }

  /**
   * Reads every protected entry now and replaces the set. On failure the previous set stays (and
   * ages), and {@link #problem()} says what could not be read.
   *
   * @throws GraphFailure (transient kind, code {@value #UNAVAILABLE_CODE}) when an entry cannot be
   *     read or does not exist, or the holders of privileged roles cannot be read
   */
  public void refresh(Directory directory) {
    refreshing.lock();
    try {
      Set<String> ids = new HashSet<>();
      Set<String> members = new HashSet<>();
      for (String user : users) {
        if (dev.offboarding.contracts.Target.isGuid(user)) {
          ids.add(user);
          continue;
        }
        Optional<DirectoryUser> found;
        try {
          found = directory.user(user);
        } catch (GraphFailure e) {
          throw failed("a PROTECTED_USERS entry could not be read: " + e.getMessage(), e);
        }
        // A UPN that no longer resolves may be a renamed break-glass account: stop, never guess.
        ids.add(
            found
                .orElseThrow(
                    () ->
                        failed(
                            "a PROTECTED_USERS entry resolves to no user (renamed or deleted?)",
                            null))
                .id());
      }
      for (String group : groups) {
        try {
          directory.transitiveMembers(
              group,
              new Directory.MemberVisitor() {
                @Override
                public boolean user(DirectoryUser user) {
                  members.add(user.id());
                  return true;
                }

                @Override
                public void other(String kind) {}
              });
        } catch (GraphFailure e) {
          throw failed("protected group " + group + " could not be read: " + e.getMessage(), e);
        }
      }
      Set<String> privileged = Set.of();
      if (roles != null) {
        try {
          privileged = roles.read(directory).userIds();
        } catch (GraphFailure e) {
          throw failed(
              "the holders of privileged directory roles could not be read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
          throw failed(
              "the holders of privileged directory roles could not be read: " + e.getMessage(),
              null);
        }
      }
      snapshot = new Snapshot(Set.copyOf(ids), Set.copyOf(members), privileged, clock.instant());
      problem = null;
    } finally {
      refreshing.unlock();
    }
  }

  private GraphFailure failed(String why, GraphFailure cause) {
    problem = why;
    return new GraphFailure(
        GraphFailure.Kind.UNAVAILABLE,
        cause == null ? 0 : cause.status(),
        UNAVAILABLE_CODE,
        why,
        cause == null ? null : cause.requestId(),
        null,
        cause);
  }

  /**
   * A checker for one event: the current set when it is fresh enough, else a set read now.
   *
   * @throws GraphFailure (transient) when no fresh set can be had: the event must wait
   */
  public Checker checker(Directory directory) {
    if (empty()) {
      return new Checker(Set.of(), Set.of(), Set.of());
    }
    Snapshot current = snapshot;
    if (current == null || age(current).compareTo(maxStaleness) > 0) {
      refresh(directory);
      current = snapshot;
    }
    return new Checker(current.userIds(), current.memberIds(), current.privilegedIds());
  }

  /** True when a set no older than the bound is loaded and its last refresh succeeded. */
  public boolean ready() {
    if (empty()) {
      return true;
    }
    Snapshot current = snapshot;
    return current != null && problem == null && age(current).compareTo(maxStaleness) <= 0;
  }

  /** Why the set is not ready, or null. Names entries and groups, never a user's data. */
  public String problem() {
    if (ready()) {
      return null;
    }
    if (problem != null) {
      return problem;
    }
    return snapshot == null
        ? "the protected set has not been loaded yet"
        : "the protected set is older than " + maxStaleness.toSeconds() + " s";
  }

  /**
   * Seconds since the set was last loaded, or -1 before the first load (0 when nothing is
   * configured).
   */
  public double ageSeconds() {
    if (empty()) {
      return 0;
    }
    Snapshot current = snapshot;
    return current == null ? -1 : age(current).toMillis() / 1000.0;
  }

  /** Users of the current set who hold a privileged role; 0 before the first load. */
  public int privilegedHolders() {
    Snapshot current = snapshot;
    return current == null ? 0 : current.privilegedIds().size();
  }

  private Duration age(Snapshot s) {
    return Duration.between(s.loadedAt(), clock.instant());
  }

  /** The reason given to a holder of a privileged role that a group or an attribute reached. */
  public static final String PRIVILEGED_ROLE_REASON =
      "holds a privileged directory role and was reached through a group or attribute, not named";

  /** Answers, for one event, whether a user is protected and why. */
  public final class Checker {
    private final Set<String> userIds;
    private final Set<String> memberIds;
    private final Set<String> privilegedIds;

    private Checker(Set<String> userIds, Set<String> memberIds, Set<String> privilegedIds) {
      this.userIds = userIds;
      this.memberIds = memberIds;
      this.privilegedIds = privilegedIds;
    }

    /**
     * Why the user is protected, or null when it is not, for a user reached through a group or an
     * attribute: the strictest answer.
     */
    public String reason(DirectoryUser user) {
      return reason(user, false);
    }

    /**
     * Why the user is protected, or null when it is not.
     *
     * @param named whether the event names this user (a user target): a holder of a privileged role
     *     may then be written to, as a compromise event naming a compromised administrator must;
     *     listed and group-protected accounts never may
     */
    public String reason(DirectoryUser user, boolean named) {
      if (userIds.contains(user.id())
          || (user.userPrincipalName() != null
              && users.contains(user.userPrincipalName().toLowerCase(Locale.ROOT)))) {
        return "listed in PROTECTED_USERS";
      }
      if (memberIds.contains(user.id())) {
        return "member of a protected group";
      }
      if (!named && privilegedIds.contains(user.id().toLowerCase(Locale.ROOT))) {
        return PRIVILEGED_ROLE_REASON;
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
