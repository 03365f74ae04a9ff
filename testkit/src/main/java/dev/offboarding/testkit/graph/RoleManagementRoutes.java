package dev.offboarding.testkit.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code /roleManagement/directory/...} as Graph v1.0 serves it (the List roleDefinitions, List
 * unifiedRoleAssignments and List roleEligibilityScheduleInstances pages of the Graph reference):
 *
 * <ul>
 *   <li>{@code GET roleDefinitions[/{id}]}: {@code $select}, {@code $filter} with one {@code eq} on
 *       {@code id}, {@code displayName} or {@code templateId};
 *   <li>{@code GET roleAssignments}: {@code $select}, {@code $filter} with one {@code eq} on {@code
 *       roleDefinitionId} or {@code principalId}, {@code $expand} of {@code principal} (with its
 *       {@code @odata.type}) and {@code roleDefinition};
 *   <li>{@code GET roleEligibilityScheduleInstances}: the same options; only eligibilities in force
 *       now; 400 {@code AadPremiumLicenseRequired} when the tenant is not licensed for Privileged
 *       Identity Management.
 * </ul>
 *
 * <p>Paging is the server's: pages of the configured size with an absolute {@code @odata.nextLink}
 * ({@code $top} is not among the documented options here and answers 400, as do other options,
 * other {@code $expand} items and nested expand options). {@link Faults#forceReadStatus} with a
 * collection's name ({@code roleDefinitions}, {@code roleAssignments}, {@code
 * roleEligibilityScheduleInstances}) makes its reads answer that status.
 */
final class RoleManagementRoutes {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> DEFINITION_OPTIONS = Set.of("$select", "$filter", "$skiptoken");
  private static final Set<String> ASSIGNMENT_OPTIONS =
      Set.of("$select", "$filter", "$expand", "$skiptoken");
  private static final List<String> DEFINITION_PROPERTIES =
      List.of(
          "id",
          "description",
          "displayName",
          "isBuiltIn",
          "isEnabled",
          "resourceScopes",
          "templateId",
          "version",
          "rolePermissions");
  private static final List<String> DEFINITION_FILTERS = List.of("id", "displayName", "templateId");
  private static final List<String> ASSIGNMENT_PROPERTIES =
      List.of(
          "id",
          "principalId",
          "resourceScope",
          "directoryScopeId",
          "roleDefinitionId",
          "appScopeId",
          "condition",
          "principalOrganizationId");
  private static final List<String> ASSIGNMENT_DEFAULTS =
      List.of("id", "principalId", "resourceScope", "directoryScopeId", "roleDefinitionId");
  private static final List<String> INSTANCE_PROPERTIES =
      List.of(
          "id",
          "principalId",
          "roleDefinitionId",
          "directoryScopeId",
          "appScopeId",
          "startDateTime",
          "endDateTime",
          "memberType",
          "roleEligibilityScheduleId");
  private static final List<String> ASSIGNMENT_FILTERS = List.of("roleDefinitionId", "principalId");
  private static final List<String> EXPANDABLE = List.of("principal", "roleDefinition");
  static final String LICENSE_REQUIRED_CODE = "AadPremiumLicenseRequired";

  private final FakeTenant tenant;
  private final Clock clock;
  private final Faults faults;
  private final String organizationId;

  RoleManagementRoutes(FakeTenant tenant, Clock clock, Faults faults, String organizationId) {
    this.tenant = tenant;
    this.clock = clock;
    this.faults = faults;
    this.organizationId = organizationId;
  }

