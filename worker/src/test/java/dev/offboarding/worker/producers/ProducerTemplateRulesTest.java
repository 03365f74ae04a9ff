package dev.offboarding.worker.producers;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offboarding.contracts.EventType;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.intake.IntakePolicy;
import dev.offboarding.worker.producers.ProducerTemplates.Producer;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rules every producer template under deploy/producers keeps: the ARM template's structure, the
 * checks Microsoft Sentinel's repository runs on playbooks, a lint of the workflow definition, no
 * secret and nothing tenant-specific, one role assignment scoped to the template's own entity, and
 * only the event types that entity's queue policy (read from the worker's own defaults) allows.
 */
class ProducerTemplateRulesTest {
  static final String DEPLOYMENT_SCHEMA =
      "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
  static final String DATA_SENDER = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
  static final String DATA_RECEIVER = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";

  /** Microsoft's Lifecycle Workflows service: the same application id in every tenant. */
  static final String LIFECYCLE_WORKFLOWS_APP = "ce79fdc4-cd1d-4ea5-8139-e74d7dbe0bb7";

  static final Set<String> WELL_KNOWN_GUIDS =
      Set.of(DATA_SENDER, DATA_RECEIVER, LIFECYCLE_WORKFLOWS_APP);

  /**
   * The entity types Sentinel's playbook metadata validation accepts that these templates could
   * name.
   */
  static final Set<String> SENTINEL_ENTITY_TYPES =
      Set.of(
          "account",
          "host",
          "ip",
          "url",
          "filehash",
          "dnsresolution",
          "process",
          "file",
          "mailbox",
          "cloudapplication");

  static final Set<String> RUNNABLE_ACTIONS =
      Set.of("Compose", "Query", "Select", "If", "ApiConnection", "Response", "Terminate");
  static final String QUEUE_SCOPE =
      "[format('Microsoft.ServiceBus/namespaces/{0}/queues/{1}', "
          + "parameters('namespaceName'), parameters('queueName'))]";
  static final String SUBSCRIPTION_SCOPE =
      "[format('Microsoft.ServiceBus/namespaces/{0}/topics/{1}/subscriptions/{2}', "
          + "parameters('namespaceName'), parameters('topicName'), parameters('subscriptionName'))]";
  static final String SEND_PATH =
      "/@{encodeURIComponent(encodeURIComponent(parameters('queueName')))}/messages";
  private static final Pattern GUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern ARM_REFERENCE =
      Pattern.compile("(parameters|variables)\\('([^']+)'\\)");
  private static final Pattern DEFINITION_PARAMETER = Pattern.compile("parameters\\('([^']+)'\\)");

  static Stream<Producer> all() {
    return ProducerTemplates.all().stream();
  }

  static Stream<Producer> senders() {
    return ProducerTemplates.senders().stream();
  }

  @Test
  void everyProducerFolderHasATemplateAReadmeAndASample() throws IOException {
    for (Producer p : ProducerTemplates.all()) {
      assertTrue(Files.isRegularFile(p.dir().resolve("azuredeploy.json")), p.name());
      assertTrue(Files.isRegularFile(p.dir().resolve("sample-trigger-input.json")), p.name());
    }
    for (String folder :
        List.of("sentinel-incident", "lifecycle-workflows", "hr-webhook", "soar-bridge")) {
      assertTrue(
          Files.isRegularFile(ProducerTemplates.ROOT.resolve(folder).resolve("README.md")), folder);
    }
    try (Stream<java.nio.file.Path> files = Files.walk(ProducerTemplates.ROOT)) {
      Set<String> templates =
          files
              .filter(f -> f.getFileName().toString().equals("azuredeploy.json"))
              .map(
                  f ->
                      ProducerTemplates.ROOT
                          .relativize(f.getParent())
                          .toString()
                          .replace('\\', '/'))
              .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(
          ProducerTemplates.all().stream()
              .map(Producer::name)
              .collect(Collectors.toCollection(TreeSet::new)),
          templates,
          "every template is checked here");
    }
  }

