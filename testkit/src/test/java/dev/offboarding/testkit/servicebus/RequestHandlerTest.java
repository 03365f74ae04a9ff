package dev.offboarding.testkit.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.testkit.servicebus.EmulatorConfig.AccessRight;
import dev.offboarding.testkit.servicebus.EmulatorConfig.SharedAccessKey;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

/**
 * The $cbs answers, which the SDK needs before any link: status as an AMQP int, correlated by
 * message id; and the claims each $management operation needs.
 */
class RequestHandlerTest {
  private final RequestHandler handler =
      new RequestHandler(
          new Broker(EmulatorConfig.builder().queue("q").build(), Clock.systemUTC()),
          new AccessControl(List.of(), Clock.systemUTC()));
  private final AccessControl.Tokens tokens = new AccessControl.Tokens();

  private static Message putToken(String type, String name, Object token) {
    Message request = Proton.message();
    request.setMessageId(UnsignedLong.valueOf(7));
    request.setReplyTo("cbs-client-reply-to");
    Map<String, Object> props = new HashMap<>();
    props.put("operation", "put-token");
    props.put("type", type);
    props.put("name", name);
    request.setApplicationProperties(new ApplicationProperties(props));
    request.setBody(new AmqpValue(token));
    return request;
  }

  private Message cbs(Message request) {
    return handler.cbs(request, tokens, "localhost");
  }

  private static Object status(Message response) {
    return response.getApplicationProperties().getValue().get("statusCode");
  }

  @Test
  void acceptsAnySharedAccessSignatureAndEchoesTheRequestId() {
    Message response =
        cbs(
            putToken(
                "servicebus.windows.net:sastoken",
                "amqp://localhost/q",
                "SharedAccessSignature sr=amqp%3A%2F%2Flocalhost%2Fq&sig=abc&se=1900000000&skn=RootManageSharedAccessKey"));

    assertEquals(Integer.valueOf(200), status(response));
    assertEquals(UnsignedLong.valueOf(7), response.getCorrelationId());
  }

  @Test
  void acceptsAJsonWebToken() {
    assertEquals(200, status(cbs(putToken("jwt", "amqp://localhost/q", "eyJ0eXAi.e30.sig"))));
  }

  @Test
  void refusesATokenThatIsNoSharedAccessSignatureAsUnauthorized() {
    assertEquals(
        401,
        status(
            cbs(putToken("servicebus.windows.net:sastoken", "amqp://localhost/q", "let me in"))));
  }

  @Test
  void refusesMalformedRequestsAsBadRequests() {
    assertEquals(400, status(cbs(putToken("servicebus.windows.net:sastoken", null, "x"))));
    assertEquals(400, status(cbs(putToken("kerberos", "amqp://localhost/q", "x"))));
    assertEquals(400, status(cbs(putToken("jwt", "amqp://localhost/q", null))));
    Message wrongOperation = putToken("jwt", "amqp://localhost/q", "x");
    wrongOperation.getApplicationProperties().getValue().put("operation", "delete-token");
    assertEquals(400, status(cbs(wrongOperation)));
  }

  @Test
  void answersUnknownManagementOperationsAsNotImplemented() {
    Message request = Proton.message();
    request.setMessageId(UnsignedLong.valueOf(1));
    request.setApplicationProperties(
        new ApplicationProperties(Map.of("operation", "com.microsoft:get-message-sessions")));

    Message response = handler.management("q", request, tokens, "localhost");

    assertEquals(501, status(response));
    assertEquals(
        "amqp:not-implemented",
        response.getApplicationProperties().getValue().get("errorCondition").toString());
  }

  @Test
  void refusesASessionsStateToAConnectionThatDoesNotHoldItsLockAsTheServiceDoes() {
    RequestHandler sessions =
        new RequestHandler(
            new Broker(
                EmulatorConfig.builder()
                    .queue(
                        EmulatorConfig.Queue.named("s")
                            .withProperties(
                                EmulatorConfig.EntityProperties.DEFAULTS.withSessions()))
                    .build(),
                Clock.systemUTC()),
            new AccessControl(List.of(), Clock.systemUTC()));
    Message request = Proton.message();
    request.setMessageId(UnsignedLong.valueOf(4));
    request.setApplicationProperties(
        new ApplicationProperties(Map.of("operation", "com.microsoft:set-session-state")));
    request.setBody(
        new AmqpValue(
            Map.of(
                "session-id",
                "a",
                "session-state",
                new org.apache.qpid.proton.amqp.Binary(new byte[] {1}))));

    Message notHolding =
        sessions.management("s", request, tokens, "localhost", (store, id) -> false);
    Message holding =
        sessions.management("s", request, tokens, "localhost", (store, id) -> "a".equals(id));

    assertEquals(410, status(notHolding));
    assertEquals(
        "com.microsoft:session-lock-lost",
        notHolding.getApplicationProperties().getValue().get("errorCondition").toString());
    assertEquals(200, status(holding));
  }

  @Test
  void needsSendToScheduleOrCancelAndListenForEverythingAReceiverOrRuleManagerDoes() {
    for (String op : List.of("schedule-message", "cancel-scheduled-message")) {
      assertEquals(AccessRight.SEND, RequestHandler.requiredRight("com.microsoft:" + op), op);
    }
    for (String op :
        List.of(
            "peek-message",
            "receive-by-sequence-number",
            "renew-lock",
            "update-disposition",
            "renew-session-lock",
            "get-session-state",
            "set-session-state",
            "add-rule",
            "remove-rule",
            "enumerate-rules")) {
      assertEquals(AccessRight.LISTEN, RequestHandler.requiredRight("com.microsoft:" + op), op);
    }
  }

  @Test
  void answersAManagementOperationWithoutItsClaimWith401AsTheServiceDoes() {
    // Arrange: keys are configured, and this connection put no token for the queue
    RequestHandler checking =
        new RequestHandler(
            new Broker(EmulatorConfig.builder().queue("q").build(), Clock.systemUTC()),
            new AccessControl(
                List.of(SharedAccessKey.onNamespace("reader", "x", AccessRight.LISTEN)),
                Clock.systemUTC()));
    Message request = Proton.message();
    request.setMessageId(UnsignedLong.valueOf(3));
    request.setApplicationProperties(
        new ApplicationProperties(Map.of("operation", "com.microsoft:cancel-scheduled-message")));
    request.setBody(new AmqpValue(Map.of("sequence-numbers", new Long[] {1L})));

    // Act
    Message response = checking.management("q", request, tokens, "localhost");

    // Assert
    assertEquals(401, status(response));
    Map<?, ?> props = response.getApplicationProperties().getValue();
    assertEquals("amqp:unauthorized-access", props.get("errorCondition").toString());
    assertTrue(
        props
            .get("statusDescription")
            .toString()
            .startsWith(
                "Unauthorized access. 'Send' claim(s) are"
                    + " required to perform this operation. Resource: 'sb://localhost/q'. TrackingId:"));
    assertEquals(UnsignedLong.valueOf(3), response.getCorrelationId());
  }
}
