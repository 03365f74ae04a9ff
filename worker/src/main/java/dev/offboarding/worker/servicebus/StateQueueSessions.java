package dev.offboarding.worker.servicebus;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusReceiverAsyncClient;
import com.azure.messaging.servicebus.ServiceBusSessionReceiverAsyncClient;
import dev.offboarding.worker.tenant.Sleeper;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The sessions of the worker's session-enabled state queue ({@code SERVICEBUS_STATE_QUEUE}) whose
 * session state keeps a ledger shared by the replicas (the mass-action brake's counts, the sign-in
 * watch's requests): a session's lock makes the replicas take turns, so a session another replica
 * holds is asked for again after a short random wait, for up to {@code patience}; each step with
 * the broker (accept, read, write) lasts at most {@code stepTimeout}. No message is ever sent to or
 * received from the queue. Lifecycle: the session receiver is built with the first session asked
 * for; {@link #close()} closes it and never throws. Thread-safe.
 */
final class StateQueueSessions implements AutoCloseable {
  private static final Logger LOG = System.getLogger(StateQueueSessions.class.getName());

  private final ServiceBusClientBuilder clients;
  private final String queue;
  private final String owner;
  private final Sleeper sleeper;
  private final Duration patience;
  private final Duration stepTimeout;
  // A lock rather than a monitor: callers are virtual threads.
  private final ReentrantLock lifecycle = new ReentrantLock();
  private ServiceBusSessionReceiverAsyncClient receiver;
  private boolean closed;

  /**
   * @param owner who keeps its ledger there, as messages name it ({@code the mass-action brake})
   * @param sleeper the waits for a session another replica holds: real waits, since the other
   *     replica's turn takes real time
   */
  StateQueueSessions(
      ServiceBusClientBuilder clients,
      String queue,
      String owner,
      Sleeper sleeper,
      Duration patience,
      Duration stepTimeout) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.patience = Objects.requireNonNull(patience, "patience");
    this.stepTimeout = Objects.requireNonNull(stepTimeout, "stepTimeout");
  }

  /**
   * Runs {@code turn}, and runs it again after a short random wait (from {@code firstWait} to twice
   * it, doubling up to {@code maxWait}) while it fails because another receiver holds the session
   * or this one lost its lock ({@link #contended}), for up to {@code patience} of elapsed time (not
   * the clock of the ledgers: another replica's turn takes real time).
   *
   * @throws RuntimeException what {@code turn} threw, when it is not contention or patience is over
   * @throws InterruptedException when interrupted while waiting to run it again
   */
  <T> T whileContended(Duration firstWait, Duration maxWait, Supplier<T> turn)
      throws InterruptedException {
    long giveUp = System.nanoTime() + patience.toNanos();
    long wait = firstWait.toMillis();
    while (true) {
      try {
        return turn.get();
      } catch (RuntimeException e) {
        if (!contended(e) || System.nanoTime() - giveUp >= 0) {
          throw e;
        }
      }
      // Random, so that two replicas that met do not meet again at once.
      sleeper.sleep(Duration.ofMillis(wait + ThreadLocalRandom.current().nextLong(wait)));
      wait = Math.min(wait * 2, maxWait.toMillis());
    }
  }

  /** Accepts {@code sessionId} once: the caller closes it, which lets go of its lock. */
  ServiceBusReceiverAsyncClient accept(String sessionId) {
    ServiceBusReceiverAsyncClient session = receiver().acceptSession(sessionId).block(stepTimeout);
    if (session == null) {
      throw new IllegalStateException("the broker gave no session " + sessionId);
    }
    return session;
  }

  /** The session's state: null when none was ever written. */
  byte[] state(ServiceBusReceiverAsyncClient session) {
    return session.getSessionState().block(stepTimeout);
  }

  /** Writes the session's state. */
  void setState(ServiceBusReceiverAsyncClient session, byte[] state) {
    session.setSessionState(state).block(stepTimeout);
  }

  /**
   * True when the broker refused the session because another receiver holds its lock, or refused
   * its state because this receiver does not hold the lock (any more).
   */
  static boolean contended(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ServiceBusException sb
              && (sb.getReason() == ServiceBusFailureReason.SESSION_CANNOT_BE_LOCKED
                  || sb.getReason() == ServiceBusFailureReason.SESSION_LOCK_LOST)
          || t instanceof AmqpException amqp
              && (amqp.getErrorCondition() == AmqpErrorCondition.SESSION_CANNOT_BE_LOCKED
                  || amqp.getErrorCondition() == AmqpErrorCondition.SESSION_LOCK_LOST)) {
        return true;
      }
    }
    return false;
  }

  private ServiceBusSessionReceiverAsyncClient receiver() {
    lifecycle.lock();
    try {
      if (closed) {
        throw new IllegalStateException(owner + " is closed");
      }
      if (receiver == null) {
        receiver =
            clients.sessionReceiver().queueName(queue).disableAutoComplete().buildAsyncClient();
      }
      return receiver;
    } finally {
      lifecycle.unlock();
    }
  }

  @Override
  public void close() {
    lifecycle.lock();
    try {
      closed = true;
      if (receiver != null) {
        try {
          receiver.close();
        } catch (RuntimeException e) {
          LOG.log(
              Level.DEBUG,
              "closing the session receiver of " + owner + " failed: " + e.getMessage());
        }
        receiver = null;
      }
    } finally {
      lifecycle.unlock();
    }
  }
}
