package dev.offboarding.contracts;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.util.List;

/**
 * Validates documents against the contract schemas with an independent draft 2020-12 validator,
 * format assertions on. A document that is not strict JSON (including one with duplicate keys,
 * whose meaning RFC 8259 leaves open) is reported invalid before any schema applies.
 */
final class SchemaValidation {
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder()
          .formatAssertionsEnabled(true)
          .pathType(PathType.JSON_PATH)
          .build();
  private static final ObjectMapper STRICT =
      new ObjectMapper(
          JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  private final JsonSchema schema;

  private SchemaValidation(JsonSchema schema) {
    this.schema = schema;
  }

  static SchemaValidation of(String schemaResource) {
    try {
      JsonNode node = STRICT.readTree(Schemas.load(schemaResource));
      return new SchemaValidation(FACTORY.getSchema(node, CONFIG));
    } catch (IOException e) {
      throw new IllegalStateException(schemaResource + " is not JSON", e);
    }
  }

  /** The schema's complaints about {@code json}; empty when valid. */
  List<String> errors(byte[] json) {
    JsonNode node;
    try {
      node = STRICT.readTree(json);
    } catch (IOException e) {
      return List.of("$: not strict JSON");
    }
    if (node == null || node.isMissingNode()) {
      return List.of("$: no JSON value");
    }
    return schema.validate(node).stream().map(ValidationMessage::toString).toList();
  }

  boolean accepts(byte[] json) {
    return errors(json).isEmpty();
  }
}
