package dev.offboarding.testkit.servicebus;

import dev.offboarding.testkit.servicebus.EmulatorConfig.EntityProperties;
import dev.offboarding.testkit.servicebus.StoredMessage.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;

/**
 * The messages of one receivable entity: a queue, a subscription, or the dead-letter subqueue of
 * either.
 *
 * <p>Implements peek-lock (lock tokens, lock expiry, renewal), dispositions, the maximum delivery
 * count, time to live, deferral and scheduled enqueueing. Confined to the emulator's loop thread;
 * not thread-safe.
 */
final class MessageStore {

  /** Result of a lock-token operation. */
  enum Outcome {
    DONE,
    LOCK_LOST
  }

  static final String DEAD_LETTER_REASON = "DeadLetterReason";
  static final String DEAD_LETTER_DESCRIPTION = "DeadLetterErrorDescription";

  private final String path;
  private final EntityProperties properties;
  private final MessageStore deadLetterQueue;
  private final Clock clock;
  private final TreeMap<Long, StoredMessage> messages = new TreeMap<>();
  private final Map<UUID, StoredMessage> locks = new HashMap<>();

  /** Session locks by session id: who holds the session and until when. */
  private final Map<String, SessionLock> sessionLocks = new HashMap<>();

  /**
   * Session state by session id; it outlives the locks and the session's messages, as on the
   * service.
   */
  private final Map<String, Binary> sessionStates = new HashMap<>();

  private long nextSequenceNumber = 1;

  /**
   * A store with a dead-letter subqueue ({@code deadLetterQueue} null makes this store a
   * dead-letter queue).
   */
  MessageStore(
      String path, EntityProperties properties, MessageStore deadLetterQueue, Clock clock) {
    this.path = path;
    this.properties = properties;
    this.deadLetterQueue = deadLetterQueue;
    this.clock = clock;
  }

  String path() {
    return path;
  }

  boolean isDeadLetterQueue() {
    return deadLetterQueue == null;
  }

  MessageStore deadLetterQueue() {
    return deadLetterQueue;
  }

  Duration lockDuration() {
    return properties.lockDuration();
  }

  /**
   * Adds a message; with {@code scheduledFor} in the future it stays invisible until then.
   *
   * @return the message's sequence number
   */
  long enqueue(Message message, Instant scheduledFor) {
    return enqueue(message, scheduledFor, null);
  }

  /**
   * As {@link #enqueue(Message, Instant)}, with a further limit on the time to live (a topic's
   * default TTL caps its subscriptions' copies).
   */
  long enqueue(Message message, Instant scheduledFor, Duration ttlCap) {
    Instant now = clock.instant();
    StoredMessage stored = new StoredMessage(nextSequenceNumber++, now, message, null);
    if (scheduledFor != null && scheduledFor.isAfter(now)) {
      stored.state = State.SCHEDULED;
      stored.scheduledEnqueueTime = scheduledFor;
    }
    if (!isDeadLetterQueue()) {
      Duration ttl = properties.defaultMessageTimeToLive();
      if (message.getHeader() != null && message.getHeader().getTtl() != null) {
        Duration own = Duration.ofMillis(message.getHeader().getTtl().longValue());
        if (!own.isZero() && own.compareTo(ttl) < 0) {
          ttl = own;
        }
      }
      if (ttlCap != null && ttlCap.compareTo(ttl) < 0) {
        ttl = ttlCap;
      }
      Instant from = stored.scheduledEnqueueTime == null ? now : stored.scheduledEnqueueTime;
      stored.expiresAt = from.plus(ttl);
    }
    messages.put(stored.sequenceNumber, stored);
    return stored.sequenceNumber;
  }

  /** The first receivable message in sequence order, or null; expires messages it passes over. */
  StoredMessage nextAvailable() {
    return firstAvailable(m -> true);
  }

  /** Whether only session receivers may receive from this entity. */
  boolean requiresSession() {
    return properties.requiresSession();
  }

  /** As {@link #nextAvailable()}, restricted to the messages of one session. */
  StoredMessage nextAvailable(String sessionId) {
    return firstAvailable(m -> sessionId.equals(m.message.getGroupId()));
  }

