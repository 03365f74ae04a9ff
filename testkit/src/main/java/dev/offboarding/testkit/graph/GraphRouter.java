package dev.offboarding.testkit.graph;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes one request (top-level or a {@code $batch} item) to its handler and answers as Graph v1.0
 * would. Stateless apart from the shared tenant, budget, faults and counters, so any number of
 * requests run through it at once.
 */
final class GraphRouter {

  static final String JSON_CONTENT_TYPE =
      "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
  static final int MAX_BATCH_REQUESTS = 20;

  private static final Pattern KEY_SEGMENT = Pattern.compile("(?is)^(users|groups)\\('(.*)'\\)$");
  private static final Set<String> SELECT_ONLY = Set.of("$select");
  private static final Set<String> LIST_OPTIONS = Set.of("$select", "$top", "$count", "$skiptoken");
  private static final Set<String> USER_LIST_OPTIONS =
      Set.of("$select", "$top", "$count", "$skiptoken", "$filter");
  private static final Set<String> NO_OPTIONS = Set.of();
  private static final Set<String> METHODS = Set.of("GET", "POST", "PATCH", "PUT", "DELETE");
  private static final DateTimeFormatter ERROR_DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
  private static final String FAKE_APP_ID = "00000000-0000-0000-0000-00000000a991";
  private static final String FAKE_TENANT_ID = "00000000-0000-0000-0000-0000000070e4";
  private static final Map<String, String> CASTS =
      Map.of(
          "user", "#microsoft.graph.user",
          "group", "#microsoft.graph.group",
          "device", "#microsoft.graph.device",
          "orgcontact", "#microsoft.graph.orgContact",
          "serviceprincipal", "#microsoft.graph.servicePrincipal");
  private static final Map<String, Class<? extends DirectoryObject>> CAST_CLASSES =
      Map.of(
          "#microsoft.graph.user", FakeUser.class,
          "#microsoft.graph.group", FakeGroup.class,
          "#microsoft.graph.device", FakeDevice.class,
          "#microsoft.graph.orgContact", FakeOrgContact.class,
          "#microsoft.graph.servicePrincipal", FakeServicePrincipal.class);
  private static final Map<String, String> CAST_SETS =
      Map.of(
          "#microsoft.graph.user", "users",
          "#microsoft.graph.group", "groups",
          "#microsoft.graph.device", "devices",
          "#microsoft.graph.orgContact", "contacts",
          "#microsoft.graph.servicePrincipal", "servicePrincipals");

  private final FakeTenant tenant;
  private final FakeGraphOptions options;
  private final Clock clock;
  private final WriteBudget budget;
  private final Faults faults;
  private final ServerRecorder recorder;
  private final ObjectMapper json;
  private final Random shuffle;
  private final RoleManagementRoutes roleManagement;
  private final ContainmentRoutes containment;

  GraphRouter(
      FakeTenant tenant,
      FakeGraphOptions options,
      Faults faults,
      ServerRecorder recorder,
      ObjectMapper json) {
    this.tenant = tenant;
    this.options = options;
    this.clock = options.clock();
    this.budget =
        options.writeBudgetEnabled()
            ? new WriteBudget(
                clock, options.writesPerWindow(), options.writeWindow(), options.writeBurst())
            : null;
    this.faults = faults;
    this.recorder = recorder;
    this.json = json;
    this.shuffle = new Random(options.seed());
    this.roleManagement = new RoleManagementRoutes(tenant, clock, faults, FAKE_TENANT_ID);
    this.containment = new ContainmentRoutes(tenant, options, faults, recorder, this);
  }

  /** Answers one request; never throws. */
  GraphResponse handle(GraphRequest request) {
    try {
      return route(request);
    } catch (GraphException e) {
      return error(request, e);
    } catch (RuntimeException e) {
      return error(
          request, new GraphException(500, "InternalServerError", "Fake tenant failure: " + e));
    }
  }

