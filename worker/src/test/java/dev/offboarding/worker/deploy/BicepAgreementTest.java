package dev.offboarding.worker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps deploy/azure/main.bicep in agreement with deploy/servicebus/config.json, the entities both
 * emulators read: the template loads that file and must carry every setting it holds over to Azure,
 * and its role assignments must stay the narrow ones: each producer sends to its own queue alone,
 * the worker receives there, alone sends to its internal queue and alone receives from its state
 * queue, KEDA's scaler reads the queues it scales on. The Bicep compiler is not available here;
 * this reads the template's text.
 */
class BicepAgreementTest {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The template's queue parameters: one queue per sender, and the worker's own two. */
  private static final List<String> QUEUE_PARAMS =
      List.of("eventsQueue", "urgentQueue", "opsQueue", "internalQueue", "stateQueue");

  private final String bicep = read(DEPLOY.resolve("azure/main.bicep"));
  private final JsonNode namespace =
      parse(DEPLOY.resolve("servicebus/config.json")).at("/UserConfig/Namespaces/0");

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode parse(Path p) {
    try {
      return JSON.readTree(p.toFile());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void loadsTheEntitiesFromTheEmulatorsConfiguration() {
    assertTrue(
        bicep.contains("loadJsonContent('../servicebus/config.json').UserConfig.Namespaces[0]"),
        bicep);
    assertEquals(
        1,
        parse(DEPLOY.resolve("servicebus/config.json")).at("/UserConfig/Namespaces").size(),
        "one namespace");
  }

  @Test
  void carriesEveryQueueTopicAndSubscriptionSettingOverToAzure() {
    Set<String> missing = new TreeSet<>();
    for (JsonNode q : namespace.get("Queues")) {
      requireMapped(q.get("Properties"), "q.Properties.", missing);
    }
    for (JsonNode t : namespace.get("Topics")) {
      requireMapped(t.get("Properties"), "t.Properties.", missing);
      for (JsonNode s : t.get("Subscriptions")) {
        requireMapped(s.get("Properties"), "s.subscription.Properties.", missing);
      }
    }
    assertTrue(
        missing.isEmpty(), "settings of config.json that main.bicep does not set: " + missing);
  }

  @Test
  void mapsEveryRuleFilterTheConfigurationUses() {
    Set<String> unsupported = new TreeSet<>();
    for (JsonNode t : namespace.get("Topics")) {
      for (JsonNode s : t.get("Subscriptions")) {
        for (JsonNode r : s.get("Rules")) {
          JsonNode p = r.get("Properties");
          String type = p.get("FilterType").asText();
          if (type.equals("Correlation")) {
            for (Iterator<String> keys = p.get("CorrelationFilter").fieldNames();
                keys.hasNext(); ) {
              String key = keys.next();
              if (!bicep.contains("r.rule.Properties.CorrelationFilter.?" + key)) {
                unsupported.add(s.get("Name").asText() + ": CorrelationFilter." + key);
              }
            }
          } else if (type.equals("Sql")) {
            assertTrue(bicep.contains("r.rule.Properties.SqlFilter.SqlExpression"));
          } else {
            unsupported.add(s.get("Name").asText() + ": FilterType " + type);
          }
        }
      }
    }
    assertTrue(unsupported.isEmpty(), "rules main.bicep cannot express: " + unsupported);
  }

  @Test
  void namesEveryQueueOfConfigurationJsonAndNoOther() {
    // One queue per sender, the worker's two, and the reply entities: config.json's queues, all of
    // them.
    Set<String> declared = new TreeSet<>(arrayDefault("replyQueues"));
    QUEUE_PARAMS.forEach(p -> declared.add(stringDefault(p)));
    assertEquals(names(namespace.get("Queues")), declared);
    Matcher topic = Pattern.compile("param auditTopic string = '([^']+)'").matcher(bicep);
    assertTrue(topic.find());
    assertTrue(
        names(namespace.get("Topics")).contains(topic.group(1)), "auditTopic " + topic.group(1));
  }

  @Test
  void onlyTheStateQueueKeepsSessions() {
    // The brake's counters live in session state, so config.json (and through it the template)
    // makes
    // the state queue session-enabled; a session on any other queue would stall its intake.
    Map<String, Boolean> sessions = new java.util.TreeMap<>();
    for (JsonNode q : namespace.get("Queues")) {
      sessions.put(q.get("Name").asText(), q.at("/Properties/RequiresSession").asBoolean());
    }
    for (String p : QUEUE_PARAMS) {
      assertEquals(
          p.equals("stateQueue"),
          sessions.get(stringDefault(p)),
          p + " " + stringDefault(p) + " RequiresSession");
    }
    assertTrue(
        bicep.contains("requiresSession: q.Properties.RequiresSession"),
        "the template carries RequiresSession over");
  }

  @Test
  void assignsNoRoleBroaderThanTheServiceBusDataRoles() {
    Set<String> allowed =
        Set.of(
            "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", // Data Receiver
            "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", // Data Sender
            "090c5cfd-751d-490a-894a-3ce6f1109419"); // Data Owner: KEDA's scaler, on the queues it
    // scales on
    Matcher ids = Pattern.compile("var data\\w+ = '([0-9a-f-]{36})'").matcher(bicep);
    Set<String> used = new HashSet<>();
    while (ids.find()) {
      used.add(ids.group(1));
    }
    assertEquals(allowed, used);
    assertTrue(
        !bicep.contains("Microsoft.Authorization/roleDefinitions@"), "no custom role definition");
    // Every assignment is scoped to one entity, never the namespace, group or subscription.
    List<RoleAssignment> assignments = roleAssignments();
    assertEquals(
        Pattern.compile("Microsoft.Authorization/roleAssignments@")
            .matcher(bicep)
            .results()
            .count(),
        assignments.size(),
        "every role assignment was read");
    Set<String> scopes =
        new TreeSet<>(
            List.of("events", "urgent", "ops", "internal", "state", "audit", "replyQueue"));
    for (RoleAssignment a : assignments) {
      assertTrue(scopes.contains(a.scope()), a.toString());
    }
    assertTrue(
        assignments.stream()
            .noneMatch(a -> a.principal().equals("worker") && a.role().equals("dataOwner")),
        "the worker's identity never holds Data Owner");
  }

  @Test
  void eachProducerSendsToItsOwnQueueAndNowhereElse() {
    Map<String, String> ownQueue =
        Map.of(
            "hrIntegrationPrincipalId", "eventsQueue",
            "siemPrincipalId", "urgentQueue",
            "operatorsPrincipalId", "opsQueue");
    for (Map.Entry<String, String> producer : ownQueue.entrySet()) {
      List<RoleAssignment> granted =
          roleAssignments().stream().filter(a -> a.principal().equals(producer.getKey())).toList();
      assertEquals(1, granted.size(), producer.getKey() + ": one role assignment, " + granted);
      RoleAssignment a = granted.get(0);
      assertEquals("dataSender", a.role(), a.toString());
      assertEquals(Set.of(stringDefault(producer.getValue())), a.entities(), a.toString());
      assertEquals(
          producer.getKey(), a.condition(), a + ": skipped when the principal is left empty");
      assertEquals(
          "",
          stringDefault(producer.getKey()),
          producer.getKey() + " is optional: empty by default");
    }
  }

  @Test
  void noProducerHasAnyRoleOnTheWorkersOwnQueues() {
    Set<String> workersOwn = Set.of(stringDefault("internalQueue"), stringDefault("stateQueue"));
    for (RoleAssignment a : roleAssignments()) {
      if (a.entities().stream().anyMatch(workersOwn::contains)) {
        assertTrue(Set.of("worker", "scaler").contains(a.principal()), a.toString());
      }
    }
  }

  @Test
  void onlyTheWorkerMaySendToItsInternalQueue() {
    // The internal queue carries follow-ups, held events and cancellation markers: whoever may send
    // there could forge them. Receiver and Sender for the worker, KEDA's read access, nothing else.
    assertEquals(
        Set.of("worker dataReceiver", "worker dataSender", "scaler dataOwner"),
        rolesOn("internalQueue"));
  }

  @Test
  void theStateQueueIsTheWorkersAlone() {
    // The brake's counters are session state, which accepting a session and reading or writing its
    // state take a receiver's right to: the worker receives, nobody sends (no message ever goes
    // there),
    // and whoever else could receive there could lift the brake. KEDA does not scale on it.
    assertEquals(Set.of("worker dataReceiver"), rolesOn("stateQueue"));
  }

  @Test
  void theWorkerReceivesFromTheProducersQueuesAndSendsOnlyWhereItMust() {
    Map<String, Set<String>> workerRoles = new java.util.TreeMap<>();
    for (RoleAssignment a : roleAssignments()) {
      if (a.principal().equals("worker")) {
        for (String entity : a.entities()) {
          workerRoles.computeIfAbsent(entity, e -> new TreeSet<>()).add(a.role());
        }
      }
    }
    Map<String, Set<String>> expected = new java.util.TreeMap<>();
    for (String producerQueue : List.of("eventsQueue", "urgentQueue", "opsQueue")) {
      expected.put(
          stringDefault(producerQueue),
          Set.of("dataReceiver")); // it never sends to a producer's queue
    }
    expected.put(stringDefault("internalQueue"), Set.of("dataReceiver", "dataSender"));
    expected.put(stringDefault("stateQueue"), Set.of("dataReceiver"));
    expected.put(stringDefault("auditTopic"), Set.of("dataSender"));
    for (String reply : arrayDefault("replyQueues")) {
      expected.put(reply, Set.of("dataSender"));
    }
    assertEquals(expected, workerRoles);
  }

  @Test
  void grantsRolesOnlyToTheWorkerTheScalerAndTheProducers() {
    for (RoleAssignment a : roleAssignments()) {
      assertTrue(
          Set.of(
                  "worker",
                  "scaler",
                  "hrIntegrationPrincipalId",
                  "siemPrincipalId",
                  "operatorsPrincipalId")
              .contains(a.principal()),
          a.toString());
      assertTrue(
          a.principal().equals("scaler") == a.role().equals("dataOwner"),
          a + ": Data Owner is the scaler's alone");
    }
  }

  @Test
  void namesTheWorkersOwnQueuesApartFromTheProducersQueues() {
    Set<String> producers =
        Set.of(
            stringDefault("eventsQueue"), stringDefault("urgentQueue"), stringDefault("opsQueue"));
    for (String own : List.of("internalQueue", "stateQueue")) {
      assertTrue(!producers.contains(stringDefault(own)), own + " is not a producer queue");
      assertTrue(
          !arrayDefault("replyQueues").contains(stringDefault(own)),
          own + " is not a reply entity");
    }
    assertEquals(
        QUEUE_PARAMS.size(),
        QUEUE_PARAMS.stream().map(this::stringDefault).distinct().count(),
        "one queue per sender");
  }

  @Test
  void declaresEveryParameterTheParametersFileSets() {
    JsonNode parameters = parse(DEPLOY.resolve("azure/main.parameters.json")).get("parameters");
    for (Iterator<String> names = parameters.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      assertTrue(
          Pattern.compile("(?m)^param " + name + " ").matcher(bicep).find(),
          "main.bicep has no param " + name);
    }
    assertEquals(stringDefault("internalQueue"), parameters.at("/internalQueue/value").asText());
    assertEquals(stringDefault("stateQueue"), parameters.at("/stateQueue/value").asText());
    for (String producer :
        List.of("hrIntegrationPrincipalId", "siemPrincipalId", "operatorsPrincipalId")) {
      assertTrue(
          parameters
              .at("/" + producer + "/value")
              .asText()
              .matches("|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
          producer + ": an object id or empty");
    }
  }

  @Test
  void theManifestsNameTheQueuesTheTemplateGrants() throws Exception {
    String base = Files.readString(DEPLOY.resolve("kubernetes/base/kustomization.yaml"));
    Map<String, String> variables =
        Map.of(
            "SERVICEBUS_QUEUE", "eventsQueue",
            "SERVICEBUS_URGENT_QUEUE", "urgentQueue",
            "SERVICEBUS_OPS_QUEUE", "opsQueue",
            "SERVICEBUS_INTERNAL_QUEUE", "internalQueue",
            "SERVICEBUS_STATE_QUEUE", "stateQueue");
    variables.forEach(
        (variable, param) ->
            assertTrue(
                base.contains("- " + variable + "=" + stringDefault(param) + "\n"),
                variable + " in " + base));
    // KEDA's scaler can read the length of every queue a trigger names, and of no other.
    Set<String> scalerReads = new TreeSet<>();
    for (RoleAssignment a : roleAssignments()) {
      if (a.principal().equals("scaler")) {
        scalerReads.addAll(a.entities());
      }
    }
    Set<String> triggers =
        new TreeSet<>(
            Pattern.compile("queueName: (\\S+)")
                .matcher(Files.readString(DEPLOY.resolve("kubernetes/base/keda.yaml")))
                .results()
                .map(r -> r.group(1))
                .toList());
    assertEquals(scalerReads, triggers);
    assertEquals(
        new TreeSet<>(
            List.of(
                stringDefault("eventsQueue"),
                stringDefault("urgentQueue"),
                stringDefault("opsQueue"),
                stringDefault("internalQueue"))),
        triggers,
        "KEDA scales on the intake queues and the internal one, never the state queue");
  }

  @Test
  void federatesTheServiceAccountTheManifestsUse() throws Exception {
    String sa = Files.readString(DEPLOY.resolve("kubernetes/base/serviceaccount.yaml"));
    assertTrue(sa.contains("name: offboarding-worker"));
    assertTrue(bicep.contains("param kubernetesServiceAccount string = 'offboarding-worker'"));
    assertTrue(
        bicep.contains(
            "subject: 'system:serviceaccount:${kubernetesNamespace}:${kubernetesServiceAccount}'"));
    assertTrue(bicep.contains("'api://AzureADTokenExchange'"));
  }

  private void requireMapped(JsonNode properties, String prefix, Set<String> missing) {
    for (Iterator<String> keys = properties.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!bicep.contains(prefix + key)) {
        missing.add(prefix + key);
      }
    }
  }

  private Set<String> arrayDefault(String param) {
    Matcher m = Pattern.compile("param " + param + " array = \\[([^\\]]*)\\]").matcher(bicep);
    assertTrue(m.find(), param);
    Set<String> values = new TreeSet<>();
    Matcher v = Pattern.compile("'([^']+)'").matcher(m.group(1));
    while (v.find()) {
      values.add(v.group(1));
    }
    assertTrue(!values.isEmpty(), param);
    return values;
  }

  /**
   * One role assignment of the template: its resource name, scope (the entity resource, loop index
   * removed), the entities that scope stands for (by the parameters' defaults), role variable,
   * principal ({@code worker}, {@code scaler} or the parameter holding a producer's object id) and
   * the parameter whose emptiness skips it (empty when unconditional).
   */
  record RoleAssignment(
      String resource,
      String scope,
      Set<String> entities,
      String role,
      String principal,
      String condition) {}

  private List<RoleAssignment> roleAssignments() {
    Matcher m =
        Pattern.compile(
                "(?ms)^resource (\\w+) 'Microsoft\\.Authorization/roleAssignments@[^']+' = (?:if \\(!empty\\((\\w+)\\)\\) )?(.*?)^}\\]?$")
            .matcher(bicep);
    List<RoleAssignment> all = new ArrayList<>();
    while (m.find()) {
      String body = m.group(3);
      String scope = group(body, "scope: (\\w+)(\\[i\\])?", m.group(1) + " scope");
      String role = group(body, "roleDefinitions', (\\w+)\\)", m.group(1) + " role");
      String principal =
          group(
              body,
              "principalId: (\\w+)(?:\\.properties\\.principalId)?\\s*\\n",
              m.group(1) + " principal");
      Set<String> entities =
          switch (scope) {
            case "replyQueue" -> arrayDefault("replyQueues");
            case "audit" -> Set.of(stringDefault("auditTopic"));
            default -> Set.of(stringDefault(queueParamOf(scope)));
          };
      all.add(
          new RoleAssignment(
              m.group(1), scope, entities, role, principal, m.group(2) == null ? "" : m.group(2)));
    }
    return all;
  }

  /**
   * The parameter naming the queue an {@code existing} queue resource of the template stands for.
   */
  private String queueParamOf(String resource) {
    String param =
        group(
            bicep,
            "resource "
                + resource
                + " 'Microsoft\\.ServiceBus/namespaces/queues@[^']+' existing = \\{\\s*"
                + "parent: namespace\\s*name: (\\w+)\\s*}",
            resource + ": an existing queue of the namespace");
    assertTrue(QUEUE_PARAMS.contains(param), resource + " names " + param);
    return param;
  }

  /** "principal role" of every assignment on the queue a parameter names. */
  private Set<String> rolesOn(String queueParam) {
    Set<String> roles = new TreeSet<>();
    for (RoleAssignment a : roleAssignments()) {
      if (a.entities().contains(stringDefault(queueParam))) {
        assertTrue(
            !a.scope().equals("replyQueue"),
            a.resource() + ": scoped to the queue alone, not a list");
        roles.add(a.principal() + " " + a.role());
      }
    }
    return roles;
  }

  private static String group(String text, String regex, String what) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), what + " in:\n" + text);
    return m.group(1);
  }

  private String stringDefault(String param) {
    return group(bicep, "param " + param + " string = '([^']*)'", param);
  }

  private static Set<String> names(JsonNode entities) {
    Set<String> names = new TreeSet<>();
    entities.forEach(e -> names.add(e.get("Name").asText()));
    return names;
  }
}
