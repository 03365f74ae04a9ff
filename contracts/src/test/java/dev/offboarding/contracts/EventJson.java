package dev.offboarding.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** Builds event documents for tests: a valid leaver to start from, changed one field at a time. */
final class EventJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private EventJson() {}

  /** A valid leaver event with one user target and every optional field set. */
  static ObjectNode validLeaver() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("specversion", "1.0");
    root.put("id", "0b7c7a4e-3f0e-4c1e-9a53-4c1f2f0d9a11");
    root.put("source", "/hr/workday");
    root.put("type", "dev.offboarding.leaver.v1");
    root.put("time", "2026-11-27T09:00:00Z");
    root.put("datacontenttype", "application/json");
    ObjectNode data = root.putObject("data");
    data.putArray("targets").addObject().put("user", "alice@contoso.com");
    data.putArray("actions").add("disableAccount").add("revokeSessions");
    data.put("reason", "Leaver: last working day");
    data.put("ticket", "HR-20931");
    data.put("requestedBy", "workday-integration");
    data.put("dryRun", false);
    return root;
  }

  static ObjectNode data(ObjectNode event) {
    return (ObjectNode) event.get("data");
  }

  static ArrayNode targets(ObjectNode event) {
    return (ArrayNode) data(event).get("targets");
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
