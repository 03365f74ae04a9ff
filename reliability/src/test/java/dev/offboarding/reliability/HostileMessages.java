package dev.offboarding.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Structure-aware hostile event messages for R4: each starts from a valid event aimed at real users
 * (the victims) and is broken in one way the contract forbids, so every one must be rejected and
 * none may cause a Graph write. Seeded: the same seed gives the same messages.
 */
final class HostileMessages {
  /** How each message is broken. */
  enum Kind {
    WRONG_TYPE,
    HUGE_STRING,
    DEEP_NESTING,
    INVALID_UTF8,
    DUPLICATE_KEY,
    INJECTION,
    UNSAFE_TARGET,
    NOT_AN_EVENT
  }

  record Hostile(Kind kind, String detail, byte[] body) {}

  /** Payloads aimed at OData, URL paths, headers, templates and logs. */
  static final List<String> INJECTIONS =
      List.of(
          "' or 1 eq 1 or userPrincipalName eq '",
          "x') or startswith(userPrincipalName,'",
          "../../groups/00000000-0000-0000-0000-000000000000/members",
          "alice@contoso.example?$filter=accountEnabled eq true",
          "alice@contoso.example/revokeSignInSessions",
          "alice@contoso.example#fragment x",
          "%2e%2e%2f%2e%2e%2fusers",
          "users?$top=999&$select=*",
          "${jndi:ldap://127.0.0.1:1/a}",
          "<script>alert(1)</script>",
          "a\r\nX-Injected: 1",
          "\"; DROP TABLE users; --",
          "$batch",
          "*",
          "\u0000",
          "admin@contoso.example\u202e",
          "alice@contoso\u2024example",
          "a\\b@contoso.example",
          "@contoso.example");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String[] STRING_FIELDS = {"specversion", "id", "source", "type"};

  private final Random random;
  private final String victimUser;
  private final String victimGroup;

  HostileMessages(long seed, String victimUser, String victimGroup) {
    this.random = new Random(seed);
    this.victimUser = victimUser;
    this.victimGroup = victimGroup;
  }

  /** A valid event aimed at the victims; every hostile message is one of these, broken. */
  ObjectNode base() {
    ObjectNode event = NODES.objectNode();
    event.put("specversion", "1.0");
    event.put("id", UUID.randomUUID().toString());
    event.put("source", "/hostile/" + random.nextInt(1000));
    event.put(
        "type",
        random.nextBoolean() ? "dev.offboarding.leaver.v1" : "dev.offboarding.compromise.v1");
    event.put("time", Instant.now().toString());
    event.put("datacontenttype", "application/json");
    ObjectNode data = event.putObject("data");
    ArrayNode targets = data.putArray("targets");
    targets.addObject().put("user", victimUser);
    targets.addObject().put("group", victimGroup);
    data.putArray("actions").add("disableAccount").add("revokeSessions");
    data.put("reason", "Leaver " + random.nextInt(1000));
    data.put("ticket", "HOSTILE-" + random.nextInt(100_000));
    data.put("requestedBy", "reliability");
    data.put("dryRun", false);
    return event;
  }

