package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserFilterTest extends FakeGraphTestSupport {

  private static FakeTenant departments() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser(FakeUser.builder("a@contoso.com").department("HP").city("Paris").build());
    tenant.addUser(FakeUser.builder("b@contoso.com").department("hp").build());
    tenant.addUser(FakeUser.builder("c@contoso.com").department("R&D O'Neill").build());
    tenant.addUser(FakeUser.builder("d@contoso.com").department("Sales").build());
    return tenant;
  }

  private static List<String> upns(JsonNode page) {
    List<String> upns = new ArrayList<>();
    page.path("value").forEach(u -> upns.add(u.path("userPrincipalName").asText()));
    return upns.stream().sorted().toList();
  }

  @Test
  void filtersUsersByAnAllowListedAttributeCaseInsensitively() {
    GraphClient graph = client(serve(departments()));

    GraphClient.Reply reply =
        graph.get("/users?$filter=" + query("department eq 'HP'") + "&$select=userPrincipalName");

    assertEquals(200, reply.status());
    assertEquals(List.of("a@contoso.com", "b@contoso.com"), upns(reply.body()));
    assertTrue(reply.body().path("@odata.context").asText().endsWith("#users(userPrincipalName)"));
  }

  @Test
  void unescapesDoubledQuotesInsideAStringLiteral() {
    GraphClient graph = client(serve(departments()));

    GraphClient.Reply reply = graph.get("/users?$filter=" + query("department eq 'R&D O''Neill'"));

    assertEquals(List.of("c@contoso.com"), upns(reply.body()));
  }

  @Test
  void readsAPlusInTheQueryAsASpaceAndAnEncodedPlusAsAPlus() {
    FakeTenant tenant = new FakeTenant();
    tenant.addUser(FakeUser.builder("a@contoso.com").jobTitle("C++ Dev").build());
    tenant.addUser(FakeUser.builder("b@contoso.com").jobTitle("C   Dev").build());
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply reply = graph.get("/users?$filter=jobTitle+eq+'C%2B%2B+Dev'");

    assertEquals(List.of("a@contoso.com"), upns(reply.body()));
  }

  @Test
  void countsAndPagesFilteredUsers() {
    FakeTenant tenant = new FakeTenant();
    for (int i = 0; i < 25; i++) {
      tenant.addUser(FakeUser.builder("u" + i + "@contoso.com").country("FR").build());
    }
    tenant.addUser(FakeUser.builder("other@contoso.com").country("DE").build());
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply first =
        graph.get("/users?$filter=" + query("country eq 'FR'") + "&$top=10&$count=true");
    GraphClient.Reply second = graph.get(first.body().path("@odata.nextLink").asText());
    GraphClient.Reply third = graph.get(second.body().path("@odata.nextLink").asText());

    assertEquals(25, first.body().path("@odata.count").asInt());
    assertEquals(10, first.body().path("value").size());
    assertFalse(second.body().has("@odata.count"));
    assertEquals(10, second.body().path("value").size());
    assertEquals(5, third.body().path("value").size());
    assertFalse(third.body().has("@odata.nextLink"));
  }

  @Test
  void listsEveryUserWithoutAFilterInPagesOfTheDefaultSize() {
    GraphClient graph = client(serve(FakeTenant.generate(250, 1)));

    GraphClient.Reply reply = graph.get("/users");

    assertEquals(100, reply.body().path("value").size());
    assertTrue(reply.body().path("@odata.nextLink").asText().startsWith("http://127.0.0.1:"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "accountEnabled eq true",
        "userPrincipalName eq 'a@contoso.com'",
        "department ne 'HP'",
        "startsWith(department,'H')",
        "department eq 'HP' and city eq 'Paris'",
        "department eq 'HP",
        "department eq HP",
        "department eq 'O'Neill'",
        "department",
        "eq 'HP'"
      })
  void rejectsFiltersItDoesNotSupportWithUnsupportedQuery(String filter) {
    GraphClient graph = client(serve(departments()));

    GraphClient.Reply reply = graph.get("/users?$filter=" + query(filter));

    assertEquals(400, reply.status(), filter);
    assertEquals("Request_UnsupportedQuery", reply.errorCode(), filter);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1000", "-1", "ten"})
  void rejectsAPageSizeOutsideOneTo999(String top) {
    GraphClient graph = client(serve(departments()));

    GraphClient.Reply reply = graph.get("/users?$top=" + top);

    assertEquals(400, reply.status());
    assertEquals("Request_BadRequest", reply.errorCode());
  }

  @Test
  void explainsAnOversizedPageTheWayGraphDoes() {
    GraphClient graph = client(serve(departments()));

    GraphClient.Reply reply = graph.get("/users?$top=1000");

    assertEquals(
        "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
        reply.errorMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$orderby=displayName",
        "$skip=5",
        "$search=%22displayName:a%22",
        "$expand=manager"
      })
  void rejectsQueryOptionsItDoesNotSupportInsteadOfIgnoringThem(String option) {
    GraphClient graph = client(serve(departments()));

    GraphClient.Reply reply = graph.get("/users?" + option);

    assertEquals(400, reply.status());
    assertEquals("Request_UnsupportedQuery", reply.errorCode());
  }

  @Test
  void parsesAnEqualsClauseWithSurroundingSpacesAndCanonicalisesTheAttribute() {
    ODataQuery.EqualsClause clause =
        ODataQuery.parseEqualsFilter(
            "  EMPLOYEEID   eq   'it''s ''quoted'''  ", FakeTenant.FILTERABLE_ATTRIBUTES);

    assertEquals("employeeId", clause.attribute());
    assertEquals("it's 'quoted'", clause.value());
  }

  @Test
  void parsesAnEmptyStringLiteral() {
    ODataQuery.EqualsClause clause =
        ODataQuery.parseEqualsFilter("city eq ''", FakeTenant.FILTERABLE_ATTRIBUTES);

    assertEquals("", clause.value());
  }

  @Test
  void rejectsTextAfterAClosedLiteral() {
    GraphException e =
        assertThrows(
            GraphException.class,
            () ->
                ODataQuery.parseEqualsFilter(
                    "city eq 'Paris' or city eq 'Rome'", FakeTenant.FILTERABLE_ATTRIBUTES));

    assertEquals("Request_UnsupportedQuery", e.code());
  }
}
