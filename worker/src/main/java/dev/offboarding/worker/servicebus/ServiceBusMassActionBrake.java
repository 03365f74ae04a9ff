package dev.offboarding.worker.servicebus;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceiverAsyncClient;
import dev.offboarding.worker.codec.BrakeLedgerCodec;
import dev.offboarding.worker.guard.BrakeLedger;
import dev.offboarding.worker.guard.MassActionBrake;
import dev.offboarding.worker.tenant.Sleeper;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;

/**
 * {@link MassActionBrake} on Service Bus: each cap's count ({@link BrakeLedger}) is the session
 * state of one session, {@code brake-<cap>} ({@code brake-bulk}, {@code brake-urgent}), on the
 * worker's session-enabled state queue ({@code SERVICEBUS_STATE_QUEUE}), which only the worker's
 * identity may receive from. A lease that goes to the broker accepts the cap's session (its lock
 * makes the replicas take turns), reads the state, books the grant, writes the state back and
 * closes the session, which lets go of the lock: the lock is held for those few round trips only.
 * No message is ever sent to or received from the queue; the session state outlives every worker,
 * so a restart does not reset the count and replicas share one.
 *
 * <p>Within one process a cap's round trips take turns on a lock, so only replicas contend for a
 * session; a session another replica holds is asked for again after a short random wait, for up to
 * {@code patience}. The two caps are separate sessions and separate locks, so urgent work never
 * waits for the bulk cap's session. Once a lease found a cap full, leases of that cap are answered
 * from memory until the earliest moment a lease leaves its window: nothing but time frees room (a
 * reserve given back aside), so this never grants more than the broker would, and a flood of braked
 * events costs no round trip.
 *
 * <p>A cap with users to lease ahead ({@code ahead}: the urgent cap) keeps a reserve: each round
 * trip also leases that many users more, booked at the end of the reserve's life ({@link
 * BrakeLedger#MAX_BOOKED_AHEAD}), and a lease the reserve covers takes no round trip at all. A
 * background thread tops the reserve up after it is used and before it runs out of life, and gives
 * back what a reserve did not use once its life is over; {@link #close()} gives back what is left.
 * Users are taken from a reserve only in the first half of its life, so their first writes come
 * before the moment they are booked at, as a user leased at once is booked when it is leased; what
 * a reserve holds counts against the cap until it is given back.
 *
 * <p>A state that does not decode is not believed: it is replaced by one that counts the whole cap
 * as leased now, so the cap holds everything back for one window (never more users than the cap),
 * and the error is logged. Any failure to reach the broker, or a step of a lease that takes longer
 * than {@code stepTimeout} (the SDK's own retries of a lost connection last minutes), is {@link
 * MassActionBrake.Unavailable}: nothing is granted and the chunk waits. Lifecycle: the session
 * receiver and the reserve's thread start with the first lease that needs them; {@link #close()}
 * stops them and never throws. Thread-safe.
 */
public final class ServiceBusMassActionBrake implements MassActionBrake, AutoCloseable {
  private static final Logger LOG = System.getLogger(ServiceBusMassActionBrake.class.getName());

  /** How long a lease keeps asking for a session another replica holds, in production. */
  public static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(10);

  /** The longest one step of a lease (accept, read, write) may take, in production. */
  public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(20);

  /** The prefix of each cap's session id. */
  public static final String SESSION_PREFIX = "brake-";

  /** How long users leased ahead may be used: they are booked at its end. */
  static final Duration RESERVE_LIFE = BrakeLedger.MAX_BOOKED_AHEAD;

  /** How often the reserve's thread looks, besides when a reserve was used. */
  private static final Duration RESERVE_TICK = Duration.ofSeconds(30);

  private final StateQueueSessions sessions;
  private final String queue;
  private final Clock clock;
  private final Duration stepTimeout;
  private final ToIntFunction<Cap> ahead;
  private final Map<String, CapState> caps = new ConcurrentHashMap<>();
  // Locks rather than monitors: callers are virtual threads, and round trips block.
  private final ReentrantLock lifecycle = new ReentrantLock();
  private final Condition wake = lifecycle.newCondition();
  private Thread reserves;
  private boolean wakeUp;

  /**
   * Set when closing begins: no new lease, the reserve's thread stops, the reserve is given back.
   */
  private volatile boolean closing;

