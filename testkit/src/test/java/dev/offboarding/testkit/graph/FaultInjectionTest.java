package dev.offboarding.testkit.graph;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FaultInjectionTest extends FakeGraphTestSupport {

  private FakeTenant tenant() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser("alice@contoso.com");
    tenant.addUser("bob@contoso.com");
    return tenant;
  }

  @Test
  void answersABurstOf503sWithRetryAfterThenRecovers() {
    FakeGraphServer server = serve(tenant());
    GraphClient graph = client(server);
    server.faults().serviceUnavailable(2, Duration.ofSeconds(7));

    GraphClient.Reply first = graph.get("/users/alice@contoso.com");
    GraphClient.Reply second = graph.post("/users/alice@contoso.com/revokeSignInSessions", null);
    GraphClient.Reply third = graph.get("/users/alice@contoso.com");

    assertEquals(503, first.status());
    assertEquals("ServiceUnavailable", first.errorCode());
    assertEquals("7", first.header("Retry-After"));
    assertEquals(503, second.status());
    assertEquals(200, third.status());
    assertEquals(List.of(), server.writeLog());
  }

  @Test
  void leavesRetryAfterOutOfA503BurstWhenNoneIsGiven() {
    FakeGraphServer server = serve(tenant());
    server.faults().serviceUnavailable(1);

    GraphClient.Reply reply = client(server).get("/users/alice@contoso.com");

    assertEquals(503, reply.status());
    assertNull(reply.header("Retry-After"));
  }

  @Test
  void hitsOnlyWritesWhenScopedToWritesIncludingItemsOfABatch() {
    FakeTenant tenant = tenant();
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    server.faults().serviceUnavailable(2, Duration.ofSeconds(1), Faults.Scope.WRITES);

    GraphClient.Reply read = graph.get("/users/alice@contoso.com");
    GraphClient.Reply batch =
        graph.batch(
            """
        {"requests":[{"id":"1","method":"POST","url":"/users/alice@contoso.com/revokeSignInSessions"},
                     {"id":"2","method":"POST","url":"/users/bob@contoso.com/revokeSignInSessions"},
                     {"id":"3","method":"GET","url":"/users/bob@contoso.com"}]}""");
    GraphClient.Reply after = graph.post("/users/alice@contoso.com/revokeSignInSessions", null);

    assertEquals(200, read.status());
    assertEquals(200, batch.status());
    List<Integer> inner = List.of(status(batch, "1"), status(batch, "2"), status(batch, "3"));
    assertEquals(List.of(503, 503, 200), inner);
    assertEquals(200, after.status());
    assertEquals(
        List.of(503, 503, 200), server.writeLog().stream().map(WriteRecord::status).toList());
  }

  private static int status(GraphClient.Reply batch, String id) {
    for (JsonNode r : batch.body().path("responses")) {
      if (r.path("id").asText().equals(id)) {
        return r.path("status").asInt();
      }
    }
    throw new AssertionError("no response " + id);
  }

  @Test
  void dropsTheConnectionWithoutAResponseThenServesTheNextRequest() throws IOException {
    FakeGraphServer server = serve(tenant());
    GraphClient graph = client(server);
    server.faults().connectionResets(1);

    int bytesBeforeClose = rawGet(server, "/v1.0/users/alice@contoso.com");
    GraphClient.Reply next = graph.get("/users/alice@contoso.com");

    assertEquals(-1, bytesBeforeClose);
    assertEquals(200, next.status());
    assertEquals(1, server.stats().connectionsReset());
  }

  /**
   * Sends a GET on a plain socket (no client retries) and returns the first byte read, -1 on a
   * close.
   */
  private static int rawGet(FakeGraphServer server, String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return socket.getInputStream().read();
    } catch (SocketException reset) {
      return -1;
    }
  }

  @Test
  void resetsOnlyWriteRequestsWhenScopedToWrites() {
    FakeTenant tenant = tenant();
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    server.faults().connectionResets(1, Faults.Scope.WRITES);

    GraphClient.Reply read = graph.get("/users/alice@contoso.com");
    assertThrows(
        Exception.class, () -> graph.post("/users/alice@contoso.com/revokeSignInSessions", null));

    assertEquals(200, read.status());
    assertEquals(
        FakeUser.DEFAULT_SESSIONS_VALID_FROM,
        tenant.requireUser("alice@contoso.com").signInSessionsValidFromDateTime());
    assertTrue(server.writeLog().isEmpty());
  }

  @Test
  void delaysASlowResponseWithoutHoldingUpOtherRequests() {
    FakeGraphServer server = serve(tenant());
    GraphClient graph = client(server);
    server.faults().slowResponses(1, Duration.ofSeconds(3));

    CompletableFuture<GraphClient.Reply> slow = graph.getAsync("/users/alice@contoso.com");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.faults().slowResponsesRemaining() == 0);
    GraphClient.Reply fast = graph.get("/users/bob@contoso.com");
    boolean slowWasStillPending = !slow.isDone();

    assertEquals(200, fast.status());
    assertTrue(slowWasStillPending);
    await().atMost(Duration.ofSeconds(30)).until(slow::isDone);
    assertEquals(200, slow.join().status());
  }

  @Test
  void forcesAStatusForOneUsersWritesAFixedNumberOfTimes() {
    FakeTenant tenant = tenant();
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    String aliceId = tenant.requireUser("alice@contoso.com").id();
    server.faults().forceStatus("Alice@Contoso.com", 500, 1);

    GraphClient.Reply forced = graph.post("/users/" + aliceId + "/revokeSignInSessions", null);
    GraphClient.Reply bob = graph.post("/users/bob@contoso.com/revokeSignInSessions", null);
    GraphClient.Reply again = graph.post("/users/" + aliceId + "/revokeSignInSessions", null);

    assertEquals(500, forced.status());
    assertEquals("InternalServerError", forced.errorCode());
    assertEquals(200, bob.status());
    assertEquals(200, again.status());
    assertEquals(
        List.of(500, 200, 200), server.writeLog().stream().map(WriteRecord::status).toList());
  }

  @Test
  void forcesAThrottleWithRetryAfterUntilCleared() {
    FakeGraphServer server = serve(tenant());
    GraphClient graph = client(server);
    server.faults().forceStatus("bob@contoso.com", 429);

    GraphClient.Reply first = graph.patch("/users/bob@contoso.com", "{\"accountEnabled\":false}");
    GraphClient.Reply second = graph.patch("/users/bob@contoso.com", "{\"accountEnabled\":false}");
    server.faults().clearForcedStatus("bob@contoso.com");
    GraphClient.Reply cleared = graph.patch("/users/bob@contoso.com", "{\"accountEnabled\":false}");

    assertEquals(429, first.status());
    assertEquals("1", first.header("Retry-After"));
    assertEquals(429, second.status());
    assertEquals(204, cleared.status());
  }

  @Test
  void servesEveryRequestUnderTheLatencyModel() {
    FakeGraphServer server =
        serve(
            tenant(),
            FakeGraphOptions.builder()
                .latency(Duration.ofMillis(5), Duration.ofMillis(5))
                .seed(11));
    GraphClient graph = client(server);

    List<CompletableFuture<GraphClient.Reply>> replies =
        java.util.stream.IntStream.range(0, 20)
            .mapToObj(i -> graph.getAsync("/users/alice@contoso.com"))
            .toList();

    replies.forEach(r -> assertEquals(200, r.join().status()));
    assertEquals(20, server.stats().responses(200));
  }

  @Test
  void clearsEveryFault() {
    FakeGraphServer server = serve(tenant());
    GraphClient graph = client(server);
    server.faults().serviceUnavailable(5).connectionResets(5).forceStatus("alice@contoso.com", 403);

    server.faults().clear();

    assertEquals(200, graph.get("/users/alice@contoso.com").status());
    assertEquals(200, graph.post("/users/alice@contoso.com/revokeSignInSessions", null).status());
    assertFalse(server.stats().connectionsReset() > 0);
  }
}
