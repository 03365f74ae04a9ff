package dev.offboarding.testkit.servicebus;

import dev.offboarding.testkit.servicebus.EmulatorConfig.AccessRight;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnknownDescribedType;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

/**
 * Answers the request/response nodes: {@code $cbs} put-token and an entity's {@code $management}
 * operations.
 *
 * <p>Responses carry {@code statusCode} as an AMQP int and the request's message id as correlation
 * id, as the SDK requires. Confined to the emulator's loop thread.
 */
final class RequestHandler {
  static final Symbol SEQUENCE_NUMBER = Symbol.valueOf("x-opt-sequence-number");
  static final Symbol ENQUEUE_SEQUENCE_NUMBER = Symbol.valueOf("x-opt-enqueue-sequence-number");
  static final Symbol ENQUEUED_TIME = Symbol.valueOf("x-opt-enqueued-time");
  static final Symbol LOCKED_UNTIL = Symbol.valueOf("x-opt-locked-until");
  static final Symbol MESSAGE_STATE = Symbol.valueOf("x-opt-message-state");
  static final Symbol DEAD_LETTER_SOURCE = Symbol.valueOf("x-opt-deadletter-source");

  private static final String VENDOR = "com.microsoft:";
  private static final String LOCK_LOST = VENDOR + "message-lock-lost";
  private static final String SESSION_LOCK_LOST = VENDOR + "session-lock-lost";

  /**
   * Descriptor codes of the rule description encoding, as the Node SDK (constants.js
   * descriptorCodes) decodes it.
   */
  private static final UnsignedLong RULE_DESCRIPTION = UnsignedLong.valueOf(0x0000013700000004L);

  private static final UnsignedLong EMPTY_RULE_ACTION = UnsignedLong.valueOf(0x0000013700000005L);
  private static final UnsignedLong SQL_FILTER = UnsignedLong.valueOf(0x0000001370000006L);
  private static final UnsignedLong CORRELATION_FILTER = UnsignedLong.valueOf(0x0000001370000009L);
  private static final String LOCK_LOST_DESCRIPTION =
      "The lock supplied is invalid. Either the lock expired, or the message has already been removed.";

  private final Broker broker;
  private final AccessControl access;

  RequestHandler(Broker broker, AccessControl access) {
    this.broker = broker;
    this.access = access;
  }

  boolean entityExists(String entityPath) {
    return broker.source(entityPath) != null || broker.target(entityPath) != null;
  }

  /**
   * Answers a put-token: 400 for a malformed request, 401 for a token {@link AccessControl} refuses
   * (without configured keys only one that is no shared access signature), otherwise 200, and the
   * token is kept in the connection's {@code tokens}.
   *
   * @param host the namespace host the client connected to, for error descriptions
   */
  Message cbs(Message request, AccessControl.Tokens tokens, String host) {
    Map<String, Object> props = properties(request);
    Object operation = props.get("operation");
    Object type = props.get("type");
    Object name = props.get("name");
    if (!"put-token".equals(operation)) {
      return cbsStatus(
          request, 400, "Unsupported $cbs operation: " + operation, "amqp:not-implemented");
    }
    if (type == null || name == null || name.toString().isBlank()) {
      return cbsStatus(
          request, 400, "A put-token request needs 'type' and 'name'.", "amqp:invalid-field");
    }
    Object token = request.getBody() instanceof AmqpValue value ? value.getValue() : null;
    if (token == null || token.toString().isBlank()) {
      return cbsStatus(
          request, 400, "A put-token request needs the token as its body.", "amqp:invalid-field");
    }
    if (!AccessControl.SAS_TOKEN_TYPE.equals(type) && !AccessControl.JWT_TOKEN_TYPE.equals(type)) {
      return cbsStatus(request, 400, "Unsupported token type: " + type, "amqp:invalid-field");
    }
    String refusal =
        access.putToken(tokens, type.toString(), name.toString(), token.toString(), host);
    if (refusal != null) {
      return cbsStatus(request, 401, refusal, AccessControl.UNAUTHORIZED);
    }
    return cbsStatus(request, 200, "OK", null);
  }

  /**
   * Runs one {@code $management} operation on the entity at {@code entityPath}, if the connection's
   * {@code tokens} carry the right it needs (401 {@code amqp:unauthorized-access} otherwise, before
   * the entity is even looked at, as on the service).
   *
   * @param host the namespace host the client connected to, for error descriptions
   */
  Message management(String entityPath, Message request, AccessControl.Tokens tokens, String host) {
    return management(entityPath, request, tokens, host, (store, sessionId) -> true);
  }

