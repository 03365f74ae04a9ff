package dev.offboarding.testkit.graph;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the JSON seed format of {@link FakeTenant#fromJson(InputStream)}; strict, so that a typo in
 * a seed fails loudly instead of silently producing a different tenant. The format is documented in
 * {@code testkit/README.md}.
 */
final class TenantSeed {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP =
      Set.of(
          "users",
          "groups",
          "devices",
          "orgContacts",
          "servicePrincipals",
          "roleAssignments",
          "riskyUsers",
          "signIns",
          "taskProcessingResults",
          "settings");
  private static final Set<String> RISKY_FIELDS =
      Set.of("user", "riskLevel", "riskState", "riskDetail", "riskLastUpdatedDateTime");
  private static final Set<String> SIGN_IN_FIELDS =
      Set.of(
          "id",
          "user",
          "createdDateTime",
          "appId",
          "appDisplayName",
          "resourceDisplayName",
          "ipAddress",
          "isInteractive",
          "errorCode");
  private static final Set<String> RESULT_FIELDS = Set.of("workflowId", "taskId", "id", "subject");
  private static final Set<String> SETTINGS_FIELDS =
      Set.of("deviceAdministrator", "identityProtectionLicensed", "signInLogsLicensed");
  private static final Set<String> USER_FIELDS =
      Set.of(
          "id",
          "userPrincipalName",
          "displayName",
          "accountEnabled",
          "userType",
          "mail",
          "department",
          "companyName",
          "officeLocation",
          "jobTitle",
          "employeeId",
          "city",
          "country",
          "signInSessionsValidFromDateTime",
          "writesForbidden",
          "onPremisesSyncEnabled",
          "federated",
          "lastPasswordChangeDateTime");
  private static final Set<String> GROUP_FIELDS =
      Set.of("id", "displayName", "description", "members");
  private static final Set<String> DEVICE_FIELDS =
      Set.of(
          "id", "displayName", "deviceId", "operatingSystem", "accountEnabled", "registeredUsers");
  private static final Set<String> CONTACT_FIELDS = Set.of("id", "displayName", "mail");
  private static final Set<String> SP_FIELDS = Set.of("id", "displayName", "appId");
  private static final Set<String> ROLE_FIELDS = Set.of("role", "principal", "eligible");

  private TenantSeed() {}

  static FakeTenant read(InputStream in) {
    JsonNode root;
    try {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("tenant seed is not JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("tenant seed must be a JSON object");
    }
    checkFields(root, TOP, "tenant seed");
    FakeTenant tenant = new FakeTenant();
    Map<String, List<String>> byName = new HashMap<>();
    for (JsonNode u : array(root, "users")) {
      checkFields(u, USER_FIELDS, "user");
      FakeUser.Builder b = FakeUser.builder(required(u, "userPrincipalName"));
      b.id(text(u, "id"))
          .displayName(text(u, "displayName"))
          .userType(text(u, "userType"))
          .mail(text(u, "mail"))
          .department(text(u, "department"))
          .companyName(text(u, "companyName"))
          .officeLocation(text(u, "officeLocation"))
          .jobTitle(text(u, "jobTitle"))
          .employeeId(text(u, "employeeId"))
          .city(text(u, "city"))
          .country(text(u, "country"))
          .accountEnabled(bool(u, "accountEnabled", true))
          .writesForbidden(bool(u, "writesForbidden", false))
          .onPremisesSyncEnabled(bool(u, "onPremisesSyncEnabled", false))
          .federated(bool(u, "federated", false))
          .lastPasswordChangeDateTime(instant(u, "lastPasswordChangeDateTime"));
      String validFrom = text(u, "signInSessionsValidFromDateTime");
      if (validFrom != null) {
        try {
          b.signInSessionsValidFromDateTime(Instant.parse(validFrom));
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(
              "signInSessionsValidFromDateTime is not an ISO instant: " + validFrom, e);
        }
      }
      tenant.addUser(b.build());
    }
    List<JsonNode> groups = array(root, "groups");
    for (JsonNode g : groups) {
      checkFields(g, GROUP_FIELDS, "group");
      String name = required(g, "displayName");
      FakeGroup group =
          tenant.addGroup(new FakeGroup(idOr(g, "group", name), name, text(g, "description")));
      byName.computeIfAbsent(name, k -> new ArrayList<>()).add(group.id());
    }
    for (JsonNode d : array(root, "devices")) {
      checkFields(d, DEVICE_FIELDS, "device");
      String name = required(d, "displayName");
      String id = idOr(d, "device", name);
      String deviceId = text(d, "deviceId");
      tenant.addDevice(
          new FakeDevice(
              id,
              name,
              deviceId != null ? deviceId : nameId("deviceId", name),
              text(d, "operatingSystem") != null ? text(d, "operatingSystem") : "Windows",
              bool(d, "accountEnabled", true)));
      byName.computeIfAbsent(name, k -> new ArrayList<>()).add(id);
      for (JsonNode owner : array(d, "registeredUsers")) {
        if (!owner.isTextual()) {
          throw new IllegalArgumentException("registeredUsers must be strings: " + owner);
        }
        tenant.security().registerDevice(tenant.requireUser(owner.asText()).id(), id);
      }
    }
    for (JsonNode c : array(root, "orgContacts")) {
      checkFields(c, CONTACT_FIELDS, "orgContact");
      String name = required(c, "displayName");
      String id = idOr(c, "orgContact", name);
      tenant.addContact(new FakeOrgContact(id, name, text(c, "mail")));
      byName.computeIfAbsent(name, k -> new ArrayList<>()).add(id);
    }
    for (JsonNode s : array(root, "servicePrincipals")) {
      checkFields(s, SP_FIELDS, "servicePrincipal");
      String name = required(s, "displayName");
      String id = idOr(s, "servicePrincipal", name);
      String appId = text(s, "appId");
      tenant.addServicePrincipal(
          new FakeServicePrincipal(id, name, appId != null ? appId : nameId("appId", name)));
      byName.computeIfAbsent(name, k -> new ArrayList<>()).add(id);
    }
    // Members last, so a group may name groups declared after it.
    for (JsonNode g : groups) {
      String groupId = idOr(g, "group", required(g, "displayName"));
      List<String> memberIds = new ArrayList<>();
      for (JsonNode m : array(g, "members")) {
        if (!m.isTextual()) {
          throw new IllegalArgumentException("group members must be strings: " + m);
        }
        memberIds.add(resolveMember(tenant, byName, m.asText()));
      }
      tenant.addMembers(groupId, memberIds);
    }
    for (JsonNode a : array(root, "roleAssignments")) {
      checkFields(a, ROLE_FIELDS, "roleAssignment");
      String role = required(a, "role");
      String principal = resolveMember(tenant, byName, required(a, "principal"));
      if (bool(a, "eligible", false)) {
        tenant.roles().makeEligible(role, principal, Instant.EPOCH);
      } else {
        tenant.roles().assign(role, principal);
      }
    }
    readSecurity(root, tenant);
    return tenant;
  }

  /** Settings, risky users, sign-ins and task processing results: what containment reaches. */
  private static void readSecurity(JsonNode root, FakeTenant tenant) {
    JsonNode settings = root.get("settings");
    if (settings != null && !settings.isNull()) {
      checkFields(settings, SETTINGS_FIELDS, "settings");
      tenant
          .security()
          .deviceAdministrator(bool(settings, "deviceAdministrator", false))
          .identityProtectionLicensed(bool(settings, "identityProtectionLicensed", true))
          .signInLogsLicensed(bool(settings, "signInLogsLicensed", true));
    }
    for (JsonNode r : array(root, "riskyUsers")) {
      checkFields(r, RISKY_FIELDS, "riskyUser");
      FakeUser user = tenant.requireUser(required(r, "user"));
      Instant updated = instant(r, "riskLastUpdatedDateTime");
      tenant
          .security()
          .putRiskyUser(
              new FakeRiskyUser(
                  user.id(),
                  user.userPrincipalName(),
                  user.displayName(),
                  text(r, "riskLevel") != null ? text(r, "riskLevel") : "medium",
                  text(r, "riskState") != null ? text(r, "riskState") : "atRisk",
                  text(r, "riskDetail") != null ? text(r, "riskDetail") : "none",
                  updated != null ? updated : Instant.EPOCH));
    }
    for (JsonNode x : array(root, "signIns")) {
      checkFields(x, SIGN_IN_FIELDS, "signIn");
      FakeUser user = tenant.requireUser(required(x, "user"));
      Instant at = instant(x, "createdDateTime");
      if (at == null) {
        throw new IllegalArgumentException("'createdDateTime' is required in " + x);
      }
      JsonNode code = x.get("errorCode");
      if (code != null && !code.isInt()) {
        throw new IllegalArgumentException("'errorCode' must be an integer in " + x);
      }
      tenant
          .security()
          .addSignIn(
              new FakeSignIn(
                  text(x, "id") != null ? text(x, "id") : UUID.randomUUID().toString(),
                  at,
                  user.id(),
                  user.userPrincipalName(),
                  text(x, "appId") != null
                      ? text(x, "appId")
                      : "00000002-0000-0ff1-ce00-000000000000",
                  text(x, "appDisplayName") != null
                      ? text(x, "appDisplayName")
                      : "Office 365 Exchange Online",
                  text(x, "resourceDisplayName") != null
                      ? text(x, "resourceDisplayName")
                      : "Office 365 Exchange Online",
                  text(x, "ipAddress") != null ? text(x, "ipAddress") : "203.0.113.10",
                  bool(x, "isInteractive", true),
                  code == null ? 0 : code.intValue()));
    }
    for (JsonNode t : array(root, "taskProcessingResults")) {
      checkFields(t, RESULT_FIELDS, "taskProcessingResult");
      String subject = text(t, "subject");
      tenant
          .security()
          .addTaskProcessingResult(
              required(t, "workflowId"),
              required(t, "taskId"),
              required(t, "id"),
              subject == null ? null : tenant.requireUser(subject).id());
    }
  }

  private static Instant instant(JsonNode node, String field) {
    String value = text(node, field);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + field + "' is not an ISO instant: " + value, e);
    }
  }

  /**
   * A reference to a group member or a role's principal: an object id, a user's UPN, or the unique
   * display name of a non-user.
   */
  private static String resolveMember(
      FakeTenant tenant, Map<String, List<String>> byName, String ref) {
    if (DirectoryObject.isGuid(ref)) {
      return tenant
          .object(ref)
          .map(DirectoryObject::id)
          .orElseThrow(() -> new IllegalArgumentException("no such user or object: " + ref));
    }
    if (ref.indexOf('@') > 0) {
      return tenant
          .user(ref)
          .map(FakeUser::id)
          .orElseThrow(() -> new IllegalArgumentException("no such user or object: " + ref));
    }
    List<String> ids = byName.getOrDefault(ref, List.of());
    if (ids.size() != 1) {
      throw new IllegalArgumentException(
          ids.isEmpty()
              ? "no such user or object: " + ref
              : "display name is ambiguous, use its id: " + ref);
    }
    return ids.get(0);
  }

  private static String idOr(JsonNode node, String kind, String name) {
    String id = text(node, "id");
    return id != null ? id : nameId(kind, name);
  }

  private static String nameId(String kind, String name) {
    return UUID.nameUUIDFromBytes((kind + ":" + name).getBytes(UTF_8)).toString();
  }

  private static void checkFields(JsonNode node, Set<String> allowed, String what) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(what + " must be a JSON object: " + node);
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw new IllegalArgumentException(
            "unknown field '" + field + "' in " + what + "; allowed: " + allowed);
      }
    }
  }

  private static List<JsonNode> array(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new IllegalArgumentException("'" + field + "' must be an array");
    }
    List<JsonNode> items = new ArrayList<>();
    value.forEach(items::add);
    return items;
  }

  private static String required(JsonNode node, String field) {
    String value = text(node, field);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("'" + field + "' is required in " + node);
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' must be a string in " + node);
    }
    return value.asText();
  }

  private static boolean bool(JsonNode node, String field, boolean fallback) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw new IllegalArgumentException("'" + field + "' must be true or false in " + node);
    }
    return value.asBoolean();
  }
}
