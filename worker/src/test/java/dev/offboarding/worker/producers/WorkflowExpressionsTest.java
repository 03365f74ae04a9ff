package dev.offboarding.worker.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.offboarding.worker.producers.WorkflowExpressions.ExpressionException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The evaluator behind the producer templates' golden renders: what it computes, and what it
 * refuses.
 */
class WorkflowExpressionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonNode trigger =
      json(
          """
      {"object": {"name": "8c6e", "properties": {"incidentNumber": 4471, "title": "It's odd",
       "relatedEntities": [{"kind": "Account", "properties": {"accountName": "bob", "upnSuffix": "contoso.com"}}]}},
       "list": ["a", "b", "a"], "empty": "", "nothing": null}
      """);
  private final WorkflowExpressions.Context context =
      WorkflowExpressions.fixed(
          trigger,
          Map.of("queueName", TextNode.valueOf("offboarding-urgent")),
          Instant.parse("2026-12-07T08:05:12.3456789Z"));

  private JsonNode eval(String text) {
    return WorkflowExpressions.evaluate(TextNode.valueOf(text), context);
  }

  @Test
  void aWholeExpressionKeepsItsTypeAndInterpolationMakesText() {
    assertEquals(
        4471, eval("@triggerBody()?['object']?['properties']?['incidentNumber']").intValue());
    assertEquals(
        "n=4471!",
        eval("n=@{triggerBody()?['object']?['properties']?['incidentNumber']}!").asText());
    assertEquals("@literal", eval("@@literal").asText());
    assertEquals("plain", eval("plain").asText());
    assertEquals(
        "x", eval("x@{triggerBody()?['nothing']}").asText(), "null interpolates as nothing");
  }

  @Test
  void safeNavigationReadsNullWhereAPlainReadFails() {
    assertTrue(eval("@triggerBody()?['missing']?['deeper']").isNull());
    assertThrows(ExpressionException.class, () -> eval("@triggerBody()['missing']"));
    assertThrows(ExpressionException.class, () -> eval("@triggerBody()?['nothing']['x']"));
    assertEquals("b", eval("@split('a/b/c', '/')[1]").asText());
    assertEquals(
        "08584000000000000000000000000CU00", eval("@workflow()?['run']?['name']").asText());
  }

  @Test
  void stringFunctionsFollowTheReference() {
    assertEquals(
        "bob@contoso.com",
        eval("@concat(triggerBody()?['object']?['properties']?['relatedEntities'][0]"
                + "?['properties']?['accountName'], '@', 'contoso.com')")
            .asText());
    assertEquals("It's odd", eval("@triggerBody()?['object']?['properties']?['title']").asText());
    assertEquals("it's", eval("@concat('it''s')").asText(), "'' is a quote inside a literal");
    assertEquals("abc", eval("@take('abcdef', 3)").asText());
    assertEquals("ab", eval("@take('ab', 1024)").asText());
    assertEquals("a, b, a", eval("@join(triggerBody()?['list'], ', ')").asText());
    assertEquals(
        "4471",
        eval("@string(triggerBody()?['object']?['properties']?['incidentNumber'])").asText());
    assertEquals("{\"a\":1}", eval("@string(json('{\"a\": 1}'))").asText());
    assertEquals("aGk=", eval("@base64('hi')").asText());
    assertEquals("hi", eval("@base64ToString('aGk=')").asText());
    assertEquals("a%2Fb%20c", eval("@encodeURIComponent('a/b c')").asText());
    assertEquals(
        "offboarding-urgent",
        eval("@{encodeURIComponent(encodeURIComponent(parameters('queueName')))}").asText());
    assertEquals("c", eval("@last(split('a/b/c', '/'))").asText());
    assertEquals(3, eval("@length('abc')").intValue());
  }

  @Test
  void logicAndCollections() {
    assertTrue(eval("@empty(triggerBody()?['empty'])").booleanValue());
    assertTrue(eval("@empty(triggerBody()?['nothing'])").booleanValue());
    assertTrue(eval("@empty(json('[]'))").booleanValue());
    assertTrue(
        eval("@and(not(empty('x')), or(equals(1, 2), equals('a', 'a')), lessOrEquals(2, 2))")
            .booleanValue());
    assertEquals("fallback", eval("@coalesce(triggerBody()?['nothing'], 'fallback')").asText());
    assertEquals(json("[\"a\",\"b\"]"), eval("@union(triggerBody()?['list'], json('[]'))"));
    assertEquals(
        json("{\"user\":\"u\",\"x\":1}"),
        eval("@addProperty(addProperty(json('{}'), 'user', 'u'), 'x', 1)"));
    assertEquals("yes", eval("@if(equals(1, 1), 'yes', 'no')").asText());
    assertThrows(
        ExpressionException.class,
        () -> eval("@if(equals(1, 1), 'yes', concat(triggerBody()?['nothing']))"),
        "both branches are evaluated: a template must not rely on the runtime skipping one");
    assertEquals("2026-12-07T08:05:12.3456789Z", eval("@utcNow()").asText());
  }

  @Test
  void refusesWhatItDoesNotKnow() {
    ExpressionException unknown =
        assertThrows(ExpressionException.class, () -> eval("@toLower('A')"));
    assertTrue(unknown.getMessage().contains("unknown function toLower()"), unknown.getMessage());
    assertThrows(ExpressionException.class, () -> WorkflowExpressions.functionsUsed("x @{guid()}"));
    assertThrows(
        ExpressionException.class,
        () -> eval("@concat(triggerBody()?['nothing'])"),
        "concat of null");
    assertThrows(ExpressionException.class, () -> eval("@not('true')"), "not of a string");
    assertThrows(ExpressionException.class, () -> eval("@and(true)"), "and of one");
    assertThrows(
        ExpressionException.class, () -> eval("@createArray('a')"), "not used by any template");
    assertThrows(ExpressionException.class, () -> eval("@addProperty(json('{\"a\":1}'), 'a', 2)"));
    assertThrows(ExpressionException.class, () -> eval("@parameters('other')"));
    assertThrows(ExpressionException.class, () -> eval("@item()"));
    assertThrows(ExpressionException.class, () -> eval("@length(1.5)"));
    assertThrows(ExpressionException.class, () -> eval("@{concat('a'}"));
  }

  @Test
  void listsTheFunctionsOfAString() {
    assertEquals(
        List.of("concat", "triggerBody", "take", "string"),
        WorkflowExpressions.functionsUsed(
            "a @{concat(triggerBody()?['x'], 'y')} b @{take(string(1), 1)}"));
    assertTrue(WorkflowExpressions.isExpression("x @{y()}"));
    assertTrue(
        !WorkflowExpressions.isExpression("@@x")
            && !WorkflowExpressions.isExpression("user@contoso.com"));
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
