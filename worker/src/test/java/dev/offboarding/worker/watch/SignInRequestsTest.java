package dev.offboarding.worker.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The reporting API's window: five requests go at once, the sixth waits for the first to leave it.
 */
class SignInRequestsTest {
  static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void letsFiveGoAtOnceAndTheSixthWaitUntilTheFirstLeftTheWindow() {
    SignInRequests r = SignInRequests.EMPTY;
    for (int i = 0; i < SignInRequests.LIMIT; i++) {
      assertEquals(Duration.ZERO, r.wait(T.plusSeconds(i)));
      r = r.with(T.plusSeconds(i));
    }

    assertEquals(Duration.ofSeconds(6), r.wait(T.plusSeconds(4)));
    assertEquals(Duration.ZERO, r.wait(T.plusSeconds(10)));
    assertEquals(SignInRequests.LIMIT, r.with(T.plusSeconds(10)).times().size());
  }

  @Test
  void countsARequestAnotherReplicaRememberedInTheFutureFromNow() {
    SignInRequests r = SignInRequests.EMPTY;
    for (int i = 0; i < SignInRequests.LIMIT; i++) {
      r = r.with(T.plusSeconds(60));
    }

    assertEquals(SignInRequests.WINDOW, r.wait(T));
  }
}
