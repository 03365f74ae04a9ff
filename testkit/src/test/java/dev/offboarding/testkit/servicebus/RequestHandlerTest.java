package dev.offboarding.testkit.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

/** The $cbs answers, which the SDK needs before any link: status as an AMQP int, correlated by message id. */
class RequestHandlerTest {
  private final RequestHandler handler =
      new RequestHandler(new Broker(EmulatorConfig.builder().queue("q").build(), Clock.systemUTC()));

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

  private static Object status(Message response) {
    return response.getApplicationProperties().getValue().get("statusCode");
  }

  @Test
  void acceptsAnySharedAccessSignatureAndEchoesTheRequestId() {
    Message response = handler.cbs(putToken("servicebus.windows.net:sastoken", "amqp://localhost/q",
        "SharedAccessSignature sr=amqp%3A%2F%2Flocalhost%2Fq&sig=abc&se=1900000000&skn=RootManageSharedAccessKey"));

    assertEquals(Integer.valueOf(200), status(response));
    assertEquals(UnsignedLong.valueOf(7), response.getCorrelationId());
  }

  @Test
  void acceptsAJsonWebToken() {
    assertEquals(200, status(handler.cbs(putToken("jwt", "amqp://localhost/q", "eyJ0eXAi.e30.sig"))));
  }

  @Test
  void refusesATokenThatIsNoSharedAccessSignatureAsUnauthorized() {
    assertEquals(401, status(handler.cbs(putToken("servicebus.windows.net:sastoken", "amqp://localhost/q",
        "let me in"))));
  }

  @Test
  void refusesMalformedRequestsAsBadRequests() {
    assertEquals(400, status(handler.cbs(putToken("servicebus.windows.net:sastoken", null, "x"))));
    assertEquals(400, status(handler.cbs(putToken("kerberos", "amqp://localhost/q", "x"))));
    assertEquals(400, status(handler.cbs(putToken("jwt", "amqp://localhost/q", null))));
    Message wrongOperation = putToken("jwt", "amqp://localhost/q", "x");
    wrongOperation.getApplicationProperties().getValue().put("operation", "delete-token");
    assertEquals(400, status(handler.cbs(wrongOperation)));
  }

  @Test
  void answersUnknownManagementOperationsAsNotImplemented() {
    Message request = Proton.message();
    request.setMessageId(UnsignedLong.valueOf(1));
    request.setApplicationProperties(new ApplicationProperties(Map.of("operation", "com.microsoft:get-message-sessions")));

    Message response = handler.management("q", request);

    assertEquals(501, status(response));
    assertEquals("amqp:not-implemented",
        response.getApplicationProperties().getValue().get("errorCondition").toString());
  }
}