  /**
   * The first active, unlocked message that {@code eligible} accepts, in order; messages met on the
   * way whose time to live has passed are expired (dead-lettered or dropped).
   */
  private StoredMessage firstAvailable(java.util.function.Predicate<StoredMessage> eligible) {
    Instant now = clock.instant();
    List<StoredMessage> expired = new ArrayList<>();
    StoredMessage found = null;
    for (StoredMessage m : messages.values()) {
      if (m.state != State.ACTIVE || m.isLocked() || !eligible.test(m)) {
        continue;
      }
      if (m.expiresAt != null && !m.expiresAt.isAfter(now)) {
        expired.add(m);
        continue;
      }
      found = m;
      break;
    }
    expired.forEach(this::expire);
    return found;
  }

  /**
   * Locks a session for {@code owner}: the named one unless another owner holds it, or with {@code
   * sessionId} null the session of the oldest receivable message whose session nobody holds.
   *
   * @return the session id locked, or null when none can be
   */
  String acceptSession(String sessionId, Object owner) {
    Instant now = clock.instant();
    if (sessionId != null) {
      SessionLock lock = sessionLocks.get(sessionId);
      if (lock != null && lock.owner != owner && lock.lockedUntil.isAfter(now)) {
        return null;
      }
      sessionLocks.put(sessionId, new SessionLock(owner, now.plus(properties.lockDuration())));
      return sessionId;
    }
    for (StoredMessage m : messages.values()) {
      String id = m.message.getGroupId();
      if (id == null
          || m.state != State.ACTIVE
          || m.isLocked()
          || (m.expiresAt != null && !m.expiresAt.isAfter(now))) {
        continue;
      }
      SessionLock lock = sessionLocks.get(id);
      if (lock == null || !lock.lockedUntil.isAfter(now)) {
        sessionLocks.put(id, new SessionLock(owner, now.plus(properties.lockDuration())));
        return id;
      }
    }
    return null;
  }

  /** Until when {@code owner} holds the session, or null when it does not (any more). */
  Instant sessionLockedUntil(String sessionId, Object owner) {
    SessionLock lock = sessionLocks.get(sessionId);
    if (lock == null || lock.owner != owner || !lock.lockedUntil.isAfter(clock.instant())) {
      return null;
    }
    return lock.lockedUntil;
  }

  /** Who holds the session's lock now, or null when nobody does. */
  Object sessionHolder(String sessionId) {
    SessionLock lock = sessionLocks.get(sessionId);
    return lock == null || !lock.lockedUntil.isAfter(clock.instant()) ? null : lock.owner;
  }

  /**
   * Extends a held session lock by the lock duration; null when the session is not locked (any
   * more).
   */
  Instant renewSession(String sessionId) {
    SessionLock lock = sessionLocks.get(sessionId);
    if (lock == null || !lock.lockedUntil.isAfter(clock.instant())) {
      return null;
    }
    lock.lockedUntil = clock.instant().plus(properties.lockDuration());
    return lock.lockedUntil;
  }

  /**
   * Lets go of a session {@code owner} holds; its messages become available to the next session
   * receiver.
   */
  void releaseSession(String sessionId, Object owner) {
    SessionLock lock = sessionLocks.get(sessionId);
    if (lock != null && lock.owner == owner) {
      sessionLocks.remove(sessionId);
    }
  }

  Binary sessionState(String sessionId) {
    return sessionStates.get(sessionId);
  }

  void setSessionState(String sessionId, Binary state) {
    if (state == null) {
      sessionStates.remove(sessionId);
    } else {
      sessionStates.put(sessionId, state);
    }
  }

  /** Locks a message for a peek-lock receiver and returns its new lock token. */
  UUID lock(StoredMessage message) {
    UUID token = UUID.randomUUID();
    message.lockToken = token;
    message.lockedUntil = clock.instant().plus(properties.lockDuration());
    locks.put(token, message);
    return token;
  }