  /** The answer to a request hit by an injected 503. */
  GraphResponse unavailable(GraphRequest request, Optional<Duration> retryAfter) {
    Map<String, String> headers = new LinkedHashMap<>();
    retryAfter.ifPresent(d -> headers.put("Retry-After", formatRetryAfter(d)));
    return error(
        request,
        new GraphException(
            503,
            "ServiceUnavailable",
            "The service is temporarily unavailable. Please retry later.",
            headers));
  }

  /** The answer to a request outside {@code /v1.0}. */
  GraphResponse wrongVersion(GraphRequest request, String rawPath) {
    return error(
        request,
        GraphException.badRequest(
            "Invalid version: the path must start with /v1.0, got '" + rawPath + "'."));
  }

  // ------------------------------------------------------------------------------ routing

  private GraphResponse route(GraphRequest r) {
    List<String> segments = new ArrayList<>();
    for (String raw : r.rawPath().split("/")) {
      if (!raw.isEmpty()) {
        segments.add(ODataQuery.decodePath(raw));
      }
    }
    if (segments.isEmpty()) {
      throw GraphException.segmentNotFound("");
    }
    Matcher key = KEY_SEGMENT.matcher(segments.get(0));
    if (key.matches()) {
      segments.set(0, key.group(1));
      segments.add(1, key.group(2).replace("''", "'"));
    } else if (segments.size() > 1 && segments.get(1).startsWith("$")) {
      // Graph reads a key segment starting with $ as a system segment, so a UPN such as
      // $adele@contoso.com must be addressed as users('$adele@contoso.com').
      throw GraphException.segmentNotFound(segments.get(1));
    }
    String first = segments.get(0).toLowerCase(Locale.ROOT);
    return switch (first) {
      case "users" -> users(r, segments);
      case "groups" -> groups(r, segments);
      case "rolemanagement" -> roleManagement.route(r, segments, this);
      case "devices" -> containment.devices(r, segments);
      case "domains" -> containment.domains(r, segments);
      case "identityprotection" -> containment.identityProtection(r, segments);
      case "auditlogs" -> containment.auditLogs(r, segments);
      case "identitygovernance" -> containment.identityGovernance(r, segments);
      case "$batch" -> {
        if (segments.size() != 1) {
          throw GraphException.segmentNotFound(segments.get(1));
        }
        if (r.inBatch()) {
          throw GraphException.badRequest("A batch request cannot contain another batch request.");
        }
        requireMethod(r, "POST");
        yield batch(r);
      }
      default -> throw GraphException.segmentNotFound(segments.get(0));
    };
  }

  private GraphResponse users(GraphRequest r, List<String> s) {
    switch (s.size()) {
      case 1 -> {
        requireMethod(r, "GET");
        return listUsers(r);
      }
      case 2 -> {
        if (r.method().equals("GET")) {
          return getUser(r, s.get(1));
        }
        if (r.method().equals("PATCH")) {
          return patchUser(r, s.get(1));
        }
        throw GraphException.methodNotAllowed();
      }
      case 3 -> {
        if (s.get(2).equalsIgnoreCase("registeredDevices")) {
          requireMethod(r, "GET");
          return containment.registeredDevices(r, s.get(1));
        }
        if (!s.get(2).equalsIgnoreCase("revokeSignInSessions")) {
          throw GraphException.segmentNotFound(s.get(2));
        }
        requireMethod(r, "POST");
        return revoke(r, s.get(1));
      }
      default -> throw GraphException.segmentNotFound(s.get(3));
    }
  }

