package dev.offboarding.testkit.graph;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The OData system query options of one request ({@code $select}, {@code $top}, {@code $count},
 * {@code $filter}, {@code $skiptoken}, {@code $expand}), parsed and validated the way Graph does;
 * plus the URI decoding the handlers need. Options Graph would reject here ({@code $skip}, {@code
 * $orderby}, {@code $search}, ...) answer 400 instead of being silently ignored, and so does {@code
 * $expand} everywhere but the role management lists that support it.
 */
final class ODataQuery {

  static final int MAX_TOP = 999;
  private static final Set<String> KNOWN =
      Set.of("$select", "$top", "$count", "$filter", "$skiptoken", "$expand");

  private final Map<String, String> options;

  private ODataQuery(Map<String, String> options) {
    this.options = options;
  }

  /** Parses a raw query string; {@code +} is a space and {@code %2B} a plus, as in forms. */
  static ODataQuery parse(String rawQuery) {
    Map<String, String> options = new LinkedHashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decodeQuery(pair.substring(eq + 1));
        if (name.startsWith("$")) {
          String key = name.toLowerCase(Locale.ROOT);
          if (!KNOWN.contains(key)) {
            throw GraphException.unsupportedQuery("Query option '" + name + "' is not supported.");
          }
          options.put(key, value);
        }
      }
    }
    return new ODataQuery(options);
  }

  /** Rejects any option not in {@code allowed} (lower case, with {@code $}). */
  ODataQuery allowOnly(Set<String> allowed) {
    for (String name : options.keySet()) {
      if (!allowed.contains(name)) {
        throw GraphException.unsupportedQuery(
            "Query option '" + name + "' is not supported for this request.");
      }
    }
    return this;
  }

  /** {@code $select} property names as given, or an empty list. */
  List<String> select() {
    String value = options.get("$select");
    if (value == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String part : value.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        throw GraphException.badRequest("Invalid $select: empty property name.");
      }
      names.add(name);
    }
    return names;
  }

  /**
   * {@code $expand} navigation property names as given, or an empty list; nested options such as
   * {@code principal($select=id)} answer 400 (the fake expands whole objects only).
   */
  List<String> expand() {
    String value = options.get("$expand");
    if (value == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String part : value.split(",")) {
      String name = part.trim();
      if (name.isEmpty() || !name.matches("[A-Za-z][A-Za-z0-9]*")) {
        throw GraphException.unsupportedQuery(
            "Invalid or unsupported $expand item '"
                + name
                + "': this fake expands navigation properties by name only.");
      }
      names.add(name);
    }
    return names;
  }

  /** {@code $top}, or {@code fallback}; 1..999 like Graph. */
  int top(int fallback) {
    return top(fallback, MAX_TOP);
  }

  /** {@code $top}, or {@code fallback}; 1..{@code max}, for lists whose largest page is not 999. */
  int top(int fallback, int max) {
    String value = options.get("$top");
    if (value == null) {
      return fallback;
    }
    int top;
    try {
      top = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new GraphException(
          400, "Request_BadRequest", "Invalid value '" + value + "' for query option '$top'.");
    }
    if (top < 1 || top > max) {
      throw new GraphException(
          400,
          "Request_BadRequest",
          "Invalid page size specified: '"
              + top
              + "'. Must be between 1 and "
              + max
              + " inclusive.");
    }
    return top;
  }

  /** {@code $count=true}. */
  boolean count() {
    String value = options.get("$count");
    if (value == null) {
      return false;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw GraphException.badRequest(
              "Invalid value '" + value + "' for query option '$count'.");
    };
  }

  /** The raw {@code $filter} expression, or null. */
  String filter() {
    return options.get("$filter");
  }

  /** The {@code $skiptoken}, or null. */
  String skipToken() {
    return options.get("$skiptoken");
  }

  // ------------------------------------------------------------------------------ $filter

  /** {@code <attribute> eq '<value>'} with the attribute's canonical name. */
  record EqualsClause(String attribute, String value) {}

  /**
   * Parses {@code <attribute> eq '<string literal>'} for an attribute in {@code allowed}
   * (case-insensitive); {@code ''} inside the literal is one quote. Anything else answers 400
   * {@code Request_UnsupportedQuery}.
   */
  static EqualsClause parseEqualsFilter(String filter, List<String> allowed) {
    return parseEqualsFilter(filter, allowed, "User");
  }

  /** As {@link #parseEqualsFilter(String, List)}, for properties of {@code resource}. */
  static EqualsClause parseEqualsFilter(String filter, List<String> allowed, String resource) {
    int n = filter.length();
    int i = skipSpaces(filter, 0);
    int start = i;
    while (i < n && (Character.isLetterOrDigit(filter.charAt(i)) || filter.charAt(i) == '_')) {
      i++;
    }
    String attribute = filter.substring(start, i);
    if (attribute.isEmpty()) {
      throw invalidFilter("a property name is expected at position " + start);
    }
    String canonical =
        allowed.stream().filter(a -> a.equalsIgnoreCase(attribute)).findFirst().orElse(null);
    if (canonical == null || (i < n && filter.charAt(i) == '(')) {
      throw GraphException.unsupportedQuery(
          "Unsupported or invalid query filter clause specified for property '"
              + attribute
              + "' of resource '"
              + resource
              + "'.");
    }
    int afterAttribute = i;
    i = skipSpaces(filter, i);
    int opStart = i;
    while (i < n && Character.isLetter(filter.charAt(i))) {
      i++;
    }
    String operator = filter.substring(opStart, i);
    if (i == afterAttribute || operator.isEmpty()) {
      throw invalidFilter("an operator is expected after '" + attribute + "'");
    }
    if (!operator.equals("eq")) {
      throw GraphException.unsupportedQuery(
          "Unsupported query operator '"
              + operator
              + "' for property '"
              + attribute
              + "'; only 'eq' is supported.");
    }
    int afterOperator = i;
    i = skipSpaces(filter, i);
    if (i == afterOperator || i >= n || filter.charAt(i) != '\'') {
      throw invalidFilter("a string literal in single quotes is expected after 'eq'");
    }
    i++;
    StringBuilder value = new StringBuilder();
    boolean closed = false;
    while (i < n) {
      char c = filter.charAt(i);
      if (c == '\'') {
        if (i + 1 < n && filter.charAt(i + 1) == '\'') {
          value.append('\'');
          i += 2;
          continue;
        }
        closed = true;
        i++;
        break;
      }
      value.append(c);
      i++;
    }
    if (!closed) {
      throw invalidFilter("unterminated string literal");
    }
    i = skipSpaces(filter, i);
    if (i != n) {
      throw invalidFilter(
          "unexpected '"
              + filter.substring(i)
              + "' after the clause; only one 'eq' clause is supported");
    }
    return new EqualsClause(canonical, value.toString());
  }

  private static GraphException invalidFilter(String detail) {
    return GraphException.unsupportedQuery("Invalid filter clause: " + detail + ".");
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  // ------------------------------------------------------------------------------ decoding

  /** Percent-decodes a path segment as UTF-8; {@code +} stays a plus. */
  static String decodePath(String raw) {
    return decode(raw, false);
  }

  /** Percent-decodes a query component as UTF-8; {@code +} is a space. */
  static String decodeQuery(String raw) {
    return decode(raw, true);
  }

  private static String decode(String raw, boolean plusIsSpace) {
    if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    int i = 0;
    while (i < raw.length()) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw GraphException.badRequest("Invalid percent-encoding in '" + raw + "'.");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw GraphException.badRequest("Invalid percent-encoding in '" + raw + "'.");
        }
        bytes.write(hi * 16 + lo);
        i += 3;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
        i++;
      } else {
        int cp = raw.codePointAt(i);
        bytes.writeBytes(new String(Character.toChars(cp)).getBytes(UTF_8));
        i += Character.charCount(cp);
      }
    }
    return bytes.toString(UTF_8);
  }
}