  Hostile next() {
    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
    ObjectNode event = base();
    ObjectNode data = (ObjectNode) event.get("data");
    switch (kind) {
      case WRONG_TYPE -> {
        String[] where = {
          "specversion",
          "id",
          "source",
          "type",
          "data",
          "data.targets",
          "data.targets[0]",
          "data.targets[0].user",
          "data.targets[1].group",
          "data.actions",
          "data.actions[0]",
          "data.reason",
          "data.dryRun"
        };
        String path = where[random.nextInt(where.length)];
        JsonNode wrong = wrongTypeFor(path);
        set(event, path, wrong);
        return new Hostile(kind, path + "=" + wrong.getNodeType(), bytes(event));
      }
      case HUGE_STRING -> {
        // Past the 256 KB message bound, in a field of either kind; or a UPN far past its 113
        // characters.
        String path = random.nextBoolean() ? pickField() : "data.reason";
        int size = random.nextBoolean() ? EventCodecLimit.BYTES + 1 + random.nextInt(200_000) : 0;
        if (size == 0) {
          set(
              event,
              "data.targets[0].user",
              NODES.textNode("a".repeat(200 + random.nextInt(5_000)) + "@contoso.example"));
          return new Hostile(kind, "user UPN too long", bytes(event));
        }
        set(event, path, NODES.textNode(randomText(size)));
        return new Hostile(kind, path + " of " + size + " characters", bytes(event));
      }
      case DEEP_NESTING -> {
        int depth = 600 + random.nextInt(20_000);
        String nested = "[".repeat(depth) + "]".repeat(depth);
        String json = bytesAsString(event).replace("\"targets\":[", "\"targets\":[" + nested + ",");
        return new Hostile(
            kind, "targets nested " + depth + " deep", json.getBytes(StandardCharsets.UTF_8));
      }
      case INVALID_UTF8 -> {
        byte[][] bad = {
          {(byte) 0xC3, 0x28},
          {(byte) 0xFF},
          {(byte) 0xC0, (byte) 0xAF},
          {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
          {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
          {(byte) 0xE2, (byte) 0x82}
        };
        byte[] seq = bad[random.nextInt(bad.length)];
        String marker = "MARKER" + random.nextInt(1000);
        String path = random.nextBoolean() ? "data.reason" : "data.targets[0].user";
        set(
            event,
            path,
            NODES.textNode(path.endsWith("user") ? marker + "@contoso.example" : marker));
        byte[] json = bytes(event);
        return new Hostile(
            kind, path + " holds " + seq.length + " invalid bytes", splice(json, marker, seq));
      }
      case DUPLICATE_KEY -> {
        String json = bytesAsString(event);
        String[][] dupes = {
          {"\"type\":", "\"type\":\"dev.offboarding.restore.v1\",\"type\":"},
          {"\"id\":", "\"id\":\"" + UUID.randomUUID() + "\",\"id\":"},
          {"\"dryRun\":false", "\"dryRun\":true,\"dryRun\":false"},
          {"{\"user\":", "{\"user\":\"someone@contoso.example\",\"user\":"},
          {"\"data\":{", "\"data\":{\"targets\":[],"}
        };
        String[] d = dupes[random.nextInt(dupes.length)];
        return new Hostile(
            kind,
            "duplicate " + d[0],
            json.replaceFirst(
                    java.util.regex.Pattern.quote(d[0]),
                    java.util.regex.Matcher.quoteReplacement(d[1]))
                .getBytes(StandardCharsets.UTF_8));
      }
      case INJECTION -> {
        // Into a field the contract constrains, where no payload is acceptable.
        String payload = pick(INJECTIONS);
        String[] where = {
          "data.targets[0].user",
          "data.targets[1].group",
          "type",
          "specversion",
          "source",
          "data.actions[0]",
          "attribute"
        };
        String path = where[random.nextInt(where.length)];
        if (path.equals("attribute")) {
          ArrayNode targets = (ArrayNode) data.get("targets");
          targets.addObject().put("attribute", payload).put("equals", "x");
        } else if (path.equals("source")) {
          set(event, path, NODES.textNode(" " + payload + " \u0007"));
        } else {
          set(event, path, NODES.textNode(payload));
        }
        return new Hostile(
            kind, path + " <- " + payload.replaceAll("\\p{Cntrl}", "?"), bytes(event));
      }
      case UNSAFE_TARGET -> {
        ArrayNode targets = (ArrayNode) data.get("targets");
        int which = random.nextInt(7);
        String detail;
        switch (which) {
          case 0 -> {
            String attr =
                pick(
                    List.of(
                        "accountEnabled",
                        "userPrincipalName",
                        "id",
                        "memberOf",
                        "userType",
                        "mail"));
            targets.addObject().put("attribute", attr).put("equals", "true");
            detail = "attribute " + attr;
          }
          case 1 -> {
            targets.addObject().put("filter", "accountEnabled eq true");
            detail = "raw filter";
          }
          case 2 -> {
            targets.addObject().put("user", victimUser).put("group", victimGroup);
            detail = "two kinds";
          }
          case 3 -> {
            ((ObjectNode) targets.get(0)).put("$filter", "true");
            detail = "unexpected $filter";
          }
          case 4 -> {
            for (int i = 0; i < 1_001; i++) {
              targets.addObject().put("user", "u" + i + "@contoso.example");
            }
            detail = "1,003 targets";
          }
          case 5 -> {
            targets.addObject().put("group", "everyone@contoso.example");
            detail = "group by name";
          }
          default -> {
            targets.addObject().put("attribute", "department").put("equals", "   ");
            detail = "blank attribute value";
          }
        }
        return new Hostile(kind, detail, bytes(event));
      }
      default -> {
        byte[][] bodies = {
          new byte[0],
          "null".getBytes(StandardCharsets.UTF_8),
          "[]".getBytes(StandardCharsets.UTF_8),
          "{".getBytes(StandardCharsets.UTF_8),
          randomBytes(1 + random.nextInt(512)),
          ("[" + bytesAsString(event) + "]").getBytes(StandardCharsets.UTF_8),
          bytesAsString(event).replace("\"data\"", "\"daTa\"").getBytes(StandardCharsets.UTF_8)
        };
        int which = random.nextInt(bodies.length);
        return new Hostile(kind, "body #" + which, bodies[which]);
      }
    }
  }

  private String pickField() {
    return STRING_FIELDS[random.nextInt(STRING_FIELDS.length)];
  }

  private <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private JsonNode wrongTypeFor(String path) {
    JsonNode[] candidates = {
      NODES.numberNode(random.nextInt()),
      NODES.booleanNode(random.nextBoolean()),
      NODES.arrayNode().add("x"),
      NODES.objectNode().put("x", 1),
      NODES.nullNode(),
      NODES.textNode("1"),
      NODES.numberNode(1.5e308)
    };
    while (true) {
      JsonNode c = candidates[random.nextInt(candidates.length)];
      boolean stringField =
          !path.startsWith("data")
              || path.endsWith("user")
              || path.endsWith("group")
              || path.equals("data.reason")
              || path.equals("data.actions[0]");
      boolean wrong =
          switch (path) {
            case "data", "data.targets[0]" -> !c.isObject();
            case "data.targets", "data.actions" -> !c.isArray();
            case "data.dryRun" -> !c.isBoolean() && !c.isNull();
            default -> stringField ? !c.isTextual() : !c.isNull();
          };
      if (wrong) {
        return c;
      }
    }
  }

  private static void set(ObjectNode event, String path, JsonNode value) {
    String[] parts = path.split("\\.");
    JsonNode node = event;
    for (int i = 0; i < parts.length - 1; i++) {
      node = child(node, parts[i]);
    }
    String last = parts[parts.length - 1];
    int bracket = last.indexOf('[');
    if (bracket < 0) {
      ((ObjectNode) node).set(last, value);
    } else {
      ArrayNode array = (ArrayNode) node.get(last.substring(0, bracket));
      array.set(Integer.parseInt(last.substring(bracket + 1, last.length() - 1)), value);
    }
  }

  private static JsonNode child(JsonNode node, String part) {
    int bracket = part.indexOf('[');
    if (bracket < 0) {
      return node.get(part);
    }
    return node.get(part.substring(0, bracket))
        .get(Integer.parseInt(part.substring(bracket + 1, part.length() - 1)));
  }

  private String randomText(int size) {
    StringBuilder s = new StringBuilder(size);
    String alphabet = "ab'\"%/$#+ \u00e9\u0430\u4e2d";
    while (s.length() < size) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String bytesAsString(JsonNode node) {
    return new String(bytes(node), StandardCharsets.UTF_8);
  }

  private static byte[] splice(byte[] json, String marker, byte[] seq) {
    String s = new String(json, StandardCharsets.UTF_8);
    int at = s.indexOf(marker);
    byte[] before = s.substring(0, at).getBytes(StandardCharsets.UTF_8);
    byte[] after = s.substring(at).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before);
    out.writeBytes(seq);
    out.writeBytes(after);
    return out.toByteArray();
  }

  /** The contract's message size bound. */
  static final class EventCodecLimit {
    static final int BYTES = dev.offboarding.contracts.EventCodec.MAX_BYTES;

    private EventCodecLimit() {}
  }
}
