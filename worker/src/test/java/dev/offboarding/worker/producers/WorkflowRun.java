package dev.offboarding.worker.producers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.offboarding.worker.producers.WorkflowExpressions.ExpressionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs one workflow definition offline on a recorded trigger body, as the Logic Apps runtime would
 * for the action types the producer templates use: {@code Compose}, {@code Query}, {@code Select},
 * {@code If}, {@code ApiConnection} (recorded, not sent: its body is what the test stubs, null by
 * default), {@code Response} and {@code Terminate}. Actions of a scope run in {@code runAfter}
 * order; only {@code ["Succeeded"]} is allowed as a run-after status, and any other action type or
 * shape fails the run, so a template cannot use something this runner would get wrong.
 */
public final class WorkflowRun {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** An ApiConnection call the run made: the action, its connection and its evaluated inputs. */
  public record ApiCall(
      String action, String connection, String method, String path, JsonNode body) {}

  /** A Response the run returned. */
  public record Response(String action, int statusCode, JsonNode body) {}

  /** What one run did, in order. */
  public record Result(
      List<String> actionsRun, List<ApiCall> calls, List<Response> responses, String terminated) {
    /** The calls made through one connection ({@code servicebus}, {@code azuresentinel}). */
    public List<ApiCall> callsTo(String connection) {
      return calls.stream().filter(c -> c.connection().equals(connection)).toList();
    }
  }

  private final JsonNode definition;
  private final Map<String, JsonNode> parameters;
  private final JsonNode trigger;
  private final Instant now;
  private final String runName;
  private final Map<String, JsonNode> stubs;
  private final Map<String, JsonNode> outputs = new HashMap<>();
  private final Map<String, JsonNode> bodies = new HashMap<>();
  private final List<String> actionsRun = new ArrayList<>();
  private final List<ApiCall> calls = new ArrayList<>();
  private final List<Response> responses = new ArrayList<>();
  private String terminated;
  private JsonNode currentItem;

  /**
   * @param definition the workflow definition ({@code properties.definition})
   * @param parameters the definition parameters' values, {@code $connections} left out
   * @param trigger the trigger's body, as recorded
   * @param stubs the body each ApiConnection action returns, by action name (null when absent)
   */
  public WorkflowRun(
      JsonNode definition,
      Map<String, JsonNode> parameters,
      JsonNode trigger,
      Instant now,
      String runName,
      Map<String, JsonNode> stubs) {
    this.definition = Objects.requireNonNull(definition);
    this.parameters = Map.copyOf(parameters);
    this.trigger = Objects.requireNonNull(trigger);
    this.now = now;
    this.runName = runName;
    this.stubs = Map.copyOf(stubs);
  }

  /** Runs the definition's top-level actions and returns what they did. */
  public Result run() {
    runScope(definition.path("actions"), "actions");
    return new Result(
        List.copyOf(actionsRun), List.copyOf(calls), List.copyOf(responses), terminated);
  }

  private void runScope(JsonNode actions, String where) {
    Map<String, JsonNode> pending = new LinkedHashMap<>();
    actions.fields().forEachRemaining(e -> pending.put(e.getKey(), e.getValue()));
    List<String> done = new ArrayList<>();
    while (!pending.isEmpty() && terminated == null) {
      String next = null;
      for (Map.Entry<String, JsonNode> e : pending.entrySet()) {
        if (ready(e.getKey(), e.getValue(), pending.keySet(), done, actions, where)) {
          next = e.getKey();
          break;
        }
      }
      if (next == null) {
        throw new ExpressionException(
            "no action of " + where + " can run: a runAfter cycle among " + pending.keySet());
      }
      runAction(next, pending.remove(next));
      done.add(next);
    }
  }

