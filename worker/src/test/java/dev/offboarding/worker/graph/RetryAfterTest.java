package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  final Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void readsWholeSeconds() {
    assertEquals(Optional.of(Duration.ofSeconds(10)), RetryAfter.parse("10", clock));
  }

  @Test
  void readsFractionalSecondsRoundingUpToTheMillisecond() {
    assertEquals(Optional.of(Duration.ofMillis(2128)), RetryAfter.parse("2.128", clock));
    assertEquals(Optional.of(Duration.ofMillis(1)), RetryAfter.parse("0.0001", clock));
  }

  @Test
  void readsAnHttpDateRelativeToNow() {
    assertEquals(
        Optional.of(Duration.ofSeconds(30)),
        RetryAfter.parse("Fri, 27 Nov 2026 10:00:30 GMT", clock));
  }

  @Test
  void treatsADateInThePastAsNoWait() {
    assertEquals(
        Optional.of(Duration.ZERO), RetryAfter.parse("Fri, 27 Nov 2026 09:00:00 GMT", clock));
  }

  @Test
  void readsHugeValuesAsLongWaitsWithoutOverflowing() {
    // Capped by whoever waits (RetryPolicy's maxWait, the governor's maximum pause), never wrapped.
    assertEquals(
        Optional.of(Duration.ofMillis(Long.MAX_VALUE)),
        RetryAfter.parse("99999999999999999999", clock));
    assertEquals(Optional.of(Duration.ofMillis(Long.MAX_VALUE)), RetryAfter.parse("1e300", clock));
    assertEquals(
        Optional.of(
            Duration.between(
                Instant.parse("2026-11-27T10:00:00Z"), Instant.parse("9999-12-31T23:59:59Z"))),
        RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", clock));
  }

  @Test
  void ignoresValuesItCannotRead() {
    assertEquals(Optional.empty(), RetryAfter.parse("soon", clock));
    assertEquals(Optional.empty(), RetryAfter.parse("-5", clock));
    assertEquals(Optional.empty(), RetryAfter.parse("-1e300", clock));
    assertEquals(Optional.empty(), RetryAfter.parse("Infinity", clock));
    assertEquals(Optional.empty(), RetryAfter.parse("NaN", clock));
    assertEquals(Optional.empty(), RetryAfter.parse("", clock));
    assertEquals(Optional.empty(), RetryAfter.parse(null, clock));
  }
}
