package dev.offboarding.contracts;

import java.util.regex.Pattern;

/** Builds the JSONPath locations that problems carry, e.g. {@code $.data.targets[2].user}. */
final class JsonPath {
  static final String ROOT = "$";

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Property names come from untrusted input: a path never carries more of one than this. */
  private static final int MAX_NAME = 64;

  private JsonPath() {}

  static String property(String parent, String name) {
    if (name.length() <= MAX_NAME && IDENTIFIER.matcher(name).matches()) {
      return parent + "." + name;
    }
    String quoted = Text.excerpt(name, MAX_NAME).replace("\\", "\\\\").replace("'", "\\'");
    return parent + "['" + quoted + "']";
  }

  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }
}