  /**
   * As {@link #management(String, Message, AccessControl.Tokens, String)}, where a session's lock
   * renewal and state operations succeed only when {@code holdsSession} says the caller's
   * connection holds that session's lock (410 {@code com.microsoft:session-lock-lost} otherwise, as
   * on the service): a receiver whose session link is gone, or was never given the session, cannot
   * read or write its state.
   */
  Message management(
      String entityPath,
      Message request,
      AccessControl.Tokens tokens,
      String host,
      java.util.function.BiPredicate<MessageStore, String> holdsSession) {
    Object operation = properties(request).get("operation");
    Map<String, Object> body =
        request.getBody() instanceof AmqpValue v && v.getValue() instanceof Map<?, ?> m
            ? AmqpServer.stringKeys(m)
            : Map.of();
    MessageStore store = broker.source(entityPath);
    Broker.SendTarget target = broker.target(entityPath);
    String op = operation == null ? "" : operation.toString();
    AccessRight needed = requiredRight(op);
    String refusal = needed == null ? null : access.refusal(tokens, entityPath, needed, host);
    if (refusal != null) {
      return status(request, 401, refusal, AccessControl.UNAUTHORIZED);
    }
    try {
      return switch (op) {
        case VENDOR + "renew-lock" ->
            store == null ? notReceivable(request, op) : renewLock(request, store, body);
        case VENDOR + "update-disposition" ->
            store == null ? notReceivable(request, op) : updateDisposition(request, store, body);
        case VENDOR + "peek-message" ->
            store == null ? notReceivable(request, op) : peek(request, store, body);
        case VENDOR + "receive-by-sequence-number" ->
            store == null ? notReceivable(request, op) : receiveDeferred(request, store, body);
        case VENDOR + "renew-session-lock",
            VENDOR + "get-session-state",
            VENDOR + "set-session-state" -> {
          if (store == null) {
            yield notReceivable(request, op);
          }
          if (!holdsSession.test(store, sessionId(body))) {
            yield status(
                request,
                410,
                "The session lock has expired on the MessageSession. Accept a new"
                    + " MessageSession.",
                SESSION_LOCK_LOST);
          }
          yield switch (op) {
            case VENDOR + "renew-session-lock" -> renewSessionLock(request, store, body);
            case VENDOR + "get-session-state" -> getSessionState(request, store, body);
            default -> setSessionState(request, store, body);
          };
        }
        case VENDOR + "add-rule" -> addRule(request, entityPath, body);
        case VENDOR + "remove-rule" -> removeRule(request, entityPath, body);
        case VENDOR + "enumerate-rules" -> enumerateRules(request, entityPath, body);
        case VENDOR + "schedule-message" ->
            target == null ? notSendable(request, op) : schedule(request, target, body);
        case VENDOR + "cancel-scheduled-message" ->
            target == null ? notSendable(request, op) : cancelScheduled(request, target, body);
        default ->
            status(
                request,
                501,
                "The operation '" + op + "' is not supported by the embedded emulator.",
                "amqp:not-implemented");
      };
    } catch (ClassCastException | IllegalArgumentException | NullPointerException e) {
      return status(
          request, 400, "Malformed " + op + " request: " + e.getMessage(), "amqp:invalid-field");
    }
  }

  /**
   * The right a {@code $management} operation needs: Send to schedule or cancel, Listen for
   * everything a receiver or a rule manager does (the SDKs document rule management as needing
   * Listen only); null for an operation the emulator does not know.
   */
  static AccessRight requiredRight(String operation) {
    return switch (operation) {
      case VENDOR + "schedule-message", VENDOR + "cancel-scheduled-message" -> AccessRight.SEND;
      case VENDOR + "renew-lock",
          VENDOR + "update-disposition",
          VENDOR + "peek-message",
          VENDOR + "receive-by-sequence-number",
          VENDOR + "renew-session-lock",
          VENDOR + "get-session-state",
          VENDOR + "set-session-state",
          VENDOR + "get-message-sessions",
          VENDOR + "add-rule",
          VENDOR + "remove-rule",
          VENDOR + "enumerate-rules" ->
          AccessRight.LISTEN;
      default -> null;
    };
  }

  private Message renewLock(Message request, MessageStore store, Map<String, Object> body) {
    List<UUID> tokens = uuids(body.get("lock-tokens"));
    Date[] expirations = new Date[tokens.size()];
    for (int i = 0; i < tokens.size(); i++) {
      Instant until = store.renew(tokens.get(i));
      if (until == null) {
        return status(request, 410, LOCK_LOST_DESCRIPTION, LOCK_LOST);
      }
      expirations[i] = Date.from(until);
    }
    return status(request, 200, "OK", null, Map.of("expirations", expirations));
  }

