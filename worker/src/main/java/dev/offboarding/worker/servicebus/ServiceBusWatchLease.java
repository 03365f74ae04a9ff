package dev.offboarding.worker.servicebus;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceiverAsyncClient;
import dev.offboarding.worker.codec.SignInRequestsCodec;
import dev.offboarding.worker.tenant.Sleeper;
import dev.offboarding.worker.watch.SignInRequests;
import dev.offboarding.worker.watch.WatchLease;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link WatchLease} on Service Bus, the way the mass-action brake keeps its count: the lease is
 * the session lock of session {@value #SESSION} on the worker's session-enabled state queue ({@code
 * SERVICEBUS_STATE_QUEUE}), and the session state holds the requests sent to the reporting API in
 * its last window ({@link SignInRequests}), so that the replica polling next waits for what the one
 * before it sent. A poll accepts the session (another replica holding it is asked again after a
 * short random wait, for up to {@code patience}), reads the state, runs, writes the state back and
 * closes the session, which lets go of the lock. Within a process polls take turns on a lock first,
 * waiting for it a few seconds at most: a poll waiting holds a delivery slot of the internal queue.
 * No message is ever sent to or received from the queue.
 *
 * <p>A state that does not decode counts a full window of requests sent now (the next poll waits
 * one window) and is logged. A state that could not be written back after a poll costs nothing but
 * the count of that poll's requests (Graph's own 429 and its {@code Retry-After} remain). The poll
 * must end within the queue's lock duration (a minute by default): an entry reads at most {@value
 * dev.offboarding.worker.watch.WatchEntry#MAX_USERS} users, ten requests. Lifecycle: the session
 * receiver starts with the first poll; {@link #close()} stops it and never throws. Thread-safe.
 */
public final class ServiceBusWatchLease implements WatchLease, AutoCloseable {
  private static final Logger LOG = System.getLogger(ServiceBusWatchLease.class.getName());

  /** The session whose lock is the lease. */
  public static final String SESSION = "watch-sign-ins";

  /** How long a poll keeps asking for the session another replica holds, in production. */
  public static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(30);

  /** How long a poll waits for another poll of the same process. */
  static final Duration IN_PROCESS_PATIENCE = Duration.ofSeconds(5);

  private final StateQueueSessions sessions;
  private final String queue;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ReentrantLock turn = new ReentrantLock();

  /**
   * @param sleeper the gate's waits and the waits for a session another replica holds: real waits,
   *     since the reporting API's window and the other replica's turn take real time
   */
  public ServiceBusWatchLease(
      ServiceBusClientBuilder clients,
      String queue,
      Clock clock,
      Sleeper sleeper,
      Duration patience,
      Duration stepTimeout) {
    this.sessions =
        new StateQueueSessions(
            clients, queue, "the sign-in watch's lease", sleeper, patience, stepTimeout);
    this.queue = queue;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = sleeper;
  }

  @Override
  public <T> T hold(Poll<T> poll) throws InterruptedException {
    // Briefly: a poll waiting here holds one of the internal queue's delivery slots, which
    // follow-ups and held events need too. Past it, the entry is read again one interval later.
    if (!turn.tryLock(IN_PROCESS_PATIENCE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new Unavailable("another poll of this process holds the sign-in watch's lease", null);
    }
    ServiceBusReceiverAsyncClient session = null;
    try {
      session = accept();
      SignInRequests[] requests = {read(session)};
      byte[] before = SignInRequestsCodec.encode(requests[0]);
      try {
        return poll.run(SignInRequests.gate(requests, clock, sleeper));
      } finally {
        byte[] after = SignInRequestsCodec.encode(requests[0]);
        if (!java.util.Arrays.equals(before, after)) {
          try {
            sessions.setState(session, after);
          } catch (RuntimeException e) {
            LOG.log(
                Level.WARNING,
                "the sign-in watch's requests could not be written to session "
                    + SESSION
                    + " on "
                    + queue
                    + "; the next poll may not wait for them: "
                    + e.getMessage());
          }
        }
      }
    } finally {
      if (session != null) {
        try {
          session.close();
        } catch (RuntimeException e) {
          LOG.log(Level.DEBUG, "closing session " + SESSION + " failed: " + e.getMessage());
        }
      }
      turn.unlock();
    }
  }

  private SignInRequests read(ServiceBusReceiverAsyncClient session) {
    byte[] stored;
    try {
      stored = sessions.state(session);
    } catch (RuntimeException e) {
      throw new Unavailable(
          "session " + SESSION + " on " + queue + " could not be read: " + e.getMessage(), e);
    }
    try {
      return SignInRequestsCodec.decode(stored);
    } catch (IllegalArgumentException e) {
      LOG.log(
          Level.ERROR,
          "the sign-in watch's requests in session "
              + SESSION
              + " on "
              + queue
              + " cannot be read ("
              + e.getMessage()
              + "); they are counted as a full window sent now");
      List<java.time.Instant> full =
          new ArrayList<>(Collections.nCopies(SignInRequests.LIMIT, clock.instant()));
      return new SignInRequests(full);
    }
  }

  /**
   * Accepts the session, asking again while another replica holds it, for up to {@code patience}.
   */
  private ServiceBusReceiverAsyncClient accept() throws InterruptedException {
    try {
      return sessions.whileContended(
          Duration.ofMillis(20), Duration.ofSeconds(1), () -> sessions.accept(SESSION));
    } catch (RuntimeException e) {
      throw new Unavailable(
          "session " + SESSION + " on " + queue + " could not be had: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    sessions.close();
  }
}
