package dev.offboarding.worker.codec;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.lifecycle.PendingResume;
import java.io.IOException;
import java.util.Set;

/**
 * The wire form of a {@link PendingResume}: a JSON object whose {@value #MARKER} member names the
 * format, with the event embedded as received. Decoding is strict (unknown members, wrong types,
 * unknown statuses are refused): only the worker writes its own queue, but nothing read back from
 * the broker is trusted beyond what can be checked; the embedded event is validated again by the
 * event codec, and its id read again as a task's. Thread-safe.
 */
public final class PendingResumeCodec {
  /** The member that marks a pending resume, and its value. */
  public static final String MARKER = "pendingResume";

  /** The value of the {@link #MARKER} field: the format and its version. */
  public static final String FORMAT = "dev.offboarding.pending-resume.v1";

  /** The largest pending resume read: the Service Bus message limit. */
  static final int MAX_BYTES = 256 * 1024;

  private static final Set<String> MEMBERS =
      Set.of(MARKER, "origin", "queue", "operationStatus", "summaryStatus", "event");

  private final ObjectMapper json = new ObjectMapper();

  /** A codec that reads at most 64 levels of nesting. */
  public PendingResumeCodec() {
    json.getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  /** The pending resume's JSON, as the worker writes it to its own queue. */
  public byte[] encode(PendingResume r) {
    ObjectNode root = json.createObjectNode();
    root.put(MARKER, FORMAT);
    root.put("origin", r.origin());
    root.put("queue", r.intakeQueue());
    root.put("operationStatus", r.operationStatus());
    root.put("summaryStatus", r.summaryStatus().name());
    try {
      root.set("event", json.readTree(r.event()));
      return json.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalArgumentException("the event of a pending resume must be JSON", e);
    }
  }

  /**
   * Reads a pending resume.
   *
   * @throws IllegalArgumentException when the body is not a well-formed one, naming no content
   */
  public PendingResume decode(byte[] body) {
    JsonNode root =
        MarkedObjects.read(json, body, MAX_BYTES, "pending resume", MARKER, FORMAT, MEMBERS);
    String origin = text(root, "origin");
    if (!Inbound.isOrigin(origin)) {
      throw new IllegalArgumentException("origin is not <sequence number>@<queue>");
    }
    String queue = text(root, "queue");
    if (!Inbound.isEntityName(queue)) {
      throw new IllegalArgumentException("queue is not a Service Bus entity name");
    }
    SummaryStatus status;
    try {
      status = SummaryStatus.valueOf(text(root, "summaryStatus"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("summaryStatus is not a summary status");
    }
    JsonNode event = root.get("event");
    if (event == null || !event.isObject()) {
      throw new IllegalArgumentException("event must be an object");
    }
    try {
      return new PendingResume(
          json.writeValueAsBytes(event), origin, queue, text(root, "operationStatus"), status);
    } catch (IOException e) {
      throw new IllegalArgumentException("the event could not be written back");
    }
  }

  private static String text(JsonNode root, String name) {
    JsonNode v = root.get(name);
    if (v == null || !v.isTextual() || v.asText().isBlank() || v.asText().length() > 300) {
      throw new IllegalArgumentException(name + " must be text of at most 300 characters");
    }
    return v.asText();
  }
}
