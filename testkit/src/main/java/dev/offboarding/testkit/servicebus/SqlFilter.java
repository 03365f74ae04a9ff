package dev.offboarding.testkit.servicebus;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.message.Message;

/**
 * A Service Bus SQL filter expression, parsed once and evaluated per message.
 *
 * <p>Supports the subset subscriptions use in practice: {@code = <> != < > <= >=}, {@code AND OR
 * NOT}, {@code IN (...)}, {@code IS [NOT] NULL}, {@code EXISTS(name)}, {@code [NOT] LIKE 'p%'
 * [ESCAPE '!']}, string, integer, decimal and boolean literals, parentheses, application properties
 * ({@code status}, {@code user.status}, {@code [odd name]}) and system properties ({@code
 * sys.CorrelationId}, {@code sys.Label}, {@code sys.MessageId}, {@code sys.To}, {@code
 * sys.ReplyTo}, {@code sys.ContentType}, {@code sys.SessionId}, {@code sys.ReplyToSessionId}).
 * Logic is three-valued as in SQL: a comparison with a missing property is unknown, and only {@code
 * TRUE} matches. Arithmetic and functions are not supported.
 */
final class SqlFilter {
  private final String expression;
  private final Node root;

  private SqlFilter(String expression, Node root) {
    this.expression = expression;
    this.root = root;
  }

  /**
   * Parses an expression.
   *
   * @throws IllegalArgumentException with the position of the first problem
   */
  static SqlFilter parse(String expression) {
    Objects.requireNonNull(expression, "expression");
    Parser parser = new Parser(new Lexer(expression).tokens(), expression);
    Node node = parser.parseExpression();
    parser.expectEnd();
    return new SqlFilter(expression, node);
  }

  /** Whether the expression is TRUE for the message (unknown counts as no match). */
  boolean matches(Message message) {
    return Boolean.TRUE.equals(root.eval(message));
  }

  @Override
  public String toString() {
    return expression;
  }

  // ---------------------------------------------------------------- evaluation

  private interface Node {
    Object eval(Message message);
  }

  private record Literal(Object value) implements Node {
    @Override
    public Object eval(Message message) {
      return value;
    }
  }

  private record Property(boolean system, String name) implements Node {
    @Override
    public Object eval(Message message) {
      return system ? systemProperty(message, name) : normalize(applicationProperty(message, name));
    }

    boolean exists(Message message) {
      if (system) {
        return systemProperty(message, name) != null;
      }
      Map<String, Object> props = applicationProperties(message);
      return props != null && findKey(props, name) != null;
    }
  }

  private record Not(Node operand) implements Node {
    @Override
    public Object eval(Message message) {
      Object v = operand.eval(message);
      return v instanceof Boolean b ? !b : null;
    }
  }

  private record And(Node left, Node right) implements Node {
    @Override
    public Object eval(Message message) {
      Object l = left.eval(message);
      if (Boolean.FALSE.equals(l)) {
        return false;
      }
      Object r = right.eval(message);
      if (Boolean.FALSE.equals(r)) {
        return false;
      }
      return Boolean.TRUE.equals(l) && Boolean.TRUE.equals(r) ? Boolean.TRUE : null;
    }
  }

  private record Or(Node left, Node right) implements Node {
    @Override
    public Object eval(Message message) {
      Object l = left.eval(message);
      if (Boolean.TRUE.equals(l)) {
        return true;
      }
      Object r = right.eval(message);
      if (Boolean.TRUE.equals(r)) {
        return true;
      }
      return Boolean.FALSE.equals(l) && Boolean.FALSE.equals(r) ? Boolean.FALSE : null;
    }
  }

  private record Compare(Node left, String op, Node right) implements Node {
    @Override
    public Object eval(Message message) {
      Object l = left.eval(message);
      Object r = right.eval(message);
      if (l == null || r == null) {
        return null;
      }
      Integer cmp = compareValues(l, r);
      if (cmp == null) {
        // Values of different kinds are never equal, and have no order.
        return switch (op) {
          case "=" -> false;
          case "<>" -> true;
          default -> null;
        };
      }
      return switch (op) {
        case "=" -> cmp == 0;
        case "<>" -> cmp != 0;
        case "<" -> cmp < 0;
        case "<=" -> cmp <= 0;
        case ">" -> cmp > 0;
        case ">=" -> cmp >= 0;
        default -> throw new IllegalStateException(op);
      };
    }
  }

