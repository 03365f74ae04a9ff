package dev.offboarding.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * The user principal name rule, read from the event schema's {@code $defs/upn} so that the codec
 * and the published contract hold one text: a {@code pattern} the whole name must match and a
 * {@code not} pattern no part of it may contain. Both are written with explicit character ranges
 * rather than Unicode property classes, which many producers' engines do not know.
 */
final class UpnPatterns {
  /** The whole name: local part, {@code @}, dotted domain labels of letters and digits. */
  static final Pattern WHOLE;

  /** Controls, separators and the format characters outside the Basic Multilingual Plane. */
  static final Pattern EXCLUDED;

  static {
    try {
      JsonNode upn = new ObjectMapper().readTree(Schemas.load(Schemas.EVENT)).at("/$defs/upn");
      WHOLE = Pattern.compile(text(upn, "/pattern"));
      EXCLUDED = Pattern.compile(text(upn, "/not/pattern"));
    } catch (IOException e) {
      throw new UncheckedIOException("the event schema cannot be read", e);
    }
  }

  private UpnPatterns() {}

  private static String text(JsonNode node, String pointer) {
    JsonNode value = node.at(pointer);
    if (!value.isTextual()) {
      throw new IllegalStateException("the event schema has no $defs/upn" + pointer);
    }
    return value.asText();
  }
}