  private GraphResponse groups(GraphRequest r, List<String> s) {
    requireMethod(r, "GET");
    if (s.size() == 1) {
      ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(LIST_OPTIONS);
      List<String> select = DirectoryJson.canonicalSelect(q.select(), FakeGroup.class);
      List<FakeGroup> groups = tenant.objectsOfType(FakeGroup.class);
      return page(
          r,
          q,
          groups,
          DirectoryJson.contextSet("groups", select),
          g -> DirectoryJson.render(g, select, false));
    }
    String groupId = s.get(1);
    failForcedRead(groupId);
    FakeGroup group = tenant.group(groupId).orElseThrow(() -> GraphException.notFound(groupId));
    if (s.size() == 2) {
      ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(SELECT_ONLY);
      List<String> select = DirectoryJson.canonicalSelect(q.select(), FakeGroup.class);
      ObjectNode body = json.createObjectNode();
      body.put(
          "@odata.context",
          r.baseUrl() + "/$metadata#" + DirectoryJson.contextSet("groups", select) + "/$entity");
      body.setAll(DirectoryJson.render(group, select, false));
      return GraphResponse.of(200, body);
    }
    String relation = s.get(2);
    boolean transitive;
    if (relation.equalsIgnoreCase("members")) {
      transitive = false;
    } else if (relation.equalsIgnoreCase("transitiveMembers")) {
      transitive = true;
    } else {
      throw GraphException.segmentNotFound(relation);
    }
    if (s.size() > 4) {
      throw GraphException.segmentNotFound(s.get(4));
    }
    String cast = s.size() == 4 ? castType(s.get(3)) : null;
    return listMembers(r, group, transitive, cast);
  }

  // ------------------------------------------------------------------------------ reads

  private GraphResponse getUser(GraphRequest r, String key) {
    ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(SELECT_ONLY);
    List<String> select = DirectoryJson.canonicalSelect(q.select(), FakeUser.class);
    FakeUser found = tenant.user(key).orElse(null);
    failForcedRead(
        key, found == null ? null : found.id(), found == null ? null : found.userPrincipalName());
    FakeUser user = Optional.ofNullable(found).orElseThrow(() -> GraphException.notFound(key));
    ObjectNode body = json.createObjectNode();
    body.put(
        "@odata.context",
        r.baseUrl() + "/$metadata#" + DirectoryJson.contextSet("users", select) + "/$entity");
    body.setAll(DirectoryJson.render(user, select, false));
    return GraphResponse.of(200, body);
  }

  private GraphResponse listUsers(GraphRequest r) {
    ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(USER_LIST_OPTIONS);
    List<String> select = DirectoryJson.canonicalSelect(q.select(), FakeUser.class);
    if (q.count()) {
      requireAdvanced(r, "$count");
    }
    List<FakeUser> users;
    if (q.filter() != null) {
      ODataQuery.EqualsClause clause =
          ODataQuery.parseEqualsFilter(q.filter(), FakeTenant.FILTERABLE_ATTRIBUTES);
      Function<FakeUser, String> getter =
          FakeTenant.attributeGetter(clause.attribute()).orElseThrow();
      users =
          tenant.userValues().stream()
              .filter(u -> FakeTenant.attributeEquals(clause.value(), getter.apply(u)))
              .toList();
      for (FakeUser u : users) {
        failForcedRead(u.id(), u.userPrincipalName());
      }
    } else {
      users = List.copyOf(tenant.userValues());
    }
    return page(
        r,
        q,
        users,
        DirectoryJson.contextSet("users", select),
        u -> DirectoryJson.render(u, select, false));
  }

  private GraphResponse listMembers(
      GraphRequest r, FakeGroup group, boolean transitive, String cast) {
    ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(LIST_OPTIONS);
    Class<? extends DirectoryObject> type = cast == null ? null : CAST_CLASSES.get(cast);
    List<String> select = DirectoryJson.canonicalSelect(q.select(), type);
    if (q.count()) {
      requireAdvanced(r, "$count");
    }
    if (cast != null && transitive) {
      requireAdvanced(r, "an OData cast on transitiveMembers");
    }
    List<String> ids = tenant.memberIds(group.id(), transitive, cast);
    String set = cast == null ? "directoryObjects" : CAST_SETS.get(cast);
    return page(
        r,
        q,
        ids,
        DirectoryJson.contextSet(set, select),
        id ->
            tenant
                .object(id)
                .map(o -> DirectoryJson.render(o, select, true))
                // deleted since the list was cached: Graph would not list it; keep paging stable
                // instead
                .orElseGet(
                    () -> {
                      ObjectNode gone = json.createObjectNode();
                      gone.put("@odata.type", "#microsoft.graph.directoryObject");
                      gone.put("id", id);
                      return gone;
                    }));
  }

