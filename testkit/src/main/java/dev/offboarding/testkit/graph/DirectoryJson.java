package dev.offboarding.testkit.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders directory objects as Graph does: the default property set without {@code $select} (which,
 * as in Graph v1.0, leaves out {@code accountEnabled} and most other user properties), the selected
 * properties with it, and {@code @odata.type} on items of mixed-type collections.
 */
final class DirectoryJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> USER_DEFAULTS =
      List.of(
          "businessPhones",
          "displayName",
          "givenName",
          "jobTitle",
          "mail",
          "mobilePhone",
          "officeLocation",
          "preferredLanguage",
          "surname",
          "userPrincipalName",
          "id");
  private static final Map<Class<?>, Map<String, String>> CANONICAL = new LinkedHashMap<>();
  private static final Map<String, String> ALL_CANONICAL = new LinkedHashMap<>();

  static {
    register(
        FakeUser.class,
        List.of(
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
            "givenName",
            "surname",
            "businessPhones",
            "mobilePhone",
            "preferredLanguage",
            "onPremisesSyncEnabled",
            "lastPasswordChangeDateTime"));
    register(
        FakeGroup.class,
        List.of(
            "id",
            "displayName",
            "description",
            "groupTypes",
            "mail",
            "mailEnabled",
            "securityEnabled"));
    register(
        FakeDevice.class,
        List.of("id", "displayName", "deviceId", "operatingSystem", "accountEnabled"));
    register(FakeOrgContact.class, List.of("id", "displayName", "mail"));
    register(
        FakeServicePrincipal.class, List.of("id", "displayName", "appId", "servicePrincipalType"));
  }

  private DirectoryJson() {}

  private static void register(Class<?> type, List<String> names) {
    Map<String, String> byLower = new LinkedHashMap<>();
    for (String name : names) {
      byLower.put(name.toLowerCase(Locale.ROOT), name);
      ALL_CANONICAL.put(name.toLowerCase(Locale.ROOT), name);
    }
    CANONICAL.put(type, byLower);
  }

  /**
   * Canonical names of a {@code $select} list, validated against one type (or, for {@code type ==
   * null}, any directory object type); unknown names answer 400 as Graph does.
   */
  static List<String> canonicalSelect(List<String> select, Class<? extends DirectoryObject> type) {
    Map<String, String> known = type == null ? ALL_CANONICAL : CANONICAL.get(type);
    List<String> out = new ArrayList<>(select.size());
    for (String name : select) {
      String canonical = known.get(name.toLowerCase(Locale.ROOT));
      if (canonical == null) {
        String typeName = type == null ? "directoryObject" : typeName(type);
        throw new GraphException(
            400,
            "Request_BadRequest",
            "Could not find a property named '"
                + name
                + "' on type 'microsoft.graph."
                + typeName
                + "'.");
      }
      if (!out.contains(canonical)) {
        out.add(canonical);
      }
    }
    return out;
  }

  /** The context fragment for a select list, e.g. {@code users(id,displayName)}. */
  static String contextSet(String set, List<String> select) {
    return select.isEmpty() ? set : set + "(" + String.join(",", select) + ")";
  }

  /** The object as JSON: {@code select} (canonical names) or its default properties. */
  static ObjectNode render(DirectoryObject object, List<String> select, boolean withType) {
    ObjectNode node = NODES.objectNode();
    if (withType) {
      node.put("@odata.type", object.odataType());
    }
    Map<String, Object> props = properties(object);
    List<String> names = select.isEmpty() ? defaults(object, props) : select;
    for (String name : names) {
      if (props.containsKey(name)) {
        put(node, name, props.get(name));
      }
    }
    return node;
  }

  private static List<String> defaults(DirectoryObject object, Map<String, Object> props) {
    return object instanceof FakeUser ? USER_DEFAULTS : new ArrayList<>(props.keySet());
  }

  private static Map<String, Object> properties(DirectoryObject object) {
    Map<String, Object> p = new LinkedHashMap<>();
    switch (object) {
      case FakeUser u -> {
        p.put("id", u.id());
        p.put("userPrincipalName", u.userPrincipalName());
        p.put("displayName", u.displayName());
        p.put("accountEnabled", u.accountEnabled());
        p.put("userType", u.userType());
        p.put("mail", u.mail());
        p.put("department", u.department());
        p.put("companyName", u.companyName());
        p.put("officeLocation", u.officeLocation());
        p.put("jobTitle", u.jobTitle());
        p.put("employeeId", u.employeeId());
        p.put("city", u.city());
        p.put("country", u.country());
        p.put("signInSessionsValidFromDateTime", u.signInSessionsValidFromDateTime());
        p.put("givenName", null);
        p.put("surname", null);
        p.put("businessPhones", List.of());
        p.put("mobilePhone", null);
        p.put("preferredLanguage", null);
        // Graph gives null, not false, for a user that was never synchronised.
        p.put("onPremisesSyncEnabled", u.onPremisesSyncEnabled() ? Boolean.TRUE : null);
        p.put("lastPasswordChangeDateTime", u.lastPasswordChangeDateTime());
      }
      case FakeGroup g -> {
        p.put("id", g.id());
        p.put("displayName", g.displayName());
        p.put("description", g.description());
        p.put("groupTypes", List.of());
        p.put("mail", null);
        p.put("mailEnabled", false);
        p.put("securityEnabled", true);
      }
      case FakeDevice d -> {
        p.put("id", d.id());
        p.put("displayName", d.displayName());
        p.put("deviceId", d.deviceId());
        p.put("operatingSystem", d.operatingSystem());
        p.put("accountEnabled", d.accountEnabled());
      }
      case FakeOrgContact c -> {
        p.put("id", c.id());
        p.put("displayName", c.displayName());
        p.put("mail", c.mail());
      }
      case FakeServicePrincipal s -> {
        p.put("id", s.id());
        p.put("displayName", s.displayName());
        p.put("appId", s.appId());
        p.put("servicePrincipalType", "Application");
      }
    }
    return p;
  }

  private static void put(ObjectNode node, String name, Object value) {
    switch (value) {
      case null -> node.putNull(name);
      case String s -> node.put(name, s);
      case Boolean b -> node.put(name, b);
      case Instant t -> node.put(name, t.truncatedTo(ChronoUnit.SECONDS).toString());
      case List<?> list -> {
        ArrayNode array = node.putArray(name);
        list.forEach(item -> array.add(String.valueOf(item)));
      }
      default -> node.put(name, value.toString());
    }
  }

  private static String typeName(Class<?> type) {
    if (type == FakeUser.class) {
      return "user";
    } else if (type == FakeGroup.class) {
      return "group";
    } else if (type == FakeDevice.class) {
      return "device";
    } else if (type == FakeOrgContact.class) {
      return "orgContact";
    }
    return "servicePrincipal";
  }
}