  @Test
  void everyProducerClassHasAGuideOfAPageAtMost() throws IOException {
    Map<String, String> guides =
        Map.of(
            "sentinel.md",
            "deploy/producers/sentinel-incident/",
            "lifecycle-workflows.md",
            "deploy/producers/lifecycle-workflows/",
            "hr-webhook.md",
            "deploy/producers/hr-webhook/",
            "soar-bridge.md",
            "deploy/producers/soar-bridge/");
    for (Map.Entry<String, String> g : guides.entrySet()) {
      List<String> lines =
          Files.readAllLines(java.nio.file.Path.of("..", "docs", "producers", g.getKey()));
      assertTrue(
          lines.size() <= 50,
          g.getKey() + " is " + lines.size() + " lines: a newcomer reads it in a page");
      String text = String.join("\n", lines);
      assertTrue(text.contains(g.getValue()), g.getKey() + " names its templates");
      assertTrue(
          text.contains("## In this order") && text.contains("## Reading results back"),
          g.getKey());
    }
  }

  @ParameterizedTest
  @MethodSource("all")
  void hasTheStructureOfAnArmTemplate(Producer p) {
    JsonNode t = p.template();
    checkArmStructure(p.name(), t);
    for (JsonNode d : nestedDeployments(t)) {
      JsonNode inner = d.path("properties").path("template");
      assertEquals(
          "inner",
          d.path("properties").path("expressionEvaluationOptions").path("scope").asText(),
          p.name() + ": nested templates evaluate their own parameters");
      checkArmStructure(p.name() + " (nested)", inner);
      d.path("properties")
          .path("parameters")
          .fieldNames()
          .forEachRemaining(
              n ->
                  assertTrue(
                      inner.path("parameters").has(n),
                      p.name() + ": nested deployment passes undeclared parameter " + n));
      inner
          .path("parameters")
          .fieldNames()
          .forEachRemaining(
              n ->
                  assertTrue(
                      d.path("properties").path("parameters").has(n),
                      p.name() + ": nested parameter " + n + " is not passed"));
    }
  }

  private static void checkArmStructure(String name, JsonNode t) {
    assertEquals(DEPLOYMENT_SCHEMA, t.path("$schema").asText(), name);
    assertTrue(
        t.path("contentVersion").asText().matches("\\d+\\.\\d+\\.\\d+\\.\\d+"),
        name + ": contentVersion");
    assertTrue(t.path("parameters").isObject(), name + ": parameters");
    assertTrue(
        t.path("resources").isArray() && !t.path("resources").isEmpty(), name + ": resources");
    t.path("parameters")
        .fields()
        .forEachRemaining(
            e ->
                assertTrue(
                    Set.of("string", "int", "bool", "object", "array", "securestring")
                        .contains(e.getValue().path("type").asText()),
                    name + ": parameter " + e.getKey() + " has a type"));
    for (JsonNode r : t.path("resources")) {
      for (String member : List.of("type", "apiVersion", "name")) {
        assertTrue(
            r.path(member).isTextual() && !r.path(member).asText().isBlank(),
            name + ": resource " + member);
      }
    }
    // Every parameters('X') and variables('X') outside nested templates names one that is declared
    // here.
    walkStrings(
        withoutNestedTemplates(t),
        (path, text) -> {
          Matcher m = ARM_REFERENCE.matcher(text);
          while (text.startsWith("[") && m.find()) {
            String kind = m.group(1);
            assertTrue(
                t.path(kind).has(m.group(2)),
                name + ": " + path + " reads undeclared " + kind + " " + m.group(2));
          }
        });
  }

