package dev.offboarding.contracts;

/**
 * Character rules shared by the codecs and mirrored in the schemas. Lengths are counted in Unicode
 * code points because JSON Schema's {@code maxLength} counts them; "control" means the Unicode
 * category Cc (C0, DEL and C1); "blank" means made only of controls, separators (category Z) and
 * the zero-width no-break space, which is what the schemas' non-blank pattern detects, written
 * there with the ranges of these categories ({@code PortablePatternsTest} checks every code point).
 */
final class Text {
  private Text() {}

  static int length(String s) {
    return s.codePointCount(0, s.length());
  }

  static boolean hasControl(String s) {
    return s.codePoints().anyMatch(Character::isISOControl);
  }

  static boolean isBlank(String s) {
    return s.codePoints().allMatch(Text::isBlankCodePoint);
  }

  private static boolean isBlankCodePoint(int cp) {
    int type = Character.getType(cp);
    return Character.isISOControl(cp)
        || type == Character.SPACE_SEPARATOR
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || cp == 0xFEFF;
  }

  /**
   * True for a value that is safe to repeat in an audit or a log line: non-blank, at most {@code
   * max} code points, no control characters.
   */
  static boolean isPrintable(String s, int max) {
    return s != null && !isBlank(s) && length(s) <= max && !hasControl(s);
  }

  /**
   * A short, printable rendering of untrusted text for messages and paths: control characters as
   * {@code \\uXXXX}, cut after {@code max} code points.
   */
  static String excerpt(String s, int max) {
    StringBuilder out = new StringBuilder();
    int[] cps = s.codePoints().limit(max + 1L).toArray();
    for (int i = 0; i < Math.min(cps.length, max); i++) {
      int cp = cps[i];
      if (Character.isISOControl(cp)
          || cp == 0xFEFF
          || Character.getType(cp) == Character.LINE_SEPARATOR
          || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    }
    if (cps.length > max) {
      out.append('…');
    }
    return out.toString();
  }
}