  /**
   * @param queue the worker's session-enabled state queue
   * @param sleeper waits between asks for a session another replica holds: real waits, since the
   *     other replica's turn takes real time
   * @param patience how long a lease keeps asking before it is {@link MassActionBrake.Unavailable}
   * @param stepTimeout the longest one step of a lease may take before it is {@link
   *     MassActionBrake.Unavailable}
   * @param ahead users to keep leased ahead, per cap (0: no reserve)
   */
  public ServiceBusMassActionBrake(
      ServiceBusClientBuilder clients,
      String queue,
      Clock clock,
      Sleeper sleeper,
      Duration patience,
      Duration stepTimeout,
      ToIntFunction<Cap> ahead) {
    this.sessions =
        new StateQueueSessions(
            clients, queue, "the mass-action brake", sleeper, patience, stepTimeout);
    this.queue = queue;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.stepTimeout = stepTimeout;
    this.ahead = Objects.requireNonNull(ahead, "ahead");
  }

  /** The session that keeps {@code cap}'s count. */
  public static String sessionId(Cap cap) {
    return SESSION_PREFIX + cap.name();
  }

  /** Users leased ahead and not used, booked at {@code booked}, usable until {@code until}. */
  private static final class Reserve {
    final long booked;
    final Instant until;
    int left;

    Reserve(long booked, Instant until, int left) {
      this.booked = booked;
      this.until = until;
      this.left = left;
    }
  }

  /** One cap's state in this process. */
  private static final class CapState {
    final Cap cap;
    final int ahead;

    /** One round trip to the broker at a time. */
    final ReentrantLock turn = new ReentrantLock();

    /** Guards the fields below; held for moments only, never across a round trip. */
    final ReentrantLock held = new ReentrantLock();

    final List<Reserve> reserves = new ArrayList<>();
    Instant fullUntil;

    CapState(Cap cap, int ahead) {
      this.cap = cap;
      this.ahead = ahead;
    }

    /**
     * Takes {@code users} from reserves with at least half their life left (their first writes then
     * come well before the moment they are booked at, Graph's retries included), the one ending
     * first first; false when they do not cover it.
     */
    boolean take(int users, Instant now) {
      held.lock();
      try {
        Instant halfLife = now.plus(RESERVE_LIFE.dividedBy(2));
        int live =
            reserves.stream().filter(r -> halfLife.isBefore(r.until)).mapToInt(r -> r.left).sum();
        if (live < users) {
          return false;
        }
        int needed = users;
        reserves.sort(java.util.Comparator.comparing(r -> r.until));
        for (Reserve r : reserves) {
          if (needed == 0) {
            break;
          }
          if (halfLife.isBefore(r.until)) {
            int n = Math.min(r.left, needed);
            r.left -= n;
            needed -= n;
          }
        }
        return true;
      } finally {
        held.unlock();
      }
    }

    /**
     * True when the reserve should be topped up: fewer than {@code ahead} users usable for half its
     * life.
     */
    boolean low(Instant now) {
      held.lock();
      try {
        Instant halfLife = now.plus(RESERVE_LIFE.dividedBy(2));
        return reserves.stream().filter(r -> halfLife.isBefore(r.until)).mapToInt(r -> r.left).sum()
            < ahead;
      } finally {
        held.unlock();
      }
    }

    /** Takes out the reserves whose life is over (or all of them), to be given back. */
    List<Reserve> over(Instant now, boolean all) {
      held.lock();
      try {
        List<Reserve> over = new ArrayList<>();
        for (Iterator<Reserve> it = reserves.iterator(); it.hasNext(); ) {
          Reserve r = it.next();
          if (all || !now.isBefore(r.until) || r.left == 0) {
            it.remove();
            over.add(r);
          }
        }
        return over;
      } finally {
        held.unlock();
      }
    }
  }

  private CapState state(Cap cap) {
    return caps.computeIfAbsent(
        cap.name(), name -> new CapState(cap, Math.max(0, ahead.applyAsInt(cap))));
  }

  @Override
  public Lease lease(Cap cap, int users) {
    if (users < 1) {
      throw new IllegalArgumentException("a lease is for at least one user");
    }
    if (closing) {
      throw new Unavailable("the mass-action brake is closed", null);
    }
    CapState s = state(cap);
    if (s.ahead > 0) {
      startReserves();
    }
    if (s.take(users, clock.instant())) {
      wakeReserves();
      return Lease.all(users);
    }
    lockTurn(s);
    try {
      // The reserve's thread may have topped it up while this lease waited for its turn.
      if (s.take(users, clock.instant())) {
        wakeReserves();
        return Lease.all(users);
      }
      Instant full = s.fullUntil;
      if (full != null && clock.instant().isBefore(full)) {
        return new Lease(0, full);
      }
      return roundTrip(s, users);
    } finally {
      s.turn.unlock();
    }
  }