  /** Answers {@code /roleManagement/...}; {@code segments} are the decoded path segments. */
  GraphResponse route(GraphRequest r, List<String> s, GraphRouter router) {
    if (s.size() < 2 || !s.get(1).equalsIgnoreCase("directory")) {
      throw GraphException.segmentNotFound(s.size() < 2 ? "roleManagement" : s.get(1));
    }
    if (s.size() < 3) {
      throw GraphException.segmentNotFound("directory");
    }
    if (!r.method().equals("GET")) {
      throw GraphException.methodNotAllowed();
    }
    String collection = s.get(2);
    switch (collection.toLowerCase(Locale.ROOT)) {
      case "roledefinitions" -> {
        forced("roleDefinitions", router);
        if (s.size() == 3) {
          return definitions(r, router);
        }
        if (s.size() == 4) {
          return definition(r, s.get(3));
        }
        throw GraphException.segmentNotFound(s.get(4));
      }
      case "roleassignments" -> {
        requireCollection(s);
        forced("roleAssignments", router);
        return assignments(
            r,
            router,
            "roleAssignments",
            tenant.roles().activeAssignments(),
            ASSIGNMENT_PROPERTIES,
            ASSIGNMENT_DEFAULTS,
            "unifiedRoleAssignment");
      }
      case "roleeligibilityscheduleinstances" -> {
        requireCollection(s);
        forced("roleEligibilityScheduleInstances", router);
        if (!tenant.roles().pimLicensed()) {
          throw new GraphException(
              400,
              LICENSE_REQUIRED_CODE,
              "The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.");
        }
        Instant now = clock.instant();
        List<FakeRoleAssignment> inForce =
            tenant.roles().eligibilities().stream().filter(e -> e.inForceAt(now)).toList();
        return assignments(
            r,
            router,
            "roleEligibilityScheduleInstances",
            inForce,
            INSTANCE_PROPERTIES,
            INSTANCE_PROPERTIES,
            "unifiedRoleEligibilityScheduleInstance");
      }
      default -> throw GraphException.segmentNotFound(collection);
    }
  }

  private static void requireCollection(List<String> s) {
    if (s.size() > 3) {
      throw GraphException.segmentNotFound(s.get(3));
    }
  }

  private void forced(String collection, GraphRouter router) {
    faults
        .forcedRead(collection)
        .ifPresent(
            status -> {
              throw router.forcedError(status, collection);
            });
  }

  private GraphResponse definitions(GraphRequest r, GraphRouter router) {
    ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(DEFINITION_OPTIONS);
    List<String> select = canonical(q.select(), DEFINITION_PROPERTIES, "unifiedRoleDefinition");
    List<FakeRoleDefinition> all = tenant.roles().definitions();
    if (q.filter() != null) {
      ODataQuery.EqualsClause clause =
          ODataQuery.parseEqualsFilter(q.filter(), DEFINITION_FILTERS, "unifiedRoleDefinition");
      Function<FakeRoleDefinition, String> getter =
          switch (clause.attribute()) {
            case "id" -> FakeRoleDefinition::id;
            case "displayName" -> FakeRoleDefinition::displayName;
            default -> FakeRoleDefinition::templateId;
          };
      all = all.stream().filter(d -> clause.value().equalsIgnoreCase(getter.apply(d))).toList();
    }
    return router.page(
        r, q, all, context("roleDefinitions", select, List.of()), d -> render(d, select));
  }

  private GraphResponse definition(GraphRequest r, String id) {
    ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(Set.of("$select"));
    List<String> select = canonical(q.select(), DEFINITION_PROPERTIES, "unifiedRoleDefinition");
    FakeRoleDefinition found =
        DirectoryObject.isGuid(id) ? tenant.roles().definition(id).orElse(null) : null;
    if (found == null) {
      throw GraphException.notFound(id);
    }
    ObjectNode body = NODES.objectNode();
    body.put(
        "@odata.context",
        r.baseUrl() + "/$metadata#" + context("roleDefinitions", select, List.of()) + "/$entity");
    body.setAll(render(found, select));
    return GraphResponse.of(200, body);
  }