  <T> GraphResponse page(
      GraphRequest r,
      ODataQuery q,
      List<T> items,
      String contextSet,
      Function<T, ObjectNode> render) {
    return page(r, q, items, contextSet, render, q.top(options.pageSize()));
  }

  /**
   * A page of {@code top} items (a list with its own page sizes: see {@code ODataQuery#top(int,
   * int)}).
   */
  <T> GraphResponse page(
      GraphRequest r,
      ODataQuery q,
      List<T> items,
      String contextSet,
      Function<T, ObjectNode> render,
      int top) {
    String listing = listingKey(r, q);
    int offset = q.skipToken() == null ? 0 : decodeSkipToken(q.skipToken(), listing);
    int from = Math.min(offset, items.size());
    int to = Math.min(items.size(), from + top);
    ObjectNode body = json.createObjectNode();
    body.put("@odata.context", r.baseUrl() + "/$metadata#" + contextSet);
    if (q.count()) {
      body.put("@odata.count", items.size());
    }
    if (to < items.size()) {
      body.put("@odata.nextLink", nextLink(r, encodeSkipToken(to, listing)));
    }
    ArrayNode value = body.putArray("value");
    for (T item : items.subList(from, to)) {
      value.add(render.apply(item));
    }
    return GraphResponse.of(200, body);
  }

  /**
   * The absolute URL of the next page: the same request with $count dropped and a new $skiptoken.
   */
  private static String nextLink(GraphRequest r, String token) {
    StringBuilder url = new StringBuilder(r.baseUrl());
    url.append(r.rawPath().startsWith("/") ? "" : "/").append(r.rawPath()).append('?');
    if (r.rawQuery() != null) {
      for (String pair : r.rawQuery().split("&")) {
        int eq = pair.indexOf('=');
        String name = ODataQuery.decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
        if (pair.isEmpty()
            || name.equalsIgnoreCase("$skiptoken")
            || name.equalsIgnoreCase("$count")) {
          continue;
        }
        url.append(pair).append('&');
      }
    }
    return url.append("$skiptoken=").append(token).toString();
  }

  private static String listingKey(GraphRequest r, ODataQuery q) {
    return ODataQuery.decodePath(r.rawPath()).toLowerCase(Locale.ROOT) + "|" + q.filter();
  }

