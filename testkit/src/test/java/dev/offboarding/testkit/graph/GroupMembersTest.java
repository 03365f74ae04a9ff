package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GroupMembersTest extends FakeGraphTestSupport {

  private static final String HP_LEAVERS = "84b18857-3c01-48be-b707-492019c57142";

  /**
   * Every item of every page, following absolute next links; checks each link points at the server.
   */
  private static List<JsonNode> allPages(GraphClient graph, FakeGraphServer server, String first) {
    List<JsonNode> items = new ArrayList<>();
    String next = first;
    int pages = 0;
    while (next != null) {
      GraphClient.Reply page = graph.get(next);
      assertEquals(200, page.status(), page.body().toString());
      page.body().path("value").forEach(items::add);
      JsonNode link = page.body().get("@odata.nextLink");
      next = link == null ? null : link.asText();
      if (next != null) {
        assertTrue(next.startsWith(server.baseUrl() + "/"), next);
        assertTrue(next.contains("$skiptoken="), next);
      }
      pages++;
      assertTrue(pages < 10_000, "next links loop");
    }
    return items;
  }

  private static Map<String, Integer> countByType(JsonNode page) {
    Map<String, Integer> counts = new TreeMap<>();
    page.path("value")
        .forEach(item -> counts.merge(item.path("@odata.type").asText(), 1, Integer::sum));
    return counts;
  }

  @Test
  void listsDirectMembersOfEveryTypeWithTheirODataType() {
    GraphClient graph = client(serve(exampleTenant()));

    GraphClient.Reply reply = graph.get("/groups/" + HP_LEAVERS + "/members");

    assertEquals(200, reply.status());
    assertEquals(
        Map.of(
            "#microsoft.graph.user",
            1,
            "#microsoft.graph.group",
            1,
            "#microsoft.graph.device",
            1,
            "#microsoft.graph.orgContact",
            1,
            "#microsoft.graph.servicePrincipal",
            1),
        countByType(reply.body()));
    assertTrue(reply.body().path("@odata.context").asText().endsWith("#directoryObjects"));
  }

  @Test
  void flattensTransitiveMembersOnceEachAndListsNestedGroupsThemselves() {
    GraphClient graph = client(serve(exampleTenant()));

    GraphClient.Reply reply =
        graph.get("/groups/" + HP_LEAVERS + "/transitiveMembers?$select=id,displayName");

    // alice (also in Shared Desk), bob, carol, o'brien; HP Contractors and Shared Desk; device,
    // contact, app
    assertEquals(
        Map.of(
            "#microsoft.graph.user",
            4,
            "#microsoft.graph.group",
            2,
            "#microsoft.graph.device",
            1,
            "#microsoft.graph.orgContact",
            1,
            "#microsoft.graph.servicePrincipal",
            1),
        countByType(reply.body()));
    List<String> ids = new ArrayList<>();
    reply.body().path("value").forEach(i -> ids.add(i.path("id").asText()));
    assertEquals(ids.size(), new HashSet<>(ids).size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"microsoft.graph.user", "graph.user", "Microsoft.Graph.User"})
  void castsTransitiveMembersToUsersInEveryFormTheSdkMaySend(String cast) {
    GraphClient graph = client(serve(exampleTenant()));

    GraphClient.Reply reply =
        graph.get(
            "/groups/"
                + HP_LEAVERS
                + "/transitiveMembers/"
                + cast
                + "?$select=id,userPrincipalName,accountEnabled&$count=true");

    assertEquals(200, reply.status());
    assertEquals(Map.of("#microsoft.graph.user", 4), countByType(reply.body()));
    assertEquals(4, reply.body().path("@odata.count").asInt());
    assertTrue(reply.body().path("value").get(0).has("accountEnabled"));
    assertTrue(
        reply
            .body()
            .path("@odata.context")
            .asText()
            .endsWith("#users(id,userPrincipalName,accountEnabled)"));
  }

  @Test
  void castsDirectMembersToUsersAndTransitiveMembersToGroups() {
    GraphClient graph = client(serve(exampleTenant()));

    GraphClient.Reply users = graph.get("/groups/" + HP_LEAVERS + "/members/microsoft.graph.user");
    GraphClient.Reply groups =
        graph.get("/groups/" + HP_LEAVERS + "/transitiveMembers/microsoft.graph.group");

    assertEquals(Map.of("#microsoft.graph.user", 1), countByType(users.body()));
    assertEquals(Map.of("#microsoft.graph.group", 2), countByType(groups.body()));
  }

  @Test
  void rejectsAnUnknownCastAndAnUnknownRelation() {
    GraphClient graph = client(serve(exampleTenant()));

    GraphClient.Reply cast =
        graph.get("/groups/" + HP_LEAVERS + "/transitiveMembers/microsoft.graph.printer");
    GraphClient.Reply relation = graph.get("/groups/" + HP_LEAVERS + "/owners");

    assertEquals(400, cast.status());
    assertEquals("BadRequest", cast.errorCode());
    assertEquals(400, relation.status());
  }

  @Test
  void answersAnUnknownGroupWith404() {
    GraphClient graph = client(serve(exampleTenant()));

    GraphClient.Reply reply =
        graph.get("/groups/00000000-0000-4000-8000-000000000000/transitiveMembers");

    assertEquals(404, reply.status());
    assertEquals("Request_ResourceNotFound", reply.errorCode());
  }

  @Test
  void readsAGroupWithSelect() {
    GraphClient graph = client(serve(exampleTenant()));

    GraphClient.Reply reply = graph.get("/groups/" + HP_LEAVERS + "?$select=displayName");

    assertEquals("HP Leavers", reply.body().path("displayName").asText());
    assertFalse(reply.body().has("description"));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 999})
  void pagesALargeNestedGroupCompletelyWithAbsoluteNextLinks(int top) {
    FakeTenant tenant = new FakeTenant();
    FakeGroup big = tenant.addLargeGroup("Big Group", 2_345, 3, 5);
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);

    List<JsonNode> items =
        allPages(
            graph,
            server,
            "/groups/" + big.id() + "/transitiveMembers/graph.user?$select=id&$top=" + top);

    List<String> ids = items.stream().map(i -> i.path("id").asText()).toList();
    assertEquals(2_345, ids.size());
    assertEquals(
        new HashSet<>(tenant.transitiveUsers(big.id()).stream().map(FakeUser::id).toList()),
        new HashSet<>(ids));
  }

  @Test
  void keepsSelectAndTopButDropsCountInNextLinksAndCountsOnlyTheFirstPage() {
    FakeTenant tenant = new FakeTenant();
    FakeGroup big = tenant.addLargeGroup("Counted", 30, 2, 1);
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply first =
        graph.get("/groups/" + big.id() + "/transitiveMembers?$select=id&$top=10&$count=true");
    String next = first.body().path("@odata.nextLink").asText();
    GraphClient.Reply second = graph.get(next);

    assertEquals(36, first.body().path("@odata.count").asInt()); // 30 users and 6 nested groups
    assertTrue(
        next.contains("$select=id") && next.contains("$top=10") && !next.contains("$count"), next);
    assertFalse(second.body().has("@odata.count"));
  }

  @Test
  void givesConcurrentReadersOfTheSameGroupTheSamePages() throws Exception {
    FakeTenant tenant = new FakeTenant();
    FakeGroup big = tenant.addLargeGroup("Shared Read", 3_000, 4, 9);
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    String first =
        "/groups/" + big.id() + "/transitiveMembers/microsoft.graph.user?$select=id&$top=101";

    List<List<String>> results = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(4)) {
      List<CompletableFuture<List<String>>> readers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        readers.add(
            CompletableFuture.supplyAsync(
                () ->
                    allPages(graph, server, first).stream()
                        .map(n -> n.path("id").asText())
                        .toList(),
                pool));
      }
      for (CompletableFuture<List<String>> reader : readers) {
        results.add(reader.get());
      }
    }

    assertEquals(3_000, results.get(0).size());
    results.forEach(r -> assertEquals(results.get(0), r));
  }

  @Test
  void rejectsASkipTokenItDidNotIssueForThatListing() {
    FakeTenant tenant = new FakeTenant();
    FakeGroup a = tenant.addLargeGroup("A", 20, 1, 1);
    FakeGroup b = tenant.addLargeGroup("B", 20, 1, 2);
    GraphClient graph = client(serve(tenant));
    String next =
        graph
            .get("/groups/" + a.id() + "/transitiveMembers?$top=5")
            .body()
            .path("@odata.nextLink")
            .asText();
    String token = next.substring(next.indexOf("$skiptoken=") + "$skiptoken=".length());

    GraphClient.Reply forged =
        graph.get("/groups/" + a.id() + "/transitiveMembers?$top=5&$skiptoken=garbage");
    GraphClient.Reply foreign =
        graph.get("/groups/" + b.id() + "/transitiveMembers?$top=5&$skiptoken=" + token);

    assertEquals(400, forged.status());
    assertEquals("Directory_ExpiredPageToken", forged.errorCode());
    assertEquals(400, foreign.status());
  }

  @Test
  void requiresConsistencyLevelForCountAndCastsWhenStrict() {
    GraphClient graph =
        client(serve(exampleTenant(), FakeGraphOptions.builder().strictAdvancedQueries(true)));
    String url = "/groups/" + HP_LEAVERS + "/transitiveMembers/microsoft.graph.user?$count=true";

    GraphClient.Reply without = graph.get(url);
    GraphClient.Reply with = graph.get(url, "ConsistencyLevel", "eventual");

    assertEquals(400, without.status());
    assertEquals("Request_UnsupportedQuery", without.errorCode());
    assertEquals(200, with.status());
  }

  @Test
  void reflectsMembershipChangesMadeWhileTheServerRuns() {
    FakeTenant tenant = exampleTenant();
    GraphClient graph = client(serve(tenant));
    FakeUser dave = tenant.addUser("dave@contoso.com");

    tenant.addMembers(tenant.requireGroupNamed("Shared Desk").id(), dave);
    GraphClient.Reply reply =
        graph.get("/groups/" + HP_LEAVERS + "/transitiveMembers/microsoft.graph.user");

    assertEquals(5, reply.body().path("value").size());
  }
}
