package dev.offboarding.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Writes and reads audit messages: CloudEvents 1.0 envelopes (structured JSON mode) around {@link
 * TargetAudit}, {@link SummaryAudit}, {@link AccessAudit} or {@link ResumeAudit}, as described by
 * {@link Schemas#AUDIT_TARGET}, {@link Schemas#AUDIT_SUMMARY}, {@link Schemas#AUDIT_ACCESS} and
 * {@link Schemas#AUDIT_RESUME}.
 *
 * <p>On the wire, outcomes and statuses are their enum names, actions their wire names, instants
 * RFC 3339 in UTC, and null fields are left out. The envelope's {@code subject} is the user (object
 * id, else UPN) for a target audit and an access audit, and the event id for a summary, so
 * consumers can filter on it.
 *
 * <p>Readers accept data properties they do not know, so version 1 can gain optional fields without
 * breaking consumers; everything they do know is checked, and bad input is an {@link
 * IllegalArgumentException} naming the JSONPath. {@code provenance} (who asked, see {@link
 * Provenance}) is optional, as audits written before it lack it, but when present it is read
 * strictly: a member it does not know is refused, because an audit must not claim more about who
 * asked than can be checked. Instances hold no mutable state: share one.
 */
public final class AuditCodec {

  /** The CloudEvents {@code source} of every audit message. */
  public static final String SOURCE = "/offboarding-worker";

  private static final int MAX_ID_LENGTH = 256;
  private static final Set<String> PROVENANCE =
      Set.of("source", "requestedBy", "ticket", "reason", "queue");
  private static final Set<String> ACCESS =
      Set.of("revokedAt", "caeResourcesBy", "allResourcesBy", "note");
  private static final Set<String> SIGN_IN =
      Set.of(
          "id",
          "createdDateTime",
          "appDisplayName",
          "appId",
          "resourceDisplayName",
          "ipAddress",
          "isInteractive");

  private final StrictJson json = new StrictJson();

  /** A codec; reusable and thread-safe. */
  public AuditCodec() {}

  /**
   * Encodes the audit of one user.
   *
   * @param messageId the audit message's own CloudEvents id: non-blank, at most 256 characters, no
   *     control characters
   * @param time when the message was written
   */
  public byte[] encodeTarget(String messageId, Instant time, TargetAudit audit) {
    Objects.requireNonNull(audit, "audit");
    String subject = audit.userId() != null ? audit.userId() : audit.userPrincipalName();
    ObjectNode root = envelope(messageId, time, TargetAudit.TYPE, subject);
    ObjectNode data = root.putObject("data");
    data.put("eventId", audit.eventId());
    putIfPresent(data, "userId", audit.userId());
    putIfPresent(data, "userPrincipalName", audit.userPrincipalName());
    ArrayNode via = data.putArray("via");
    audit.via().forEach(via::add);
    data.put("guest", audit.guest());
    data.put("outcome", audit.outcome().name());
    putIfPresent(data, "detail", audit.detail());
    ArrayNode actions = data.putArray("actions");
    for (ActionResult result : audit.actions()) {
      ObjectNode item = actions.addObject();
      item.put("action", result.action().wireName());
      item.put("outcome", result.outcome().name());
      item.put("attempts", result.attempts());
      putIfPresent(item, "requestId", result.requestId());
      putInstantIfPresent(item, "startedAt", result.startedAt());
      putInstantIfPresent(item, "finishedAt", result.finishedAt());
      putIfPresent(item, "errorCode", result.errorCode());
      putIfPresent(item, "errorMessage", result.errorMessage());
      if (result.verified() != null) {
        item.put("verified", result.verified());
      }
      if (result.observedSessionsValidFrom() != null
          || result.observedAccountEnabled() != null
          || result.observedLastPasswordChange() != null
          || result.observedRiskState() != null
          || result.observedRiskLevel() != null) {
        ObjectNode observed = item.putObject("observed");
        putInstantIfPresent(
            observed, "signInSessionsValidFromDateTime", result.observedSessionsValidFrom());
        if (result.observedAccountEnabled() != null) {
          observed.put("accountEnabled", result.observedAccountEnabled());
        }
        putInstantIfPresent(
            observed, "lastPasswordChangeDateTime", result.observedLastPasswordChange());
        putIfPresent(observed, "riskState", result.observedRiskState());
        putIfPresent(observed, "riskLevel", result.observedRiskLevel());
      }
      if (!result.deviceIds().isEmpty()) {
        ArrayNode devices = item.putArray("deviceIds");
        result.deviceIds().forEach(devices::add);
      }
    }
    data.put("redelivery", audit.redelivery());
    putProvenanceIfPresent(data, audit.provenance());
    if (audit.access() != null) {
      AccessWindow a = audit.access();
      ObjectNode access = data.putObject("access");
      access.put("revokedAt", Rfc3339.format(a.revokedAt()));
      access.put("caeResourcesBy", Rfc3339.format(a.caeResourcesBy()));
      access.put("allResourcesBy", Rfc3339.format(a.allResourcesBy()));
      putIfPresent(access, "note", a.note());
    }
    return json.write(root);
  }

  /**
   * Encodes the summary of one event, including its {@code durationMillis}.
   *
   * @param messageId the audit message's own CloudEvents id: non-blank, at most 256 characters, no
   *     control characters
   * @param time when the message was written
   */
  public byte[] encodeSummary(String messageId, Instant time, SummaryAudit audit) {
    Objects.requireNonNull(audit, "audit");
    ObjectNode root = envelope(messageId, time, SummaryAudit.TYPE, audit.eventId());
    ObjectNode data = root.putObject("data");
    putIfPresent(data, "eventId", audit.eventId());
    putIfPresent(data, "eventType", audit.eventType());
    data.put("status", audit.status().name());
    ObjectNode counts = data.putObject("counts");
    audit.counts().forEach((outcome, n) -> counts.put(outcome.name(), n));
    ObjectNode skipped = data.putObject("skippedMembers");
    audit.skippedMembers().forEach(skipped::put);
    data.put("usersResolved", audit.usersResolved());
    data.put("startedAt", Rfc3339.format(audit.startedAt()));
    data.put("finishedAt", Rfc3339.format(audit.finishedAt()));
    data.put("durationMillis", audit.durationMillis());
    putIfPresent(data, "rejectionReason", audit.rejectionReason());
    ArrayNode problems = data.putArray("problems");
    audit
        .problems()
        .forEach(p -> problems.addObject().put("path", p.path()).put("message", p.message()));
    data.put("redelivery", audit.redelivery());
    data.put("dryRun", audit.dryRun());
    data.put("final", audit.finalSummary());
    data.put("step", audit.step());
    data.put("usersPending", audit.usersPending());
    if (audit.dueAt() != null) {
      data.put("dueAt", Rfc3339.format(audit.dueAt()));
    }
    putIfPresent(data, "detail", audit.detail());
    putProvenanceIfPresent(data, audit.provenance());
    putInstantIfPresent(data, "allResourcesBy", audit.allResourcesBy());
    if (audit.lifecycleTaskWaits()) {
      data.put("lifecycleTaskWaits", true);
    }
    return json.write(root);
  }

  /**
   * Encodes what the sign-in watch saw of one user; the envelope's {@code subject} is the user's
   * object id.
   *
   * @param messageId the audit message's own CloudEvents id: non-blank, at most 256 characters, no
   *     control characters
   * @param time when the message was written
   */
  public byte[] encodeAccess(String messageId, Instant time, AccessAudit audit) {
    Objects.requireNonNull(audit, "audit");
    ObjectNode root = envelope(messageId, time, AccessAudit.TYPE, audit.userId());
    ObjectNode data = root.putObject("data");
    data.put("eventId", audit.eventId());
    data.put("userId", audit.userId());
    data.put("revokedAt", Rfc3339.format(audit.revokedAt()));
    data.put("allResourcesBy", Rfc3339.format(audit.allResourcesBy()));
    data.put("outcome", audit.outcome().name());
    ArrayNode signIns = data.putArray("signIns");
    for (AccessAudit.SignIn s : audit.signIns()) {
      ObjectNode item = signIns.addObject();
      item.put("id", s.id());
      item.put("createdDateTime", Rfc3339.format(s.createdDateTime()));
      putIfPresent(item, "appDisplayName", s.appDisplayName());
      putIfPresent(item, "appId", s.appId());
      putIfPresent(item, "resourceDisplayName", s.resourceDisplayName());
      putIfPresent(item, "ipAddress", s.ipAddress());
      item.put("isInteractive", s.isInteractive());
    }
    putProvenanceIfPresent(data, audit.provenance());
    return json.write(root);
  }

  /**
   * Encodes how the worker answered the Lifecycle Workflows task an event's id names; the
   * envelope's {@code subject} is the event id.
   *
   * @param messageId the audit message's own CloudEvents id
   * @param time when the message was written
   */
  public byte[] encodeResume(String messageId, Instant time, ResumeAudit audit) {
    Objects.requireNonNull(audit, "audit");
    ObjectNode root = envelope(messageId, time, ResumeAudit.TYPE, audit.eventId());
    ObjectNode data = root.putObject("data");
    data.put("eventId", audit.eventId());
    data.put("workflowId", audit.workflowId());
    data.put("taskId", audit.taskId());
    data.put("taskProcessingResultId", audit.taskProcessingResultId());
    data.put("operationStatus", audit.operationStatus());
    data.put("summaryStatus", audit.summaryStatus().name());
    data.put("outcome", audit.outcome().name());
    data.put("attempts", audit.attempts());
    if (audit.httpStatus() != null) {
      data.put("httpStatus", audit.httpStatus().intValue());
    }
    putIfPresent(data, "errorCode", audit.errorCode());
    putIfPresent(data, "requestId", audit.requestId());
    data.put("redelivery", audit.redelivery());
    putProvenanceIfPresent(data, audit.provenance());
    return json.write(root);
  }

  /**
   * Reads a {@code dev.offboarding.audit.resume.v1} message.
   *
   * @throws IllegalArgumentException when the message is not one, naming what is wrong and where
   */
  public ResumeAudit decodeResume(byte[] message) {
    JsonNode data = dataOf(message, ResumeAudit.TYPE);
    try {
      SummaryStatus summaryStatus;
      try {
        summaryStatus = SummaryStatus.valueOf(text(data, "$.data", "summaryStatus"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("$.data.summaryStatus: unknown status");
      }
      ResumeAudit.Outcome outcome;
      try {
        outcome = ResumeAudit.Outcome.valueOf(text(data, "$.data", "outcome"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("$.data.outcome: unknown outcome");
      }
      Provenance provenance = provenance(data);
      if (provenance == null) {
        throw new IllegalArgumentException("$.data.provenance: required");
      }
      try {
        return new ResumeAudit(
            text(data, "$.data", "eventId"),
            text(data, "$.data", "workflowId"),
            text(data, "$.data", "taskId"),
            text(data, "$.data", "taskProcessingResultId"),
            text(data, "$.data", "operationStatus"),
            summaryStatus,
            outcome,
            intValue(data.get("attempts"), "$.data.attempts"),
            data.has("httpStatus") ? intValue(data.get("httpStatus"), "$.data.httpStatus") : null,
            optionalText(data, "$.data", "errorCode"),
            optionalText(data, "$.data", "requestId"),
            bool(data, "$.data", "redelivery"),
            provenance);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("$.data: " + e.getMessage(), e);
      }
    } catch (IllegalArgumentException e) {
      throw invalid(ResumeAudit.TYPE, e);
    }
  }

  /**
   * Reads a {@code dev.offboarding.audit.access.v1} message. Unlike the other audits, a sign-in
   * with a member this codec does not know is refused: the message repeats nothing else of the log.
   *
   * @throws IllegalArgumentException when the message is not one, naming what is wrong and where
   */
  public AccessAudit decodeAccess(byte[] message) {
    JsonNode data = dataOf(message, AccessAudit.TYPE);
    try {
      String outcomeText = text(data, "$.data", "outcome");
      AccessAudit.Outcome outcome;
      try {
        outcome = AccessAudit.Outcome.valueOf(outcomeText);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("$.data.outcome: unknown outcome");
      }
      List<AccessAudit.SignIn> signIns = new ArrayList<>();
      JsonNode signInsNode = array(data, "$.data", "signIns");
      for (int i = 0; i < signInsNode.size(); i++) {
        signIns.add(signIn(signInsNode.get(i), "$.data.signIns[" + i + "]"));
      }
      Provenance provenance = provenance(data);
      if (provenance == null) {
        throw new IllegalArgumentException("$.data.provenance: required");
      }
      String eventId = text(data, "$.data", "eventId");
      String userId = text(data, "$.data", "userId");
      if (!Text.isPrintable(eventId, MAX_ID_LENGTH)) {
        throw new IllegalArgumentException(
            "$.data.eventId: must be non-blank, at most 256 characters, without control"
                + " characters");
      }
      if (!Target.isGuid(userId)) {
        throw new IllegalArgumentException("$.data.userId: must be an object id (GUID)");
      }
      try {
        return new AccessAudit(
            eventId,
            userId,
            instant(data, "$.data", "revokedAt"),
            instant(data, "$.data", "allResourcesBy"),
            outcome,
            signIns,
            provenance);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("$.data: " + e.getMessage(), e);
      }
    } catch (IllegalArgumentException e) {
      throw invalid(AccessAudit.TYPE, e);
    }
  }

  private static AccessAudit.SignIn signIn(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(path + ": must be an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!SIGN_IN.contains(name)) {
        throw new IllegalArgumentException(JsonPath.property(path, name) + ": unexpected property");
      }
    }
    String id = text(node, path, "id");
    if (!Target.isGuid(id)) {
      throw new IllegalArgumentException(path + ".id: must be a GUID");
    }
    String appId = optionalText(node, path, "appId");
    if (appId != null && !Target.isGuid(appId)) {
      throw new IllegalArgumentException(path + ".appId: must be a GUID");
    }
    String ip = optionalText(node, path, "ipAddress");
    if (ip != null && !AccessAudit.SignIn.isIpAddress(ip)) {
      throw new IllegalArgumentException(path + ".ipAddress: must be an IPv4 or IPv6 address");
    }
    String app = optionalText(node, path, "appDisplayName");
    String resource = optionalText(node, path, "resourceDisplayName");
    for (String[] named :
        new String[][] {{"appDisplayName", app}, {"resourceDisplayName", resource}}) {
      if (named[1] != null && !Text.isPrintable(named[1], AccessAudit.SignIn.MAX_NAME_LENGTH)) {
        throw new IllegalArgumentException(
            path
                + "."
                + named[0]
                + ": must be non-blank, at most "
                + AccessAudit.SignIn.MAX_NAME_LENGTH
                + " characters, without control characters");
      }
    }
    return new AccessAudit.SignIn(
        id,
        instant(node, path, "createdDateTime"),
        app,
        appId,
        resource,
        ip,
        bool(node, path, "isInteractive"));
  }

  /**
   * The CloudEvents {@code type} of an audit message, to choose a decoder.
   *
   * @throws IllegalArgumentException when the bytes are not a JSON object with a string {@code
   *     type}
   */
  public String typeOf(byte[] message) {
    JsonNode root = read(message);
    return text(root, "$", "type");
  }

  /**
   * Reads a {@code dev.offboarding.audit.target.v1} message.
   *
   * @throws IllegalArgumentException when the message is not one, naming what is wrong and where
   */
  public TargetAudit decodeTarget(byte[] message) {
    JsonNode data = dataOf(message, TargetAudit.TYPE);
    try {
      List<String> via = new ArrayList<>();
      JsonNode viaNode = array(data, "$.data", "via");
      for (int i = 0; i < viaNode.size(); i++) {
        via.add(textValue(viaNode.get(i), "$.data.via[" + i + "]"));
      }
      List<ActionResult> actions = new ArrayList<>();
      JsonNode actionsNode = array(data, "$.data", "actions");
      for (int i = 0; i < actionsNode.size(); i++) {
        actions.add(actionResult(actionsNode.get(i), "$.data.actions[" + i + "]"));
      }
      return new TargetAudit(
          text(data, "$.data", "eventId"),
          optionalText(data, "$.data", "userId"),
          optionalText(data, "$.data", "userPrincipalName"),
          via,
          bool(data, "$.data", "guest"),
          outcome(text(data, "$.data", "outcome"), "$.data.outcome"),
          optionalText(data, "$.data", "detail"),
          actions,
          bool(data, "$.data", "redelivery"),
          provenance(data),
          access(data));
    } catch (IllegalArgumentException e) {
      throw invalid(TargetAudit.TYPE, e);
    }
  }

  /**
   * Reads a {@code dev.offboarding.audit.summary.v1} message. Its {@code durationMillis} is derived
   * from the timestamps, so it is not read back.
   *
   * @throws IllegalArgumentException when the message is not one, naming what is wrong and where
   */
  public SummaryAudit decodeSummary(byte[] message) {
    JsonNode data = dataOf(message, SummaryAudit.TYPE);
    try {
      String statusText = text(data, "$.data", "status");
      SummaryStatus status;
      try {
        status = SummaryStatus.valueOf(statusText);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("$.data.status: unknown status");
      }
      Map<TargetOutcome, Integer> counts = new EnumMap<>(TargetOutcome.class);
      JsonNode countsNode = object(data, "$.data", "counts");
      for (Iterator<Map.Entry<String, JsonNode>> it = countsNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String path = JsonPath.property("$.data.counts", e.getKey());
        counts.put(outcome(e.getKey(), path), intValue(e.getValue(), path));
      }
      Map<String, Integer> skipped = new TreeMap<>();
      JsonNode skippedNode = object(data, "$.data", "skippedMembers");
      for (Iterator<Map.Entry<String, JsonNode>> it = skippedNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        skipped.put(
            e.getKey(),
            intValue(e.getValue(), JsonPath.property("$.data.skippedMembers", e.getKey())));
      }
      List<Problem> problems = new ArrayList<>();
      JsonNode problemsNode = array(data, "$.data", "problems");
      for (int i = 0; i < problemsNode.size(); i++) {
        String path = "$.data.problems[" + i + "]";
        JsonNode p = problemsNode.get(i);
        problems.add(new Problem(text(p, path, "path"), text(p, path, "message")));
      }
      return new SummaryAudit(
          optionalText(data, "$.data", "eventId"),
          optionalText(data, "$.data", "eventType"),
          status,
          counts,
          skipped,
          intValue(data.get("usersResolved"), "$.data.usersResolved"),
          instant(data, "$.data", "startedAt"),
          instant(data, "$.data", "finishedAt"),
          optionalText(data, "$.data", "rejectionReason"),
          problems,
          bool(data, "$.data", "redelivery"),
          bool(data, "$.data", "dryRun"),
          data.has("final") ? bool(data, "$.data", "final") : !status.followedByAnother(),
          data.has("step") ? intValue(data.get("step"), "$.data.step") : 0,
          data.has("usersPending") ? intValue(data.get("usersPending"), "$.data.usersPending") : 0,
          data.has("dueAt") ? instant(data, "$.data", "dueAt") : null,
          optionalText(data, "$.data", "detail"),
          provenance(data),
          optionalInstant(data, "$.data", "allResourcesBy"),
          Boolean.TRUE.equals(optionalBool(data, "$.data", "lifecycleTaskWaits")));
    } catch (IllegalArgumentException e) {
      throw invalid(SummaryAudit.TYPE, e);
    }
  }

  private ObjectNode envelope(String messageId, Instant time, String type, String subject) {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(time, "time");
    if (!Text.isPrintable(messageId, MAX_ID_LENGTH)) {
      throw new IllegalArgumentException(
          "messageId must be non-blank, at most 256 characters, without control characters");
    }
    ObjectNode root = json.objectNode();
    root.put("specversion", OffboardingEvent.SPEC_VERSION);
    root.put("id", messageId);
    root.put("source", SOURCE);
    root.put("type", type);
    root.put("time", Rfc3339.format(time));
    if (subject != null && !subject.isEmpty()) {
      root.put("subject", subject);
    }
    root.put("datacontenttype", EventReader.DATA_CONTENT_TYPE);
    return root;
  }

  private JsonNode read(byte[] message) {
    if (message == null || message.length == 0) {
      throw new IllegalArgumentException("not an audit message: empty");
    }
    JsonNode root;
    try {
      root = json.read(message);
    } catch (StrictJson.MalformedJsonException e) {
      throw new IllegalArgumentException("not an audit message: " + e.getMessage());
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("not an audit message: not a JSON object");
    }
    return root;
  }

  private JsonNode dataOf(byte[] message, String expectedType) {
    JsonNode root = read(message);
    try {
      String specversion = text(root, "$", "specversion");
      if (!OffboardingEvent.SPEC_VERSION.equals(specversion)) {
        throw new IllegalArgumentException("$.specversion: must be \"1.0\"");
      }
      String type = text(root, "$", "type");
      if (!expectedType.equals(type)) {
        throw new IllegalArgumentException("$.type: not " + expectedType);
      }
      return object(root, "$", "data");
    } catch (IllegalArgumentException e) {
      throw invalid(expectedType, e);
    }
  }

  private static IllegalArgumentException invalid(String type, RuntimeException cause) {
    return new IllegalArgumentException(
        "not a valid " + type + " message: " + cause.getMessage(), cause);
  }

  private static ActionResult actionResult(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(path + ": must be an object");
    }
    String wire = text(node, path, "action");
    Action action =
        Action.fromWire(wire)
            .orElseThrow(() -> new IllegalArgumentException(path + ".action: unknown action"));
    TargetOutcome outcome = outcome(text(node, path, "outcome"), path + ".outcome");
    int attempts = intValue(node.get("attempts"), path + ".attempts");
    String requestId = optionalText(node, path, "requestId");
    Instant startedAt = optionalInstant(node, path, "startedAt");
    Instant finishedAt = optionalInstant(node, path, "finishedAt");
    String errorCode = optionalText(node, path, "errorCode");
    String errorMessage = optionalText(node, path, "errorMessage");
    Boolean verified = optionalBool(node, path, "verified");
    Instant observedSessionsValidFrom = null;
    Boolean observedAccountEnabled = null;
    Instant observedLastPasswordChange = null;
    String observedRiskState = null;
    String observedRiskLevel = null;
    if (node.has("observed")) {
      JsonNode observed = object(node, path, "observed");
      String observedPath = JsonPath.property(path, "observed");
      observedSessionsValidFrom =
          optionalInstant(observed, observedPath, "signInSessionsValidFromDateTime");
      observedAccountEnabled = optionalBool(observed, observedPath, "accountEnabled");
      observedLastPasswordChange =
          optionalInstant(observed, observedPath, "lastPasswordChangeDateTime");
      observedRiskState = optionalText(observed, observedPath, "riskState");
      if (observedRiskState != null && !ActionResult.RISK_STATES.contains(observedRiskState)) {
        throw new IllegalArgumentException(observedPath + ".riskState: unknown risk state");
      }
      observedRiskLevel = optionalText(observed, observedPath, "riskLevel");
      if (observedRiskLevel != null && !ActionResult.RISK_LEVELS.contains(observedRiskLevel)) {
        throw new IllegalArgumentException(observedPath + ".riskLevel: unknown risk level");
      }
    }
    List<String> deviceIds = new ArrayList<>();
    if (node.has("deviceIds")) {
      JsonNode devices = array(node, path, "deviceIds");
      for (int i = 0; i < devices.size(); i++) {
        String itemPath = path + ".deviceIds[" + i + "]";
        String id = textValue(devices.get(i), itemPath);
        if (!Target.isGuid(id)) {
          throw new IllegalArgumentException(itemPath + ": must be a GUID");
        }
        deviceIds.add(id);
      }
      if (deviceIds.isEmpty()) {
        throw new IllegalArgumentException(path + ".deviceIds: must not be empty; leave it out");
      }
    }
    try {
      return new ActionResult(
          action,
          outcome,
          attempts,
          requestId,
          startedAt,
          finishedAt,
          errorCode,
          errorMessage,
          verified,
          observedSessionsValidFrom,
          observedAccountEnabled,
          observedLastPasswordChange,
          observedRiskState,
          observedRiskLevel,
          deviceIds);
    } catch (IllegalArgumentException e) {
      // The record's own rules (e.g. SUCCEEDED with verified = false): name where it happened.
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }

  private static TargetOutcome outcome(String name, String path) {
    try {
      return TargetOutcome.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ": unknown outcome");
    }
  }

  private static void putProvenanceIfPresent(ObjectNode data, Provenance provenance) {
    if (provenance == null) {
      return;
    }
    ObjectNode node = data.putObject("provenance");
    putIfPresent(node, "source", provenance.source());
    putIfPresent(node, "requestedBy", provenance.requestedBy());
    putIfPresent(node, "ticket", provenance.ticket());
    putIfPresent(node, "reason", provenance.reason());
    node.put("queue", provenance.queue());
  }

  /** The {@code access} of a target audit's data, or null when it has none; read strictly. */
  private static AccessWindow access(JsonNode data) {
    if (!data.has("access")) {
      return null;
    }
    String path = "$.data.access";
    JsonNode node = object(data, "$.data", "access");
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!ACCESS.contains(name)) {
        throw new IllegalArgumentException(JsonPath.property(path, name) + ": unexpected property");
      }
    }
    String note = optionalText(node, path, "note");
    if (note != null && !Text.isPrintable(note, AccessWindow.MAX_NOTE_LENGTH)) {
      throw new IllegalArgumentException(
          path
              + ".note: must be non-blank, at most "
              + AccessWindow.MAX_NOTE_LENGTH
              + " characters, without control characters");
    }
    try {
      return new AccessWindow(
          instant(node, path, "revokedAt"),
          instant(node, path, "caeResourcesBy"),
          instant(node, path, "allResourcesBy"),
          note);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }

  /** The {@code provenance} of an audit's data, or null when it has none. */
  private static Provenance provenance(JsonNode data) {
    if (!data.has("provenance")) {
      return null;
    }
    String path = "$.data.provenance";
    JsonNode node = object(data, "$.data", "provenance");
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!PROVENANCE.contains(name)) {
        throw new IllegalArgumentException(JsonPath.property(path, name) + ": unexpected property");
      }
    }
    return new Provenance(
        checked(node, path, "source", Provenance::sourceProblem),
        checked(node, path, "requestedBy", Provenance::requestedByProblem),
        checked(node, path, "ticket", Provenance::ticketProblem),
        checked(node, path, "reason", Provenance::reasonProblem),
        checked(node, path, "queue", Provenance::queueProblem));
  }

  /** An optional string member that {@code problem} finds nothing wrong with (null when absent). */
  private static String checked(
      JsonNode parent, String parentPath, String name, UnaryOperator<String> problem) {
    String value = optionalText(parent, parentPath, name);
    String wrong = problem.apply(value);
    if (wrong != null) {
      throw new IllegalArgumentException(JsonPath.property(parentPath, name) + ": " + wrong);
    }
    return value;
  }

  private static void putIfPresent(ObjectNode node, String name, String value) {
    if (value != null) {
      node.put(name, value);
    }
  }

  private static void putInstantIfPresent(ObjectNode node, String name, Instant value) {
    if (value != null) {
      node.put(name, Rfc3339.format(value));
    }
  }

  private static String text(JsonNode parent, String parentPath, String name) {
    JsonNode node = parent.get(name);
    if (node == null) {
      throw new IllegalArgumentException(JsonPath.property(parentPath, name) + ": required");
    }
    return textValue(node, JsonPath.property(parentPath, name));
  }

  private static String optionalText(JsonNode parent, String parentPath, String name) {
    JsonNode node = parent.get(name);
    return node == null ? null : textValue(node, JsonPath.property(parentPath, name));
  }

  private static String textValue(JsonNode node, String path) {
    if (node == null || !node.isTextual()) {
      throw new IllegalArgumentException(path + ": must be a string");
    }
    return node.textValue();
  }

  private static boolean bool(JsonNode parent, String parentPath, String name) {
    JsonNode node = parent.get(name);
    if (node == null || !node.isBoolean()) {
      throw new IllegalArgumentException(
          JsonPath.property(parentPath, name) + ": must be true or false");
    }
    return node.booleanValue();
  }

  private static Boolean optionalBool(JsonNode parent, String parentPath, String name) {
    JsonNode node = parent.get(name);
    if (node == null) {
      return null;
    }
    if (!node.isBoolean()) {
      throw new IllegalArgumentException(
          JsonPath.property(parentPath, name) + ": must be true or false");
    }
    return node.booleanValue();
  }

  private static int intValue(JsonNode node, String path) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new IllegalArgumentException(path + ": must be an integer");
    }
    return node.intValue();
  }

  private static JsonNode array(JsonNode parent, String parentPath, String name) {
    JsonNode node = parent.get(name);
    if (node == null || !node.isArray()) {
      throw new IllegalArgumentException(
          JsonPath.property(parentPath, name) + ": must be an array");
    }
    return node;
  }

  private static JsonNode object(JsonNode parent, String parentPath, String name) {
    JsonNode node = parent.get(name);
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          JsonPath.property(parentPath, name) + ": must be an object");
    }
    return node;
  }

  private static Instant instant(JsonNode parent, String parentPath, String name) {
    Instant instant = optionalInstant(parent, parentPath, name);
    if (instant == null) {
      throw new IllegalArgumentException(JsonPath.property(parentPath, name) + ": required");
    }
    return instant;
  }

  private static Instant optionalInstant(JsonNode parent, String parentPath, String name) {
    String text = optionalText(parent, parentPath, name);
    if (text == null) {
      return null;
    }
    Instant instant = Rfc3339.parse(text);
    if (instant == null) {
      throw new IllegalArgumentException(
          JsonPath.property(parentPath, name) + ": must be an RFC 3339 date-time");
    }
    return instant;
  }
}