  /** Removes a message for good (receive-and-delete, complete). */
  void remove(StoredMessage message) {
    messages.remove(message.sequenceNumber);
    if (message.lockToken != null) {
      locks.remove(message.lockToken);
      message.unlock();
    }
  }

  /** The message a still-valid lock token holds, or null when the lock expired or never existed. */
  StoredMessage locked(UUID token) {
    StoredMessage m = locks.get(token);
    if (m == null) {
      return null;
    }
    if (!m.lockedUntil.isAfter(clock.instant())) {
      expireLock(m);
      return null;
    }
    return m;
  }

  Outcome complete(UUID token) {
    StoredMessage m = locked(token);
    if (m == null) {
      return Outcome.LOCK_LOST;
    }
    remove(m);
    return Outcome.DONE;
  }

  /**
   * Unlocks, counts the failed delivery and dead-letters when the maximum delivery count is
   * reached.
   */
  Outcome abandon(UUID token, Map<String, Object> propertiesToModify) {
    StoredMessage m = locked(token);
    if (m == null) {
      return Outcome.LOCK_LOST;
    }
    modify(m, propertiesToModify);
    unlock(m);
    countFailedDelivery(m);
    return Outcome.DONE;
  }

  /**
   * Unlocks without counting a delivery, for messages the client never handed to the application.
   */
  Outcome release(UUID token) {
    StoredMessage m = locked(token);
    if (m == null) {
      return Outcome.LOCK_LOST;
    }
    unlock(m);
    return Outcome.DONE;
  }

  /** Sets the message aside: it is only receivable by sequence number from now on. */
  Outcome defer(UUID token, Map<String, Object> propertiesToModify) {
    StoredMessage m = locked(token);
    if (m == null) {
      return Outcome.LOCK_LOST;
    }
    modify(m, propertiesToModify);
    unlock(m);
    m.state = State.DEFERRED;
    return Outcome.DONE;
  }

  Outcome deadLetter(
      UUID token, String reason, String description, Map<String, Object> propertiesToModify) {
    StoredMessage m = locked(token);
    if (m == null) {
      return Outcome.LOCK_LOST;
    }
    modify(m, propertiesToModify);
    if (isDeadLetterQueue()) {
      // A dead-letter queue has no dead-letter queue of its own; the message stays, with its new
      // reason.
      setDeadLetterProperties(m.message, reason, description);
      unlock(m);
    } else {
      moveToDeadLetterQueue(m, reason, description);
    }
    return Outcome.DONE;
  }

  /** Extends a valid lock by the lock duration; null when the lock is lost. */
  Instant renew(UUID token) {
    StoredMessage m = locked(token);
    if (m == null) {
      return null;
    }
    m.lockedUntil = clock.instant().plus(properties.lockDuration());
    return m.lockedUntil;
  }

  /**
   * Deferred messages with these sequence numbers, in the requested order (missing ones are
   * skipped).
   */
  List<StoredMessage> deferred(long[] sequenceNumbers) {
    List<StoredMessage> found = new ArrayList<>();
    for (long n : sequenceNumbers) {
      StoredMessage m = messages.get(n);
      if (m != null && m.state == State.DEFERRED && !m.isLocked()) {
        found.add(m);
      }
    }
    return found;
  }

  /**
   * Up to {@code count} messages from a sequence number on, without locking (scheduled ones
   * included).
   */
  List<StoredMessage> peek(long fromSequenceNumber, int count) {
    List<StoredMessage> found = new ArrayList<>();
    for (StoredMessage m : messages.tailMap(fromSequenceNumber, true).values()) {
      if (found.size() >= count) {
        break;
      }
      found.add(m);
    }
    return found;
  }

  /**
   * Removes a scheduled message before it becomes visible; false if there is none with that number.
   */
  boolean cancelScheduled(long sequenceNumber) {
    StoredMessage m = messages.get(sequenceNumber);
    if (m == null || m.state != State.SCHEDULED) {
      return false;
    }
    messages.remove(sequenceNumber);
    return true;
  }