  private void lockTurn(CapState s) {
    try {
      s.turn.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted while waiting for the " + s.cap.name() + " cap", e);
    }
  }

  /**
   * One turn with the cap's session, holding {@code s.turn}: gives back what reserves past their
   * life did not use, grants {@code users} and, for a cap with a reserve, {@code ahead} more, and
   * writes the count back.
   */
  private Lease roundTrip(CapState s, int users) {
    Cap cap = s.cap;
    List<Reserve> over = s.over(clock.instant(), false);
    boolean[] replaced = {false};
    Instant[] bookAt = {null};
    BrakeLedger.Grant grant;
    try {
      grant =
          withSession(
              sessionId(cap),
              stored -> {
                Instant now = clock.instant();
                BrakeLedger ledger;
                try {
                  ledger = BrakeLedgerCodec.decode(stored);
                  for (Reserve r : over) {
                    ledger = ledger.release(r.booked, r.left);
                  }
                  replaced[0] = false;
                } catch (IllegalArgumentException e) {
                  LOG.log(
                      Level.ERROR,
                      "the "
                          + cap.name()
                          + " cap's count in session "
                          + sessionId(cap)
                          + " on "
                          + queue
                          + " cannot be read ("
                          + e.getMessage()
                          + "); it is replaced by one that counts the whole cap as used"
                          + " now, so the cap holds work back for one window");
                  ledger = BrakeLedger.full(now, cap.usersPerHour());
                  replaced[0] = true;
                }
                bookAt[0] = s.ahead > 0 ? now.plus(RESERVE_LIFE) : now;
                BrakeLedger.Grant g =
                    ledger.grant(now, cap.usersPerHour(), users, s.ahead, bookAt[0]);
                return new Turn<>(BrakeLedgerCodec.encode(g.ledger()), g);
              });
    } catch (RuntimeException e) {
      // Not given back this time: kept until the next turn, so that they are given back once.
      s.held.lock();
      try {
        s.reserves.addAll(over);
      } finally {
        s.held.unlock();
      }
      throw new Unavailable(
          "the "
              + cap.name()
              + " cap's count on "
              + queue
              + " could not be read or written: "
              + e.getMessage(),
          e);
    }
    s.held.lock();
    try {
      if (replaced[0]) {
        // What this replica leased ahead was in the count just replaced: it is not used any more.
        s.reserves.clear();
      }
      if (grant.extra() > 0) {
        s.reserves.add(new Reserve(grant.booked(), bookAt[0], grant.extra()));
      }
      s.fullUntil = grant.fullUntil();
    } finally {
      s.held.unlock();
    }
    return grant.lease();
  }

  /** What one turn writes back (null: nothing) and what it yields. */
  private record Turn<T>(byte[] next, T result) {}

  /**
   * Accepts the session, reads its state, lets {@code step} compute the next state, writes it back
   * and closes the session. While another replica holds the session, or this receiver turns out not
   * to hold it (the SDK may hand back a link of the same name that is still closing, whose lock is
   * gone), the turn is tried again after a short random wait, for up to {@code patience}; {@code
   * step} is then applied again to what is read then, so it must have no effect of its own.
   */
  private <T> T withSession(String sessionId, java.util.function.Function<byte[], Turn<T>> step) {
    try {
      return sessions.whileContended(
          Duration.ofMillis(10),
          Duration.ofMillis(250),
          () -> {
            ServiceBusReceiverAsyncClient session = sessions.accept(sessionId);
            try {
              byte[] stored = sessions.state(session);
              Turn<T> turn = step.apply(stored);
              if (turn.next() != null && !Arrays.equals(stored, turn.next())) {
                sessions.setState(session, turn.next());
              }
              return turn.result();
            } finally {
              session.close();
            }
          });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable(
          "interrupted while session " + sessionId + " was held by another replica", e);
    }
  }

  private void startReserves() {
    lifecycle.lock();
    try {
      if (reserves == null && !closing) {
        reserves = Thread.ofVirtual().name("mass-action-brake-reserve").start(this::keepReserves);
      }
    } finally {
      lifecycle.unlock();
    }
  }