  private record IsNull(Node operand, boolean negated) implements Node {
    @Override
    public Object eval(Message message) {
      return (operand.eval(message) == null) != negated;
    }
  }

  private record Exists(Property property) implements Node {
    @Override
    public Object eval(Message message) {
      return property.exists(message);
    }
  }

  private record In(Node operand, List<Node> candidates, boolean negated) implements Node {
    @Override
    public Object eval(Message message) {
      Object v = operand.eval(message);
      if (v == null) {
        return null;
      }
      for (Node candidate : candidates) {
        Object c = candidate.eval(message);
        if (c != null && Integer.valueOf(0).equals(compareValues(v, c))) {
          return !negated;
        }
      }
      return negated;
    }
  }

  private record Like(Node operand, Pattern pattern, boolean negated) implements Node {
    @Override
    public Object eval(Message message) {
      Object v = operand.eval(message);
      if (!(v instanceof String s)) {
        return null;
      }
      return pattern.matcher(s).matches() != negated;
    }
  }

  /** Orders two values of the same kind; null when they are of different kinds. */
  private static Integer compareValues(Object l, Object r) {
    if (l instanceof BigDecimal a && r instanceof BigDecimal b) {
      return a.compareTo(b);
    }
    if (l instanceof String a && r instanceof String b) {
      return a.compareTo(b);
    }
    if (l instanceof Boolean a && r instanceof Boolean b) {
      return a.equals(b) ? 0 : (a ? 1 : -1);
    }
    return null;
  }

