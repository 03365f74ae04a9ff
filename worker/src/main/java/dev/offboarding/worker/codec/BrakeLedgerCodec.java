package dev.offboarding.worker.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offboarding.worker.guard.BrakeLedger;
import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.TreeMap;

/**
 * The wire form of a {@link BrakeLedger}, kept as the session state of a cap's session on the
 * worker's state queue: {@code {"format":"dev.offboarding.brake.v1","leases":[[<epoch
 * second>,<users>],...]}}. Decoding is strict: nothing read back from the broker is trusted beyond
 * what can be checked.
 */
public final class BrakeLedgerCodec {
  /** The member that names the format, and its value. */
  public static final String FORMAT = "dev.offboarding.brake.v1";

  /** More entries than this is not a ledger the worker wrote (it writes about 61 at most). */
  static final int MAX_ENTRIES = 10_000;

  /** The largest state read. */
  static final int MAX_BYTES = 256 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private BrakeLedgerCodec() {}

  /** The wire form of a ledger. */
  public static byte[] encode(BrakeLedger ledger) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    ArrayNode list = root.putArray("leases");
    ledger.leases().forEach((t, n) -> list.addArray().add(t).add(n));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a ledger; no state at all (null or empty) is an empty ledger.
   *
   * @throws IllegalArgumentException naming what is wrong, never echoing the content
   */
  public static BrakeLedger decode(byte[] state) {
    if (state == null || state.length == 0) {
      return BrakeLedger.EMPTY;
    }
    if (state.length > MAX_BYTES) {
      throw new IllegalArgumentException("brake state larger than " + MAX_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = JSON.readTree(state);
    } catch (IOException e) {
      throw new IllegalArgumentException("brake state is not well-formed JSON");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("brake state must be a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!name.equals("format") && !name.equals("leases")) {
        throw new IllegalArgumentException("brake state has an unknown member");
      }
    }
    if (!FORMAT.equals(root.path("format").asText(null))) {
      throw new IllegalArgumentException("brake state format must be " + FORMAT);
    }
    JsonNode list = root.get("leases");
    if (list == null || !list.isArray() || list.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException(
          "brake state leases must be an array of at most " + MAX_ENTRIES);
    }
    TreeMap<Long, Long> leases = new TreeMap<>();
    for (JsonNode entry : list) {
      if (!entry.isArray()
          || entry.size() != 2
          || !entry.get(0).canConvertToLong()
          || !entry.get(1).canConvertToInt()
          || !entry.get(0).isIntegralNumber()
          || !entry.get(1).isIntegralNumber()
          || entry.get(0).longValue() < 0
          || entry.get(0).longValue() > Instant.MAX.getEpochSecond() / 2
          || entry.get(1).intValue() < 1) {
        throw new IllegalArgumentException("brake state leases are [<epoch second>, <users >= 1>]");
      }
      leases.merge(entry.get(0).longValue(), entry.get(1).longValue(), Math::addExact);
    }
    return new BrakeLedger(leases);
  }
}
