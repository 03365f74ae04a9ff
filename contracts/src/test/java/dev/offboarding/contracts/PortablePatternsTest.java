package dev.offboarding.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schemas' patterns are written in the subset of regular-expression syntax that ECMA-262 (with
 * or without the {@code u} flag), Java, .NET, Python's {@code re} and RE2 read alike, and their
 * explicit character ranges mean what the codec's Unicode categories mean.
 *
 * <p>The subset: no property classes ({@code \p{..}}), no {@code \\u}, {@code \\U} or {@code
 * \\x{..}} escapes (each unknown to one engine or another), no look-around, back-references or
 * named groups; {@code \\xHH} for code points up to U+00FF and the character itself (a JSON escape
 * in the file) above; no character outside the Basic Multilingual Plane inside a class, as engines
 * that match UTF-16 units (.NET, ECMA-262 without {@code u}) would read it as two.
 */
class PortablePatternsTest {
  private static final Pattern FORBIDDEN =
      Pattern.compile("\\\\[pPuUkN]|\\\\x\\{|\\(\\?[=!<>P'(]|\\\\[1-9]|\\(\\?[a-zA-Z]");

  /** A possessive quantifier, looked for outside classes only. */
  private static final Pattern POSSESSIVE = Pattern.compile("[*+?}]\\+");

  static List<String> schemas() {
    return Schemas.all();
  }

  @ParameterizedTest
  @MethodSource("schemas")
  void everyPatternUsesOnlyTheSyntaxEveryEngineShares(String schema) throws IOException {
    List<String> patterns =
        patterns(EventJson.MAPPER.readTree(Schemas.load(schema)), new ArrayList<>());

    assertTrue(patterns.size() > 5, "patterns of " + schema);
    for (String pattern : patterns) {
      assertTrue(
          !FORBIDDEN.matcher(pattern).find(),
          () -> schema + ": engine-specific syntax in " + Text.excerpt(pattern, 80));
      assertTrue(
          !POSSESSIVE.matcher(outsideClasses(pattern)).find(),
          () -> schema + ": possessive in " + Text.excerpt(pattern, 80));
      assertTrue(
          noAstralInClasses(pattern),
          () -> schema + ": a character outside the BMP in a class: " + Text.excerpt(pattern, 80));
    }
  }

  @ParameterizedTest
  @MethodSource("schemas")
  void everySchemaIdIsAUrnWithAValidNamespaceId(String schema) throws IOException {
    String id = EventJson.MAPPER.readTree(Schemas.load(schema)).get("$id").asText();

    // RFC 8141: "urn:" NID ":" NSS; NID is 2 to 32 letters, digits and inner hyphens.
    assertTrue(
        id.matches(
            "urn:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]:[A-Za-z0-9()+,\\-.:=@;$_!*'%/?#]+"),
        id);
    assertTrue(id.startsWith("urn:offboarding:schema:"), id);
  }

  @Test
  void theControlAndBlankClassesMeanWhatTheCodecMeansForEveryCodePoint() throws IOException {
    JsonNode id = defs().get("id");
    Pattern nonBlank = Pattern.compile(id.get("pattern").asText());
    Pattern control = Pattern.compile(id.at("/not/pattern").asText());

    assertAgreeEverywhere(
        "control", cp -> control.matcher(Character.toString(cp)).find(), Character::isISOControl);
    assertAgreeEverywhere(
        "blank",
        cp -> !nonBlank.matcher(Character.toString(cp)).find(),
        cp -> Text.isBlank(Character.toString(cp)));
  }

  /**
   * The rule the codec applied before the schemas were written with explicit ranges, in Unicode
   * categories; the explicit ranges are that rule, except that domain labels hold letters and
   * digits of the Basic Multilingual Plane only.
   */
  private static final Pattern UPN_BY_CATEGORY =
      Pattern.compile(
          "^[^\\p{Cc}\\p{Cf}\\p{Cs}\\p{Z}@/\\\\?]{1,113}@(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}\\-]{0,61}[\\p{L}\\p{N}])?\\.)+\\p{L}{2,63}$");

