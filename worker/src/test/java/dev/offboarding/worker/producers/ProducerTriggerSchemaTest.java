package dev.offboarding.worker.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.offboarding.worker.producers.ProducerTemplates.Producer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The HTTP-triggered templates' request schemas (JSON Schema draft 4, the dialect of the Logic Apps
 * Request trigger): each recorded sample is a request its trigger accepts, and the HR webhook,
 * whose trigger validates the body before the run starts, refuses bodies of any other shape.
 */
class ProducerTriggerSchemaTest {
  private static final JsonSchemaFactory DRAFT4 =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

  private static JsonSchema triggerSchema(Producer p) {
    JsonNode trigger = p.definition().path("triggers").elements().next();
    assertEquals("Request", trigger.path("type").asText(), p.name());
    return DRAFT4.getSchema(trigger.path("inputs").path("schema"));
  }

  @Test
  void everyRecordedRequestMatchesItsTriggersSchema() {
    for (Producer p :
        List.of(
            ProducerTemplates.LIFECYCLE_WORKFLOWS,
            ProducerTemplates.HR_WEBHOOK,
            ProducerTemplates.SOAR_BRIDGE)) {
      Set<ValidationMessage> problems = triggerSchema(p).validate(p.sample());
      assertTrue(problems.isEmpty(), p.name() + ": " + problems);
    }
  }

  @Test
  void theLifecycleWorkflowsSchemaIsTheDocumentedOne() {
    JsonNode data =
        ProducerTemplates.LIFECYCLE_WORKFLOWS
            .definition()
            .path("triggers")
            .path("manual")
            .path("inputs")
            .path("schema")
            .path("properties")
            .path("data")
            .path("properties");
    for (String member :
        List.of("callbackUriPath", "subject", "task", "taskProcessingResult", "workflow")) {
      assertTrue(data.has(member), member);
    }
    assertEquals(
        "integer",
        data.path("workflow").path("properties").path("workflowVersion").path("type").asText());
  }

  @Test
  void theHrWebhookRefusesBodiesOfAnyOtherShape() {
    JsonSchema schema = triggerSchema(ProducerTemplates.HR_WEBHOOK);
    ObjectNode sample = (ObjectNode) ProducerTemplates.HR_WEBHOOK.sample();

    ObjectNode noEmployee = sample.deepCopy();
    noEmployee.remove("employee");
    ObjectNode emptyEmployee = sample.deepCopy();
    emptyEmployee.putObject("employee");
    ObjectNode extra = sample.deepCopy();
    extra.put("actions", "enableAccount");
    ObjectNode slash = sample.deepCopy();
    slash.put("terminationId", "WD/TERM/1");
    ObjectNode longId = sample.deepCopy();
    longId.put("terminationId", "T".repeat(101));
    ObjectNode number = sample.deepCopy();
    number.put("terminationId", 417);
    ObjectNode unknownEmployeeField = sample.deepCopy();
    ((ObjectNode) unknownEmployeeField.path("employee")).put("group", "all-staff");

    for (ObjectNode body :
        List.of(noEmployee, emptyEmployee, extra, slash, longId, number, unknownEmployeeField)) {
      assertFalse(schema.validate(body).isEmpty(), "accepted: " + body);
    }
  }
}