  private static boolean ready(
      String name,
      JsonNode action,
      Iterable<String> pending,
      List<String> done,
      JsonNode siblings,
      String where) {
    JsonNode after = action.path("runAfter");
    for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!siblings.has(e.getKey())) {
        throw new ExpressionException(
            name + " runs after " + e.getKey() + ", which is not in " + where);
      }
      if (!(e.getValue().isArray()
          && e.getValue().size() == 1
          && "Succeeded".equals(e.getValue().get(0).asText()))) {
        throw new ExpressionException(
            name + ": only runAfter [\"Succeeded\"] is supported, got " + e.getValue());
      }
      if (!done.contains(e.getKey())) {
        return false;
      }
    }
    return true;
  }

  private void runAction(String name, JsonNode action) {
    actionsRun.add(name);
    String type = action.path("type").asText();
    WorkflowExpressions.Context context = context();
    switch (type) {
      case "Compose" -> {
        JsonNode value = WorkflowExpressions.evaluate(action.get("inputs"), context);
        outputs.put(name, value);
        bodies.put(name, value);
      }
      case "Query" -> {
        JsonNode from = WorkflowExpressions.evaluate(action.path("inputs").get("from"), context);
        requireArray(name, from);
        ArrayNode kept = NODES.arrayNode();
        for (JsonNode item : from) {
          JsonNode keep =
              withItem(
                  item,
                  () ->
                      WorkflowExpressions.evaluate(action.path("inputs").get("where"), context()));
          if (!keep.isBoolean()) {
            throw new ExpressionException(name + ": where must be a boolean, got " + keep);
          }
          if (keep.booleanValue()) {
            kept.add(item);
          }
        }
        bodies.put(name, kept);
        outputs.put(name, NODES.objectNode().set("body", kept));
      }
      case "Select" -> {
        JsonNode from = WorkflowExpressions.evaluate(action.path("inputs").get("from"), context);
        requireArray(name, from);
        ArrayNode mapped = NODES.arrayNode();
        for (JsonNode item : from) {
          mapped.add(
              withItem(
                  item,
                  () ->
                      WorkflowExpressions.evaluate(
                          action.path("inputs").get("select"), context())));
        }
        bodies.put(name, mapped);
        outputs.put(name, NODES.objectNode().set("body", mapped));
      }
      case "If" -> {
        JsonNode test = WorkflowExpressions.evaluate(action.get("expression"), context);
        if (!test.isBoolean()) {
          throw new ExpressionException(name + ": the expression must be a boolean, got " + test);
        }
        runScope(
            test.booleanValue() ? action.path("actions") : action.path("else").path("actions"),
            name);
      }
      case "ApiConnection" -> {
        JsonNode inputs = action.get("inputs");
        String connection = connectionOf(name, inputs);
        // The host names the connection, which the runtime resolves; the rest is the request.
        com.fasterxml.jackson.databind.node.ObjectNode request = inputs.deepCopy();
        request.remove("host");
        JsonNode evaluated = WorkflowExpressions.evaluate(request, context);
        calls.add(
            new ApiCall(
                name,
                connection,
                evaluated.path("method").asText(),
                evaluated.path("path").asText(),
                evaluated.path("body")));
        JsonNode body = stubs.getOrDefault(name, NullNode.instance);
        bodies.put(name, body);
        outputs.put(name, NODES.objectNode().put("statusCode", 200).set("body", body));
      }
      case "Response" -> {
        JsonNode evaluated = WorkflowExpressions.evaluate(action.get("inputs"), context);
        responses.add(
            new Response(name, evaluated.path("statusCode").asInt(), evaluated.path("body")));
      }
      case "Terminate" -> terminated = action.path("inputs").path("runStatus").asText();
      default ->
          throw new ExpressionException(name + ": action type " + type + " is not supported");
    }
  }

  /**
   * The connection an ApiConnection action names:
   * {@code @parameters('$connections')['X']['connectionId']}.
   */
  static String connectionOf(String action, JsonNode inputs) {
    String ref = inputs.path("host").path("connection").path("name").asText();
    String prefix = "@parameters('$connections')['";
    String suffix = "']['connectionId']";
    if (!ref.startsWith(prefix) || !ref.endsWith(suffix)) {
      throw new ExpressionException(action + ": connection reference of an unknown shape: " + ref);
    }
    return ref.substring(prefix.length(), ref.length() - suffix.length());
  }

  private static void requireArray(String name, JsonNode from) {
    if (!from.isArray()) {
      throw new ExpressionException(name + ": from must be an array, got " + from.getNodeType());
    }
  }

  private JsonNode withItem(JsonNode item, java.util.function.Supplier<JsonNode> body) {
    JsonNode before = currentItem;
    currentItem = item;
    try {
      return body.get();
    } finally {
      currentItem = before;
    }
  }

  private WorkflowExpressions.Context context() {
    return new WorkflowExpressions.Context() {
      @Override
      public JsonNode triggerBody() {
        return trigger;
      }

      @Override
      public JsonNode body(String action) {
        JsonNode v = bodies.get(action);
        if (v == null) {
          throw new ExpressionException("body('" + action + "'): that action has not run");
        }
        return v;
      }

      @Override
      public JsonNode outputs(String action) {
        JsonNode v = outputs.get(action);
        if (v == null) {
          throw new ExpressionException("outputs('" + action + "'): that action has not run");
        }
        return v;
      }

      @Override
      public JsonNode item() {
        if (currentItem == null) {
          throw new ExpressionException("item() outside a Query or Select");
        }
        return currentItem;
      }

      @Override
      public JsonNode parameter(String name) {
        JsonNode v = parameters.get(name);
        if (v == null || !definition.path("parameters").has(name)) {
          throw new ExpressionException(
              "parameters('" + name + "'): not a declared parameter with a value");
        }
        return v;
      }

      @Override
      public JsonNode workflow() {
        return NODES
            .objectNode()
            .put("name", "producer")
            .set("run", NODES.objectNode().put("name", runName));
      }

      @Override
      public Instant now() {
        return now;
      }

      @Override
      public String callbackUrl() {
        return "https://callback.invalid/";
      }
    };
  }
}
