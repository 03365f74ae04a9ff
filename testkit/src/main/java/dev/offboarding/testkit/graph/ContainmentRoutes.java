package dev.offboarding.testkit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Graph v1.0 routes containment and its follow-up reach beyond the user object, each modelled
 * on its Graph reference page:
 *
 * <ul>
 *   <li>{@code GET /users/{id}/registeredDevices}: a {@code directoryObject} collection whose items
 *       carry {@code @odata.type} {@code #microsoft.graph.device}; {@code $select}, {@code $top},
 *       paging.
 *   <li>{@code GET /devices[/{id}]}, {@code $filter} with {@code eq} on {@code id}, {@code
 *       deviceId}, {@code displayName}, {@code accountEnabled} or {@code id in (...)}; {@code PATCH
 *       /devices/{id} {"accountEnabled": ...}}, which needs the app to hold a device administrator
 *       role (else 403 {@code Authorization_RequestDenied}) and spends the write budget.
 *   <li>{@code POST /identityProtection/riskyUsers/confirmCompromised {"userIds": [...]}} (1 to 60
 *       ids) answering 204, and {@code GET /identityProtection/riskyUsers[/{id}]} with {@code
 *       $filter} on {@code id}, {@code riskState}, {@code riskLevel}; every ID Protection request,
 *       reads included, counts against one tenant-wide limit (about 1 per second) answered 429
 *       without {@code Retry-After}; 403 without an Entra ID P2 licence.
 *   <li>{@code GET /auditLogs/signIns} with {@code $filter} of {@code createdDateTime ge|gt <time>}
 *       and {@code userId eq '<id>'} (several joined by {@code or} in parentheses), joined by
 *       {@code and}; {@code $top} and paging; interactive sign-ins only, each shown only once the
 *       reporting latency has passed; 5 requests per 10 s (429 with {@code Retry-After}); 403
 *       without a premium licence.
 *   <li>{@code POST
 *       /identityGovernance/lifecycleWorkflows/workflows/{w}/tasks/{t}/taskProcessingResults/{r}/resume}
 *       (or {@code .../microsoft.graph.identityGovernance.resume}) with {@code {"data":
 *       {"operationStatus": "completed"|"failed"}, "source": ..., "type": ...}} answering 204.
 * </ul>
 */
final class ContainmentRoutes {

  static final int MAX_CONFIRM_USERS = 60;
  static final int MAX_IN_VALUES = 15;

  /** The sign-in log's default and largest page. */
  static final int SIGN_IN_PAGE_SIZE = 1000;

  static final String ID_PROTECTION_LICENSE_CODE = "Forbidden";
  static final String ID_PROTECTION_LICENSE_MESSAGE =
      "Your tenant is not licensed for this feature.";
  static final String SIGN_IN_LICENSE_CODE =
      "Authentication_RequestFromNonPremiumTenantOrB2CTenant";
  static final String SIGN_IN_LICENSE_MESSAGE =
      "Neither tenant is B2C or tenant doesn't have premium license";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> LIST_OPTIONS = Set.of("$select", "$top", "$skiptoken", "$count");
  private static final Set<String> FILTERED_LIST_OPTIONS =
      Set.of("$select", "$top", "$skiptoken", "$count", "$filter");
  private static final Set<String> SIGN_IN_OPTIONS = Set.of("$filter", "$top", "$skiptoken");
  private static final Set<String> SELECT_ONLY = Set.of("$select");
  private static final Set<String> NO_OPTIONS = Set.of();
  private static final List<String> RISKY_USER_PROPERTIES =
      List.of(
          "id",
          "isDeleted",
          "isProcessing",
          "riskDetail",
          "riskLastUpdatedDateTime",
          "riskLevel",
          "riskState",
          "userDisplayName",
          "userPrincipalName");
  private static final Pattern GUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern SINCE =
      Pattern.compile("(?i)createdDateTime (ge|gt) (\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z)");
  private static final Pattern USER = Pattern.compile("(?i)userId eq '(" + GUID.pattern() + ")'");
  private static final Pattern SUCCESS = Pattern.compile("(?i)status/errorCode eq 0");

  private final FakeTenant tenant;
  private final FakeGraphOptions options;
  private final Clock clock;
  private final Faults faults;
  private final ServerRecorder recorder;
  private final GraphRouter router;
  private final Object identityProtectionLock = new Object();
  private Instant identityProtectionLast;
  private final Deque<Instant> signInRequests = new ArrayDeque<>();

  ContainmentRoutes(
      FakeTenant tenant,
      FakeGraphOptions options,
      Faults faults,
      ServerRecorder recorder,
      GraphRouter router) {
    this.tenant = tenant;
    this.options = options;
    this.clock = options.clock();
    this.faults = faults;
    this.recorder = recorder;
    this.router = router;
  }

  // ------------------------------------------------------------------------ devices

  GraphResponse registeredDevices(GraphRequest r, String userKey) {
    ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(LIST_OPTIONS);
    List<String> select = DirectoryJson.canonicalSelect(q.select(), FakeDevice.class);
    FakeUser user = tenant.user(userKey).orElse(null);
    failForcedRead(userKey, user == null ? null : user.id());
    if (user == null) {
      throw GraphException.notFound(userKey);
    }
    List<FakeDevice> devices =
        tenant.security().registeredDeviceIds(user.id()).stream()
            .map(tenant::device)
            .flatMap(Optional::stream)
            .toList();
    return router.page(
        r,
        q,
        devices,
        DirectoryJson.contextSet("directoryObjects", select),
        d -> DirectoryJson.render(d, select, true));
  }

  /**
   * {@code GET /domains/{name}}: a domain of the tenant, which here is every UPN domain of its
   * users, {@code authenticationType} {@code Federated} when its users are marked federated, else
   * {@code Managed}; 404 for a domain no user has.
   */
  GraphResponse domains(GraphRequest r, List<String> s) {
    if (s.size() != 2) {
      throw GraphException.segmentNotFound(s.size() < 2 ? "domains" : s.get(2));
    }
    GraphRouter.requireMethod(r, "GET");
    ODataQuery.parse(r.rawQuery()).allowOnly(SELECT_ONLY);
    String name = s.get(1).toLowerCase(Locale.ROOT);
    List<FakeUser> members =
        tenant.users().stream()
            .filter(
                u ->
                    u.userPrincipalName() != null
                        && u.userPrincipalName().toLowerCase(Locale.ROOT).endsWith("@" + name))
            .toList();
    if (members.isEmpty()) {
      throw GraphException.notFound(s.get(1));
    }
    ObjectNode body = NODES.objectNode();
    body.put("@odata.context", r.baseUrl() + "/$metadata#domains/$entity");
    body.put("id", name);
    body.put(
        "authenticationType",
        members.stream().anyMatch(FakeUser::federated) ? "Federated" : "Managed");
    body.put("isVerified", true);
    return GraphResponse.of(200, body);
  }

  GraphResponse devices(GraphRequest r, List<String> s) {
    if (s.size() == 1) {
      GraphRouter.requireMethod(r, "GET");
      ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(FILTERED_LIST_OPTIONS);
      List<String> select = DirectoryJson.canonicalSelect(q.select(), FakeDevice.class);
      Predicate<FakeDevice> filter =
          q.filter() == null
              ? d -> true
              : SimpleFilter.parse(
                      q.filter(),
                      Map.of(
                          "id", d -> ((FakeDevice) d).id(),
                          "deviceid", d -> ((FakeDevice) d).deviceId(),
                          "displayname", d -> ((FakeDevice) d).displayName(),
                          "accountenabled", d -> ((FakeDevice) d).accountEnabled()))
                  .as();
      List<FakeDevice> devices =
          tenant.objectsOfType(FakeDevice.class).stream().filter(filter).toList();
      return router.page(
          r,
          q,
          devices,
          DirectoryJson.contextSet("devices", select),
          d -> DirectoryJson.render(d, select, false));
    }
    if (s.size() > 2) {
      throw GraphException.segmentNotFound(s.get(2));
    }
    String id = s.get(1);
    if (r.method().equals("GET")) {
      ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(SELECT_ONLY);
      List<String> select = DirectoryJson.canonicalSelect(q.select(), FakeDevice.class);
      failForcedRead(id);
      FakeDevice device = tenant.device(id).orElseThrow(() -> GraphException.notFound(id));
      ObjectNode body = NODES.objectNode();
      body.put(
          "@odata.context",
          r.baseUrl() + "/$metadata#" + DirectoryJson.contextSet("devices", select) + "/$entity");
      body.setAll(DirectoryJson.render(device, select, false));
      return GraphResponse.of(200, body);
    }
    GraphRouter.requireMethod(r, "PATCH");
    return patchDevice(r, id);
  }

  private GraphResponse patchDevice(GraphRequest r, String id) {
    ODataQuery.parse(r.rawQuery()).allowOnly(NO_OPTIONS);
    JsonNode body = router.parseBody(r);
    if (body == null || !body.isObject()) {
      throw GraphException.badRequest("The request body must be a JSON object.");
    }
    Boolean enabled = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals("accountEnabled")) {
        if (!field.getValue().isBoolean()) {
          throw GraphException.badRequest(
              "Invalid value for property 'accountEnabled': a boolean is expected.");
        }
        enabled = field.getValue().booleanValue();
      } else if (!field.getKey().startsWith("@odata.")) {
        throw new GraphException(
            400,
            "Request_BadRequest",
            "Invalid property '"
                + field.getKey()
                + "'. This fake tenant only updates a device's 'accountEnabled'.");
      }
    }
    if (enabled == null) {
      throw GraphException.badRequest("The request sets no property of the device.");
    }
    boolean value = enabled;
    GraphResponse response;
    String recordedId = tenant.device(id).map(FakeDevice::id).orElse(id);
    try {
      checkWriteFaults(id);
      router.chargeWrite();
      if (tenant.device(id).isEmpty()) {
        throw GraphException.notFound(id);
      }
      if (!tenant.security().deviceAdministrator()) {
        throw new GraphException(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.");
      }
      tenant.setDeviceEnabled(id, value);
      response = router.withLimitWarning(GraphResponse.noContent());
    } catch (GraphException e) {
      response = router.error(r, e);
    }
    recorder.recordWrite(
        new WriteRecord(
            clock.instant(),
            recordedId,
            value ? WriteRecord.Kind.ENABLE_DEVICE : WriteRecord.Kind.DISABLE_DEVICE,
            response.status(),
            r.requestId(),
            r.inBatch()));
    return response;
  }

  // ------------------------------------------------------------------------ ID Protection

  GraphResponse identityProtection(GraphRequest r, List<String> s) {
    if (s.size() < 2 || !s.get(1).equalsIgnoreCase("riskyUsers")) {
      throw GraphException.segmentNotFound(s.size() < 2 ? "identityProtection" : s.get(1));
    }
    if (s.size() > 3) {
      throw GraphException.segmentNotFound(s.get(3));
    }
    throttleIdentityProtection();
    if (!tenant.security().identityProtectionLicensed()) {
      throw new GraphException(403, ID_PROTECTION_LICENSE_CODE, ID_PROTECTION_LICENSE_MESSAGE);
    }
    if (s.size() == 3 && s.get(2).equalsIgnoreCase("confirmCompromised")) {
      GraphRouter.requireMethod(r, "POST");
      return confirmCompromised(r);
    }
    GraphRouter.requireMethod(r, "GET");
    if (s.size() == 3) {
      ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(SELECT_ONLY);
      List<String> select = selectRisky(q.select());
      failForcedRead(s.get(2));
      FakeRiskyUser risky =
          tenant
              .security()
              .riskyUser(s.get(2))
              .orElseThrow(() -> GraphException.notFound(s.get(2)));
      ObjectNode body = NODES.objectNode();
      body.put("@odata.context", r.baseUrl() + "/$metadata#identityProtection/riskyUsers/$entity");
      body.setAll(renderRisky(risky, select));
      return GraphResponse.of(200, body);
    }
    ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(FILTERED_LIST_OPTIONS);
    List<String> select = selectRisky(q.select());
    failForcedRead("riskyUsers");
    Predicate<FakeRiskyUser> filter =
        q.filter() == null
            ? u -> true
            : SimpleFilter.parse(
                    q.filter(),
                    Map.of(
                        "id", u -> ((FakeRiskyUser) u).id(),
                        "riskstate", u -> ((FakeRiskyUser) u).riskState(),
                        "risklevel", u -> ((FakeRiskyUser) u).riskLevel()))
                .as();
    List<FakeRiskyUser> users = tenant.security().riskyUsers().stream().filter(filter).toList();
    return router.page(r, q, users, "identityProtection/riskyUsers", u -> renderRisky(u, select));
  }

  private GraphResponse confirmCompromised(GraphRequest r) {
    ODataQuery.parse(r.rawQuery()).allowOnly(NO_OPTIONS);
    JsonNode body = router.parseBody(r);
    JsonNode ids = body == null ? null : body.get("userIds");
    boolean onlyUserIds =
        body != null
            && body.isObject()
            && java.util.stream.StreamSupport.stream(
                    java.util.Spliterators.spliteratorUnknownSize(body.fieldNames(), 0), false)
                .allMatch(n -> n.equals("userIds") || n.startsWith("@odata."));
    if (!onlyUserIds || ids == null || !ids.isArray()) {
      throw GraphException.badRequest("The request body must be {\"userIds\": [...]}.");
    }
    if (ids.isEmpty() || ids.size() > MAX_CONFIRM_USERS) {
      throw GraphException.badRequest(
          "userIds must name 1 to " + MAX_CONFIRM_USERS + " users; it names " + ids.size() + ".");
    }
    Set<String> userIds = new LinkedHashSet<>();
    for (JsonNode id : ids) {
      if (!id.isTextual() || !GUID.matcher(id.textValue()).matches()) {
        throw GraphException.badRequest("userIds must hold user object ids.");
      }
      userIds.add(id.textValue().toLowerCase(Locale.ROOT));
    }
    GraphResponse response;
    try {
      for (String id : userIds) {
        checkWriteFaults(id);
      }
      List<FakeUser> users = new ArrayList<>();
      for (String id : userIds) {
        users.add(
            tenant
                .user(id)
                .orElseThrow(
                    () ->
                        new GraphException(
                            400,
                            "Request_BadRequest",
                            "These userIds do not exist in your tenant: " + id + ".")));
      }
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      users.forEach(
          u -> tenant.security().putRiskyUser(FakeRiskyUser.confirmedCompromised(u, now)));
      response = GraphResponse.noContent();
    } catch (GraphException e) {
      response = router.error(r, e);
    }
    for (String id : userIds) {
      recorder.recordWrite(
          new WriteRecord(
              clock.instant(),
              id,
              WriteRecord.Kind.CONFIRM_COMPROMISED,
              response.status(),
              r.requestId(),
              r.inBatch()));
    }
    return response;
  }

  /**
   * One limit for every ID Protection request of the tenant, reads included: 429 with no
   * Retry-After.
   */
  private void throttleIdentityProtection() {
    Duration interval = options.identityProtectionInterval();
    if (interval.isZero()) {
      return;
    }
    synchronized (identityProtectionLock) {
      Instant now = clock.instant();
      if (identityProtectionLast != null && now.isBefore(identityProtectionLast.plus(interval))) {
        throw new GraphException(429, "TooManyRequests", "Too many requests.");
      }
      identityProtectionLast = now;
    }
  }

  private static List<String> selectRisky(List<String> select) {
    List<String> out = new ArrayList<>();
    for (String name : select) {
      String canonical =
          RISKY_USER_PROPERTIES.stream()
              .filter(p -> p.equalsIgnoreCase(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new GraphException(
                          400,
                          "Request_BadRequest",
                          "Could not find a property named '"
                              + name
                              + "' on type 'microsoft.graph.riskyUser'."));
      if (!out.contains(canonical)) {
        out.add(canonical);
      }
    }
    return out;
  }

  private static ObjectNode renderRisky(FakeRiskyUser u, List<String> select) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", u.id());
    p.put("isDeleted", false);
    p.put("isProcessing", false);
    p.put("riskLastUpdatedDateTime", u.riskLastUpdatedDateTime().toString());
    p.put("riskLevel", u.riskLevel());
    p.put("riskState", u.riskState());
    p.put("riskDetail", u.riskDetail());
    p.put("userDisplayName", u.userDisplayName());
    p.put("userPrincipalName", u.userPrincipalName());
    ObjectNode node = NODES.objectNode();
    for (String name : select.isEmpty() ? new ArrayList<>(p.keySet()) : select) {
      Object value = p.get(name);
      if (value instanceof Boolean b) {
        node.put(name, b);
      } else {
        node.put(name, (String) value);
      }
    }
    return node;
  }

  // ------------------------------------------------------------------------ sign-in log

  GraphResponse auditLogs(GraphRequest r, List<String> s) {
    if (s.size() < 2 || !s.get(1).equalsIgnoreCase("signIns")) {
      throw GraphException.segmentNotFound(s.size() < 2 ? "auditLogs" : s.get(1));
    }
    if (s.size() > 2) {
      throw GraphException.segmentNotFound(s.get(2));
    }
    GraphRouter.requireMethod(r, "GET");
    throttleSignInLog();
    if (!tenant.security().signInLogsLicensed()) {
      throw new GraphException(403, SIGN_IN_LICENSE_CODE, SIGN_IN_LICENSE_MESSAGE);
    }
    ODataQuery q = ODataQuery.parse(r.rawQuery()).allowOnly(SIGN_IN_OPTIONS);
    failForcedRead("signIns");
    Predicate<FakeSignIn> filter = q.filter() == null ? x -> true : signInFilter(q.filter());
    Instant visibleUntil = clock.instant().minus(options.signInLogLatency());
    List<FakeSignIn> entries =
        tenant.security().signIns().stream()
            .filter(FakeSignIn::isInteractive)
            .filter(x -> !x.createdDateTime().isAfter(visibleUntil))
            .filter(filter)
            .toList();
    // Graph's list signIns: "The maximum and default page size is 1,000 objects", not the
    // directory's 100 and 999.
    return router.page(
        r,
        q,
        entries,
        "auditLogs/signIns",
        ContainmentRoutes::renderSignIn,
        q.top(SIGN_IN_PAGE_SIZE, SIGN_IN_PAGE_SIZE));
  }

  /**
   * The filter shapes a sign-in watch sends, and nothing else: clauses joined by {@code and}, each
   * {@code createdDateTime ge|gt <UTC time>}, {@code status/errorCode eq 0}, {@code userId eq
   * '<id>'}, or several of the last joined by {@code or} in parentheses.
   */
  static Predicate<FakeSignIn> signInFilter(String filter) {
    List<String> clauses = splitAnd(filter.trim());
    Predicate<FakeSignIn> all = x -> true;
    boolean since = false;
    boolean users = false;
    boolean success = false;
    for (String clause : clauses) {
      Matcher m = SINCE.matcher(clause);
      if (m.matches() && !since) {
        since = true;
        Instant t;
        try {
          t = Instant.parse(m.group(2));
        } catch (DateTimeParseException e) {
          throw unsupportedSignInFilter();
        }
        boolean inclusive = m.group(1).equalsIgnoreCase("ge");
        all =
            all.and(
                x -> inclusive ? !x.createdDateTime().isBefore(t) : x.createdDateTime().isAfter(t));
        continue;
      }
      if (SUCCESS.matcher(clause).matches() && !success) {
        success = true;
        all = all.and(x -> x.errorCode() == 0);
        continue;
      }
      String inner =
          clause.startsWith("(") && clause.endsWith(")")
              ? clause.substring(1, clause.length() - 1)
              : clause;
      Set<String> ids = new LinkedHashSet<>();
      for (String part : inner.split("(?i) or ", -1)) {
        Matcher u = USER.matcher(part);
        if (!u.matches()) {
          throw unsupportedSignInFilter();
        }
        ids.add(u.group(1).toLowerCase(Locale.ROOT));
      }
      if (users || (ids.size() > 1 && inner == clause)) {
        throw unsupportedSignInFilter();
      }
      users = true;
      all = all.and(x -> ids.contains(x.userId().toLowerCase(Locale.ROOT)));
    }
    return all;
  }

  private static List<String> splitAnd(String filter) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i < filter.length(); i++) {
      char c = filter.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
        if (depth < 0) {
          throw unsupportedSignInFilter();
        }
      } else if (!quoted && depth == 0 && filter.regionMatches(true, i, " and ", 0, 5)) {
        out.add(filter.substring(start, i));
        start = i + 5;
        i += 4;
      }
    }
    if (depth != 0 || quoted) {
      throw unsupportedSignInFilter();
    }
    out.add(filter.substring(start));
    return out;
  }

  private static GraphException unsupportedSignInFilter() {
    return new GraphException(
        400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified.");
  }

  /**
   * The reports API's limit: a sliding window of accepted requests, 429 with Retry-After beyond it.
   */
  private void throttleSignInLog() {
    int limit = options.signInLogRequests();
    if (limit <= 0) {
      return;
    }
    synchronized (signInRequests) {
      Instant now = clock.instant();
      Instant windowStart = now.minus(options.signInLogWindow());
      while (!signInRequests.isEmpty() && !signInRequests.peekFirst().isAfter(windowStart)) {
        signInRequests.removeFirst();
      }
      if (signInRequests.size() >= limit) {
        Duration wait =
            Duration.between(now, signInRequests.peekFirst().plus(options.signInLogWindow()));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", router.formatRetryAfter(wait));
        throw new GraphException(429, "TooManyRequests", "Too many requests.", headers);
      }
      signInRequests.addLast(now);
    }
  }

  private static ObjectNode renderSignIn(FakeSignIn x) {
    ObjectNode node = NODES.objectNode();
    node.put("id", x.id());
    node.put("createdDateTime", x.createdDateTime().truncatedTo(ChronoUnit.SECONDS).toString());
    node.put("userDisplayName", x.userPrincipalName());
    node.put("userPrincipalName", x.userPrincipalName());
    node.put("userId", x.userId());
    node.put("appId", x.appId());
    node.put("appDisplayName", x.appDisplayName());
    node.put("ipAddress", x.ipAddress());
    node.put("clientAppUsed", "Browser");
    node.put("correlationId", x.id());
    node.put("conditionalAccessStatus", "notApplied");
    node.put("isInteractive", x.isInteractive());
    node.put("resourceDisplayName", x.resourceDisplayName());
    node.putNull("resourceId");
    ObjectNode status = node.putObject("status");
    status.put("errorCode", x.errorCode());
    if (x.errorCode() == 0) {
      status.putNull("failureReason");
    } else {
      status.put("failureReason", "Sign-in failed.");
    }
    status.putNull("additionalDetails");
    return node;
  }

  // ------------------------------------------------------------------------ Lifecycle Workflows

  GraphResponse identityGovernance(GraphRequest r, List<String> s) {
    // identityGovernance/lifecycleWorkflows/workflows/{w}/tasks/{t}/taskProcessingResults/{r}/resume
    List<String> shape =
        List.of(
            "identityGovernance",
            "lifecycleWorkflows",
            "workflows",
            "",
            "tasks",
            "",
            "taskProcessingResults",
            "",
            "resume");
    if (s.size() != shape.size()) {
      throw GraphException.segmentNotFound(s.get(Math.min(s.size(), shape.size()) - 1));
    }
    for (int i = 0; i < shape.size() - 1; i++) {
      if (!shape.get(i).isEmpty() && !shape.get(i).equalsIgnoreCase(s.get(i))) {
        throw GraphException.segmentNotFound(s.get(i));
      }
    }
    String action = s.get(8);
    if (!action.equalsIgnoreCase("resume")
        && !action.equalsIgnoreCase("microsoft.graph.identityGovernance.resume")) {
      throw GraphException.segmentNotFound(action);
    }
    GraphRouter.requireMethod(r, "POST");
    String workflowId = s.get(3);
    String taskId = s.get(5);
    String resultId = s.get(7);
    String operationStatus = null;
    String source = null;
    String type = null;
    GraphResponse response;
    try {
      ODataQuery.parse(r.rawQuery()).allowOnly(NO_OPTIONS);
      JsonNode body = router.parseBody(r);
      if (body != null && body.isObject()) {
        operationStatus =
            body.path("data").path("operationStatus").isTextual()
                ? body.path("data").path("operationStatus").textValue()
                : null;
        source = body.path("source").isTextual() ? body.path("source").textValue() : null;
        type = body.path("type").isTextual() ? body.path("type").textValue() : null;
      }
      if (body == null || !body.isObject() || !body.path("data").isObject()) {
        throw GraphException.badRequest(
            "The request body must carry 'data' with an 'operationStatus'.");
      }
      if (!"completed".equals(operationStatus) && !"failed".equals(operationStatus)) {
        throw GraphException.badRequest(
            "Invalid value for 'data.operationStatus': 'completed' or 'failed' is expected.");
      }
      if (source == null || source.isBlank() || type == null || type.isBlank()) {
        throw GraphException.badRequest("'source' and 'type' are required.");
      }
      checkWriteFaults(resultId);
      FakeSecurityState.TaskProcessingResult result =
          tenant
              .security()
              .taskProcessingResult(resultId)
              .filter(
                  x ->
                      x.workflowId().equalsIgnoreCase(workflowId)
                          && x.taskId().equalsIgnoreCase(taskId))
              .orElseThrow(() -> GraphException.notFound(resultId));
      if (!tenant.security().resume(result.id(), operationStatus)) {
        throw GraphException.badRequest(
            "The task processing result '"
                + result.id()
                + "' is not in progress: it was"
                + " resumed already.");
      }
      response = GraphResponse.noContent();
    } catch (GraphException e) {
      response = router.error(r, e);
    }
    tenant
        .security()
        .recordResume(
            new FakeSecurityState.ResumeRecord(
                clock.instant(),
                workflowId,
                taskId,
                resultId,
                operationStatus,
                source,
                type,
                response.status()));
    return response;
  }

  // ------------------------------------------------------------------------ helpers

  /** Faults a write meets before anything else: a status forced for the key, or a write 503. */
  private void checkWriteFaults(String key) {
    Optional<Integer> forced = faults.takeForced(key);
    if (forced.isPresent()) {
      throw router.forcedError(forced.get(), key);
    }
    Optional<Optional<Duration>> unavailable = faults.takeUnavailableWrite();
    if (unavailable.isPresent()) {
      Map<String, String> headers = new LinkedHashMap<>();
      unavailable.get().ifPresent(d -> headers.put("Retry-After", router.formatRetryAfter(d)));
      throw new GraphException(
          503,
          "ServiceUnavailable",
          "The service is temporarily unavailable. Please retry later.",
          headers);
    }
  }

  private void failForcedRead(String... keys) {
    Optional<Integer> status = faults.forcedRead(keys);
    if (status.isPresent()) {
      throw router.forcedError(status.get(), keys[0]);
    }
  }

  /**
   * A small {@code $filter}: clauses joined by one connective ({@code and} or {@code or}), each
   * {@code prop eq 'text'}, {@code prop eq true|false} or {@code prop in ('a', ...)} (at most 15
   * values) over the given properties; anything else answers 400.
   */
  record SimpleFilter(Predicate<Object> predicate) {
    private static final Pattern EQ =
        Pattern.compile("(?i)([A-Za-z]+) eq (?:'((?:[^']|'')*)'|(true|false))");
    private static final Pattern IN =
        Pattern.compile("(?i)([A-Za-z]+) in \\(((?:'(?:[^']|'')*'(?:, ?)?)+)\\)");
    private static final Pattern QUOTED = Pattern.compile("'((?:[^']|'')*)'");

    static SimpleFilter parse(String filter, Map<String, Function<Object, Object>> properties) {
      String trimmed = filter.trim();
      boolean or = trimmed.toLowerCase(Locale.ROOT).contains(" or ");
      boolean and = trimmed.toLowerCase(Locale.ROOT).contains(" and ");
      if (or && and) {
        throw GraphException.unsupportedQuery(
            "Unsupported or invalid query filter clause specified.");
      }
      Predicate<Object> result = null;
      for (String clause : trimmed.split(or ? "(?i) or " : "(?i) and ")) {
        Predicate<Object> p = clause(clause.trim(), properties);
        result = result == null ? p : or ? result.or(p) : result.and(p);
      }
      return new SimpleFilter(result);
    }

    private static Predicate<Object> clause(
        String clause, Map<String, Function<Object, Object>> properties) {
      Matcher eq = EQ.matcher(clause);
      if (eq.matches()) {
        Function<Object, Object> getter = property(eq.group(1), properties);
        Object wanted =
            eq.group(3) != null
                ? Boolean.valueOf(eq.group(3).toLowerCase(Locale.ROOT))
                : eq.group(2).replace("''", "'");
        return o -> matches(getter.apply(o), wanted);
      }
      Matcher in = IN.matcher(clause);
      if (in.matches()) {
        Function<Object, Object> getter = property(in.group(1), properties);
        List<Object> values = new ArrayList<>();
        Matcher q = QUOTED.matcher(in.group(2));
        while (q.find()) {
          values.add(q.group(1).replace("''", "'"));
        }
        if (values.size() > MAX_IN_VALUES) {
          throw GraphException.unsupportedQuery(
              "Too many values in the 'in' operator: at most " + MAX_IN_VALUES + ".");
        }
        return o -> values.stream().anyMatch(v -> matches(getter.apply(o), v));
      }
      throw GraphException.unsupportedQuery(
          "Unsupported or invalid query filter clause specified.");
    }

    private static Function<Object, Object> property(
        String name, Map<String, Function<Object, Object>> properties) {
      Function<Object, Object> getter = properties.get(name.toLowerCase(Locale.ROOT));
      if (getter == null) {
        throw GraphException.unsupportedQuery(
            "Unsupported or invalid query filter clause specified.");
      }
      return getter;
    }

    private static boolean matches(Object actual, Object wanted) {
      if (actual instanceof String a && wanted instanceof String w) {
        return a.equalsIgnoreCase(w);
      }
      return wanted.equals(actual);
    }

    @SuppressWarnings("unchecked")
    <T> Predicate<T> as() {
      return (Predicate<T>) (Predicate<?>) predicate;
    }
  }
}
