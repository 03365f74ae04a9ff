package dev.offboarding.worker.producers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A strict evaluator for the part of the Logic Apps Workflow Definition Language that the producer
 * templates under {@code deploy/producers} use, so that their mappings can be run offline on
 * recorded trigger inputs. It knows exactly the functions in {@link #FUNCTIONS}; any other
 * function, a wrong argument count or type, a property read on a missing member without {@code ?},
 * or a syntax it does not know fails with an {@link ExpressionException} naming the expression: a
 * template that needs more must grow this evaluator (and its tests) first. Each function follows
 * Microsoft's "Reference guide to workflow expression functions" for the argument kinds the
 * templates pass; where the reference leaves a reading open, the stricter one is taken: {@code
 * if()} evaluates both branches, {@code concat()} refuses null, and {@code equals()} compares
 * strings case-sensitively (the runtime may ignore case; the templates compare only an entity kind
 * and a tenant GUID).
 *
 * <p>Values: a JSON string that starts with {@code @} (not {@code @@}) is one expression and keeps
 * the expression's type; a string with {@code @{...}} parts is interpolated, each part turned into
 * text ({@code null} into nothing); {@code @@} at the start stands for a literal {@code @}.
 */
public final class WorkflowExpressions {
  /** Every function this evaluator knows, and so every function a template may use. */
  public static final Set<String> FUNCTIONS =
      Set.copyOf(
          new TreeSet<>(
              List.of(
                  "addProperty",
                  "and",
                  "base64",
                  "base64ToString",
                  "body",
                  "coalesce",
                  "concat",
                  "empty",
                  "encodeURIComponent",
                  "equals",
                  "if",
                  "item",
                  "join",
                  "json",
                  "last",
                  "length",
                  "lessOrEquals",
                  "listCallbackUrl",
                  "not",
                  "or",
                  "outputs",
                  "parameters",
                  "split",
                  "string",
                  "take",
                  "triggerBody",
                  "union",
                  "utcNow",
                  "workflow")));

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final DateTimeFormatter UTC_NOW =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** What the workflow functions read: the run's trigger, earlier actions, parameters and clock. */
  public interface Context {
    JsonNode triggerBody();

    /** {@code body(name)}: an action's body; fails when the action has not run. */
    JsonNode body(String action);

    /** {@code outputs(name)}: an action's outputs; fails when the action has not run. */
    JsonNode outputs(String action);

    /** {@code item()}: the current element of a Query or Select; fails outside one. */
    JsonNode item();

    /** {@code parameters(name)}: a workflow definition parameter; fails when not declared. */
    JsonNode parameter(String name);

    /** {@code workflow()}: the workflow's name and its run's name. */
    JsonNode workflow();

    Instant now();

    String callbackUrl();
  }

  /** An expression this evaluator cannot or will not evaluate. */
  public static final class ExpressionException extends RuntimeException {
    public ExpressionException(String message) {
      super(message);
    }
  }

  private WorkflowExpressions() {}

  /** Evaluates every expression in {@code value}, a JSON tree from a workflow definition. */
  public static JsonNode evaluate(JsonNode value, Context context) {
    if (value.isTextual()) {
      return evaluateString(value.asText(), context);
    }
    if (value.isObject()) {
      ObjectNode out = NODES.objectNode();
      value.fields().forEachRemaining(e -> out.set(e.getKey(), evaluate(e.getValue(), context)));
      return out;
    }
    if (value.isArray()) {
      ArrayNode out = NODES.arrayNode();
      value.forEach(v -> out.add(evaluate(v, context)));
      return out;
    }
    return value;
  }

  /**
   * The expressions in one string value of a definition, each parsed; fails on any it cannot parse.
   */
  public static List<String> functionsUsed(String text) {
    List<String> names = new ArrayList<>();
    for (Node node : parseString(text)) {
      node.collectFunctions(names);
    }
    return names;
  }

  /**
   * True when a JSON string value of a definition holds an expression ({@code @...} or
   * {@code @{...}}).
   */
  public static boolean isExpression(String text) {
    return (text.startsWith("@") && !text.startsWith("@@")) || text.contains("@{");
  }

  private static JsonNode evaluateString(String text, Context context) {
    if (text.startsWith("@@")) {
      return TextNode.valueOf(text.substring(1));
    }
    if (text.startsWith("@") && !text.startsWith("@{")) {
      return new Parser(text.substring(1), text).parseWhole().eval(context);
    }
    if (!text.contains("@{")) {
      return TextNode.valueOf(text);
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      int start = text.indexOf("@{", i);
      if (start < 0) {
        out.append(text, i, text.length());
        break;
      }
      out.append(text, i, start);
      int end = closingBrace(text, start + 2);
      JsonNode part = new Parser(text.substring(start + 2, end), text).parseWhole().eval(context);
      out.append(asText(part, text));
      i = end + 1;
    }
    return TextNode.valueOf(out.toString());
  }

  private static List<Node> parseString(String text) {
    List<Node> nodes = new ArrayList<>();
    if (text.startsWith("@@")) {
      return nodes;
    }
    if (text.startsWith("@") && !text.startsWith("@{")) {
      nodes.add(new Parser(text.substring(1), text).parseWhole());
      return nodes;
    }
    int i = 0;
    while ((i = text.indexOf("@{", i)) >= 0) {
      int end = closingBrace(text, i + 2);
      nodes.add(new Parser(text.substring(i + 2, end), text).parseWhole());
      i = end + 1;
    }
    return nodes;
  }

  /** The index of the brace that closes an {@code @{} part starting at {@code from}, skipping string literals. */
  private static int closingBrace(String text, int from) {
    boolean quoted = false;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (c == '}' && !quoted) {
        return i;
      }
    }
    throw new ExpressionException("unclosed @{ in: " + text);
  }

  /**
   * How an interpolated part becomes text: strings as they are, numbers in decimal, null as
   * nothing.
   */
  private static String asText(JsonNode value, String expression) {
    if (value.isNull()) {
      return "";
    }
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isIntegralNumber()) {
      return value.asText();
    }
    if (value.isContainerNode()) {
      return value.toString();
    }
    throw new ExpressionException(
        "no agreed text for " + value.getNodeType() + " in: " + expression);
  }

  // ------------------------------------------------------------------ syntax

  private interface Node {
    JsonNode eval(Context context);

    default void collectFunctions(List<String> names) {}
  }

  private record Literal(JsonNode value) implements Node {
    @Override
    public JsonNode eval(Context context) {
      return value;
    }
  }

  private record Call(String name, List<Node> args, String source) implements Node {
    @Override
    public JsonNode eval(Context context) {
      return call(name, args, context, source);
    }

    @Override
    public void collectFunctions(List<String> names) {
      names.add(name);
      args.forEach(a -> a.collectFunctions(names));
    }
  }

  /** {@code target[index]}, {@code target?[index]} or {@code target.name}. */
  private record Member(Node target, Node index, boolean safe, String source) implements Node {
    @Override
    public JsonNode eval(Context context) {
      JsonNode of = target.eval(context);
      JsonNode key = index.eval(context);
      if (of.isNull() || of.isMissingNode()) {
        if (safe) {
          return NullNode.instance;
        }
        throw new ExpressionException("reading " + key + " of null without '?' in: " + source);
      }
      if (of.isObject() && key.isTextual()) {
        JsonNode v = of.get(key.asText());
        if (v == null) {
          if (safe) {
            return NullNode.instance;
          }
          throw new ExpressionException("no member " + key + " (and no '?') in: " + source);
        }
        return v;
      }
      if (of.isArray() && key.isIntegralNumber()) {
        int i = key.intValue();
        if (i < 0 || i >= of.size()) {
          throw new ExpressionException("index " + i + " out of range in: " + source);
        }
        return of.get(i);
      }
      throw new ExpressionException(
          "cannot index " + of.getNodeType() + " with " + key + " in: " + source);
    }

    @Override
    public void collectFunctions(List<String> names) {
      target.collectFunctions(names);
      index.collectFunctions(names);
    }
  }

  private static final class Parser {
    private final String text;
    private final String source;
    private int pos;

    Parser(String text, String source) {
      this.text = text;
      this.source = source;
    }

    Node parseWhole() {
      Node node = parseExpression();
      skipSpace();
      if (pos != text.length()) {
        throw fail("unexpected '" + text.substring(pos) + "'");
      }
      return node;
    }

    private Node parseExpression() {
      Node node = parsePrimary();
      while (true) {
        skipSpace();
        boolean safe = false;
        if (peek('?')) {
          pos++;
          safe = true;
        }
        if (peek('[')) {
          pos++;
          Node index = parseExpression();
          skipSpace();
          expect(']');
          node = new Member(node, index, safe, source);
        } else if (peek('.')) {
          pos++;
          String name = identifier();
          node = new Member(node, new Literal(TextNode.valueOf(name)), safe, source);
        } else {
          if (safe) {
            throw fail("'?' must be followed by [ or .");
          }
          return node;
        }
      }
    }

    private Node parsePrimary() {
      skipSpace();
      if (pos >= text.length()) {
        throw fail("expression ends early");
      }
      char c = text.charAt(pos);
      if (c == '\'') {
        return new Literal(TextNode.valueOf(stringLiteral()));
      }
      if (c == '-' || Character.isDigit(c)) {
        int start = pos++;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
          pos++;
        }
        if (pos < text.length() && text.charAt(pos) == '.') {
          throw fail("decimal literals are not supported");
        }
        return new Literal(IntNode.valueOf(Integer.parseInt(text.substring(start, pos))));
      }
      String name = identifier();
      switch (name) {
        case "true" -> {
          return new Literal(BooleanNode.TRUE);
        }
        case "false" -> {
          return new Literal(BooleanNode.FALSE);
        }
        case "null" -> {
          return new Literal(NullNode.instance);
        }
        default -> {}
      }
      skipSpace();
      expect('(');
      List<Node> args = new ArrayList<>();
      skipSpace();
      if (!peek(')')) {
        do {
          args.add(parseExpression());
          skipSpace();
        } while (consume(','));
      }
      expect(')');
      if (!FUNCTIONS.contains(name)) {
        throw fail("unknown function " + name + "()");
      }
      return new Call(name, args, source);
    }

    private String stringLiteral() {
      expect('\'');
      StringBuilder out = new StringBuilder();
      while (true) {
        if (pos >= text.length()) {
          throw fail("unclosed string literal");
        }
        char c = text.charAt(pos++);
        if (c == '\'') {
          if (peek('\'')) {
            pos++;
            out.append('\'');
          } else {
            return out.toString();
          }
        } else {
          out.append(c);
        }
      }
    }

    private String identifier() {
      int start = pos;
      while (pos < text.length()
          && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
        pos++;
      }
      if (start == pos) {
        throw fail("expected a name at '" + text.substring(pos) + "'");
      }
      return text.substring(start, pos);
    }

    private void skipSpace() {
      while (pos < text.length() && text.charAt(pos) == ' ') {
        pos++;
      }
    }

    private boolean peek(char c) {
      return pos < text.length() && text.charAt(pos) == c;
    }

    private boolean consume(char c) {
      if (peek(c)) {
        pos++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!consume(c)) {
        throw fail("expected '" + c + "' at " + pos);
      }
    }

    private ExpressionException fail(String why) {
      return new ExpressionException(why + " in: " + source);
    }
  }

  // ------------------------------------------------------------------ functions

  private static JsonNode call(String name, List<Node> argNodes, Context context, String source) {
    // Every argument is evaluated, if()'s two branches included: whether the runtime evaluates the
    // branch it does not take is not documented, so a template must be safe either way.
    List<JsonNode> a = new ArrayList<>();
    argNodes.forEach(n -> a.add(n.eval(context)));
    int n = a.size();
    switch (name) {
      case "if" -> {
        arity(name, n, 3, 3, source);
        return bool(a.get(0), name, source) ? a.get(1) : a.get(2);
      }
      case "triggerBody" -> {
        arity(name, n, 0, 0, source);
        return context.triggerBody();
      }
      case "body" -> {
        arity(name, n, 1, 1, source);
        return context.body(text(a.get(0), name, source));
      }
      case "outputs" -> {
        arity(name, n, 1, 1, source);
        return context.outputs(text(a.get(0), name, source));
      }
      case "item" -> {
        arity(name, n, 0, 0, source);
        return context.item();
      }
      case "parameters" -> {
        arity(name, n, 1, 1, source);
        return context.parameter(text(a.get(0), name, source));
      }
      case "workflow" -> {
        arity(name, n, 0, 0, source);
        return context.workflow();
      }
      case "utcNow" -> {
        arity(name, n, 0, 0, source);
        return TextNode.valueOf(UTC_NOW.format(context.now()));
      }
      case "listCallbackUrl" -> {
        arity(name, n, 0, 0, source);
        return TextNode.valueOf(context.callbackUrl());
      }
      case "concat" -> {
        arity(name, n, 1, Integer.MAX_VALUE, source);
        StringBuilder out = new StringBuilder();
        a.forEach(v -> out.append(text(v, name, source)));
        return TextNode.valueOf(out.toString());
      }
      case "coalesce" -> {
        arity(name, n, 1, Integer.MAX_VALUE, source);
        return a.stream().filter(v -> !v.isNull()).findFirst().orElse(NullNode.instance);
      }
      case "equals" -> {
        arity(name, n, 2, 2, source);
        return BooleanNode.valueOf(a.get(0).equals(a.get(1)));
      }
      case "empty" -> {
        arity(name, n, 1, 1, source);
        JsonNode v = a.get(0);
        if (v.isNull()) {
          return BooleanNode.TRUE;
        }
        if (v.isTextual()) {
          return BooleanNode.valueOf(v.asText().isEmpty());
        }
        if (v.isContainerNode()) {
          return BooleanNode.valueOf(v.isEmpty());
        }
        throw new ExpressionException("empty() of a " + v.getNodeType() + " in: " + source);
      }
      case "not" -> {
        arity(name, n, 1, 1, source);
        return BooleanNode.valueOf(!bool(a.get(0), name, source));
      }
      case "and", "or" -> {
        arity(name, n, 2, Integer.MAX_VALUE, source);
        boolean and = name.equals("and");
        boolean result = and;
        for (JsonNode v : a) {
          result = and ? result && bool(v, name, source) : result || bool(v, name, source);
        }
        return BooleanNode.valueOf(result);
      }
      case "lessOrEquals" -> {
        arity(name, n, 2, 2, source);
        return BooleanNode.valueOf(
            integer(a.get(0), name, source) <= integer(a.get(1), name, source));
      }
      case "length" -> {
        arity(name, n, 1, 1, source);
        JsonNode v = a.get(0);
        if (v.isTextual()) {
          return IntNode.valueOf(v.asText().length());
        }
        if (v.isArray()) {
          return IntNode.valueOf(v.size());
        }
        throw new ExpressionException("length() of a " + v.getNodeType() + " in: " + source);
      }
      case "take" -> {
        arity(name, n, 2, 2, source);
        int count = integer(a.get(1), name, source);
        JsonNode v = a.get(0);
        if (v.isTextual()) {
          String s = v.asText();
          return TextNode.valueOf(s.substring(0, Math.min(count, s.length())));
        }
        if (v.isArray()) {
          ArrayNode out = NODES.arrayNode();
          for (int i = 0; i < Math.min(count, v.size()); i++) {
            out.add(v.get(i));
          }
          return out;
        }
        throw new ExpressionException("take() of a " + v.getNodeType() + " in: " + source);
      }
      case "join" -> {
        arity(name, n, 2, 2, source);
        List<String> parts = new ArrayList<>();
        array(a.get(0), name, source).forEach(v -> parts.add(text(v, name, source)));
        return TextNode.valueOf(String.join(text(a.get(1), name, source), parts));
      }
      case "split" -> {
        arity(name, n, 2, 2, source);
        String s = text(a.get(0), name, source);
        String by = text(a.get(1), name, source);
        ArrayNode out = NODES.arrayNode();
        int i = 0;
        int next;
        while ((next = s.indexOf(by, i)) >= 0) {
          out.add(s.substring(i, next));
          i = next + by.length();
        }
        out.add(s.substring(i));
        return out;
      }
      case "last" -> {
        arity(name, n, 1, 1, source);
        JsonNode v = array(a.get(0), name, source);
        return v.isEmpty() ? NullNode.instance : v.get(v.size() - 1);
      }
      case "union" -> {
        arity(name, n, 2, Integer.MAX_VALUE, source);
        Set<JsonNode> all = new LinkedHashSet<>();
        a.forEach(v -> array(v, name, source).forEach(all::add));
        ArrayNode out = NODES.arrayNode();
        all.forEach(out::add);
        return out;
      }
      case "addProperty" -> {
        arity(name, n, 3, 3, source);
        if (!a.get(0).isObject()) {
          throw new ExpressionException(
              "addProperty() of a " + a.get(0).getNodeType() + " in: " + source);
        }
        ObjectNode copy = ((ObjectNode) a.get(0)).deepCopy();
        String property = text(a.get(1), name, source);
        if (copy.has(property)) {
          throw new ExpressionException(
              "addProperty(): " + property + " exists already in: " + source);
        }
        copy.set(property, a.get(2));
        return copy;
      }
      case "json" -> {
        arity(name, n, 1, 1, source);
        try {
          return JSON.readTree(text(a.get(0), name, source));
        } catch (IOException e) {
          throw new ExpressionException("json() of text that is not JSON in: " + source);
        }
      }
      case "string" -> {
        arity(name, n, 1, 1, source);
        JsonNode v = a.get(0);
        if (v.isTextual()) {
          return v;
        }
        if (v.isIntegralNumber() || v.isContainerNode()) {
          return TextNode.valueOf(v.isContainerNode() ? v.toString() : v.asText());
        }
        throw new ExpressionException("string() of a " + v.getNodeType() + " in: " + source);
      }
      case "base64" -> {
        arity(name, n, 1, 1, source);
        return TextNode.valueOf(
            Base64.getEncoder()
                .encodeToString(text(a.get(0), name, source).getBytes(StandardCharsets.UTF_8)));
      }
      case "base64ToString" -> {
        arity(name, n, 1, 1, source);
        return TextNode.valueOf(
            new String(
                Base64.getDecoder().decode(text(a.get(0), name, source)), StandardCharsets.UTF_8));
      }
      case "encodeURIComponent" -> {
        arity(name, n, 1, 1, source);
        return TextNode.valueOf(encodeUriComponent(text(a.get(0), name, source)));
      }
      default -> throw new ExpressionException("unknown function " + name + "() in: " + source);
    }
  }

  /** Percent-encodes every UTF-8 byte outside RFC 3986's unreserved characters. */
  static String encodeUriComponent(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-_.~".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  private static void arity(String name, int n, int min, int max, String source) {
    if (n < min || n > max) {
      throw new ExpressionException(
          name
              + "() takes "
              + (min == max ? min : min + " or more")
              + " argument(s), got "
              + n
              + " in: "
              + source);
    }
  }

  private static String text(JsonNode v, String name, String source) {
    if (!v.isTextual()) {
      throw new ExpressionException(
          name + "() wants a string, got " + v.getNodeType() + " in: " + source);
    }
    return v.asText();
  }

  private static boolean bool(JsonNode v, String name, String source) {
    if (!v.isBoolean()) {
      throw new ExpressionException(
          name + "() wants a boolean, got " + v.getNodeType() + " in: " + source);
    }
    return v.booleanValue();
  }

  private static int integer(JsonNode v, String name, String source) {
    if (!v.isIntegralNumber()) {
      throw new ExpressionException(
          name + "() wants an integer, got " + v.getNodeType() + " in: " + source);
    }
    return v.intValue();
  }

  private static JsonNode array(JsonNode v, String name, String source) {
    if (!v.isArray()) {
      throw new ExpressionException(
          name + "() wants an array, got " + v.getNodeType() + " in: " + source);
    }
    return v;
  }

  /** A context with no run behind it, for tests of single expressions. */
  public static Context fixed(JsonNode trigger, Map<String, JsonNode> parameters, Instant now) {
    return new Context() {
      @Override
      public JsonNode triggerBody() {
        return trigger;
      }

      @Override
      public JsonNode body(String action) {
        throw new ExpressionException("no action " + action + " has run");
      }

      @Override
      public JsonNode outputs(String action) {
        throw new ExpressionException("no action " + action + " has run");
      }

      @Override
      public JsonNode item() {
        throw new ExpressionException("item() outside a Query or Select");
      }

      @Override
      public JsonNode parameter(String name) {
        JsonNode v = parameters.get(name);
        if (v == null) {
          throw new ExpressionException("no workflow parameter " + name);
        }
        return v;
      }

      @Override
      public JsonNode workflow() {
        return NODES
            .objectNode()
            .put("name", "test-workflow")
            .set("run", NODES.objectNode().put("name", "08584000000000000000000000000CU00"));
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