  @Test
  void theUpnRuleMeansTheUnicodeCategoriesForEveryCodePoint() {
    assertAgreeEverywhere(
        "local part",
        cp -> Target.isUpn(Character.toString(cp) + "@b.cd"),
        cp -> UPN_BY_CATEGORY.matcher(Character.toString(cp) + "@b.cd").matches());
    // Beyond U+FFFF a domain character is refused by construction (no such character sits in a
    // class,
    // which everyPatternUsesOnlyTheSyntaxEveryEngineShares checks), so every 61st code point there
    // suffices.
    IntPredicate sampled = cp -> cp <= 0xFFFF || cp % 61 == 0;
    assertAgreeEverywhere(
        "domain label",
        sampled,
        cp -> Target.isUpn("a@" + Character.toString(cp).repeat(3) + ".cd"),
        cp ->
            cp <= 0xFFFF
                && UPN_BY_CATEGORY
                    .matcher("a@" + Character.toString(cp).repeat(3) + ".cd")
                    .matches());
    assertAgreeEverywhere(
        "top-level domain",
        sampled,
        cp -> Target.isUpn("a@b.x" + Character.toString(cp)),
        cp -> cp <= 0xFFFF && UPN_BY_CATEGORY.matcher("a@b.x" + Character.toString(cp)).matches());
  }

  @Test
  void theDateTimePatternKnowsTheCalendarAsTheCodecDoes() {
    List<String> disagreements = new ArrayList<>();
    int[][] years = {{0, 40}, {1890, 2110}, {2390, 2410}, {9960, 9999}};
    for (int[] span : years) {
      for (int year = span[0]; year <= span[1]; year++) {
        for (int month = 1; month <= 12; month++) {
          for (int day = 1; day <= 31; day++) {
            String text = String.format("%04d-%02d-%02dT09:00:00Z", year, month, day);
            boolean exists = day <= java.time.YearMonth.of(year, month).lengthOfMonth();
            if (Rfc3339.DATE_TIME.matcher(text).matches() != exists
                || (Rfc3339.parse(text) != null) != exists) {
              disagreements.add(text);
            }
          }
        }
      }
    }
    assertEquals(List.of(), disagreements);
  }

  /**
   * Agreement at every code point this JDK has assigned. The ranges were taken from Unicode 16.0
   * (JDK 25); an older JDK does not know the newest letters, which it then leaves out of the
   * comparison, and a newer one that knows more fails here, asking for the ranges to be renewed
   * ({@link UnicodeRanges} writes them).
   */
  private static void assertAgreeEverywhere(
      String what, IntPredicate explicit, IntPredicate byCategory) {
    assertAgreeEverywhere(what, cp -> true, explicit, byCategory);
  }

  private static void assertAgreeEverywhere(
      String what, IntPredicate checked, IntPredicate explicit, IntPredicate byCategory) {
    List<String> disagreements = new ArrayList<>();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (Character.getType(cp) == Character.UNASSIGNED || !checked.test(cp)) {
        continue;
      }
      if (explicit.test(cp) != byCategory.test(cp)) {
        disagreements.add(String.format("U+%04X", cp));
      }
    }
    assertEquals(
        List.of(),
        disagreements.subList(0, Math.min(20, disagreements.size())),
        what
            + ": "
            + disagreements.size()
            + " code points where the explicit ranges and the categories disagree");
  }

  private static JsonNode defs() throws IOException {
    return EventJson.MAPPER.readTree(Schemas.load(Schemas.EVENT)).get("$defs");
  }

  private static List<String> patterns(JsonNode node, List<String> out) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                if (e.getKey().equals("pattern") && e.getValue().isTextual()) {
                  out.add(e.getValue().asText());
                } else {
                  patterns(e.getValue(), out);
                }
              });
    } else if (node.isArray()) {
      node.forEach(n -> patterns(n, out));
    }
    return out;
  }

  /** The pattern with every class and escape replaced by {@code C}. */
  private static String outsideClasses(String pattern) {
    StringBuilder out = new StringBuilder();
    boolean inClass = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        i++;
        if (!inClass) {
          out.append('C');
        }
      } else if (c == '[') {
        inClass = true;
      } else if (c == ']' && inClass) {
        inClass = false;
        out.append('C');
      } else if (!inClass) {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** True when no code point above U+FFFF sits between an unescaped {@code [} and its {@code ]}. */
  private static boolean noAstralInClasses(String pattern) {
    boolean inClass = false;
    for (int i = 0; i < pattern.length(); ) {
      int cp = pattern.codePointAt(i);
      if (cp == '\\') {
        i += 2;
        continue;
      }
      if (cp == '[') {
        inClass = true;
      } else if (cp == ']') {
        inClass = false;
      } else if (inClass && cp > 0xFFFF) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }
}
