package dev.offboarding.worker.watch;

import dev.offboarding.contracts.AccessAudit;
import dev.offboarding.worker.tenant.GraphFailure;
import java.time.Instant;
import java.util.List;

/**
 * Port: the tenant's sign-in log ({@code GET /auditLogs/signIns}, v1.0: interactive sign-ins only).
 * Thread-safe.
 */
public interface SignInLog {
  /**
   * Users one read may name: Graph documents no limit on {@code or} clauses for this API, so the
   * watch stays at the 15 values Graph allows in an {@code in} list elsewhere in the directory, and
   * each request's URL stays short.
   */
  int USERS_PER_REQUEST = 15;

  /**
   * The successful sign-ins of {@code userIds} (1 to {@link #USERS_PER_REQUEST}) created at or
   * after {@code since}, every page read; {@code gate} is passed before each request (each page
   * included) and told when it is over, so that the reporting API's limit is kept.
   *
   * @throws GraphFailure when the log could not be read (403 without the permission or the licence,
   *     429, an outage)
   * @throws InterruptedException when interrupted while waiting at the gate
   */
  List<Seen> successfulSince(Instant since, List<String> userIds, RequestGate gate)
      throws InterruptedException;

  /** One sign-in and whose it is. */
  record Seen(String userId, AccessAudit.SignIn signIn) {}

  /**
   * Spaces requests to the reporting API. A request is counted from the moment its answer came (or
   * it failed), not from when it was sent: the service counts it on arrival, which lies between the
   * two, so a request that took long to arrive cannot make the next window look free too soon.
   */
  interface RequestGate {
    /** Waits until the next request may go. */
    void pass() throws InterruptedException;

    /** The request that passed last is over: it counts from now. */
    void sent();
  }
}