  private Message renewSessionLock(Message request, MessageStore store, Map<String, Object> body) {
    Instant until = store.renewSession(sessionId(body));
    if (until == null) {
      return status(
          request, 410, "The session lock has expired on the MessageSession.", SESSION_LOCK_LOST);
    }
    return status(request, 200, "OK", null, Map.of("expiration", Date.from(until)));
  }

  private Message getSessionState(Message request, MessageStore store, Map<String, Object> body) {
    Map<String, Object> result = new HashMap<>();
    result.put("session-state", store.sessionState(sessionId(body)));
    return status(request, 200, "OK", null, result);
  }

  private Message setSessionState(Message request, MessageStore store, Map<String, Object> body) {
    Object state = body.get("session-state");
    store.setSessionState(sessionId(body), state == null ? null : (Binary) state);
    return status(request, 200, "OK", null);
  }

  private static String sessionId(Map<String, Object> body) {
    Object id = body.get("session-id");
    if (id == null) {
      throw new IllegalArgumentException("session-id is required");
    }
    return id.toString();
  }

  private Message addRule(Message request, String entityPath, Map<String, Object> body) {
    Broker.Route route = broker.subscription(entityPath);
    if (route == null) {
      return status(request, 400, "Rules exist on subscriptions only.", "amqp:not-allowed");
    }
    String name = String.valueOf(body.get("rule-name"));
    Map<String, Object> description =
        AmqpServer.stringKeys((Map<?, ?>) body.get("rule-description"));
    if (description.get("sql-rule-action") != null) {
      return status(
          request,
          501,
          "Rule actions are not supported by the embedded emulator.",
          "amqp:not-implemented");
    }
    EmulatorConfig.Rule rule;
    if (description.get("sql-filter") instanceof Map<?, ?> sql) {
      rule = EmulatorConfig.Rule.sql(name, String.valueOf(sql.get("expression")));
    } else if (description.get("correlation-filter") instanceof Map<?, ?> raw) {
      Map<String, Object> cf = AmqpServer.stringKeys(raw);
      Map<String, Object> properties =
          cf.get("properties") instanceof Map<?, ?> p ? AmqpServer.stringKeys(p) : Map.of();
      rule =
          EmulatorConfig.Rule.correlation(
              name,
              new EmulatorConfig.CorrelationFilter(
                  text(cf, "correlation-id"),
                  text(cf, "message-id"),
                  text(cf, "to"),
                  text(cf, "reply-to"),
                  text(cf, "label"),
                  text(cf, "session-id"),
                  text(cf, "reply-to-session-id"),
                  text(cf, "content-type"),
                  properties));
    } else {
      throw new IllegalArgumentException(
          "rule-description needs a sql-filter or a correlation-filter");
    }
    if (!route.add(rule)) {
      return status(
          request,
          409,
          "The messaging entity '" + entityPath + "/Rules/" + name + "' already exists.",
          VENDOR + "entity-already-exists");
    }
    return status(request, 200, "OK", null);
  }

  private Message removeRule(Message request, String entityPath, Map<String, Object> body) {
    Broker.Route route = broker.subscription(entityPath);
    if (route == null) {
      return status(request, 400, "Rules exist on subscriptions only.", "amqp:not-allowed");
    }
    String name = String.valueOf(body.get("rule-name"));
    if (!route.remove(name)) {
      return status(
          request,
          404,
          "The messaging entity '" + entityPath + "/Rules/" + name + "' could not be found.",
          "amqp:not-found");
    }
    return status(request, 200, "OK", null);
  }

