package dev.offboarding.testkit.servicebus;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.DroppingWritableBuffer;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.codec.WritableBuffer;
import org.apache.qpid.proton.message.Message;

/**
 * Encoding helpers shared by the AMQP layer and the store: messages, batches and lock-token tags.
 */
final class AmqpCodec {

  /**
   * Message format of a transfer that carries a Service Bus batch: one {@code data} section per
   * message.
   */
  static final int BATCH_MESSAGE_FORMAT = 0x80013700;

  private AmqpCodec() {}

  static byte[] encode(Message message) {
    DroppingWritableBuffer sizer = new DroppingWritableBuffer();
    message.encode(sizer);
    // The encoder reserves worst-case room for strings before writing them, so leave slack beyond
    // the size.
    int capacity = sizer.position() + 256;
    while (true) {
      ByteBuffer buffer = ByteBuffer.allocate(capacity);
      try {
        message.encode(new WritableBuffer.ByteBufferWrapper(buffer));
        return Arrays.copyOf(buffer.array(), buffer.position());
      } catch (BufferOverflowException e) {
        capacity *= 2;
      }
    }
  }

  static Message decode(byte[] bytes, int offset, int length) {
    Message message = Message.Factory.create();
    message.decode(bytes, offset, length);
    return message;
  }

  /** A deep copy, so each subscription and each delivery owns its message. */
  static Message copy(Message message) {
    byte[] bytes = encode(message);
    return decode(bytes, 0, bytes.length);
  }

  /**
   * The messages of one transfer: itself for format 0, the messages in its {@code data} sections
   * for a batch.
   *
   * @throws IllegalArgumentException for another message format or a batch without messages
   */
  static List<Message> decodeTransfer(byte[] bytes, int messageFormat) {
    if (messageFormat == 0) {
      return List.of(decode(bytes, 0, bytes.length));
    }
    if (messageFormat != BATCH_MESSAGE_FORMAT) {
      throw new IllegalArgumentException(
          "unsupported message format " + Integer.toUnsignedString(messageFormat, 16));
    }
    DecoderImpl decoder = new DecoderImpl();
    AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    decoder.setByteBuffer(buffer);
    List<Message> messages = new ArrayList<>();
    while (buffer.hasRemaining()) {
      // The envelope's header, annotations and properties only describe the batch; the data
      // sections hold it.
      if (decoder.readObject() instanceof Data data) {
        Binary b = data.getValue();
        messages.add(decode(b.getArray(), b.getArrayOffset(), b.getLength()));
      }
    }
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("batch transfer without data sections");
    }
    return messages;
  }

  /**
   * The delivery tag that carries a lock token: the 16 bytes of .NET's {@code Guid.ToByteArray()},
   * which the SDK turns back into the same UUID.
   */
  static byte[] lockTokenTag(UUID token) {
    byte[] b =
        ByteBuffer.allocate(16)
            .putLong(token.getMostSignificantBits())
            .putLong(token.getLeastSignificantBits())
            .array();
    return new byte[] {
      b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6],
      b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
    };
  }
}