  private static String encodeSkipToken(int offset, String listing) {
    String plain = "p1:" + offset + ":" + Integer.toHexString(listing.hashCode());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(UTF_8));
  }

  private static int decodeSkipToken(String token, String listing) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(token), UTF_8).split(":");
      if (parts.length == 3
          && parts[0].equals("p1")
          && parts[2].equals(Integer.toHexString(listing.hashCode()))) {
        int offset = Integer.parseInt(parts[1]);
        if (offset >= 0) {
          return offset;
        }
      }
    } catch (IllegalArgumentException e) {
      // fall through: not one of ours
    }
    throw new GraphException(
        400,
        "Directory_ExpiredPageToken",
        "The specified page token value has expired and can no longer be included in your request.");
  }

  private static String castType(String segment) {
    String lower = segment.toLowerCase(Locale.ROOT);
    String name =
        lower.startsWith("microsoft.graph.")
            ? lower.substring("microsoft.graph.".length())
            : lower.startsWith("graph.") ? lower.substring("graph.".length()) : null;
    String type = name == null ? null : CASTS.get(name);
    if (type == null) {
      throw GraphException.segmentNotFound(segment);
    }
    return type;
  }

  private void requireAdvanced(GraphRequest r, String what) {
    if (options.strictAdvancedQueries()
        && !"eventual".equalsIgnoreCase(r.header("consistencylevel"))) {
      throw GraphException.unsupportedQuery(
          "Request with " + what + " requires the ConsistencyLevel header set to eventual.");
    }
  }

  // ------------------------------------------------------------------------------ writes

  private GraphResponse patchUser(GraphRequest r, String key) {
    ODataQuery.parse(r.rawQuery()).allowOnly(NO_OPTIONS);
    JsonNode body = parseBody(r);
    if (body == null || !body.isObject()) {
      throw GraphException.badRequest("The request body must be a JSON object.");
    }
    Boolean enabled = null;
    PasswordPolicy.Reset reset = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      if (name.equals("@odata.type")) {
        if (!"#microsoft.graph.user".equals(field.getValue().asText())) {
          throw GraphException.badRequest(
              "Invalid @odata.type '" + field.getValue().asText() + "' for a user.");
        }
      } else if (name.equals("accountEnabled")) {
        if (!field.getValue().isBoolean()) {
          throw GraphException.badRequest(
              "Invalid value for property 'accountEnabled': a boolean is expected.");
        }
        enabled = field.getValue().booleanValue();
      } else if (name.equals("passwordProfile")) {
        reset = PasswordPolicy.read(field.getValue());
      } else if (!name.startsWith("@odata.")) {
        throw new GraphException(
            400,
            "Request_BadRequest",
            "Invalid property '"
                + name
                + "'. This fake tenant only updates 'accountEnabled' and 'passwordProfile'.");
      }
    }
    if (reset != null) {
      Boolean alsoEnabled = enabled;
      return write(
          r,
          key,
          WriteRecord.Kind.RESET_PASSWORD,
          user -> {
            PasswordPolicy.requireSettable(user);
            if (alsoEnabled != null) {
              tenant.setAccountEnabled(user.id(), alsoEnabled);
            }
            // Only the moment is kept: the password itself is checked and dropped.
            tenant.passwordChanged(user.id(), clock.instant().truncatedTo(ChronoUnit.SECONDS));
            return GraphResponse.noContent();
          });
    }
    if (enabled == null) {
      // Graph answers a PATCH that sets nothing (e.g. {}) 204 and changes nothing; it is still a
      // write, so the budget and the user's checks apply.
      return write(r, key, WriteRecord.Kind.UPDATE, user -> GraphResponse.noContent());
    }
    boolean value = enabled;
    return write(
        r,
        key,
        value ? WriteRecord.Kind.ENABLE : WriteRecord.Kind.DISABLE,
        user -> {
          if (value || !faults.takeIneffectiveDisable(user)) {
            tenant.setAccountEnabled(user.id(), value);
          }
          return GraphResponse.noContent();
        });
  }

  private GraphResponse revoke(GraphRequest r, String key) {
    ODataQuery.parse(r.rawQuery()).allowOnly(NO_OPTIONS);
    return write(
        r,
        key,
        WriteRecord.Kind.REVOKE,
        user -> {
          if (!faults.takeIneffectiveRevoke(user)) {
            tenant.revokeSignInSessions(user.id(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
          }
          if (options.revokeResponse() == FakeGraphOptions.RevokeResponse.NO_CONTENT) {
            return GraphResponse.noContent();
          }
          ObjectNode body = json.createObjectNode();
          body.put("@odata.context", r.baseUrl() + "/$metadata#Edm.Boolean");
          body.put("value", true);
          return GraphResponse.of(200, body);
        });
  }

  /** Faults, then the budget, then the user: the order a real request meets them. */
  private GraphResponse write(
      GraphRequest r, String key, WriteRecord.Kind kind, Function<FakeUser, GraphResponse> apply) {
    FakeUser user = tenant.user(key).orElse(null);
    GraphResponse response;
    try {
      response = attemptWrite(r, key, user, apply);
    } catch (GraphException e) {
      response = error(r, e);
    }
    recorder.recordWrite(
        new WriteRecord(
            clock.instant(),
            user != null ? user.id() : key,
            kind,
            response.status(),
            r.requestId(),
            r.inBatch()));
    return response;
  }

  private GraphResponse attemptWrite(
      GraphRequest r, String key, FakeUser user, Function<FakeUser, GraphResponse> apply) {
    Optional<Integer> forced =
        user == null
            ? faults.takeForced(key)
            : faults.takeForced(key, user.id(), user.userPrincipalName());
    if (forced.isPresent()) {
      throw forcedError(forced.get(), key);
    }
    Optional<Optional<Duration>> unavailable = faults.takeUnavailableWrite();
    if (unavailable.isPresent()) {
      Map<String, String> headers = new LinkedHashMap<>();
      unavailable.get().ifPresent(d -> headers.put("Retry-After", formatRetryAfter(d)));
      throw new GraphException(
          503,
          "ServiceUnavailable",
          "The service is temporarily unavailable. Please retry later.",
          headers);
    }
    chargeWrite();
    if (user == null) {
      throw GraphException.notFound(key);
    }
    if (user.writesForbidden()) {
      throw new GraphException(
          403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    }
    GraphResponse response;
    try {
      response = apply.apply(user);
    } catch (IllegalArgumentException deletedMeanwhile) {
      throw GraphException.notFound(key);
    }
    return withLimitWarning(response);
  }

  /** Takes a token of the write budget, or throws Graph's 429 for an exhausted one. */
  void chargeWrite() {
    if (budget != null) {
      Duration wait = budget.tryAcquire();
      if (!wait.isZero()) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", formatRetryAfter(wait));
        headers.put(
            "x-ms-throttle-scope",
            "Tenant_Application/Write/" + FAKE_APP_ID + "/" + FAKE_TENANT_ID);
        headers.put("x-ms-throttle-information", "WriteLimitExceeded");
        if (options.limitWarnings()) {
          headers.put(LIMIT_PERCENTAGE, limitPercentage(Math.max(1.0, budget.use())));
        }
        throw new GraphException(
            429,
            "TooManyRequests",
            "Too many requests. The write quota of this application in this tenant is exhausted.",
            headers);
      }
    }
  }

  /**
   * The response with Graph's early throttling warning when more than 0.8 of the budget is used.
   */
  GraphResponse withLimitWarning(GraphResponse response) {
    if (budget != null && options.limitWarnings()) {
      double use = budget.use();
      if (use > 0.8) {
        return response.withHeader(LIMIT_PERCENTAGE, limitPercentage(use));
      }
    }
    return response;
  }

  /** Graph's early throttling warning, sent once more than 0.8 of a limit is used. */
  static final String LIMIT_PERCENTAGE = "x-ms-throttle-limit-percentage";

  /** The warning's value as Graph writes it: a decimal from 0.8 to 1.8. */
  private static String limitPercentage(double use) {
    return String.format(java.util.Locale.ROOT, "%.2f", Math.clamp(use, 0.8, 1.8));
  }

  /** Throws the status forced for reads of the object known by any of these keys, if any. */
  private void failForcedRead(String... keys) {
    Optional<Integer> status = faults.forcedRead(keys);
    if (status.isPresent()) {
      throw forcedError(status.get(), keys[0]);
    }
  }

  GraphException forcedError(int status, String key) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (status == 429 || status == 503) {
      headers.put("Retry-After", formatRetryAfter(Duration.ofSeconds(1)));
    }
    return switch (status) {
      case 400 -> new GraphException(status, "Request_BadRequest", "Forced bad request.", headers);
      case 403 ->
          new GraphException(
              status,
              "Authorization_RequestDenied",
              "Insufficient privileges to complete the operation.",
              headers);
      case 404 -> GraphException.notFound(key);
      case 409 ->
          new GraphException(
              status, "Request_MultipleObjectsWithSameKeyValue", "Conflict.", headers);
      case 429 -> new GraphException(status, "TooManyRequests", "Too many requests.", headers);
      case 500 ->
          new GraphException(
              status, "InternalServerError", "Forced internal server error.", headers);
      case 502 -> new GraphException(status, "BadGateway", "Forced bad gateway.", headers);
      case 503 ->
          new GraphException(
              status, "ServiceUnavailable", "The service is temporarily unavailable.", headers);
      case 504 -> new GraphException(status, "GatewayTimeout", "Forced gateway timeout.", headers);
      default ->
          new GraphException(status, "UnknownError", "Forced status " + status + ".", headers);
    };
  }

  /** {@code Retry-After} in the configured form; never zero, so a client always waits a little. */
  String formatRetryAfter(Duration wait) {
    long nanos = Math.max(1, wait.toNanos());
    long seconds = Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    return switch (options.retryAfterFormat()) {
      case SECONDS -> Long.toString(seconds);
      case FRACTIONAL_SECONDS ->
          BigDecimal.valueOf(nanos)
              .movePointLeft(9)
              .setScale(3, RoundingMode.CEILING)
              .toPlainString();
      case HTTP_DATE ->
          DateTimeFormatter.RFC_1123_DATE_TIME.format(
              ZonedDateTime.ofInstant(clock.instant().plusSeconds(seconds), ZoneOffset.UTC));
    };
  }

  // ------------------------------------------------------------------------------ $batch

  private record BatchItem(
      String id,
      String method,
      String url,
      Map<String, String> headers,
      byte[] body,
      List<String> dependsOn) {}

  private GraphResponse batch(GraphRequest r) {
    ODataQuery.parse(r.rawQuery()).allowOnly(NO_OPTIONS);
    JsonNode root = parseBody(r);
    if (root == null || !root.isObject() || !root.path("requests").isArray()) {
      throw GraphException.badRequest(
          "Invalid batch payload format: a JSON object with a 'requests' array is expected.");
    }
    JsonNode requests = root.get("requests");
    if (requests.isEmpty()) {
      throw GraphException.badRequest("Invalid batch payload format: 'requests' is empty.");
    }
    if (requests.size() > MAX_BATCH_REQUESTS) {
      throw GraphException.badRequest(
          "The number of requests in the batch ("
              + requests.size()
              + ") exceeds the limit of "
              + MAX_BATCH_REQUESTS
              + ".");
    }
    List<BatchItem> items = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (JsonNode req : requests) {
      items.add(batchItem(req, ids));
    }
    Map<String, Integer> statusById = new HashMap<>();
    List<ObjectNode> responses = new ArrayList<>();
    for (BatchItem item : items) {
      GraphRequest inner = innerRequest(r, item);
      GraphResponse response;
      Optional<String> failedDependency =
          item.dependsOn().stream()
              .filter(
                  d -> {
                    int status = statusById.get(d.toLowerCase(Locale.ROOT));
                    return status < 200 || status >= 300;
                  })
              .findFirst();
      if (inner == null) {
        response =
            error(
                r,
                GraphException.badRequest(
                    "Invalid relative URL in batch request '"
                        + item.id()
                        + "': '"
                        + item.url()
                        + "'."));
      } else if (failedDependency.isPresent()) {
        response =
            error(
                inner,
                new GraphException(
                    424,
                    "FailedDependency",
                    "The request depends on '" + failedDependency.get() + "', which failed."));
      } else {
        response = handle(inner);
      }
      statusById.put(item.id().toLowerCase(Locale.ROOT), response.status());
      recorder.recordBatchItem(response.status());
      responses.add(
          batchResponse(item.id(), response, inner != null ? inner.requestId() : r.requestId()));
    }
    if (options.shuffleBatchResponses()) {
      synchronized (shuffle) {
        Collections.shuffle(responses, shuffle);
      }
    }
    ObjectNode body = json.createObjectNode();
    ArrayNode array = body.putArray("responses");
    responses.forEach(array::add);
    return GraphResponse.of(200, body).withHeader("Content-Type", "application/json");
  }

  private BatchItem batchItem(JsonNode req, Set<String> ids) {
    if (!req.isObject()) {
      throw GraphException.badRequest(
          "Invalid batch payload format: every request must be a JSON object.");
    }
    JsonNode idNode = req.get("id");
    if (idNode == null || !(idNode.isTextual() || idNode.isNumber()) || idNode.asText().isBlank()) {
      throw GraphException.badRequest("Invalid batch payload format: every request needs an 'id'.");
    }
    String id = idNode.asText();
    if (!ids.add(id.toLowerCase(Locale.ROOT))) {
      throw GraphException.badRequest("Duplicate request id '" + id + "' in the batch.");
    }
    String method = req.path("method").asText("").toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw GraphException.badRequest("Invalid or missing 'method' in batch request '" + id + "'.");
    }
    JsonNode urlNode = req.get("url");
    if (urlNode == null || !urlNode.isTextual() || urlNode.asText().isBlank()) {
      throw GraphException.badRequest("Missing 'url' in batch request '" + id + "'.");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode headersNode = req.get("headers");
    if (headersNode != null && !headersNode.isNull()) {
      if (!headersNode.isObject()) {
        throw GraphException.badRequest(
            "'headers' of batch request '" + id + "' must be an object.");
      }
      headersNode
          .fields()
          .forEachRemaining(
              h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText()));
    }
    byte[] body = new byte[0];
    JsonNode bodyNode = req.get("body");
    if (bodyNode != null && !bodyNode.isNull()) {
      if (!headers.containsKey("content-type")) {
        throw GraphException.badRequest(
            "Batch request '" + id + "' has a body but no Content-Type header.");
      }
      try {
        body =
            bodyNode.isTextual()
                ? bodyNode.asText().getBytes(UTF_8)
                : json.writeValueAsBytes(bodyNode);
      } catch (JsonProcessingException e) {
        throw GraphException.badRequest("Unreadable body in batch request '" + id + "'.");
      }
    }
    List<String> dependsOn = new ArrayList<>();
    JsonNode dependsNode = req.get("dependsOn");
    if (dependsNode != null && !dependsNode.isNull()) {
      if (!dependsNode.isArray()) {
        throw GraphException.badRequest(
            "'dependsOn' of batch request '" + id + "' must be an array.");
      }
      for (JsonNode d : dependsNode) {
        String dep = d.asText();
        if (dep.equalsIgnoreCase(id) || !ids.contains(dep.toLowerCase(Locale.ROOT))) {
          throw GraphException.badRequest(
              "Batch request '"
                  + id
                  + "' depends on '"
                  + dep
                  + "', which is not an earlier request of the batch.");
        }
        dependsOn.add(dep);
      }
    }
    return new BatchItem(id, method, urlNode.asText(), headers, body, dependsOn);
  }

  /** The inner request, or null when its URL is not a relative Graph URL. */
  private static GraphRequest innerRequest(GraphRequest outer, BatchItem item) {
    String url = item.url();
    if (url.contains("://")) {
      return null;
    }
    int q = url.indexOf('?');
    String path = q < 0 ? url : url.substring(0, q);
    String query = q < 0 ? null : url.substring(q + 1);
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    String clientRequestId =
        item.headers().getOrDefault("client-request-id", outer.clientRequestId());
    return new GraphRequest(
        item.method(),
        path,
        query,
        item.headers(),
        item.body(),
        true,
        UUID.randomUUID().toString(),
        clientRequestId,
        outer.baseUrl());
  }

  private ObjectNode batchResponse(String id, GraphResponse response, String requestId) {
    ObjectNode node = json.createObjectNode();
    node.put("id", id);
    node.put("status", response.status());
    ObjectNode headers = node.putObject("headers");
    headers.put("request-id", requestId);
    response.headers().forEach(headers::put);
    if (response.body() != null) {
      if (!response.headers().containsKey("Content-Type")) {
        headers.put("Content-Type", JSON_CONTENT_TYPE);
      }
      node.set("body", response.body());
    }
    return node;
  }

  // ------------------------------------------------------------------------------ helpers

  JsonNode parseBody(GraphRequest r) {
    if (r.body().length == 0) {
      return null;
    }
    try {
      return json.readTree(r.body());
    } catch (IOException e) {
      throw GraphException.badRequest("The request body is not valid JSON.");
    }
  }

  static void requireMethod(GraphRequest r, String method) {
    if (!r.method().equals(method)) {
      throw GraphException.methodNotAllowed();
    }
  }

  /** A Graph-shaped error body for this request. */
  GraphResponse error(GraphRequest r, GraphException e) {
    ObjectNode body = json.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", e.code());
    error.put("message", e.getMessage());
    ObjectNode inner = error.putObject("innerError");
    inner.put("date", ERROR_DATE.format(LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)));
    inner.put("request-id", r.requestId());
    inner.put("client-request-id", r.clientRequestId());
    return new GraphResponse(e.status(), e.headers(), body);
  }
}
