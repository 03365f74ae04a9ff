package dev.offboarding.worker.execute;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Confirms users compromised in Identity Protection, many per request, and reads them back with
 * paged list reads. Users of every event in flight queue here; one sender at a time takes up to
 * {@link ContainmentWrites#MAX_CONFIRM_USERS} of them per request, so users that arrive while a
 * request waits for its turn under the {@link IdentityProtectionLimit} go in the next one. A
 * confirmation Graph accepted is read back from {@code riskyUsers} (one list read answers every
 * user waiting for it, each page under the same limit), up to {@code reads} times before it is
 * reported UNVERIFIED. Each request passes the tenant's write budget too. A batch refused with 400
 * (Graph refuses a whole batch for one unknown id) is sent again one user at a time, so one deleted
 * user cannot fail the others. Thread-safe; the sender is a virtual thread started on demand.
 */
final class RiskConfirmations {
  /** Reads of a confirmation before it is reported unverified. */
  public static final int DEFAULT_READS = 3;

  private final ContainmentWrites writes;
  private final IdentityProtectionLimit limit;
  private final WriteBudget budget;
  private final Retries retryPolicy;
  private final Sleeper sleeper;
  private final Clock clock;
  private final int reads;

  private final Deque<Request> pending = new ArrayDeque<>();
  private final List<Request> verifying = new ArrayList<>();
  private boolean sending;

  /** Confirmations read back up to {@value #DEFAULT_READS} times before they are UNVERIFIED. */
  RiskConfirmations(
      ContainmentWrites writes,
      IdentityProtectionLimit limit,
      WriteBudget budget,
      Retries retryPolicy,
      Sleeper sleeper,
      Clock clock) {
    this(writes, limit, budget, retryPolicy, sleeper, clock, DEFAULT_READS);
  }

  RiskConfirmations(
      ContainmentWrites writes,
      IdentityProtectionLimit limit,
      WriteBudget budget,
      Retries retryPolicy,
      Sleeper sleeper,
      Clock clock,
      int reads) {
    this.writes = Objects.requireNonNull(writes, "writes");
    this.limit = Objects.requireNonNull(limit, "limit");
    this.budget = Objects.requireNonNull(budget, "budget");
    this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (reads < 1) {
      throw new IllegalArgumentException("reads must be >= 1");
    }
    this.reads = reads;
  }

  private static final class Request {
    final String userId;
    final boolean urgent;
    final boolean verify;
    final Instant started;
    final CompletableFuture<ActionResult> done = new CompletableFuture<>();
    ActionResult accepted;
    int readsMade;
    String lastSeen;

    Request(String userId, boolean urgent, boolean verify, Instant started) {
      this.userId = userId;
      this.urgent = urgent;
      this.verify = verify;
      this.started = started;
    }
  }

  /**
   * Confirms the user compromised with whoever else is waiting, and, when {@code verify}, reads it
   * back; blocks until its result is known.
   */
  public ActionResult confirm(String userId, boolean urgent, boolean verify)
      throws InterruptedException {
    Request request = new Request(userId, urgent, verify, clock.instant());
    boolean start;
    synchronized (this) {
      pending.add(request);
      start = !sending;
      sending = true;
    }
    if (start) {
      Thread.ofVirtual().name("risk-confirmations").start(this::send);
    }
    try {
      return request.done.get();
    } catch (ExecutionException e) {
      return ActionResult.failed(
          Action.CONFIRM_COMPROMISED,
          TargetOutcome.FAILED,
          0,
          null,
          request.started,
          clock.instant(),
          "InternalError",
          GovernedWrites.truncate(String.valueOf(e.getCause())));
    }
  }

  /** The sender: batches while users wait, read-backs while confirmations wait, then it ends. */
  private void send() {
    try {
      while (true) {
        boolean confirming;
        boolean urgent;
        synchronized (this) {
          confirming = !pending.isEmpty();
          urgent = pending.stream().anyMatch(r -> r.urgent);
        }
        if (confirming) {
          // The request's turn first, then a moment more: users of the event still on their way
          // from their revoke join this request instead of waiting a second for the next.
          budget.acquire(urgent);
          limit.acquire();
          limit.linger();
        }
        List<Request> batch = new ArrayList<>();
        List<Request> toRead;
        synchronized (this) {
          while (!pending.isEmpty() && batch.size() < ContainmentWrites.MAX_CONFIRM_USERS) {
            batch.add(pending.poll());
          }
          toRead = batch.isEmpty() ? List.copyOf(verifying) : List.of();
          if (batch.isEmpty() && toRead.isEmpty()) {
            sending = false;
            return;
          }
        }
        if (!batch.isEmpty()) {
          sendBatch(batch, confirming);
        } else {
          readBack(toRead);
        }
      }
    } catch (InterruptedException | RuntimeException e) {
      failEverything(
          e instanceof InterruptedException ? "Interrupted" : "InternalError", String.valueOf(e));
    }
  }

  private void failEverything(String code, String why) {
    List<Request> left;
    synchronized (this) {
      left = new ArrayList<>(pending);
      left.addAll(verifying);
      pending.clear();
      verifying.clear();
      sending = false;
    }
    for (Request r : left) {
      r.done.complete(
          ActionResult.failed(
              Action.CONFIRM_COMPROMISED,
              TargetOutcome.FAILED,
              0,
              null,
              r.started,
              clock.instant(),
              code,
              GovernedWrites.truncate(why)));
    }
  }

  /**
   * @param turnTaken whether the first attempt's write budget and Identity Protection turn are
   *     taken already
   */
  private void sendBatch(List<Request> batch, boolean turnTaken) throws InterruptedException {
    boolean urgent = batch.stream().anyMatch(r -> r.urgent);
    List<String> ids = batch.stream().map(r -> r.userId).distinct().toList();
    RetryLoop.run(
        retryPolicy,
        sleeper,
        new RetryLoop.Call<Void>() {
          @Override
          public Optional<Void> beforeAttempt(int attemptsMade) throws InterruptedException {
            if (attemptsMade > 0 || !turnTaken) {
              budget.acquire(urgent);
              limit.acquire();
            }
            return Optional.empty();
          }

          @Override
          public Void attempt(int attempt) {
            String requestId;
            try {
              requestId = writes.confirmCompromised(ids);
            } finally {
              limit.answered();
            }
            budget.onAccepted();
            accepted(batch, attempt, requestId);
            return null;
          }

          @Override
          public void afterFailure(GraphFailure failure) {
            if (failure.kind() == GraphFailure.Kind.THROTTLED) {
              // Identity Protection's 429 has no Retry-After: its own limit decides, not the write
              // budget.
              limit.onThrottled();
            }
          }

          @Override
          public Void gaveUp(GraphFailure failure, int attempts) throws InterruptedException {
            if (failure.status() == 400 && ids.size() > 1) {
              for (Request r : batch) {
                sendBatch(List.of(r), false);
              }
              return null;
            }
            batch.forEach(r -> r.done.complete(failed(failure, attempts, r.started)));
            return null;
          }
        });
  }

  /** Graph accepted the batch: its users are done, or wait for their read-back. */
  private void accepted(List<Request> batch, int attempts, String requestId) {
    Instant at = clock.instant();
    synchronized (this) {
      for (Request r : batch) {
        r.accepted =
            ActionResult.succeeded(Action.CONFIRM_COMPROMISED, attempts, requestId, r.started, at);
        if (r.verify) {
          verifying.add(r);
        }
      }
    }
    batch.stream().filter(r -> !r.verify).forEach(r -> r.done.complete(r.accepted));
  }

  private ActionResult failed(GraphFailure failure, int attempts, Instant started) {
    if (failure.isTransient()) {
      return ActionResult.failed(
          Action.CONFIRM_COMPROMISED,
          TargetOutcome.FAILED,
          attempts,
          failure.requestId(),
          started,
          clock.instant(),
          Executor.RETRIES_EXHAUSTED,
          GovernedWrites.truncate(
              "gave up after " + attempts + " attempts; last: " + failure.getMessage()));
    }
    String message =
        failure.kind() == GraphFailure.Kind.FORBIDDEN
            ? "Identity Protection refused the confirmation (it needs an Entra ID P2 licence and"
                + " IdentityRiskyUser.ReadWrite.All): "
                + failure.getMessage()
            : failure.getMessage();
    return ActionResult.failed(
        Action.CONFIRM_COMPROMISED,
        GovernedWrites.outcomeOf(failure),
        attempts,
        failure.requestId(),
        started,
        clock.instant(),
        failure.errorCode(),
        GovernedWrites.truncate(message));
  }

  private void readBack(List<Request> toRead) throws InterruptedException {
    Map<String, ContainmentWrites.Risk> seen;
    String failedWith = null;
    // Each page waits for an interval after the previous page's answer.
    boolean[] first = {true};
    ContainmentWrites.Pace pace =
        () -> {
          if (!first[0]) {
            limit.answered();
          }
          first[0] = false;
          limit.acquire();
        };
    try {
      seen =
          writes.confirmedCompromised(toRead.stream().map(r -> r.userId).distinct().toList(), pace);
    } catch (GraphFailure failure) {
      if (failure.kind() == GraphFailure.Kind.THROTTLED) {
        limit.onThrottled();
      }
      seen = Map.of();
      failedWith = "read-back failed: " + failure.getMessage();
    } finally {
      limit.answered();
    }
    List<Request> finished = new ArrayList<>();
    for (Request r : toRead) {
      ContainmentWrites.Risk risk = seen.get(r.userId);
      r.readsMade++;
      if (risk != null && "confirmedCompromised".equals(risk.riskState())) {
        r.done.complete(
            r.accepted.withContainmentVerification(
                true,
                null,
                risk.riskState(),
                known(risk.riskLevel(), ActionResult.RISK_LEVELS),
                null));
        finished.add(r);
        continue;
      }
      if (risk != null) {
        r.lastSeen = risk.riskState();
      }
      if (r.readsMade >= reads) {
        String why =
            failedWith != null
                ? failedWith
                : (r.lastSeen == null
                        ? "Identity Protection does not list the user as confirmed compromised"
                        : "riskState is " + r.lastSeen)
                    + " after "
                    + r.readsMade
                    + " read(s)";
        r.done.complete(
            r.accepted.withContainmentVerification(
                false,
                null,
                known(r.lastSeen, ActionResult.RISK_STATES),
                null,
                GovernedWrites.truncate(why)));
        finished.add(r);
      }
    }
    synchronized (this) {
      verifying.removeAll(finished);
    }
  }

  private static String known(String value, java.util.Set<String> values) {
    return value != null && values.contains(value) ? value : null;
  }
}