  /** Maps AMQP property values to the three comparable kinds: BigDecimal, String, Boolean. */
  static Object normalize(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? null : BigDecimal.valueOf(d);
    }
    if (value instanceof Float f) {
      return f.isNaN() || f.isInfinite() ? null : new BigDecimal(Float.toString(f));
    }
    if (value instanceof BigDecimal b) {
      return b;
    }
    if (value instanceof Number n) {
      // Long, Integer, Short, Byte and proton's unsigned types.
      return new BigDecimal(n.toString());
    }
    if (value instanceof Symbol || value instanceof Character || value instanceof java.util.UUID) {
      return value.toString();
    }
    return value;
  }

  static Object systemProperty(Message message, String name) {
    Object value =
        switch (name.toLowerCase(Locale.ROOT)) {
          case "messageid" -> message.getMessageId();
          case "correlationid" -> message.getCorrelationId();
          case "to" -> message.getAddress();
          case "replyto" -> message.getReplyTo();
          case "label", "subject" -> message.getSubject();
          case "sessionid" -> message.getGroupId();
          case "replytosessionid" -> message.getReplyToGroupId();
          case "contenttype" -> message.getContentType();
          default -> null;
        };
    return idToString(value);
  }

  /**
   * Message and correlation ids may be strings, uuids, ulongs or binaries; filters see their text.
   */
  static String idToString(Object id) {
    if (id == null) {
      return null;
    }
    if (id instanceof Binary b) {
      return new String(
          b.getArray(), b.getArrayOffset(), b.getLength(), java.nio.charset.StandardCharsets.UTF_8);
    }
    return id.toString();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> applicationProperties(Message message) {
    return message.getApplicationProperties() == null
        ? null
        : message.getApplicationProperties().getValue();
  }

  static Object applicationProperty(Message message, String name) {
    Map<String, Object> props = applicationProperties(message);
    if (props == null) {
      return null;
    }
    String key = findKey(props, name);
    return key == null ? null : props.get(key);
  }

  /**
   * Exact key first, then a case-insensitive match (Service Bus property names are
   * case-insensitive).
   */
  private static String findKey(Map<String, Object> props, String name) {
    if (props.containsKey(name)) {
      return name;
    }
    for (Object key : props.keySet()) {
      if (key != null && key.toString().equalsIgnoreCase(name)) {
        return key.toString();
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- lexing

  private enum Kind {
    IDENT,
    STRING,
    NUMBER,
    OP,
    END
  }

  private record Token(Kind kind, String text, int position) {
    boolean isKeyword(String keyword) {
      return kind == Kind.IDENT && text.equalsIgnoreCase(keyword);
    }

    boolean isOp(String op) {
      return kind == Kind.OP && text.equals(op);
    }
  }

  private static final class Lexer {
    private final String input;
    private int pos;

    Lexer(String input) {
      this.input = input;
    }

    List<Token> tokens() {
      List<Token> tokens = new ArrayList<>();
      while (true) {
        while (pos < input.length() && Character.isWhitespace(input.charAt(pos))) {
          pos++;
        }
        if (pos >= input.length()) {
          tokens.add(new Token(Kind.END, "", pos));
          return tokens;
        }
        int start = pos;
        char c = input.charAt(pos);
        if (c == '\'') {
          tokens.add(new Token(Kind.STRING, string(), start));
        } else if (c == '[') {
          int end = input.indexOf(']', pos);
          if (end < 0) {
            throw error("unclosed '['", start);
          }
          tokens.add(new Token(Kind.IDENT, input.substring(pos + 1, end), start));
          pos = end + 1;
        } else if (Character.isDigit(c)
            || (c == '.' && pos + 1 < input.length() && Character.isDigit(input.charAt(pos + 1)))) {
          while (pos < input.length()
              && (Character.isDigit(input.charAt(pos)) || input.charAt(pos) == '.')) {
            pos++;
          }
          tokens.add(new Token(Kind.NUMBER, input.substring(start, pos), start));
        } else if (Character.isLetter(c) || c == '_') {
          while (pos < input.length()
              && (Character.isLetterOrDigit(input.charAt(pos))
                  || input.charAt(pos) == '_'
                  || input.charAt(pos) == '.'
                  || input.charAt(pos) == '-')) {
            pos++;
          }
          tokens.add(new Token(Kind.IDENT, input.substring(start, pos), start));
        } else {
          String two = pos + 1 < input.length() ? input.substring(pos, pos + 2) : "";
          if (two.equals("<>") || two.equals("!=") || two.equals("<=") || two.equals(">=")) {
            tokens.add(new Token(Kind.OP, two.equals("!=") ? "<>" : two, start));
            pos += 2;
          } else if ("=<>(),-".indexOf(c) >= 0) {
            tokens.add(new Token(Kind.OP, String.valueOf(c), start));
            pos++;
          } else {
            throw error("unexpected character '" + c + "'", start);
          }
        }
      }
    }

    private String string() {
      StringBuilder sb = new StringBuilder();
      int start = pos;
      pos++;
      while (pos < input.length()) {
        char c = input.charAt(pos);
        if (c == '\'') {
          if (pos + 1 < input.length() && input.charAt(pos + 1) == '\'') {
            sb.append('\'');
            pos += 2;
            continue;
          }
          pos++;
          return sb.toString();
        }
        sb.append(c);
        pos++;
      }
      throw error("unclosed string literal", start);
    }

    private IllegalArgumentException error(String what, int at) {
      return new IllegalArgumentException(
          "SQL filter '" + input + "': " + what + " at position " + at);
    }
  }

  // ---------------------------------------------------------------- parsing

  private static final class Parser {
    private final List<Token> tokens;
    private final String input;
    private int index;

    Parser(List<Token> tokens, String input) {
      this.tokens = tokens;
      this.input = input;
    }

    Node parseExpression() {
      Node left = parseAnd();
      while (peek().isKeyword("OR")) {
        index++;
        left = new Or(left, parseAnd());
      }
      return left;
    }

    void expectEnd() {
      if (peek().kind() != Kind.END) {
        throw error("unexpected '" + peek().text() + "'");
      }
    }

    private Node parseAnd() {
      Node left = parseNot();
      while (peek().isKeyword("AND")) {
        index++;
        left = new And(left, parseNot());
      }
      return left;
    }

    private Node parseNot() {
      if (peek().isKeyword("NOT")) {
        index++;
        return new Not(parseNot());
      }
      return parsePredicate();
    }

    private Node parsePredicate() {
      if (peek().isKeyword("EXISTS")) {
        index++;
        expectOp("(");
        Node operand = parseOperand();
        if (!(operand instanceof Property property)) {
          throw error("EXISTS needs a property name");
        }
        expectOp(")");
        return new Exists(property);
      }
      if (peek().isOp("(")) {
        // Values are never parenthesised in this subset, so '(' always opens a predicate.
        index++;
        Node inner = parseExpression();
        expectOp(")");
        return inner;
      }
      Node left = parseOperand();
      Token t = peek();
      if (t.kind() == Kind.OP && List.of("=", "<>", "<", ">", "<=", ">=").contains(t.text())) {
        index++;
        return new Compare(left, t.text(), parseOperand());
      }
      if (t.isKeyword("IS")) {
        index++;
        boolean negated = false;
        if (peek().isKeyword("NOT")) {
          index++;
          negated = true;
        }
        expectKeyword("NULL");
        return new IsNull(left, negated);
      }
      boolean negated = false;
      if (t.isKeyword("NOT")) {
        index++;
        negated = true;
        t = peek();
      }
      if (t.isKeyword("IN")) {
        index++;
        expectOp("(");
        List<Node> values = new ArrayList<>();
        values.add(parseOperand());
        while (peek().isOp(",")) {
          index++;
          values.add(parseOperand());
        }
        expectOp(")");
        return new In(left, values, negated);
      }
      if (t.isKeyword("LIKE")) {
        index++;
        String pattern = expectString();
        Character escape = null;
        if (peek().isKeyword("ESCAPE")) {
          index++;
          String e = expectString();
          if (e.length() != 1) {
            throw error("ESCAPE needs one character");
          }
          escape = e.charAt(0);
        }
        return new Like(left, likePattern(pattern, escape), negated);
      }
      if (negated) {
        throw error("NOT must be followed by IN or LIKE here");
      }
      if (left instanceof Literal literal && literal.value() instanceof Boolean) {
        return left;
      }
      if (left instanceof Property) {
        // A bare boolean property acts as a predicate; anything else is unknown.
        return message -> left.eval(message) instanceof Boolean b ? b : null;
      }
      throw error("expected a comparison after '" + tokens.get(index - 1).text() + "'");
    }

    private Node parseOperand() {
      Token t = next();
      switch (t.kind()) {
        case STRING:
          return new Literal(t.text());
        case NUMBER:
          return new Literal(number(t));
        case OP:
          if (t.text().equals("-") && peek().kind() == Kind.NUMBER) {
            return new Literal(number(next()).negate());
          }
          throw error("unexpected '" + t.text() + "'", t);
        case IDENT:
          String upper = t.text().toUpperCase(Locale.ROOT);
          switch (upper) {
            case "TRUE":
              return new Literal(Boolean.TRUE);
            case "FALSE":
              return new Literal(Boolean.FALSE);
            case "NULL":
              return new Literal(null);
            case "AND", "OR", "NOT", "IN", "IS", "LIKE", "ESCAPE", "EXISTS":
              throw error("unexpected keyword " + t.text(), t);
            default:
              return property(t.text());
          }
        default:
          throw error("unexpected end of expression", t);
      }
    }

    private static Node property(String name) {
      int dot = name.indexOf('.');
      if (dot > 0) {
        String scope = name.substring(0, dot).toLowerCase(Locale.ROOT);
        if (scope.equals("sys")) {
          return new Property(true, name.substring(dot + 1));
        }
        if (scope.equals("user")) {
          return new Property(false, name.substring(dot + 1));
        }
      }
      return new Property(false, name);
    }

    private BigDecimal number(Token t) {
      try {
        return new BigDecimal(t.text());
      } catch (NumberFormatException e) {
        throw error("bad number " + t.text(), t);
      }
    }

    private static Pattern likePattern(String like, Character escape) {
      StringBuilder regex = new StringBuilder();
      for (int i = 0; i < like.length(); i++) {
        char c = like.charAt(i);
        if (escape != null && c == escape && i + 1 < like.length()) {
          regex.append(Pattern.quote(String.valueOf(like.charAt(++i))));
        } else if (c == '%') {
          regex.append(".*");
        } else if (c == '_') {
          regex.append('.');
        } else {
          regex.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private String expectString() {
      Token t = next();
      if (t.kind() != Kind.STRING) {
        throw error("expected a string literal", t);
      }
      return t.text();
    }

    private void expectOp(String op) {
      Token t = next();
      if (!t.isOp(op)) {
        throw error("expected '" + op + "'", t);
      }
    }

    private void expectKeyword(String keyword) {
      Token t = next();
      if (!t.isKeyword(keyword)) {
        throw error("expected " + keyword, t);
      }
    }

    private Token peek() {
      return tokens.get(index);
    }

    private Token next() {
      Token t = tokens.get(index);
      if (t.kind() != Kind.END) {
        index++;
      }
      return t;
    }

    private IllegalArgumentException error(String what) {
      return error(what, peek());
    }

    private IllegalArgumentException error(String what, Token at) {
      return new IllegalArgumentException(
          "SQL filter '" + input + "': " + what + " at position " + at.position());
    }
  }
}
