package dev.offboarding.worker.testing;

import dev.offboarding.worker.execute.AccountWrites;
import dev.offboarding.worker.tenant.GraphFailure;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Records every write attempt; failures can be scripted per user, one per attempt. */
public final class RecordingWrites implements AccountWrites {
  public final List<String> attempts = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Deque<GraphFailure>> scripted = new HashMap<>();

  public synchronized void failNext(String kindAndUser, GraphFailure... failures) {
    scripted.computeIfAbsent(kindAndUser, k -> new ArrayDeque<>()).addAll(List.of(failures));
  }

  public synchronized void failAlways(String kindAndUser, GraphFailure failure) {
    Deque<GraphFailure> many = new ArrayDeque<>();
    for (int i = 0; i < 100; i++) {
      many.add(failure);
    }
    scripted.put(kindAndUser, many);
  }

  @Override
  public String disableAccount(String userId) {
    return attempt("disable:" + userId);
  }

  @Override
  public String revokeSignInSessions(String userId) {
    return attempt("revoke:" + userId);
  }

  @Override
  public String enableAccount(String userId) {
    return attempt("enable:" + userId);
  }

  private String attempt(String key) {
    attempts.add(key);
    GraphFailure next;
    synchronized (this) {
      Deque<GraphFailure> q = scripted.get(key);
      next = q == null ? null : q.poll();
    }
    if (next != null) {
      throw next;
    }
    return "req-" + attempts.size();
  }

  public List<String> attemptsFor(String key) {
    synchronized (attempts) {
      return attempts.stream().filter(key::equals).toList();
    }
  }

  public static GraphFailure status(int status) {
    return switch (status) {
      case 404 ->
          new GraphFailure(
              GraphFailure.Kind.NOT_FOUND,
              404,
              "Request_ResourceNotFound",
              "gone",
              "r404",
              null,
              null);
      case 403 ->
          new GraphFailure(
              GraphFailure.Kind.FORBIDDEN,
              403,
              "Authorization_RequestDenied",
              "denied",
              "r403",
              null,
              null);
      case 503 ->
          new GraphFailure(
              GraphFailure.Kind.UNAVAILABLE, 503, "ServiceUnavailable", "busy", "r503", null, null);
      case 400 ->
          new GraphFailure(GraphFailure.Kind.OTHER, 400, "BadRequest", "bad", "r400", null, null);
      default -> throw new IllegalArgumentException("no canned failure for " + status);
    };
  }

  public static GraphFailure throttled(java.time.Duration retryAfter) {
    return new GraphFailure(
        GraphFailure.Kind.THROTTLED, 429, "TooManyRequests", "slow down", "r429", retryAfter, null);
  }
}