  /**
   * The rules as the service describes them: described lists, which the SDKs decode by descriptor
   * (rule description 0x13700000004, SQL filter 0x1370000006, correlation filter 0x1370000009; the
   * empty rule action's 0x13700000005 is a guess, which the SDKs tolerate).
   */
  private Message enumerateRules(Message request, String entityPath, Map<String, Object> body) {
    Broker.Route route = broker.subscription(entityPath);
    if (route == null) {
      return status(request, 400, "Rules exist on subscriptions only.", "amqp:not-allowed");
    }
    int skip = body.get("skip") instanceof Number n ? n.intValue() : 0;
    int top = body.get("top") instanceof Number n ? n.intValue() : Integer.MAX_VALUE;
    List<Map<String, Object>> rules = new ArrayList<>();
    for (EmulatorConfig.Rule rule : route.rules().stream().skip(skip).limit(top).toList()) {
      Object filter;
      if (rule.sqlExpression() != null) {
        filter = described(SQL_FILTER, java.util.Arrays.asList(rule.sqlExpression(), 20));
      } else {
        EmulatorConfig.CorrelationFilter f = rule.correlationFilter();
        filter =
            described(
                CORRELATION_FILTER,
                java.util.Arrays.asList(
                    f.correlationId(),
                    f.messageId(),
                    f.to(),
                    f.replyTo(),
                    f.label(),
                    f.sessionId(),
                    f.replyToSessionId(),
                    f.contentType(),
                    new HashMap<>(f.properties())));
      }
      Object action = described(EMPTY_RULE_ACTION, List.of());
      rules.add(
          Map.of(
              "rule-description",
              described(RULE_DESCRIPTION, List.of(filter, action, rule.name()))));
    }
    if (rules.isEmpty()) {
      return status(request, 204, "No rules", null);
    }
    return status(request, 200, "OK", null, Map.of("rules", rules));
  }

  private static Object described(UnsignedLong code, List<?> fields) {
    return new UnknownDescribedType(code, fields);
  }

  private static String text(Map<String, Object> map, String key) {
    Object value = map.get(key);
    return value == null ? null : value.toString();
  }

  private Message updateDisposition(Message request, MessageStore store, Map<String, Object> body) {
    List<UUID> tokens = uuids(body.get("lock-tokens"));
    String status = String.valueOf(body.get("disposition-status"));
    String reason =
        body.get("deadletter-reason") == null ? null : body.get("deadletter-reason").toString();
    String description =
        body.get("deadletter-description") == null
            ? null
            : body.get("deadletter-description").toString();
    Map<String, Object> changes =
        body.get("properties-to-modify") instanceof Map<?, ?> m
            ? AmqpServer.stringKeys(m)
            : Map.of();
    for (UUID token : tokens) {
      MessageStore.Outcome outcome =
          switch (status) {
            case "completed" -> store.complete(token);
            case "abandoned" -> store.abandon(token, changes);
            case "suspended" -> store.deadLetter(token, reason, description, changes);
            case "defered", "deferred" -> store.defer(token, changes);
            case "released" -> store.release(token);
            default -> throw new IllegalArgumentException("unknown disposition-status " + status);
          };
      if (outcome == MessageStore.Outcome.LOCK_LOST) {
        return status(request, 410, LOCK_LOST_DESCRIPTION, LOCK_LOST);
      }
    }
    return status(request, 200, "OK", null);
  }

  private Message peek(Message request, MessageStore store, Map<String, Object> body) {
    long from = ((Number) body.get("from-sequence-number")).longValue();
    int count = ((Number) body.get("message-count")).intValue();
    List<Map<String, Object>> messages = new ArrayList<>();
    Object session = body.get("session-id");
    List<StoredMessage> found =
        session == null ? store.peek(from, count) : store.peek(from, count, session.toString());
    for (StoredMessage m : found) {
      messages.add(Map.of("message", new Binary(AmqpCodec.encode(forDelivery(m)))));
    }
    if (messages.isEmpty()) {
      return status(request, 204, "No messages", null);
    }
    return status(request, 200, "OK", null, Map.of("messages", messages));
  }

  private Message receiveDeferred(Message request, MessageStore store, Map<String, Object> body) {
    long[] numbers = longs(body.get("sequence-numbers"));
    Object mode = body.get("receiver-settle-mode");
    boolean receiveAndDelete = mode instanceof Number n && n.intValue() == 0;
    List<Map<String, Object>> messages = new ArrayList<>();
    for (StoredMessage m : store.deferred(numbers)) {
      Map<String, Object> entry = new HashMap<>();
      if (receiveAndDelete) {
        store.remove(m);
      } else {
        entry.put("lock-token", store.lock(m));
      }
      entry.put("message", new Binary(AmqpCodec.encode(forDelivery(m))));
      messages.add(entry);
    }
    if (messages.isEmpty()) {
      return status(
          request,
          404,
          "No deferred message with the given sequence numbers.",
          VENDOR + "message-not-found");
    }
    return status(request, 200, "OK", null, Map.of("messages", messages));
  }

  private Message schedule(Message request, Broker.SendTarget target, Map<String, Object> body) {
    List<Long> numbers = new ArrayList<>();
    for (Object entry : (Iterable<?>) body.get("messages")) {
      Binary encoded = (Binary) ((Map<?, ?>) entry).get("message");
      Message message =
          AmqpCodec.decode(encoded.getArray(), encoded.getArrayOffset(), encoded.getLength());
      numbers.add(target.send(message));
    }
    // Encoded as an AMQP array of long, which the SDK decodes to the long[] it expects.
    return status(
        request, 200, "OK", null, Map.of("sequence-numbers", numbers.toArray(new Long[0])));
  }

