package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchTest extends FakeGraphTestSupport {

  private static FakeTenant users(int n) {
    FakeTenant tenant = new FakeTenant();
    for (int i = 0; i < n; i++) {
      tenant.addUser("u" + i + "@contoso.com");
    }
    return tenant;
  }

  private static String revokeItem(String id, String upn) {
    return "{\"id\":\""
        + id
        + "\",\"method\":\"POST\",\"url\":\"/users/"
        + upn
        + "/revokeSignInSessions\"}";
  }

  private static String revokes(int n) {
    return "{\"requests\":["
        + IntStream.range(0, n)
            .mapToObj(i -> revokeItem(String.valueOf(i + 1), "u" + i + "@contoso.com"))
            .collect(Collectors.joining(","))
        + "]}";
  }

  private static Map<String, JsonNode> byId(GraphClient.Reply reply) {
    Map<String, JsonNode> byId = new HashMap<>();
    reply.body().path("responses").forEach(r -> byId.put(r.path("id").asText(), r));
    return byId;
  }

  @Test
  void runsMixedWritesAndReadsAndAnswersEachById() {
    FakeTenant tenant = users(3);
    FakeGraphServer server = serve(tenant);
    String body =
        """
        {"requests":[
          {"id":"disable","method":"PATCH","url":"/users/u0@contoso.com",
           "headers":{"Content-Type":"application/json"},"body":{"accountEnabled":false}},
          {"id":"revoke","method":"POST","url":"users/u0@contoso.com/revokeSignInSessions"},
          {"id":"read","method":"GET","url":"/users/u1@contoso.com?$select=accountEnabled"},
          {"id":"missing","method":"POST","url":"/users/ghost@contoso.com/revokeSignInSessions"}]}""";

    GraphClient.Reply reply = client(server).batch(body);

    assertEquals(200, reply.status());
    Map<String, JsonNode> responses = byId(reply);
    assertEquals(204, responses.get("disable").path("status").asInt());
    assertFalse(responses.get("disable").has("body"));
    assertEquals(200, responses.get("revoke").path("status").asInt());
    assertTrue(responses.get("revoke").path("body").path("value").asBoolean());
    assertTrue(responses.get("read").path("body").path("accountEnabled").asBoolean());
    assertEquals(404, responses.get("missing").path("status").asInt());
    assertEquals(
        "Request_ResourceNotFound",
        responses.get("missing").path("body").path("error").path("code").asText());
    assertFalse(tenant.requireUser("u0@contoso.com").accountEnabled());
    assertTrue(server.writeLog().stream().allMatch(WriteRecord::inBatch));
    assertEquals(3, server.writeLog().size());
    assertEquals(1, server.stats().responses(200));
    assertEquals(
        4, server.stats().batchItemsByStatus().values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void recordsEachInnerWriteUnderTheRequestIdOfItsInnerResponse() {
    FakeGraphServer server = serve(users(2));

    GraphClient.Reply reply = client(server).batch(revokes(2));

    Map<String, JsonNode> responses = byId(reply);
    List<String> innerIds =
        List.of(
            responses.get("1").path("headers").path("request-id").asText(),
            responses.get("2").path("headers").path("request-id").asText());
    assertEquals(
        innerIds.stream().sorted().toList(),
        server.writeLog().stream().map(WriteRecord::requestId).sorted().toList());
  }

  @Test
  void throttlesInnerWritesIndividuallyWithRetryAfterInTheirHeaders() {
    FakeTenant tenant = users(20);
    FakeGraphServer server =
        serve(tenant, FakeGraphOptions.builder().writeBudget(15, Duration.ofSeconds(150)));

    GraphClient.Reply reply = client(server).batch(revokes(20));

    assertEquals(200, reply.status());
    List<JsonNode> throttled =
        byId(reply).values().stream().filter(r -> r.path("status").asInt() == 429).toList();
    assertEquals(5, throttled.size());
    throttled.forEach(
        r -> {
          assertEquals("10", r.path("headers").path("Retry-After").asText());
          assertEquals("TooManyRequests", r.path("body").path("error").path("code").asText());
        });
    assertEquals(15, server.stats().writesAccepted());
    assertEquals(5, server.stats().throttled());
  }

  @Test
  void answersItemsInAnOrderOtherThanTheRequestsWhenShuffling() {
    GraphClient graph =
        client(serve(users(20), FakeGraphOptions.builder().seed(3).shuffleBatchResponses(true)));

    GraphClient.Reply reply = graph.batch(revokes(20));

    List<String> order =
        IntStream.range(0, 20)
            .mapToObj(i -> reply.body().path("responses").get(i).path("id").asText())
            .toList();
    assertEquals(20, order.size());
    assertFalse(order.equals(IntStream.rangeClosed(1, 20).mapToObj(String::valueOf).toList()));
  }

  @Test
  void rejectsMoreThanTwentyRequests() {
    FakeGraphServer server = serve(users(21));

    GraphClient.Reply reply = client(server).batch(revokes(21));

    assertEquals(400, reply.status());
    assertEquals("BadRequest", reply.errorCode());
    assertTrue(server.writeLog().isEmpty());
  }

  @Test
  void rejectsIdsThatRepeatIgnoringCase() {
    GraphClient graph = client(serve(users(2)));

    GraphClient.Reply reply =
        graph.batch(
            "{\"requests\":["
                + revokeItem("a", "u0@contoso.com")
                + ","
                + revokeItem("A", "u1@contoso.com")
                + "]}");

    assertEquals(400, reply.status());
  }

  @Test
  void rejectsMalformedBatches() {
    GraphClient graph = client(serve(users(1)));

    List<Integer> statuses =
        List.of(
            graph.batch("not json").status(),
            graph.batch("{\"requests\":{}}").status(),
            graph.batch("{\"requests\":[]}").status(),
            graph.batch("{\"requests\":[{\"method\":\"GET\",\"url\":\"/users\"}]}").status(),
            graph
                .batch(
                    "{\"requests\":[{\"id\":\"1\",\"method\":\"PATCH\",\"url\":\"/users/u0@contoso.com\","
                        + "\"body\":{\"accountEnabled\":false}}]}")
                .status(),
            graph
                .batch(
                    "{\"requests\":[{\"id\":\"1\",\"method\":\"GET\",\"url\":\"/users\",\"dependsOn\":[\"2\"]}]}")
                .status());

    assertEquals(List.of(400, 400, 400, 400, 400, 400), statuses);
  }

  @Test
  void failsDependentsOfAFailedRequestWith424() {
    GraphClient graph = client(serve(users(1)));
    String body =
        """
        {"requests":[
          {"id":"1","method":"POST","url":"/users/ghost@contoso.com/revokeSignInSessions"},
          {"id":"2","method":"POST","url":"/users/u0@contoso.com/revokeSignInSessions","dependsOn":["1"]}]}""";

    GraphClient.Reply reply = graph.batch(body);

    assertEquals(424, byId(reply).get("2").path("status").asInt());
  }

  @Test
  void refusesANestedBatchAndAbsoluteUrlsPerItem() {
    GraphClient graph = client(serve(users(1)));
    String body =
        """
        {"requests":[
          {"id":"1","method":"POST","url":"/$batch","headers":{"Content-Type":"application/json"},"body":{"requests":[]}},
          {"id":"2","method":"GET","url":"https://graph.microsoft.com/v1.0/users"},
          {"id":"3","method":"GET","url":"/users/u0@contoso.com"}]}""";

    GraphClient.Reply reply = graph.batch(body);

    Map<String, JsonNode> responses = byId(reply);
    assertEquals(400, responses.get("1").path("status").asInt());
    assertEquals(400, responses.get("2").path("status").asInt());
    assertEquals(200, responses.get("3").path("status").asInt());
  }

  @Test
  void pointsNextLinksOfInnerReadsAtThisServer() {
    FakeTenant tenant = new FakeTenant();
    FakeGroup group = tenant.addLargeGroup("Batch Read", 10, 1, 1);
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);

    GraphClient.Reply reply =
        graph.batch(
            "{\"requests\":[{\"id\":\"1\",\"method\":\"GET\",\"url\":\"/groups/"
                + group.id()
                + "/transitiveMembers/microsoft.graph.user?$top=4\"}]}");

    String next = byId(reply).get("1").path("body").path("@odata.nextLink").asText();
    assertTrue(next.startsWith(server.baseUrl() + "/groups/"), next);
    assertEquals(4, graph.get(next).body().path("value").size());
  }
}
