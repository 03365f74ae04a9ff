package dev.offboarding.testkit.graph;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Faults to inject into a running {@link FakeGraphServer}, e.g. {@code
 * server.faults().serviceUnavailable(3, Duration.ofSeconds(2))}. Each call replaces the previous
 * setting of the same kind; counts are consumed by the requests that hit them. Thread-safe.
 *
 * <p>Faults are checked before the write budget, so a faulted write costs no token and changes
 * nothing. Every faulted write still appears in {@link FakeGraphServer#writeLog()} with its status.
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

  Faults() {}

  /** The next {@code count} HTTP requests answer 503 without a {@code Retry-After}. */
  public Faults serviceUnavailable(int count) {
    return serviceUnavailable(count, null, Scope.ALL_REQUESTS);
  }

  /** The next {@code count} HTTP requests answer 503 with this {@code Retry-After} (null: none). */
  public Faults serviceUnavailable(int count, Duration retryAfter) {
    return serviceUnavailable(count, retryAfter, Scope.ALL_REQUESTS);
  }

  /** The next {@code count} requests in {@code scope} answer 503 with this {@code Retry-After} (null: none). */
  public Faults serviceUnavailable(int count, Duration retryAfter, Scope scope) {
    (scope == Scope.WRITES ? unavailableWrites : unavailableRequests).set(new Burst(count, retryAfter));
    return this;
  }

  /** The next {@code count} HTTP requests have their connection closed without any response. */
  public Faults connectionResets(int count) {
    return connectionResets(count, Scope.ALL_REQUESTS);
  }

  /** The next {@code count} requests in {@code scope} have their connection closed without any response. */
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

  /** Like {@link #forceStatus(String, int)}, for the next {@code times} writes to this user only. */
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

  /** Removes every fault. */
  public void clear() {
    unavailableRequests.set(Burst.NONE);
    unavailableWrites.set(Burst.NONE);
    resetRequests.set(Burst.NONE);
    resetWrites.set(Burst.NONE);
    slow.set(Burst.NONE);
    forced.clear();
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
