package dev.offboarding.testkit.graph;

import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Faults to inject into a running {@link FakeGraphServer}, e.g. {@code
 * server.faults().serviceUnavailable(3, Duration.ofSeconds(2))}. Each call replaces the previous
 * setting of the same kind; counts are consumed by the requests that hit them. Thread-safe.
 *
 * <p>Faults are checked before the write budget, so a faulted write costs no token and changes
 * nothing. Writes hit by a {@link Scope#WRITES} 503 or a forced status appear in {@link
 * FakeGraphServer#writeLog()} with that status; requests refused as a whole (an {@link
 * Scope#ALL_REQUESTS} 503, any connection reset) never reach the handlers and are not logged.
 *
 * <p>Ineffective writes ({@link #ineffectiveRevokes(int)}, {@link #ineffectiveDisables(int)} and
 * their per-user forms) are the opposite kind of fault: Graph <em>accepts</em> the write, and it
 * does not take effect. Such a write meets every other fault, the budget and the user's checks like
 * any write, is answered its usual success (200 or 204) and logged as accepted, but the user keeps
 * its {@code signInSessionsValidFromDateTime} or {@code accountEnabled}; so a client that reads the
 * user back can tell. A count is consumed only by writes that would otherwise have taken effect.
 */
public final class Faults {

  /** Which requests a fault counts and hits. */
  public enum Scope {
    /**
     * Every HTTP request the server receives, reads and {@code $batch} included; a {@code $batch}
     * counts as one and fails as a whole.
     */
    ALL_REQUESTS,
    /**
     * Writes only: PATCH user and revokeSignInSessions, top-level or inside a {@code $batch} (where
     * the fault becomes that item's inner response). Connection resets, which cannot hit one item
     * of a batch, count top-level PATCH/POST requests, {@code $batch} included.
     */
    WRITES
  }

  private final AtomicReference<Burst> unavailableRequests = new AtomicReference<>(Burst.NONE);
  private final AtomicReference<Burst> unavailableWrites = new AtomicReference<>(Burst.NONE);
  private final AtomicReference<Burst> resetRequests = new AtomicReference<>(Burst.NONE);
  private final AtomicReference<Burst> resetWrites = new AtomicReference<>(Burst.NONE);
  private final AtomicReference<Burst> slow = new AtomicReference<>(Burst.NONE);
  private final ConcurrentHashMap<String, Forced> forced = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> forcedReads = new ConcurrentHashMap<>();
  private final AtomicReference<Ineffective> ineffectiveRevokes =
      new AtomicReference<>(Ineffective.NONE);
  private final AtomicReference<Ineffective> ineffectiveDisables =
      new AtomicReference<>(Ineffective.NONE);

  Faults() {}

  /** The next {@code count} HTTP requests answer 503 without a {@code Retry-After}. */
  public Faults serviceUnavailable(int count) {
    return serviceUnavailable(count, null, Scope.ALL_REQUESTS);
  }

  /** The next {@code count} HTTP requests answer 503 with this {@code Retry-After} (null: none). */
  public Faults serviceUnavailable(int count, Duration retryAfter) {
    return serviceUnavailable(count, retryAfter, Scope.ALL_REQUESTS);
  }

  /**
   * The next {@code count} requests in {@code scope} answer 503 with this {@code Retry-After}
   * (null: none).
   */
  public Faults serviceUnavailable(int count, Duration retryAfter, Scope scope) {
    (scope == Scope.WRITES ? unavailableWrites : unavailableRequests)
        .set(new Burst(count, retryAfter));
    return this;
  }

  /** The next {@code count} HTTP requests have their connection closed without any response. */
  public Faults connectionResets(int count) {
    return connectionResets(count, Scope.ALL_REQUESTS);
  }

  /**
   * The next {@code count} requests in {@code scope} have their connection closed without any
   * response.
   */
  public Faults connectionResets(int count, Scope scope) {
    (scope == Scope.WRITES ? resetWrites : resetRequests).set(new Burst(count, null));
    return this;
  }

  /**
   * The next {@code count} HTTP requests are answered only after {@code delay} (on top of the
   * latency model); other requests are not held up meanwhile.
   */
  public Faults slowResponses(int count, Duration delay) {
    Objects.requireNonNull(delay, "delay");
    slow.set(new Burst(count, delay));
    return this;
  }

  /**
   * Every write to this user (by id or UPN, as given in the request or resolved) answers {@code
   * status} with a Graph-shaped error body until cleared; 429 and 503 carry {@code Retry-After: 1}.
   */
  public Faults forceStatus(String userIdOrUpn, int status) {
    return forceStatus(userIdOrUpn, status, -1);
  }

  /**
   * Like {@link #forceStatus(String, int)}, for the next {@code times} writes to this user only.
   */
  public Faults forceStatus(String userIdOrUpn, int status, int times) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("forced status must be an error status: " + status);
    }
    forced.put(userIdOrUpn.toLowerCase(Locale.ROOT), new Forced(status, new AtomicInteger(times)));
    return this;
  }

  /** Stops forcing a status for this user. */
  public Faults clearForcedStatus(String userIdOrUpn) {
    forced.remove(userIdOrUpn.toLowerCase(Locale.ROOT));
    return this;
  }

  /**
   * Every read of this object (a user or group, by object id or UPN, compared ignoring case)
   * answers {@code status} with a Graph-shaped error body until cleared: {@code GET /users/{id}},
   * {@code GET /groups/{id}} and its members and transitive members, and a {@code GET
   * /users?$filter=...} whose answer would list this user. Writes are not affected ({@link
   * #forceStatus(String, int)} is for them); 429 and 503 carry {@code Retry-After: 1}. A role
   * management collection's name instead of an object ({@code roleDefinitions}, {@code
   * roleAssignments}, {@code roleEligibilityScheduleInstances}) makes every read of that list
   * answer the status.
   */
  public Faults forceReadStatus(String objectIdOrUpn, int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("forced status must be an error status: " + status);
    }
    forcedReads.put(objectIdOrUpn.toLowerCase(Locale.ROOT), status);
    return this;
  }

  /** Stops forcing a status for reads of this object. */
  public Faults clearForcedReadStatus(String objectIdOrUpn) {
    forcedReads.remove(objectIdOrUpn.toLowerCase(Locale.ROOT));
    return this;
  }

  /**
   * The next {@code count} revokes (top-level or in a {@code $batch}) that reach a user are
   * answered as usual but leave its {@code signInSessionsValidFromDateTime} where it was. Replaces
   * any earlier setting of ineffective revokes, per-user ones included.
   */
  public Faults ineffectiveRevokes(int count) {
    ineffectiveRevokes.set(Ineffective.next(count));
    return this;
  }

  /**
   * Every revoke of these users (object ids or UPNs, compared ignoring case) is answered as usual
   * but leaves its {@code signInSessionsValidFromDateTime} where it was, until {@link #clear()} or
   * another call of {@code ineffectiveRevokes}, which replaces this one; no users turns it off.
   */
  public Faults ineffectiveRevokes(String... userIdsOrUpns) {
    ineffectiveRevokes.set(Ineffective.forUsers(userIdsOrUpns));
    return this;
  }

  /**
   * The next {@code count} disables ({@code PATCH {"accountEnabled": false}}, top-level or in a
   * {@code $batch}) that reach a user are answered 204 but leave {@code accountEnabled} as it was.
   * Enables are never affected. Replaces any earlier setting of ineffective disables.
   */
  public Faults ineffectiveDisables(int count) {
    ineffectiveDisables.set(Ineffective.next(count));
    return this;
  }

  /**
   * Every disable of these users (object ids or UPNs, compared ignoring case) is answered 204 but
   * leaves {@code accountEnabled} as it was, until {@link #clear()} or another call of {@code
   * ineffectiveDisables}, which replaces this one; no users turns it off.
   */
  public Faults ineffectiveDisables(String... userIdsOrUpns) {
    ineffectiveDisables.set(Ineffective.forUsers(userIdsOrUpns));
    return this;
  }

  /** Removes every fault. */
  public void clear() {
    unavailableRequests.set(Burst.NONE);
    unavailableWrites.set(Burst.NONE);
    resetRequests.set(Burst.NONE);
    resetWrites.set(Burst.NONE);
    slow.set(Burst.NONE);
    forced.clear();
    forcedReads.clear();
    ineffectiveRevokes.set(Ineffective.NONE);
    ineffectiveDisables.set(Ineffective.NONE);
  }

  // ----------------------------------------------------------------- consumed by the server

  /** Whether to drop this top-level request's connection. */
  boolean takeReset(boolean writeLike) {
    return resetRequests.get().take() || (writeLike && resetWrites.get().take());
  }

  /** A 503 for this top-level request, with its Retry-After (possibly absent). */
  Optional<Optional<Duration>> takeUnavailableRequest() {
    Burst burst = unavailableRequests.get();
    return burst.take() ? Optional.of(Optional.ofNullable(burst.value)) : Optional.empty();
  }

  /** A 503 for this write, with its Retry-After (possibly absent). */
  Optional<Optional<Duration>> takeUnavailableWrite() {
    Burst burst = unavailableWrites.get();
    return burst.take() ? Optional.of(Optional.ofNullable(burst.value)) : Optional.empty();
  }

  /** Extra delay for this top-level request. */
  Duration takeSlow() {
    Burst burst = slow.get();
    return burst.take() ? burst.value : Duration.ZERO;
  }

  /** Slow responses not yet handed out (tests wait on it to know a slow request has arrived). */
  int slowResponsesRemaining() {
    return slow.get().remaining.get();
  }

  /** The status forced for a write to the user known by any of these keys. */
  Optional<Integer> takeForced(String... keys) {
    if (forced.isEmpty()) {
      return Optional.empty();
    }
    for (String key : keys) {
      if (key == null) {
        continue;
      }
      Forced f = forced.get(key.toLowerCase(Locale.ROOT));
      if (f != null && f.take()) {
        return Optional.of(f.status);
      }
    }
    return Optional.empty();
  }

  /** The status forced for a read of the object known by any of these keys. */
  Optional<Integer> forcedRead(String... keys) {
    if (forcedReads.isEmpty()) {
      return Optional.empty();
    }
    for (String key : keys) {
      if (key != null) {
        Integer status = forcedReads.get(key.toLowerCase(Locale.ROOT));
        if (status != null) {
          return Optional.of(status);
        }
      }
    }
    return Optional.empty();
  }

  /** Whether this accepted revoke of the user is to leave the user unchanged. */
  boolean takeIneffectiveRevoke(FakeUser user) {
    return ineffectiveRevokes.get().take(user);
  }

  /** Whether this accepted disable of the user is to leave the user unchanged. */
  boolean takeIneffectiveDisable(FakeUser user) {
    return ineffectiveDisables.get().take(user);
  }

  /** Ineffective writes: the next few, or every one to some users. */
  private static final class Ineffective {
    static final Ineffective NONE = new Ineffective(new Burst(0, null), Set.of());
    private final Burst next;
    private final Set<String> users;

    private Ineffective(Burst next, Set<String> users) {
      this.next = next;
      this.users = users;
    }

    static Ineffective next(int count) {
      return new Ineffective(new Burst(count, null), Set.of());
    }

    static Ineffective forUsers(String... userIdsOrUpns) {
      Set<String> keys = new HashSet<>();
      for (String key : userIdsOrUpns) {
        keys.add(Objects.requireNonNull(key, "user id or UPN").toLowerCase(Locale.ROOT));
      }
      return new Ineffective(new Burst(0, null), Set.copyOf(keys));
    }

    boolean take(FakeUser user) {
      if (!users.isEmpty()
          && (users.contains(user.id().toLowerCase(Locale.ROOT))
              || users.contains(user.userPrincipalName().toLowerCase(Locale.ROOT)))) {
        return true;
      }
      return next.take();
    }
  }

  private record Forced(int status, AtomicInteger remaining) {
    boolean take() {
      return remaining.get() < 0 || remaining.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0;
    }
  }

  private static final class Burst {
    static final Burst NONE = new Burst(0, null);
    private final AtomicInteger remaining;
    private final Duration value;

    Burst(int count, Duration value) {
      if (count < 0) {
        throw new IllegalArgumentException("count must not be negative");
      }
      this.remaining = new AtomicInteger(count);
      this.value = value;
    }

    boolean take() {
      return remaining.get() > 0 && remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }
  }
}
