package dev.offboarding.worker.producers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The producer templates under {@code deploy/producers}: where each lives, which queue (or audit
 * subscription) it is for, and how to read its workflow and run it on its recorded trigger input
 * with the values a deployment would give its parameters.
 */
public final class ProducerTemplates {
  /** deploy/producers, seen from the worker module. */
  public static final Path ROOT = Path.of("..", "deploy", "producers");

  /**
   * A tenant id standing in for {@code subscription().tenantId}: the one the soar-bridge sample
   * names.
   */
  public static final String TENANT_ID = "72f988bf-0000-4000-8000-00000000c0de";

  /** The workspace the Sentinel samples come from. */
  public static final String WORKSPACE =
      "/subscriptions/d1f0a6c3-5b2e-4c7a-9e18-2f4b6c8d0e1a/resourceGroups/soc-rg"
          + "/providers/Microsoft.OperationalInsights/workspaces/soc-workspace";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern PARAMETER = Pattern.compile("^\\[parameters\\('([A-Za-z]+)'\\)\\]$");

  /**
   * One template.
   *
   * @param name its folder under deploy/producers
   * @param sends true when it sends events to a queue; false for the audit reader
   */
  public record Producer(String name, boolean sends) {
    public Path dir() {
      return ROOT.resolve(name);
    }

    public JsonNode template() {
      return read(dir().resolve("azuredeploy.json"));
    }

    public JsonNode sample() {
      return read(dir().resolve("sample-trigger-input.json"));
    }

    /** The one Microsoft.Logic/workflows resource. */
    public JsonNode workflow() {
      List<JsonNode> found = new ArrayList<>();
      template()
          .path("resources")
          .forEach(
              r -> {
                if ("Microsoft.Logic/workflows".equals(r.path("type").asText())) {
                  found.add(r);
                }
              });
      if (found.size() != 1) {
        throw new IllegalStateException(name + " has " + found.size() + " workflows");
      }
      return found.get(0);
    }

    public JsonNode definition() {
      return workflow().path("properties").path("definition");
    }

    /** A template parameter's default value; fails when it has none. */
    public String defaultOf(String parameter) {
      JsonNode p = template().path("parameters").path(parameter);
      if (!p.has("defaultValue")) {
        throw new IllegalStateException(
            name + ": parameter " + parameter + " has no default value");
      }
      return p.get("defaultValue").asText();
    }

    /**
     * The workflow definition's parameter values as deployed with the template's defaults and
     * {@code given} for the parameters without one. Each value in the workflow resource must be
     * {@code [parameters('X')]} or {@code [subscription().tenantId]}: nothing else is resolved.
     */
    public Map<String, JsonNode> definitionParameters(Map<String, String> given) {
      Map<String, JsonNode> values = new HashMap<>();
      workflow()
          .path("properties")
          .path("parameters")
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().equals("$connections")) {
                  return;
                }
                String value = e.getValue().path("value").asText();
                Matcher m = PARAMETER.matcher(value);
                if (value.equals("[subscription().tenantId]")) {
                  values.put(e.getKey(), TextNode.valueOf(TENANT_ID));
                } else if (m.matches()) {
                  String parameter = m.group(1);
                  String resolved =
                      given.containsKey(parameter) ? given.get(parameter) : defaultOf(parameter);
                  values.put(e.getKey(), TextNode.valueOf(resolved));
                } else {
                  throw new IllegalStateException(
                      name
                          + ": workflow parameter "
                          + e.getKey()
                          + " = "
                          + value
                          + " is not a template parameter");
                }
              });
      return values;
    }

    /**
     * Runs the workflow on {@code trigger}, deployed with the defaults and the test's own values.
     */
    public WorkflowRun.Result run(JsonNode trigger, Map<String, JsonNode> stubs) {
      return new WorkflowRun(
              definition(),
              definitionParameters(DEPLOYED),
              trigger,
              Instant.parse("2026-12-07T08:05:12.3456789Z"),
              "08584392817263548172635481726CU12",
              stubs)
          .run();
    }
  }

  /** Values for the parameters that have no default, as a deployer would give them. */
  public static final Map<String, String> DEPLOYED =
      Map.of(
          "ServiceBusNamespace", "sb-offboarding-test",
          "WorkspaceResourceId", WORKSPACE,
          "HrClientAppId", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");

  public static final Producer SENTINEL_INCIDENT =
      new Producer("sentinel-incident/incident-trigger", true);
  public static final Producer SENTINEL_ENTITY =
      new Producer("sentinel-incident/entity-trigger", true);
  public static final Producer AUDIT_TO_INCIDENT =
      new Producer("sentinel-incident/audit-to-incident", false);
  public static final Producer LIFECYCLE_WORKFLOWS = new Producer("lifecycle-workflows", true);
  public static final Producer HR_WEBHOOK = new Producer("hr-webhook", true);
  public static final Producer SOAR_BRIDGE = new Producer("soar-bridge", true);

  /** Every template, the audit reader included. */
  public static List<Producer> all() {
    return List.of(
        SENTINEL_INCIDENT,
        SENTINEL_ENTITY,
        AUDIT_TO_INCIDENT,
        LIFECYCLE_WORKFLOWS,
        HR_WEBHOOK,
        SOAR_BRIDGE);
  }

  /** The templates that send events. */
  public static List<Producer> senders() {
    return all().stream().filter(Producer::sends).toList();
  }

  static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ProducerTemplates() {}
}
