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
 * emulators read: the template loads that file and must carry every setting it holds over to
 * Azure, and its role assignments must stay the narrow ones. The Bicep compiler is not available
 * here; this reads the template's text.
 */
class BicepAgreementTest {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String bicep = read(DEPLOY.resolve("azure/main.bicep"));
  private final JsonNode namespace = parse(DEPLOY.resolve("servicebus/config.json")).at("/UserConfig/Namespaces/0");

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
    assertTrue(bicep.contains("loadJsonContent('../servicebus/config.json').UserConfig.Namespaces[0]"), bicep);
    assertEquals(1, parse(DEPLOY.resolve("servicebus/config.json")).at("/UserConfig/Namespaces").size(),
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
    assertTrue(missing.isEmpty(), "settings of config.json that main.bicep does not set: " + missing);
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
            for (Iterator<String> keys = p.get("CorrelationFilter").fieldNames(); keys.hasNext(); ) {
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
  void grantsRolesOnlyOnEntitiesTheConfigurationDefines() {
    Set<String> queues = names(namespace.get("Queues"));
    Set<String> topics = names(namespace.get("Topics"));
    for (String q : arrayDefault("receiveQueues")) {
      assertTrue(queues.contains(q), "receiveQueues names " + q + ", not in config.json " + queues);
    }
    for (String q : arrayDefault("replyQueues")) {
      assertTrue(queues.contains(q), "replyQueues names " + q);
    }
    Matcher topic = Pattern.compile("param auditTopic string = '([^']+)'").matcher(bicep);
    assertTrue(topic.find());
    assertTrue(topics.contains(topic.group(1)), "auditTopic " + topic.group(1) + " not in " + topics);
  }

  @Test
  void assignsNoRoleBroaderThanTheServiceBusDataRoles() {
    Set<String> allowed = Set.of(
        "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", // Data Receiver
        "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", // Data Sender
        "090c5cfd-751d-490a-894a-3ce6f1109419"); // Data Owner: the scaler, on its queues only
    Matcher ids = Pattern.compile("var data\\w+ = '([0-9a-f-]{36})'").matcher(bicep);
    Set<String> used = new HashSet<>();
    while (ids.find()) {
      used.add(ids.group(1));
    }
    assertEquals(allowed, used);
    // Every assignment is scoped to one entity, never the namespace, group or subscription.
    Matcher scopes = Pattern.compile("scope: (\\w+)").matcher(bicep);
    List<String> scoped = scopes.results().map(r -> r.group(1)).toList();
    assertTrue(Set.of("receiveQueue", "internal", "state", "audit", "replyQueue").containsAll(Set.copyOf(
        scoped.stream().map(s -> s.replaceAll("\\[.*", "")).toList())), scoped.toString());
    assertEquals(Pattern.compile("Microsoft.Authorization/roleAssignments@").matcher(bicep).results().count(),
        scoped.size(), "every role assignment has an entity scope");
    // The worker's identity never holds Data Owner.
    Matcher owner = Pattern.compile("principalId: (\\w+)\\.properties\\.principalId\\s*\\n\\s*principalType")
        .matcher(bicep);
    assertTrue(owner.results().count() >= 4);
    assertTrue(Pattern.compile("roleDefinitions', dataOwner\\)\\s*\\n\\s*principalId: scaler").matcher(bicep).find());
    assertTrue(!Pattern.compile("roleDefinitions', dataOwner\\)\\s*\\n\\s*principalId: worker").matcher(bicep).find());
  }

  @Test
  void namesTheWorkersOwnQueueApartFromTheProducersQueues() {
    String internal = stringDefault("internalQueue");
    assertTrue(names(namespace.get("Queues")).contains(internal), "internalQueue " + internal + " not in config.json");
    assertTrue(!arrayDefault("receiveQueues").contains(internal), "the internal queue is not a producer queue");
    assertTrue(!arrayDefault("replyQueues").contains(internal), "the internal queue is not a reply entity");
    assertTrue(Pattern.compile("resource internal 'Microsoft.ServiceBus/namespaces/queues@[^']+' existing = \\{\\s*"
        + "parent: namespace\\s*name: internalQueue\\s*}").matcher(bicep).find(), "the internal queue resource");
  }

  @Test
  void declaresEveryParameterTheParametersFileSets() {
    JsonNode parameters = parse(DEPLOY.resolve("azure/main.parameters.json")).get("parameters");
    for (Iterator<String> names = parameters.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      assertTrue(Pattern.compile("(?m)^param " + name + " ").matcher(bicep).find(), "main.bicep has no param " + name);
    }
    assertEquals(stringDefault("internalQueue"), parameters.at("/internalQueue/value").asText());
  }

  @Test
  void onlyTheWorkerMaySendToItsInternalQueue() {
    // The internal queue carries follow-ups, held events and cancellation markers: whoever may send
    // there could forge them. Receiver and Sender for the worker, KEDA's read access, nothing else.
    Set<String> onInternal = new TreeSet<>();
    for (RoleAssignment a : roleAssignments()) {
      if (a.entities().contains(stringDefault("internalQueue"))) {
        assertEquals("internal", a.scope(), a.resource() + ": scoped to the internal queue alone, not a list");
        onInternal.add(a.principal() + " " + a.role());
      }
    }
    assertEquals(Set.of("worker dataReceiver", "worker dataSender", "scaler dataOwner"), onInternal);
  }

  @Test
  void onlyTheWorkerMayReadOrWriteTheMassActionBrakesCounts() {
    // The brake's counts are session state on the state queue: whoever may receive there could
    // reset them. The worker receives; nobody sends.
    String state = stringDefault("stateQueue");
    assertTrue(names(namespace.get("Queues")).contains(state), "stateQueue " + state + " not in config.json");
    Set<String> onState = new TreeSet<>();
    for (RoleAssignment a : roleAssignments()) {
      if (a.entities().contains(state)) {
        assertEquals("state", a.scope(), a.resource() + ": scoped to the state queue alone, not a list");
        onState.add(a.principal() + " " + a.role());
      }
    }
    assertEquals(Set.of("worker dataReceiver"), onState);
  }

  @Test
  void theWorkerOnlyReceivesFromTheProducersQueues() {
    Map<String, Set<String>> workerRoles = new java.util.TreeMap<>();
    for (RoleAssignment a : roleAssignments()) {
      for (String entity : a.entities()) {
        if (a.principal().equals("worker")) {
          workerRoles.computeIfAbsent(entity, e -> new TreeSet<>()).add(a.role());
        }
      }
    }
    for (String producerQueue : arrayDefault("receiveQueues")) {
      assertEquals(Set.of("dataReceiver"), workerRoles.get(producerQueue),
          "the worker's roles on " + producerQueue + " (it never sends to a producer's queue)");
    }
  }

  @Test
  void grantsRolesOnlyToTheWorkerAndTheScaler() {
    // Producers send with identities of their own (deploy/producers), each scoped to its queue;
    // this template grants none, so none can reach the internal queue through it.
    List<RoleAssignment> assignments = roleAssignments();
    assertEquals(Pattern.compile("Microsoft.Authorization/roleAssignments@").matcher(bicep).results().count(),
        assignments.size(), "every role assignment was read");
    for (RoleAssignment a : assignments) {
      assertTrue(Set.of("worker", "scaler").contains(a.principal()), a.toString());
      assertTrue(a.principal().equals("scaler") == a.role().equals("dataOwner"), a + ": Data Owner is the scaler's alone");
    }
  }

  @Test
  void theManifestsNameTheQueuesTheTemplateGrants() throws Exception {
    String base = Files.readString(DEPLOY.resolve("kubernetes/base/kustomization.yaml"));
    assertTrue(base.contains("- SERVICEBUS_INTERNAL_QUEUE=" + stringDefault("internalQueue") + "\n"), base);
    // KEDA's scaler can read the length of every queue a trigger names, and of no other.
    Set<String> scalerReads = new TreeSet<>();
    for (RoleAssignment a : roleAssignments()) {
      if (a.principal().equals("scaler")) {
        scalerReads.addAll(a.entities());
      }
    }
    Set<String> triggers = new TreeSet<>(Pattern.compile("queueName: (\\S+)")
        .matcher(Files.readString(DEPLOY.resolve("kubernetes/base/keda.yaml"))).results().map(r -> r.group(1)).toList());
    assertEquals(scalerReads, triggers);
  }

  @Test
  void federatesTheServiceAccountTheManifestsUse() throws Exception {
    String sa = Files.readString(DEPLOY.resolve("kubernetes/base/serviceaccount.yaml"));
    assertTrue(sa.contains("name: offboarding-worker"));
    assertTrue(bicep.contains("param kubernetesServiceAccount string = 'offboarding-worker'"));
    assertTrue(bicep.contains("subject: 'system:serviceaccount:${kubernetesNamespace}:${kubernetesServiceAccount}'"));
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
   * removed), the entities that scope stands for (by the parameters' defaults), role variable and
   * principal.
   */
  record RoleAssignment(String resource, String scope, Set<String> entities, String role, String principal) {}

  private List<RoleAssignment> roleAssignments() {
    Matcher m = Pattern.compile("(?ms)^resource (\\w+) 'Microsoft\\.Authorization/roleAssignments@[^']+' = (.*?)^}\\]?$")
        .matcher(bicep);
    List<RoleAssignment> all = new ArrayList<>();
    while (m.find()) {
      String body = m.group(2);
      String scope = group(body, "scope: (\\w+)(\\[i\\])?", m.group(1) + " scope");
      String role = group(body, "roleDefinitions', (\\w+)\\)", m.group(1) + " role");
      String principal = group(body, "principalId: (\\w+)\\.properties\\.principalId", m.group(1) + " principal");
      Set<String> entities = switch (scope) {
        case "receiveQueue" -> arrayDefault("receiveQueues");
        case "replyQueue" -> arrayDefault("replyQueues");
        case "internal" -> Set.of(stringDefault("internalQueue"));
        case "state" -> Set.of(stringDefault("stateQueue"));
        case "audit" -> Set.of(stringDefault("auditTopic"));
        default -> throw new AssertionError(m.group(1) + ": unexpected scope " + scope);
      };
      all.add(new RoleAssignment(m.group(1), scope, entities, role, principal));
    }
    return all;
  }

  private static String group(String text, String regex, String what) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), what + " in:\n" + text);
    return m.group(1);
  }

  private String stringDefault(String param) {
    return group(bicep, "param " + param + " string = '([^']+)'", param);
  }

  private static Set<String> names(JsonNode entities) {
    Set<String> names = new TreeSet<>();
    entities.forEach(e -> names.add(e.get("Name").asText()));
    return names;
  }
}