  @ParameterizedTest
  @MethodSource("all")
  void followsSentinelsPlaybookRules(Producer p) {
    JsonNode t = p.template();
    assertTrue(t.path("parameters").has("PlaybookName"), p.name() + ": a PlaybookName parameter");
    List<JsonNode> named = new ArrayList<>();
    for (JsonNode r : t.path("resources")) {
      if (r.path("type").asText().equals("Microsoft.Logic/workflows")
          && r.path("name").asText().equals("[parameters('PlaybookName')]")) {
        named.add(r);
      }
    }
    assertEquals(1, named.size(), p.name() + ": one workflow named by PlaybookName");
    for (JsonNode r : t.path("resources")) {
      String type = r.path("type").asText();
      if (type.equals("Microsoft.Logic/workflows") || type.equals("Microsoft.Web/connections")) {
        assertEquals(
            "[resourceGroup().location]",
            r.path("location").asText(),
            p.name() + ": " + type + " location");
      }
      if (type.equals("Microsoft.Web/connections")) {
        String connectionName = r.path("name").asText();
        assertTrue(
            connectionName.matches("\\[variables\\('[A-Za-z]+'\\)\\]"),
            p.name() + ": connection name " + connectionName + " comes from a variable");
      }
    }
    JsonNode m = t.path("metadata");
    for (String field : List.of("title", "description", "prerequisites", "lastUpdateTime")) {
      assertFalse(m.path(field).asText().isBlank(), p.name() + ": metadata " + field);
    }
    assertDoesNotThrow(
        () -> Instant.parse(m.path("lastUpdateTime").asText()), p.name() + ": lastUpdateTime");
    assertFalse(
        m.path("support").path("tier").asText().isBlank(), p.name() + ": metadata support/tier");
    assertFalse(
        m.path("author").path("name").asText().isBlank(), p.name() + ": metadata author/name");
    m.path("entities")
        .forEach(
            e ->
                assertTrue(
                    SENTINEL_ENTITY_TYPES.contains(e.asText().toLowerCase()),
                    p.name() + ": entity type " + e));
  }

