package dev.offboarding.worker.watch;

import dev.offboarding.contracts.AccessAudit;
import dev.offboarding.worker.audit.AuditSink;
import java.time.Instant;

/**
 * Port: where the sign-in watch's messages go: what it saw to the audit topic, its next entry to
 * the worker's own queue. Every message id derives from the entry's origin and what the message
 * says, so that a poll done twice (a crash before its entry was completed) publishes each sign-in
 * once and hands on one next entry: the broker's duplicate detection drops the second copy.
 * Thread-safe.
 */
public interface WatchOutbox {

  /**
   * Publishes what the watch saw of one user.
   *
   * @param entry the entry whose poll saw it (its origin makes the message id)
   * @param poll the poll that saw it, told to readers of the message ({@code watchPoll})
   * @throws AuditSink.AuditException when the topic did not take it: the entry is not completed
   */
  void publish(WatchEntry entry, AccessAudit audit, int poll);

  /**
   * Hands the next entry to the worker's own queue, to be delivered at {@code dueAt}.
   *
   * @throws AuditSink.AuditException when the queue did not take it: the entry is not completed
   */
  void schedule(WatchEntry next, Instant dueAt);
}
