package dev.offboarding.worker.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.testkit.ManualClock;
import dev.offboarding.worker.metrics.Metrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IntakeBackoffTest {
  private final ManualClock clock = ManualClock.startingAt("2026-11-27T09:00:00Z");
  private final Metrics metrics = new Metrics();
  private final IntakeBackoff backoff =
      new IntakeBackoff(
          new IntakeBackoff.Policy(
              Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMinutes(15)),
          clock,
          metrics);

  @Test
  void doublesThePauseWithEachConsecutiveFailureUpToTheCap() {
    IntakeBackoff.Policy policy = backoff.policy();

    assertEquals(Duration.ofSeconds(1), policy.pause(1));
    assertEquals(Duration.ofSeconds(2), policy.pause(2));
    assertEquals(Duration.ofSeconds(4), policy.pause(3));
    assertEquals(Duration.ofSeconds(8), policy.pause(4));
    assertEquals(Duration.ofSeconds(8), policy.pause(40));
  }

  @Test
  void pausesIntakeWithJitterBelowThePolicyDelay() {
    Duration pause = backoff.onTransientFailure();

    assertTrue(backoff.paused());
    assertTrue(
        pause.compareTo(Duration.ofMillis(800)) >= 0 && pause.compareTo(Duration.ofSeconds(1)) <= 0,
        pause.toString());
    assertEquals(1.0, metrics.gauge(Metrics.INTAKE_PAUSED));
    assertEquals(1, metrics.count(Metrics.INTAKE_PAUSES));
  }

  @Test
  void countsFailuresDuringOnePauseOnce() {
    backoff.onTransientFailure();
    backoff.onTransientFailure();
    backoff.onTransientFailure();

    assertEquals(1, backoff.failures());
  }

  @Test
  void growsThePauseWhenFailuresContinueAfterIt() {
    backoff.onTransientFailure();
    clock.advance(Duration.ofSeconds(2));

    Duration second = backoff.onTransientFailure();

    assertEquals(2, backoff.failures());
    assertTrue(second.compareTo(Duration.ofMillis(1600)) >= 0, second.toString());
  }

  @Test
  void resumesAndForgetsFailuresOnTheFirstSuccess() throws InterruptedException {
    backoff.onTransientFailure();

    backoff.onSuccess();
    backoff.awaitOpen();

    assertFalse(backoff.paused());
    assertEquals(0, backoff.failures());
    assertEquals(0.0, metrics.gauge(Metrics.INTAKE_PAUSED));
  }

  @Test
  void letsWaitersGoAtOnceWhenClosed() throws InterruptedException {
    backoff.onTransientFailure();

    backoff.close();
    backoff.awaitOpen();

    assertTrue(backoff.paused());
  }
}