  private Message cancelScheduled(
      Message request, Broker.SendTarget target, Map<String, Object> body) {
    for (long n : longs(body.get("sequence-numbers"))) {
      target.cancelScheduled(n);
    }
    return status(request, 200, "OK", null);
  }

  private static Message notReceivable(Message request, String op) {
    return status(request, 400, op + " needs a queue or subscription.", "amqp:not-allowed");
  }

  private static Message notSendable(Message request, String op) {
    return status(request, 400, op + " needs a queue or topic.", "amqp:not-allowed");
  }

  /**
   * The message as a receiver sees it: a header with the delivery count (the SDK requires one) and
   * the broker annotations the SDK reads, with the exact AMQP types it casts to.
   */
  static Message forDelivery(StoredMessage stored) {
    Message out = AmqpCodec.copy(stored.message);
    Header header = out.getHeader() == null ? new Header() : out.getHeader();
    header.setDeliveryCount(UnsignedInteger.valueOf(stored.deliveryCount));
    out.setHeader(header);
    Map<Symbol, Object> annotations = new LinkedHashMap<>();
    if (out.getMessageAnnotations() != null && out.getMessageAnnotations().getValue() != null) {
      annotations.putAll(out.getMessageAnnotations().getValue());
    }
    annotations.put(SEQUENCE_NUMBER, stored.sequenceNumber);
    annotations.put(ENQUEUE_SEQUENCE_NUMBER, stored.sequenceNumber);
    annotations.put(ENQUEUED_TIME, Date.from(stored.enqueuedTime));
    annotations.put(MESSAGE_STATE, stored.state.ordinal());
    if (stored.lockedUntil != null) {
      annotations.put(LOCKED_UNTIL, Date.from(stored.lockedUntil));
    }
    if (stored.deadLetterSource != null) {
      annotations.put(DEAD_LETTER_SOURCE, stored.deadLetterSource);
    }
    out.setMessageAnnotations(new MessageAnnotations(annotations));
    return out;
  }

  /**
   * A $cbs response. The service answers put-token with {@code status-code} and {@code
   * status-description}, the names of the AMQP CBS draft, which the .NET and Python clients read;
   * the Java and Go clients read {@code statusCode} first and the Node client either. Both
   * spellings go out, with the same values.
   */
  private static Message cbsStatus(
      Message request, int code, String description, String condition) {
    Message response = status(request, code, description, condition, null);
    @SuppressWarnings("unchecked")
    Map<String, Object> props = response.getApplicationProperties().getValue();
    props.put("status-code", Integer.valueOf(code));
    props.put("status-description", description);
    return response;
  }

  private static Message status(Message request, int code, String description, String condition) {
    return status(request, code, description, condition, null);
  }

  private static Message status(
      Message request, int code, String description, String condition, Map<String, Object> body) {
    Message response = Proton.message();
    Map<String, Object> props = new HashMap<>();
    // The SDK casts the status to int: it must be an AMQP int, not uint or long.
    props.put("statusCode", Integer.valueOf(code));
    props.put("statusDescription", description);
    if (condition != null) {
      props.put("errorCondition", Symbol.valueOf(condition));
    }
    response.setApplicationProperties(new ApplicationProperties(props));
    response.setCorrelationId(request.getMessageId());
    if (body != null) {
      response.setBody(new AmqpValue(body));
    }
    return response;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> properties(Message message) {
    return message.getApplicationProperties() == null
            || message.getApplicationProperties().getValue() == null
        ? Map.of()
        : message.getApplicationProperties().getValue();
  }

  private static List<UUID> uuids(Object value) {
    List<UUID> result = new ArrayList<>();
    for (Object o : iterable(value)) {
      result.add(o instanceof UUID u ? u : UUID.fromString(o.toString()));
    }
    return result;
  }

  private static long[] longs(Object value) {
    if (value instanceof long[] primitive) {
      return primitive;
    }
    List<Long> result = new ArrayList<>();
    for (Object o : iterable(value)) {
      result.add(((Number) o).longValue());
    }
    return result.stream().mapToLong(Long::longValue).toArray();
  }

  private static Iterable<?> iterable(Object value) {
    if (value instanceof Object[] array) {
      return List.of(array);
    }
    if (value instanceof Iterable<?> it) {
      return it;
    }
    throw new IllegalArgumentException(
        "expected an array, got " + (value == null ? "nothing" : value.getClass()));
  }
}