  @ParameterizedTest
  @MethodSource("all")
  void connectsWithItsManagedIdentityAndNoKey(Producer p) {
    JsonNode t = p.template();
    JsonNode workflow = p.workflow();
    assertEquals("SystemAssigned", workflow.path("identity").path("type").asText(), p.name());
    Map<String, JsonNode> connections = new java.util.HashMap<>();
    for (JsonNode r : t.path("resources")) {
      if (!r.path("type").asText().equals("Microsoft.Web/connections")) {
        continue;
      }
      connections.put(r.path("name").asText(), r);
      JsonNode props = r.path("properties");
      assertEquals("V1", r.path("kind").asText(), p.name() + ": a Consumption connection");
      assertFalse(props.has("parameterValues"), p.name() + ": no connection keys or strings");
      String api = props.path("api").path("id").asText();
      if (api.endsWith("'servicebus')]")) {
        assertEquals(
            "managedIdentityAuth", props.path("parameterValueSet").path("name").asText(), p.name());
        assertEquals(
            "[concat('sb://', parameters('ServiceBusNamespace'), '.servicebus.windows.net/')]",
            props
                .path("parameterValueSet")
                .path("values")
                .path("namespaceEndpoint")
                .path("value")
                .asText(),
            p.name());
      } else if (api.endsWith("'azuresentinel')]")) {
        assertEquals("Alternative", props.path("parameterValueType").asText(), p.name());
      } else {
        throw new AssertionError(p.name() + ": unexpected managed API " + api);
      }
      assertEquals(
          "[subscriptionResourceId('Microsoft.Web/locations/managedApis', resourceGroup().location, '"
              + api.substring(api.lastIndexOf(", '") + 3, api.length() - 3)
              + "')]",
          api,
          p.name());
    }
    JsonNode declared =
        workflow.path("properties").path("parameters").path("$connections").path("value");
    assertEquals(
        connections.size(), declared.size(), p.name() + ": one $connections entry per connection");
    declared
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode c = e.getValue();
              assertEquals(
                  "ManagedServiceIdentity",
                  c.path("connectionProperties").path("authentication").path("type").asText(),
                  p.name() + ": " + e.getKey() + " authenticates with the managed identity");
              String name = c.path("connectionName").asText();
              assertNotNull(
                  connections.get(name),
                  p.name() + ": " + e.getKey() + " names a connection of this template");
              assertEquals(
                  "[resourceId('Microsoft.Web/connections', "
                      + name.substring(1, name.length() - 1)
                      + ")]",
                  c.path("connectionId").asText(),
                  p.name());
              assertTrue(
                  c.path("id").asText().endsWith("'" + e.getKey() + "')]"),
                  p.name() + ": " + e.getKey() + " api");
            });
  }

  @ParameterizedTest
  @MethodSource("all")
  void lintsTheWorkflowDefinition(Producer p) {
    JsonNode definition = p.definition();
    assertEquals(
        "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
        definition.path("$schema").asText(),
        p.name());
    Set<String> used = new TreeSet<>();
    definition
        .path("triggers")
        .fields()
        .forEachRemaining(
            e -> {
              String type = e.getValue().path("type").asText();
              assertTrue(
                  Set.of("Request", "ApiConnection", "ApiConnectionWebhook").contains(type),
                  p.name() + ": trigger " + type);
              if (type.startsWith("ApiConnection")) {
                used.add(WorkflowRun.connectionOf(e.getKey(), e.getValue().path("inputs")));
              }
            });
    assertEquals(1, definition.path("triggers").size(), p.name() + ": one trigger");
    lintScope(p.name(), definition.path("actions"), "actions", used);
    Set<String> declared = new TreeSet<>();
    p.workflow()
        .path("properties")
        .path("parameters")
        .path("$connections")
        .path("value")
        .fieldNames()
        .forEachRemaining(declared::add);
    assertEquals(
        declared,
        used,
        p.name() + ": every connection used is declared in $connections, and only those");

    // Every expression parses and uses only functions the evaluator knows; every parameter it reads
    // is declared in the definition and given a value by the workflow resource.
    Set<String> definitionParameters = new HashSet<>();
    definition.path("parameters").fieldNames().forEachRemaining(definitionParameters::add);
    JsonNode values = p.workflow().path("properties").path("parameters");
    walkStrings(
        definition,
        (path, text) -> {
          if (!WorkflowExpressions.isExpression(text)) {
            return;
          }
          List<String> functions =
              assertDoesNotThrow(
                  () -> WorkflowExpressions.functionsUsed(text), p.name() + " " + path);
          assertTrue(
              WorkflowExpressions.FUNCTIONS.containsAll(functions),
              p.name() + " " + path + ": " + functions);
          Matcher m = DEFINITION_PARAMETER.matcher(text);
          while (m.find()) {
            assertTrue(
                definitionParameters.contains(m.group(1)) && values.has(m.group(1)),
                p.name()
                    + " "
                    + path
                    + ": parameter "
                    + m.group(1)
                    + " is declared and given a value");
          }
        });
  }

  private static void lintScope(
      String name, JsonNode actions, String where, Set<String> connectionsUsed) {
    actions
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode action = e.getValue();
              String type = action.path("type").asText();
              assertTrue(
                  RUNNABLE_ACTIONS.contains(type),
                  name
                      + ": "
                      + e.getKey()
                      + " is a "
                      + type
                      + ", an action type the golden render cannot run");
              action
                  .path("runAfter")
                  .fields()
                  .forEachRemaining(
                      after -> {
                        assertTrue(
                            actions.has(after.getKey()) && !after.getKey().equals(e.getKey()),
                            name
                                + ": "
                                + e.getKey()
                                + " runs after "
                                + after.getKey()
                                + ", not a sibling in "
                                + where);
                        assertEquals(
                            "[\"Succeeded\"]",
                            after.getValue().toString(),
                            name + ": " + e.getKey() + " runAfter status");
                      });
              if (type.equals("ApiConnection")) {
                connectionsUsed.add(WorkflowRun.connectionOf(e.getKey(), action.path("inputs")));
              }
              if (type.equals("If")) {
                assertTrue(
                    action.path("expression").isTextual(),
                    name + ": " + e.getKey() + " has one boolean expression");
                lintScope(name, action.path("actions"), e.getKey(), connectionsUsed);
                lintScope(
                    name,
                    action.path("else").path("actions"),
                    e.getKey() + " else",
                    connectionsUsed);
              }
            });
  }

  @ParameterizedTest
  @MethodSource("all")
  void namesNoTenantNoSecretAndNoGraph(Producer p) throws IOException {
    String text = Files.readString(p.dir().resolve("azuredeploy.json"));
    Matcher guids = GUID.matcher(text);
    while (guids.find()) {
      assertTrue(
          WELL_KNOWN_GUIDS.contains(guids.group().toLowerCase()),
          p.name() + ": hard-coded id " + guids.group());
    }
    for (String banned :
        List.of(
            "listKeys",
            "SharedAccessKey",
            "connectionString",
            "RootManageSharedAccessKey",
            "sig=",
            "securestring",
            "graph.microsoft.com",
            "Microsoft.Graph",
            "appRoleAssignments",
            "servicebus.windows.net/;")) {
      assertFalse(
          text.toLowerCase().contains(banned.toLowerCase()), p.name() + " contains " + banned);
    }
    Set<String> outer = new TreeSet<>();
    Set<String> inner = new TreeSet<>();
    p.template().path("resources").forEach(r -> outer.add(r.path("type").asText()));
    nestedDeployments(p.template())
        .forEach(
            d ->
                d.path("properties")
                    .path("template")
                    .path("resources")
                    .forEach(r -> inner.add(r.path("type").asText())));
    assertTrue(
        Set.of(
                "Microsoft.Web/connections",
                "Microsoft.Logic/workflows",
                "Microsoft.Resources/deployments")
            .containsAll(outer),
        p.name() + ": " + outer);
    assertTrue(
        Set.of(
                "Microsoft.Authorization/roleAssignments",
                "Microsoft.ServiceBus/namespaces/topics/subscriptions",
                "Microsoft.ServiceBus/namespaces/topics/subscriptions/rules")
            .containsAll(inner),
        p.name() + ": " + inner);
  }

  @ParameterizedTest
  @MethodSource("senders")
  void mayOnlySendToItsOwnQueueAndSendsItThere(Producer p) {
    Map<String, JsonNode> assignment = onlyRoleAssignment(p);
    JsonNode inner = assignment.get("template");
    JsonNode role = assignment.get("role");
    assertEquals(
        "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('DataSender'))]",
        role.path("properties").path("roleDefinitionId").asText(),
        p.name());
    assertEquals(
        DATA_SENDER,
        inner.path("variables").path("DataSender").asText(),
        p.name() + ": Azure Service Bus Data Sender");
    assertEquals(
        QUEUE_SCOPE, role.path("scope").asText(), p.name() + ": scoped to exactly one queue");
    assertEquals(
        "[parameters('principalId')]",
        role.path("properties").path("principalId").asText(),
        p.name());
    JsonNode passed = assignment.get("deployment").path("properties").path("parameters");
    assertEquals(
        "[parameters('QueueName')]", passed.path("queueName").path("value").asText(), p.name());
    assertEquals(
        "[parameters('ServiceBusNamespace')]",
        passed.path("namespaceName").path("value").asText(),
        p.name());
    assertTrue(
        passed
                .path("principalId")
                .path("value")
                .asText()
                .contains("resourceId('Microsoft.Logic/workflows', parameters('PlaybookName'))")
            && passed.path("principalId").path("value").asText().endsWith(".identity.principalId]"),
        p.name() + ": the workflow's own identity");
    assertEquals(
        "[parameters('QueueName')]",
        p.workflow().path("properties").path("parameters").path("queueName").path("value").asText(),
        p.name() + ": the workflow sends to the queue the role is scoped to");
    // The assignment main.bicep makes for a producer's principal id, by the same name: deploying
    // both is one assignment, and a deployer without the right to assign roles can leave it to the
    // namespace's owner (AssignSenderRole false, the principalId output into main.bicep).
    assertEquals(
        "[guid(resourceId('Microsoft.ServiceBus/namespaces/queues', parameters('namespaceName'), "
            + "parameters('queueName')), parameters('principalId'), variables('DataSender'))]",
        role.path("name").asText(),
        p.name());
    assertEquals(
        "[parameters('AssignSenderRole')]",
        assignment.get("deployment").path("condition").asText(),
        p.name());
    assertTrue(
        p.template()
            .path("parameters")
            .path("AssignSenderRole")
            .path("defaultValue")
            .booleanValue(),
        p.name());
    assertTrue(
        p.template()
            .path("outputs")
            .path("principalId")
            .path("value")
            .asText()
            .endsWith(".identity.principalId]"),
        p.name() + ": the identity to hand over");

    List<JsonNode> sends =
        actionsOfType(p.definition().path("actions"), "ApiConnection").stream()
            .filter(a -> WorkflowRun.connectionOf("send", a.path("inputs")).equals("servicebus"))
            .toList();
    assertEquals(1, sends.size(), p.name() + ": one send");
    JsonNode send = sends.get(0).path("inputs");
    assertEquals("post", send.path("method").asText(), p.name());
    assertEquals(SEND_PATH, send.path("path").asText(), p.name());
    assertEquals(
        "application/cloudevents+json", send.path("body").path("ContentType").asText(), p.name());
    assertEquals(
        "@{outputs('Event')?['id']}", send.path("body").path("MessageId").asText(), p.name());
    assertEquals(
        "@{outputs('Event')?['type']}", send.path("body").path("Label").asText(), p.name());
    assertEquals(
        "@{base64(string(outputs('Event')))}",
        send.path("body").path("ContentData").asText(),
        p.name());
  }

  @ParameterizedTest
  @MethodSource("senders")
  void sendsOnlyTheEventTypesItsQueueAllows(Producer p) {
    String queue = p.defaultOf("QueueName");
    IntakePolicy policy =
        WorkerConfig.fromEnvironment(
                Map.of("SERVICEBUS_NAMESPACE", "contoso.servicebus.windows.net"))
            .intakePolicies()
            .of(queue);
    Set<String> allowed =
        policy.eventTypes().stream().map(EventType::wireName).collect(Collectors.toSet());
    List<JsonNode> events = actionsNamed(p.definition().path("actions"), "Event");
    assertEquals(1, events.size(), p.name() + ": one event composed");
    JsonNode event = events.get(0).path("inputs");
    String type = event.path("type").asText();
    assertFalse(
        WorkflowExpressions.isExpression(type),
        p.name() + ": the event type is fixed in the template");
    assertTrue(
        allowed.contains(type),
        p.name() + ": sends " + type + " to " + queue + ", which allows " + allowed);
    assertFalse(
        event.path("data").has("actions"), p.name() + ": asks for the default actions only");
  }

  @Test
  void mainBicepNamesAProducersAssignmentTheSameWay() throws IOException {
    String bicep = Files.readString(java.nio.file.Path.of("..", "deploy", "azure", "main.bicep"));
    assertTrue(
        bicep.contains("name: guid(urgent.id, siemPrincipalId, dataSender)"),
        "SIEM playbooks' assignment");
    assertTrue(
        bicep.contains("name: guid(events.id, hrIntegrationPrincipalId, dataSender)"),
        "HR integration's");
    assertTrue(bicep.contains("var dataSender = '" + DATA_SENDER + "'"), "the same role id");
  }

  @Test
  void theAuditReaderMayOnlyReceiveFromTheSubscriptionItCreates() {
    Producer p = ProducerTemplates.AUDIT_TO_INCIDENT;
    Map<String, JsonNode> assignment = onlyRoleAssignment(p);
    JsonNode inner = assignment.get("template");
    JsonNode role = assignment.get("role");
    assertEquals(
        DATA_RECEIVER,
        inner.path("variables").path("DataReceiver").asText(),
        "Azure Service Bus Data Receiver");
    assertEquals(
        "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('DataReceiver'))]",
        role.path("properties").path("roleDefinitionId").asText());
    assertEquals(
        SUBSCRIPTION_SCOPE, role.path("scope").asText(), "scoped to exactly its own subscription");
    JsonNode passed = assignment.get("deployment").path("properties").path("parameters");
    assertEquals("[parameters('AuditTopicName')]", passed.path("topicName").path("value").asText());
    assertEquals(
        "[parameters('SubscriptionName')]", passed.path("subscriptionName").path("value").asText());
    assertEquals("[variables('SummaryFilter')]", passed.path("sqlFilter").path("value").asText());
    Map<String, JsonNode> byType = new java.util.HashMap<>();
    inner.path("resources").forEach(r -> byType.put(r.path("type").asText(), r));
    assertEquals(
        "[format('{0}/{1}/{2}', parameters('namespaceName'), parameters('topicName'), parameters('subscriptionName'))]",
        byType.get("Microsoft.ServiceBus/namespaces/topics/subscriptions").path("name").asText());
    JsonNode rule = byType.get("Microsoft.ServiceBus/namespaces/topics/subscriptions/rules");
    assertTrue(
        rule.path("name")
            .asText()
            .endsWith(
                "/$Default', parameters('namespaceName'), parameters('topicName'), "
                    + "parameters('subscriptionName'))]"),
        "the filter replaces the rule that matches everything");
    assertEquals("SqlFilter", rule.path("properties").path("filterType").asText());
    assertEquals(
        "[parameters('sqlFilter')]",
        rule.path("properties").path("sqlFilter").path("sqlExpression").asText());
    assertEquals(
        2, role.path("dependsOn").size(), "assigned once the subscription and its rule exist");
    assertEquals(
        "[parameters('AuditTopicName')]",
        p.workflow()
            .path("properties")
            .path("parameters")
            .path("topicName")
            .path("value")
            .asText());
    assertTrue(
        actionsOfType(p.definition().path("actions"), "ApiConnection").stream()
            .noneMatch(a -> WorkflowRun.connectionOf("a", a.path("inputs")).equals("servicebus")),
        "it sends nothing");
  }

  @Test
  void httpTriggeredProducersAuthenticateTheirCallers() {
    JsonNode lcw = triggerAccess(ProducerTemplates.LIFECYCLE_WORKFLOWS);
    assertEquals(
        "Disabled", lcw.path("sasAuthenticationPolicy").path("state").asText(), "no SAS URL");
    JsonNode pop =
        lcw.path("openAuthenticationPolicies")
            .path("policies")
            .path("AzureADLifecycleWorkflowsAuthPOPAuthPolicy");
    assertEquals("AADPOP", pop.path("type").asText());
    Map<String, String> popClaims = claims(pop);
    assertEquals(Set.of("iss", "aud", "appid", "m", "u", "p"), popClaims.keySet());
    assertEquals(
        "[concat('https://sts.windows.net/', subscription().tenantId, '/')]", popClaims.get("iss"));
    assertEquals("[parameters('LifecycleWorkflowsAppId')]", popClaims.get("appid"));
    assertEquals(
        LIFECYCLE_WORKFLOWS_APP,
        ProducerTemplates.LIFECYCLE_WORKFLOWS.defaultOf("LifecycleWorkflowsAppId"));
    assertEquals("POST", popClaims.get("m"));
    assertEquals("management.azure.com", popClaims.get("u"));
    assertEquals(
        "[concat(subscription().id, '/resourceGroups/', resourceGroup().name, "
            + "'/providers/Microsoft.Logic/workflows/', parameters('PlaybookName'))]",
        popClaims.get("p"));

    JsonNode hr = triggerAccess(ProducerTemplates.HR_WEBHOOK);
    assertEquals(
        "Disabled", hr.path("sasAuthenticationPolicy").path("state").asText(), "no SAS URL");
    assertEquals(1, hr.path("openAuthenticationPolicies").path("policies").size());
    JsonNode aad = hr.path("openAuthenticationPolicies").path("policies").elements().next();
    assertEquals("AAD", aad.path("type").asText());
    Map<String, String> hrClaims = claims(aad);
    assertEquals(Set.of("iss", "aud", "appid"), hrClaims.keySet());
    assertEquals(
        "[concat('https://sts.windows.net/', subscription().tenantId, '/')]", hrClaims.get("iss"));
    assertEquals("[parameters('HrClientAppId')]", hrClaims.get("appid"));
    assertFalse(
        ProducerTemplates.HR_WEBHOOK
            .template()
            .path("parameters")
            .path("HrClientAppId")
            .has("defaultValue"),
        "the HR system's app is the deployer's to name");
    assertEquals(
        "EnableSchemaValidation",
        ProducerTemplates.HR_WEBHOOK
            .definition()
            .path("triggers")
            .path("manual")
            .path("operationOptions")
            .asText());

    // CIPP cannot present an Entra token: the bridge keeps the signed URL, and acts only on its own
    // tenant.
    Producer soar = ProducerTemplates.SOAR_BRIDGE;
    assertEquals(
        "[subscription().tenantId]",
        soar.workflow()
            .path("properties")
            .path("parameters")
            .path("tenantId")
            .path("value")
            .asText());
    String check =
        actionsOfType(soar.definition().path("actions"), "If").get(0).path("expression").asText();
    assertTrue(
        check.contains("equals(triggerBody()?['tenant']?['id'], parameters('tenantId'))"), check);
  }

  // ------------------------------------------------------------------ helpers

  private static JsonNode triggerAccess(Producer p) {
    return p.workflow().path("properties").path("accessControl").path("triggers");
  }

  private static Map<String, String> claims(JsonNode policy) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    policy.path("claims").forEach(c -> out.put(c.path("name").asText(), c.path("value").asText()));
    return out;
  }

  /**
   * The template's one role assignment: {@code deployment}, its {@code template} and the {@code
   * role}.
   */
  private static Map<String, JsonNode> onlyRoleAssignment(Producer p) {
    List<Map<String, JsonNode>> found = new ArrayList<>();
    for (JsonNode d : nestedDeployments(p.template())) {
      for (JsonNode r : d.path("properties").path("template").path("resources")) {
        if (r.path("type").asText().equals("Microsoft.Authorization/roleAssignments")) {
          found.add(
              Map.of(
                  "deployment", d, "template", d.path("properties").path("template"), "role", r));
        }
      }
      assertEquals(
          "[parameters('ServiceBusResourceGroup')]", d.path("resourceGroup").asText(), p.name());
    }
    p.template()
        .path("resources")
        .forEach(
            r ->
                assertFalse(
                    r.path("type").asText().equals("Microsoft.Authorization/roleAssignments"),
                    p.name() + ": no top-level role"));
    assertEquals(1, found.size(), p.name() + ": exactly one role assignment");
    return found.get(0);
  }

  static List<JsonNode> nestedDeployments(JsonNode template) {
    List<JsonNode> out = new ArrayList<>();
    template
        .path("resources")
        .forEach(
            r -> {
              if (r.path("type").asText().equals("Microsoft.Resources/deployments")) {
                out.add(r);
              }
            });
    return out;
  }

  private static JsonNode withoutNestedTemplates(JsonNode template) {
    JsonNode copy = template.deepCopy();
    copy.path("resources")
        .forEach(
            r -> {
              if (r.path("type").asText().equals("Microsoft.Resources/deployments")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) r.path("properties"))
                    .remove("template");
              }
            });
    return copy;
  }

  static List<JsonNode> actionsOfType(JsonNode actions, String type) {
    List<JsonNode> out = new ArrayList<>();
    collect(actions, (n, a) -> a.path("type").asText().equals(type), out);
    return out;
  }

  static List<JsonNode> actionsNamed(JsonNode actions, String name) {
    List<JsonNode> out = new ArrayList<>();
    collect(actions, (n, a) -> n.equals(name), out);
    return out;
  }

  private static void collect(
      JsonNode actions, java.util.function.BiPredicate<String, JsonNode> keep, List<JsonNode> out) {
    actions
        .fields()
        .forEachRemaining(
            e -> {
              if (keep.test(e.getKey(), e.getValue())) {
                out.add(e.getValue());
              }
              collect(e.getValue().path("actions"), keep, out);
              collect(e.getValue().path("else").path("actions"), keep, out);
            });
  }

  private static void walkStrings(JsonNode node, BiConsumer<String, String> visit) {
    walk(node, "$", visit);
  }

  private static void walk(JsonNode node, String path, BiConsumer<String, String> visit) {
    if (node.isTextual()) {
      visit.accept(path, node.asText());
    } else if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> {
                visit.accept(path + "." + e.getKey() + " (name)", e.getKey());
                walk(e.getValue(), path + "." + e.getKey(), visit);
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "[" + i + "]", visit);
      }
    }
  }
}
