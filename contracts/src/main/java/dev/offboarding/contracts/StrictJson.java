package dev.offboarding.contracts;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A strict JSON reader and a plain writer over Jackson's tree model. Immutable once built and safe
 * to share between threads, as the codecs that own one are.
 *
 * <p>Strict means: UTF-8 only (no byte order mark, no UTF-16 guessing), no duplicate keys (RFC 8259
 * leaves their meaning open, and two readers could act on different values), no trailing content,
 * and nesting no deeper than {@link #MAX_DEPTH}, far more than any contract needs and little enough
 * that hostile input cannot exhaust the stack.
 */
final class StrictJson {
  static final int MAX_DEPTH = 32;

  private final ObjectMapper mapper;

  StrictJson() {
    JsonFactory factory =
        JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();
    this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** Thrown when input is not strict JSON; the message never repeats the input. */
  static final class MalformedJsonException extends Exception {
    MalformedJsonException(String message) {
      super(message, null, false, false);
    }
  }

  /** The document's root node, never null. */
  JsonNode read(byte[] bytes) throws MalformedJsonException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedJsonException("not valid JSON: the bytes are not UTF-8");
    }
    if (text.isEmpty()) {
      throw new MalformedJsonException("not valid JSON: the message is empty");
    }
    if (text.charAt(0) == '\uFEFF') {
      throw new MalformedJsonException("not valid JSON: starts with a byte order mark");
    }
    try {
      JsonNode root = mapper.readTree(text);
      if (root == null || root.isMissingNode()) {
        throw new MalformedJsonException("not valid JSON: no value");
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw new MalformedJsonException(
          "not valid JSON: nested deeper than "
              + MAX_DEPTH
              + " levels, or a name or value too long");
    } catch (JsonProcessingException e) {
      // Jackson's messages quote the input (e.g. the duplicated name): say what and where instead.
      String what =
          e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
              ? "duplicate property"
              : "not valid JSON";
      throw new MalformedJsonException(what + where(e.getLocation()));
    } catch (RuntimeException e) {
      throw new MalformedJsonException("not valid JSON");
    }
  }

  private static String where(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  ObjectNode objectNode() {
    return mapper.createObjectNode();
  }

  byte[] write(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      // A tree built in memory always serialises; this would be a Jackson defect.
      throw new IllegalStateException("could not write JSON", e);
    }
  }
}
