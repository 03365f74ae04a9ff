package dev.offboarding.contracts;

import java.util.function.IntPredicate;

/**
 * Writes the schemas' Unicode-category patterns out as explicit ranges, from the running JDK's
 * Unicode data, in the JSON string form the schema files hold: {@code \\xHH} regex escapes up to
 * U+00FF, JSON escapes (characters, to the engine) above, nothing beyond U+FFFF inside a class. Run
 * it on a JDK that knows a newer Unicode when {@link PortablePatternsTest} asks for the ranges to
 * be renewed, and paste each line into the {@code pattern} it names:
 *
 * <pre>java contracts/src/test/java/dev/offboarding/contracts/UnicodeRanges.java</pre>
 */
final class UnicodeRanges {
  private UnicodeRanges() {}

  public static void main(String[] args) {
    String cc = ranges(cp -> Character.getType(cp) == Character.CONTROL);
    String z = ranges(UnicodeRanges::isSeparator);
    String cf = ranges(cp -> Character.getType(cp) == Character.FORMAT);
    String letters = ranges(UnicodeRanges::isLetter);
    String lettersAndDigits = ranges(cp -> isLetter(cp) || isNumber(cp));
    StringBuilder astralFormat = new StringBuilder();
    for (int cp = 0x10000; cp <= Character.MAX_CODE_POINT; cp++) {
      if (Character.getType(cp) == Character.FORMAT) {
        char[] pair = Character.toChars(cp);
        astralFormat.append(String.format("|\\u%04x\\u%04x", (int) pair[0], (int) pair[1]));
      }
    }
    System.out.println("control (not): [" + cc + "]");
    System.out.println("non-blank:     [^" + cc + z + "\\ufeff]");
    System.out.println(
        "upn:           ^[^"
            + cc
            + cf
            + "\\ud800-\\udfff"
            + z
            + "@/\\\\\\\\?]{1,113}@(?:["
            + lettersAndDigits
            + "](?:["
            + lettersAndDigits
            + "\\\\-]{0,61}["
            + lettersAndDigits
            + "])?\\\\.)+["
            + letters
            + "]{2,63}$");
    System.out.println("upn (not):     [" + cc + z + "]" + astralFormat);
  }

  private static boolean isSeparator(int cp) {
    int type = Character.getType(cp);
    return type == Character.SPACE_SEPARATOR
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static boolean isLetter(int cp) {
    return switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER ->
          true;
      default -> false;
    };
  }

  private static boolean isNumber(int cp) {
    return switch (Character.getType(cp)) {
      case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
      default -> false;
    };
  }

  /** The class body of the Basic Multilingual Plane code points that {@code accepts}. */
  static String ranges(IntPredicate accepts) {
    StringBuilder out = new StringBuilder();
    int cp = 0;
    while (cp <= 0xFFFF) {
      if (!accepts.test(cp)) {
        cp++;
        continue;
      }
      int start = cp;
      while (cp < 0xFFFF && accepts.test(cp + 1)) {
        cp++;
      }
      out.append(escape(start));
      if (cp > start) {
        if (cp > start + 1) {
          out.append('-');
        }
        out.append(escape(cp));
      }
      cp++;
    }
    return out.toString();
  }

  private static String escape(int cp) {
    if (cp < 0x80 && Character.isLetterOrDigit(cp)) {
      return String.valueOf((char) cp);
    }
    if (cp <= 0xFF) {
      return String.format("\\\\x%02X", cp);
    }
    return String.format("\\u%04X", cp);
  }
}
