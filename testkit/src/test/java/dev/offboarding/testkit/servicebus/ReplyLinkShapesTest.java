package dev.offboarding.testkit.servicebus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The $cbs exchange as each official SDK's AMQP stack shapes it, replayed with a bare Proton-J
 * client: every shape must get its put-token answer, correlated by the request's message id (of the
 * type the client sent), with the status as an AMQP int under both spellings. The shapes are read
 * from each SDK's source; see testkit/README.md.
 */
class ReplyLinkShapesTest {
  private static final EmulatorConfig CONFIG = EmulatorConfig.builder().queue("q").build();

  /**
   * One client's way to ask $cbs: its reply link's name and target address (null = a target without
   * address), the request's reply-to (null = none) and message id, and whether the request goes
   * pre-settled.
   */
  record Shape(
      String sdk,
      String replyLinkName,
      String replyTarget,
      String replyTo,
      Object messageId,
      boolean presettled) {
    @Override
    public String toString() {
      return sdk;
    }
  }

  static Shape[] shapes() {
    String guid = UUID.randomUUID().toString().replace("-", "");
    String uuid = UUID.randomUUID().toString();
    return new Shape[] {
      // azure-core-amqp (proton-j): RequestResponseChannel, reply-to = "<node>-client-reply-to",
      // ulong ids.
      new Shape(
          "java",
          "cbs:receiver",
          "cbs-client-reply-to",
          "cbs-client-reply-to",
          UnsignedLong.valueOf(1),
          true),
      // Microsoft.Azure.Amqp RequestResponseAmqpLink: target and reply-to a GUID ("N"), string ids.
      new Shape("dotnet", "duplex1:1:1:receiver", guid, guid, "RequestResponseAmqpLink1", true),
      // core-amqp CbsClient on rhea: the reply-to is the link *name*; rhea gives the receiver an
      // empty target.
      new Shape("node", "cbs-" + uuid, null, "cbs-" + uuid, uuid, false),
      // pyamqp ManagementLink: reply link target = the node address, no reply-to, an integer
      // counter as id.
      new Shape("python", "$cbs-receiver", "$cbs", null, UnsignedLong.valueOf(0), false),
      // azservicebus rpcLink (go-amqp): target and reply-to "<address>-reply-to-<uuid>" as the code
      // computes it.
      new Shape("go", "rpc-" + uuid, "-reply-to-" + uuid, "-reply-to-" + uuid, uuid, false),
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void answersPutTokenOnTheReplyLinkTheClientAttached(Shape shape) throws Exception {
    try (ServiceBusEmulator emulator = ServiceBusEmulator.start(CONFIG, 0);
        RawAmqpClient client = new RawAmqpClient(emulator.port(), 0)) {
      // Arrange: a session with a request link to $cbs and the shape's reply link from it.
      Session session = client.connection.session();
      session.open();
      Sender requests = session.sender(shape.sdk() + "-cbs:sender");
      Target cbs = new Target();
      cbs.setAddress("$cbs");
      requests.setTarget(cbs);
      requests.setSource(new Source());
      requests.setSenderSettleMode(
          shape.presettled() ? SenderSettleMode.SETTLED : SenderSettleMode.UNSETTLED);
      requests.open();
      Receiver replies = session.receiver(shape.replyLinkName());
      Source fromCbs = new Source();
      fromCbs.setAddress("$cbs");
      replies.setSource(fromCbs);
      Target replyTarget = new Target();
      replyTarget.setAddress(shape.replyTarget());
      replies.setTarget(replyTarget);
      replies.setSenderSettleMode(SenderSettleMode.SETTLED);
      replies.setReceiverSettleMode(ReceiverSettleMode.FIRST);
      replies.open();
      replies.flow(10);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                client.pump();
                return requests.getRemoteState() == EndpointState.ACTIVE
                    && replies.getRemoteState() == EndpointState.ACTIVE;
              });

      // Act: one put-token request.
      Message request = Proton.message();
      request.setMessageId(shape.messageId());
      request.setReplyTo(shape.replyTo());
      Map<String, Object> props = new HashMap<>();
      props.put("operation", "put-token");
      props.put("type", "servicebus.windows.net:sastoken");
      props.put("name", "amqp://localhost/q");
      props.put("expiration", new Date());
      request.setApplicationProperties(new ApplicationProperties(props));
      request.setBody(
          new AmqpValue("SharedAccessSignature sr=amqp%3A%2F%2Flocalhost%2Fq&sig=x&se=1&skn=k"));
      byte[] bytes = AmqpCodec.encode(request);
      Delivery sent = requests.delivery(UUID.randomUUID().toString().getBytes());
      requests.send(bytes, 0, bytes.length);
      requests.advance();
      if (shape.presettled()) {
        sent.settle();
      }
      AtomicReference<Message> response = new AtomicReference<>();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                client.pump();
                Delivery d = replies.current();
                if (d != null && d.isReadable() && !d.isPartial()) {
                  byte[] in = new byte[d.pending()];
                  int n = replies.recv(in, 0, in.length);
                  replies.advance();
                  d.settle();
                  response.set(AmqpCodec.decode(in, 0, n));
                }
                return response.get() != null;
              });

      // Assert
      Message answer = response.get();
      assertEquals(shape.messageId(), answer.getCorrelationId());
      Map<?, ?> answerProps = answer.getApplicationProperties().getValue();
      assertEquals(Integer.valueOf(200), answerProps.get("status-code"));
      assertEquals(Integer.valueOf(200), answerProps.get("statusCode"));
    }
  }
}
