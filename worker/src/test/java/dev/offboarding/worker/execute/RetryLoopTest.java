package dev.offboarding.worker.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one retry loop: attempts count on from those made before, waits go through the injected
 * sleeper for as long as the policy says, the call's own hooks decide what a turn, a failure and
 * giving up mean, and an interrupt while waiting ends the call.
 */
class RetryLoopTest {
  private static final GraphFailure THROTTLED =
      new GraphFailure(
          GraphFailure.Kind.THROTTLED,
          429,
          "TooManyRequests",
          "HTTP 429",
          "req-429",
          Duration.ofSeconds(7),
          null);
  private static final GraphFailure UNAVAILABLE =
      new GraphFailure(
          GraphFailure.Kind.UNAVAILABLE,
          503,
          "ServiceUnavailable",
          "HTTP 503",
          "req-503",
          null,
          null);
  private static final GraphFailure NOT_FOUND =
      new GraphFailure(
          GraphFailure.Kind.NOT_FOUND,
          404,
          "Request_ResourceNotFound",
          "HTTP 404",
          "req-404",
          null,
          null);

  private final RetryPolicy policy =
      new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(2));
  private final List<Duration> waits = new ArrayList<>();
  private final Sleeper sleeper = waits::add;

  /** A call whose attempts fail with {@code failures} in turn, then succeed. */
  private static class Scripted implements RetryLoop.Call<String> {
    final List<GraphFailure> failures;
    final List<Integer> attempts = new ArrayList<>();
    final List<Integer> turns = new ArrayList<>();
    final List<GraphFailure> told = new ArrayList<>();

    Scripted(GraphFailure... failures) {
      this.failures = new ArrayList<>(List.of(failures));
    }

    @Override
    public Optional<String> beforeAttempt(int attemptsMade) {
      turns.add(attemptsMade);
      return Optional.empty();
    }

    @Override
    public String attempt(int attempt) {
      attempts.add(attempt);
      if (!failures.isEmpty()) {
        throw failures.removeFirst();
      }
      return "accepted on attempt " + attempt;
    }

    @Override
    public void afterFailure(GraphFailure failure) {
      told.add(failure);
    }

    @Override
    public String gaveUp(GraphFailure failure, int attempts) {
      return "gave up after " + attempts + ": " + failure.errorCode();
    }
  }

  @Test
  void attemptsCountOnFromThoseMadeBeforeAndEachWaitGoesThroughTheSleeper() throws Exception {
    Scripted call = new Scripted(THROTTLED, THROTTLED);

    String result = RetryLoop.run(policy, sleeper, 2, call);

    assertEquals("accepted on attempt 5", result);
    assertEquals(List.of(3, 4, 5), call.attempts);
    assertEquals(List.of(2, 3, 4), call.turns);
    assertEquals(List.of(THROTTLED, THROTTLED), call.told);
    assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(7)), waits);
  }

  @Test
  void whenThePolicyGivesUpTheCallTurnsTheLastFailureIntoItsResult() throws Exception {
    Scripted call = new Scripted(UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, UNAVAILABLE);

    String result = RetryLoop.run(policy, sleeper, call);

    assertEquals("gave up after 3: ServiceUnavailable", result);
    assertEquals(List.of(1, 2, 3), call.attempts);
    assertEquals(3, call.told.size());
    assertEquals(2, waits.size(), "no wait after the last attempt");
  }

  @Test
  void aFinalFailureIsNeitherWaitedForNorTriedAgain() throws Exception {
    Scripted call = new Scripted(NOT_FOUND);

    String result = RetryLoop.run(policy, sleeper, call);

    assertEquals("gave up after 1: Request_ResourceNotFound", result);
    assertEquals(List.of(1), call.attempts);
    assertEquals(List.of(), waits);
  }

  @Test
  void aTurnRefusedEndsTheCallWithTheCallsOwnResultAndNoAttempt() throws Exception {
    Scripted call =
        new Scripted(UNAVAILABLE) {
          @Override
          public Optional<String> beforeAttempt(int attemptsMade) {
            turns.add(attemptsMade);
            return attemptsMade == 0 ? Optional.empty() : Optional.of("not sent: Graph is down");
          }
        };

    String result = RetryLoop.run(policy, sleeper, call);

    assertEquals("not sent: Graph is down", result);
    assertEquals(List.of(1), call.attempts);
    assertEquals(List.of(0, 1), call.turns);
  }

  @Test
  void anInterruptWhileWaitingEndsTheCallWithoutAnotherAttempt() {
    Scripted call = new Scripted(THROTTLED);
    InterruptedException interrupt = new InterruptedException("stopping");

    InterruptedException thrown =
        assertThrows(
            InterruptedException.class,
            () ->
                RetryLoop.run(
                    policy,
                    d -> {
                      throw interrupt;
                    },
                    call));

    assertSame(interrupt, thrown);
    assertEquals(List.of(1), call.attempts);
  }

  @Test
  void anExceptionOtherThanAGraphFailureEndsTheCallAsItIs() {
    Scripted call =
        new Scripted() {
          @Override
          public String attempt(int attempt) {
            attempts.add(attempt);
            throw new IllegalStateException("a bug");
          }
        };

    assertThrows(IllegalStateException.class, () -> RetryLoop.run(policy, sleeper, call));
    assertEquals(List.of(1), call.attempts);
    assertEquals(List.of(), call.told);
  }
}
