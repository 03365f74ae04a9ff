package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteBudgetTest extends FakeGraphTestSupport {

  private FakeTenant tenant;

  private GraphClient serveWithBudget(
      int writes, Duration window, FakeGraphOptions.RetryAfterFormat format) {
    tenant = new FakeTenant();
    for (int i = 0; i < 10; i++) {
      tenant.addUser("u" + i + "@contoso.com");
    }
    return client(
        serve(
            tenant,
            FakeGraphOptions.builder().writeBudget(writes, window).retryAfterFormat(format)));
  }

  private static GraphClient.Reply revoke(GraphClient graph, int user) {
    return graph.post("/users/u" + user + "@contoso.com/revokeSignInSessions", null);
  }

  @Test
  void throttlesTheWriteAfterTheBurstWithWholeSecondsUntilATokenIsBack() {
    GraphClient graph =
        serveWithBudget(3, Duration.ofSeconds(150), FakeGraphOptions.RetryAfterFormat.SECONDS);
    for (int i = 0; i < 3; i++) {
      assertEquals(200, revoke(graph, i).status());
    }

    GraphClient.Reply throttled = revoke(graph, 3);

    assertEquals(429, throttled.status());
    assertEquals("TooManyRequests", throttled.errorCode());
    assertEquals("50", throttled.header("Retry-After"));
    assertEquals("WriteLimitExceeded", throttled.header("x-ms-throttle-information"));
    assertEquals(
        FakeUser.DEFAULT_SESSIONS_VALID_FROM,
        tenant.requireUser("u3@contoso.com").signInSessionsValidFromDateTime());
  }

  @Test
  void warnsOnceMoreThanEightyPercentOfTheBudgetIsUsedAsGraphDoes() {
    // 10 writes per 150 s in a bucket of 10: the eighth write leaves 2 of 10, 80 % used.
    GraphClient graph =
        serveWithBudget(10, Duration.ofSeconds(150), FakeGraphOptions.RetryAfterFormat.SECONDS);
    List<String> warnings = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      GraphClient.Reply reply = revoke(graph, i);
      assertEquals(200, reply.status());
      warnings.add(reply.header("x-ms-throttle-limit-percentage"));
    }

    GraphClient.Reply throttled = revoke(graph, 0);

    assertEquals(
        java.util.Arrays.asList(null, null, null, null, null, null, null, null, "0.90", "1.00"),
        warnings);
    assertEquals(429, throttled.status());
    // One write of the last second's eleven refused: 1 + 1/11, as "1.2 = 20 % throttled" reads.
    assertEquals("1.09", throttled.header("x-ms-throttle-limit-percentage"));
  }

  @Test
  void acceptsWritesAgainOnceTheClockHasRefilledTheBucket() {
    GraphClient graph =
        serveWithBudget(3, Duration.ofSeconds(150), FakeGraphOptions.RetryAfterFormat.SECONDS);
    for (int i = 0; i < 3; i++) {
      revoke(graph, i);
    }
    assertEquals(429, revoke(graph, 3).status());

    clock.advance(Duration.ofSeconds(49));
    GraphClient.Reply early = revoke(graph, 3);
    clock.advance(Duration.ofSeconds(1));
    GraphClient.Reply onTime = revoke(graph, 3);

    assertEquals(429, early.status());
    assertEquals("1", early.header("Retry-After"));
    assertEquals(200, onTime.status());
  }

  @Test
  void writesRetryAfterAsFractionalSecondsRoundedUp() {
    GraphClient graph =
        serveWithBudget(
            3, Duration.ofSeconds(10), FakeGraphOptions.RetryAfterFormat.FRACTIONAL_SECONDS);
    for (int i = 0; i < 3; i++) {
      revoke(graph, i);
    }

    GraphClient.Reply throttled = revoke(graph, 3);

    assertEquals(429, throttled.status());
    assertEquals("3.334", throttled.header("Retry-After"));
  }

  @Test
  void writesRetryAfterAsAnHttpDate() {
    GraphClient graph =
        serveWithBudget(3, Duration.ofSeconds(10), FakeGraphOptions.RetryAfterFormat.HTTP_DATE);
    for (int i = 0; i < 3; i++) {
      revoke(graph, i);
    }

    GraphClient.Reply throttled = revoke(graph, 3);

    Instant expected = Instant.parse(START).plusSeconds(4);
    assertEquals(
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.ofInstant(expected, ZoneOffset.UTC)),
        throttled.header("Retry-After"));
    assertEquals("Fri, 27 Nov 2026 09:00:04 GMT", throttled.header("Retry-After"));
  }

  @Test
  void countsThrottledWritesAsNotWritten() {
    FakeGraphServer server;
    tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    server = serve(tenant, FakeGraphOptions.builder().writeBudget(1, Duration.ofSeconds(150)));
    GraphClient graph = client(server);

    graph.post("/users/alice@contoso.com/revokeSignInSessions", null);
    GraphClient.Reply throttled =
        graph.patch("/users/alice@contoso.com", "{\"accountEnabled\":false}");

    assertEquals(429, throttled.status());
    assertTrue(tenant.requireUser(alice.id()).accountEnabled());
    assertEquals(List.of(200, 429), server.writeLog().stream().map(WriteRecord::status).toList());
    assertEquals(1, server.stats().writesAccepted());
    assertEquals(1, server.stats().throttled());
    assertEquals(1, server.stats().responses(429));
  }

  @Test
  void neverChargesReadsToTheWriteBudget() {
    GraphClient graph =
        serveWithBudget(1, Duration.ofSeconds(150), FakeGraphOptions.RetryAfterFormat.SECONDS);
    for (int i = 0; i < 5; i++) {
      assertEquals(200, graph.get("/users/u0@contoso.com").status());
    }

    GraphClient.Reply write = revoke(graph, 0);

    assertEquals(200, write.status());
  }

  @Test
  void chargesWritesToUnknownUsersLikeGraphDoes() {
    GraphClient graph =
        serveWithBudget(1, Duration.ofSeconds(150), FakeGraphOptions.RetryAfterFormat.SECONDS);

    GraphClient.Reply missing = graph.post("/users/ghost@contoso.com/revokeSignInSessions", null);
    GraphClient.Reply next = revoke(graph, 0);

    assertEquals(404, missing.status());
    assertEquals(429, next.status());
  }

  @Test
  void refillsContinuouslyButNeverBeyondTheBurst() {
    ManualClock time = ManualClock.startingAt(START);
    WriteBudget budget = new WriteBudget(time, 20, Duration.ofSeconds(1), 5);
    for (int i = 0; i < 5; i++) {
      assertEquals(Duration.ZERO, budget.tryAcquire());
    }
    assertEquals(Duration.ofMillis(50), budget.tryAcquire());

    time.advance(Duration.ofMillis(25));
    Duration halfway = budget.tryAcquire();
    time.advance(Duration.ofHours(1));

    assertEquals(Duration.ofMillis(25), halfway);
    assertEquals(5.0, budget.available());
  }

  @Test
  void neverThrottlesWhenUnlimited() {
    tenant = new FakeTenant();
    tenant.addUser("alice@contoso.com");
    FakeGraphServer server = serve(tenant, FakeGraphOptions.builder().unlimitedWrites());
    GraphClient graph = client(server);

    for (int i = 0; i < 50; i++) {
      graph.post("/users/alice@contoso.com/revokeSignInSessions", null);
    }

    assertEquals(50, server.stats().writesAccepted());
    assertEquals(0, server.stats().throttled());
  }
}