  private GraphResponse assignments(
      GraphRequest r,
      GraphRouter router,
      String set,
      List<FakeRoleAssignment> items,
      List<String> properties,
      List<String> defaults,
      String type) {
    ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(ASSIGNMENT_OPTIONS);
    List<String> select = canonical(q.select(), properties, type);
    List<String> expand = new ArrayList<>();
    for (String name : q.expand()) {
      String canonical =
          EXPANDABLE.stream()
              .filter(e -> e.equalsIgnoreCase(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      GraphException.badRequest(
                          "Could not find a navigation property named '"
                              + name
                              + "' on type"
                              + " 'microsoft.graph."
                              + type
                              + "'."));
      if (!expand.contains(canonical)) {
        expand.add(canonical);
      }
    }
    List<FakeRoleAssignment> listed = items;
    if (q.filter() != null) {
      ODataQuery.EqualsClause clause =
          ODataQuery.parseEqualsFilter(q.filter(), ASSIGNMENT_FILTERS, type);
      Function<FakeRoleAssignment, String> getter =
          clause.attribute().equals("principalId")
              ? FakeRoleAssignment::principalId
              : FakeRoleAssignment::roleDefinitionId;
      listed =
          items.stream().filter(a -> clause.value().equalsIgnoreCase(getter.apply(a))).toList();
    }
    List<String> names = select.isEmpty() ? defaults : select;
    return router.page(r, q, listed, context(set, select, expand), a -> render(a, names, expand));
  }

  private ObjectNode render(FakeRoleAssignment a, List<String> names, List<String> expand) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", a.id());
    p.put("principalId", a.principalId());
    p.put("resourceScope", "/");
    p.put("directoryScopeId", "/");
    p.put("roleDefinitionId", a.roleDefinitionId());
    p.put("appScopeId", null);
    p.put("condition", null);
    p.put("principalOrganizationId", organizationId);
    p.put("startDateTime", a.start());
    p.put("endDateTime", a.end());
    p.put("memberType", "Direct");
    p.put("roleEligibilityScheduleId", a.scheduleId());
    ObjectNode node = NODES.objectNode();
    for (String name : names) {
      put(node, name, p.get(name));
    }
    if (expand.contains("principal")) {
      node.set(
          "principal",
          tenant
              .object(a.principalId())
              .<com.fasterxml.jackson.databind.JsonNode>map(
                  o -> DirectoryJson.render(o, List.of(), true))
              .orElse(NODES.nullNode()));
    }
    if (expand.contains("roleDefinition")) {
      node.set(
          "roleDefinition",
          tenant
              .roles()
              .definition(a.roleDefinitionId())
              .<com.fasterxml.jackson.databind.JsonNode>map(d -> render(d, List.of()))
              .orElse(NODES.nullNode()));
    }
    return node;
  }

  private static ObjectNode render(FakeRoleDefinition d, List<String> select) {
    List<String> names = select.isEmpty() ? DEFINITION_PROPERTIES : select;
    ObjectNode node = NODES.objectNode();
    for (String name : names) {
      switch (name) {
        case "id" -> node.put("id", d.id());
        case "description" -> node.put("description", d.description());
        case "displayName" -> node.put("displayName", d.displayName());
        case "isBuiltIn" -> node.put("isBuiltIn", d.builtIn());
        case "isEnabled" -> node.put("isEnabled", true);
        case "resourceScopes" -> node.putArray("resourceScopes").add("/");
        case "templateId" -> node.put("templateId", d.templateId());
        case "version" -> node.put("version", "1");
        case "rolePermissions" -> {
          ObjectNode permission = node.putArray("rolePermissions").addObject();
          ArrayNode actions = permission.putArray("allowedResourceActions");
          d.allowedResourceActions().forEach(actions::add);
          permission.putNull("condition");
        }
        default -> throw new IllegalStateException(name);
      }
    }
    return node;
  }

  private static void put(ObjectNode node, String name, Object value) {
    switch (value) {
      case null -> node.putNull(name);
      case Instant t -> node.put(name, t.truncatedTo(ChronoUnit.MILLIS).toString());
      default -> node.put(name, value.toString());
    }
  }

  /** Canonical names of a {@code $select}; an unknown one answers 400 as Graph does. */
  private static List<String> canonical(List<String> select, List<String> known, String type) {
    List<String> out = new ArrayList<>();
    for (String name : select) {
      String canonical =
          known.stream()
              .filter(k -> k.equalsIgnoreCase(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new GraphException(
                          400,
                          "Request_BadRequest",
                          "Could not find a property named '"
                              + name
                              + "' on type 'microsoft.graph."
                              + type
                              + "'."));
      if (!out.contains(canonical)) {
        out.add(canonical);
      }
    }
    return out;
  }

  /** The context fragment, e.g. {@code roleManagement/directory/roleAssignments(principal())}. */
  private static String context(String set, List<String> select, List<String> expand) {
    List<String> parts = new ArrayList<>(select);
    expand.forEach(e -> parts.add(e + "()"));
    String path = "roleManagement/directory/" + set;
    return parts.isEmpty() ? path : path + "(" + String.join(",", parts) + ")";
  }
}