  private void wakeReserves() {
    lifecycle.lock();
    try {
      wakeUp = true;
      wake.signalAll();
    } finally {
      lifecycle.unlock();
    }
  }

  /**
   * The reserve's thread: tops up each reserve that runs low or short of life, off any event's
   * path.
   */
  private void keepReserves() {
    while (awaitTick()) {
      for (CapState s : caps.values()) {
        if (s.ahead == 0 || !s.low(clock.instant())) {
          continue;
        }
        lockTurn(s);
        try {
          if (s.low(clock.instant())) {
            roundTrip(s, 0);
          }
        } catch (Unavailable e) {
          // Not fatal: leases the reserve does not cover go to the broker themselves.
          LOG.log(
              Level.WARNING,
              "topping up the "
                  + s.cap.name()
                  + " cap's reserve failed; tried again in "
                  + RESERVE_TICK.toSeconds()
                  + " s: "
                  + e.getMessage());
        } finally {
          s.turn.unlock();
        }
      }
    }
  }

  /** Waits for a reserve to be used or for the tick; false once closed. */
  private boolean awaitTick() {
    lifecycle.lock();
    try {
      long left = RESERVE_TICK.toNanos();
      while (!closing && !wakeUp && left > 0) {
        left = wake.awaitNanos(left);
      }
      wakeUp = false;
      return !closing;
    } catch (InterruptedException e) {
      return false;
    } finally {
      lifecycle.unlock();
    }
  }

  /**
   * Opens the way to the caps' sessions in the background: a cap with a reserve gets it now, so
   * that even the first urgent event of this process takes no round trip before its first write;
   * every other count is read once, writing nothing, so that the first lease pays one round trip
   * and not the setting up of the session receiver. A state queue that cannot be reached is logged
   * at once, not at the first event. The price: each process start leases the reserve ahead, given
   * back on an orderly close; a process that crashes leaves it counted until it leaves the window.
   */
  public void warmUp(List<Cap> all) {
    Thread.ofVirtual()
        .name("mass-action-brake-warm-up")
        .start(
            () -> {
              for (Cap cap : all) {
                CapState s = state(cap);
                if (closing) {
                  return;
                }
                if (s.ahead > 0) {
                  startReserves();
                }
                lockTurn(s);
                try {
                  if (s.ahead > 0) {
                    roundTrip(s, 0);
                  } else {
                    withSession(sessionId(cap), stored -> new Turn<>(null, null));
                  }
                } catch (RuntimeException e) {
                  LOG.log(
                      Level.WARNING,
                      "the "
                          + cap.name()
                          + " cap's count on "
                          + queue
                          + " cannot be read yet; events"
                          + " wait before their first write until it can: "
                          + e.getMessage());
                } finally {
                  s.turn.unlock();
                }
              }
            });
  }

  /** Gives back what the reserves hold, as far as the broker can be reached within a step. */
  private void giveBack() {
    for (CapState s : caps.values()) {
      List<Reserve> left = s.over(clock.instant(), true);
      int users = left.stream().mapToInt(r -> r.left).sum();
      if (users == 0) {
        continue;
      }
      lockTurn(s);
      try {
        withSession(
            sessionId(s.cap),
            stored -> {
              BrakeLedger ledger = BrakeLedgerCodec.decode(stored);
              for (Reserve r : left) {
                ledger = ledger.release(r.booked, r.left);
              }
              return new Turn<>(BrakeLedgerCodec.encode(ledger), null);
            });
      } catch (RuntimeException e) {
        LOG.log(
            Level.INFO,
            users
                + " user(s) of the "
                + s.cap.name()
                + " cap's reserve were not given back; they"
                + " count against it until they leave the window: "
                + e.getMessage());
      } finally {
        s.turn.unlock();
      }
    }
  }

  @Override
  public void close() {
    Thread thread;
    lifecycle.lock();
    try {
      if (closing) {
        return;
      }
      closing = true;
      wake.signalAll();
      thread = reserves;
    } finally {
      lifecycle.unlock();
    }
    try {
      if (thread != null) {
        thread.join(stepTimeout.plusSeconds(5).toMillis());
      }
      giveBack();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "giving back the mass-action brake's reserve failed: " + e.getMessage());
    }
    sessions.close();
  }
}