  /**
   * Expires locks and time-to-live, and makes due scheduled messages visible. Returns true if any
   * changed.
   */
  boolean housekeeping() {
    Instant now = clock.instant();
    List<StoredMessage> lockExpired = new ArrayList<>();
    List<StoredMessage> ttlExpired = new ArrayList<>();
    boolean changed = false;
    for (StoredMessage m : messages.values()) {
      if (m.isLocked()) {
        if (!m.lockedUntil.isAfter(now)) {
          lockExpired.add(m);
        }
      } else if (m.state == State.SCHEDULED) {
        if (!m.scheduledEnqueueTime.isAfter(now)) {
          m.state = State.ACTIVE;
          m.scheduledEnqueueTime = null;
          changed = true;
        }
      } else if (m.expiresAt != null && !m.expiresAt.isAfter(now)) {
        ttlExpired.add(m);
      }
    }
    lockExpired.forEach(this::expireLock);
    ttlExpired.forEach(this::expire);
    return changed || !lockExpired.isEmpty() || !ttlExpired.isEmpty();
  }

  /** Up to {@code count} messages of one session from a sequence number on, without locking. */
  List<StoredMessage> peek(long fromSequenceNumber, int count, String sessionId) {
    List<StoredMessage> found = new ArrayList<>();
    for (StoredMessage m : messages.tailMap(fromSequenceNumber, true).values()) {
      if (found.size() >= count) {
        break;
      }
      if (sessionId.equals(m.message.getGroupId())) {
        found.add(m);
      }
    }
    return found;
  }

  /** All messages in sequence order (for inspection). */
  List<StoredMessage> all() {
    return new ArrayList<>(messages.values());
  }

  private static final class SessionLock {
    final Object owner;
    Instant lockedUntil;

    SessionLock(Object owner, Instant lockedUntil) {
      this.owner = owner;
      this.lockedUntil = lockedUntil;
    }
  }

  private void expireLock(StoredMessage m) {
    unlock(m);
    countFailedDelivery(m);
  }

  private void countFailedDelivery(StoredMessage m) {
    m.deliveryCount++;
    if (!isDeadLetterQueue() && m.deliveryCount >= properties.maxDeliveryCount()) {
      moveToDeadLetterQueue(
          m,
          "MaxDeliveryCountExceeded",
          "Message could not be consumed after "
              + properties.maxDeliveryCount()
              + " delivery attempts.");
    }
  }

  private void expire(StoredMessage m) {
    if (properties.deadLetteringOnMessageExpiration()) {
      moveToDeadLetterQueue(m, "TTLExpiredException", "The message expired and was dead lettered.");
    } else {
      remove(m);
    }
  }

  private void unlock(StoredMessage m) {
    locks.remove(m.lockToken);
    m.unlock();
  }

  private void moveToDeadLetterQueue(StoredMessage m, String reason, String description) {
    remove(m);
    setDeadLetterProperties(m.message, reason, description);
    StoredMessage dead = new StoredMessage(m.sequenceNumber, m.enqueuedTime, m.message, path);
    dead.deliveryCount = m.deliveryCount;
    deadLetterQueue.messages.put(dead.sequenceNumber, dead);
  }

  private static void setDeadLetterProperties(Message message, String reason, String description) {
    Map<String, Object> props = mutableApplicationProperties(message);
    if (reason != null && !reason.isEmpty()) {
      props.put(DEAD_LETTER_REASON, reason);
    }
    if (description != null && !description.isEmpty()) {
      props.put(DEAD_LETTER_DESCRIPTION, description);
    }
  }

  private static void modify(StoredMessage m, Map<String, Object> propertiesToModify) {
    if (propertiesToModify != null && !propertiesToModify.isEmpty()) {
      mutableApplicationProperties(m.message).putAll(propertiesToModify);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mutableApplicationProperties(Message message) {
    Map<String, Object> current =
        message.getApplicationProperties() == null
            ? null
            : message.getApplicationProperties().getValue();
    Map<String, Object> copy =
        current == null ? new LinkedHashMap<>() : new LinkedHashMap<>(current);
    message.setApplicationProperties(new ApplicationProperties(copy));
    return copy;
  }
}
