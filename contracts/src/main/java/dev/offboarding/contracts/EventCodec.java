package dev.offboarding.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes v1 offboarding events as CloudEvents 1.0 in structured JSON mode.
 *
 * <p>Decoding is strict and total: any byte array yields a {@link DecodeResult}, never an
 * exception, and an invalid message yields every problem with its JSONPath, so an operator can fix
 * a producer in one round. The rules are those of {@code event.v1.schema.json} (see {@link
 * Schemas#EVENT}), plus what a schema cannot say: at most {@link #MAX_BYTES}, UTF-8, no duplicate
 * keys.
 *
 * <p>Instances hold no mutable state: create one and share it between threads.
 */
public final class EventCodec {

  /** The largest message accepted: Service Bus Standard's message size limit. */
  public static final int MAX_BYTES = 256 * 1024;

  /**
   * The most problems one {@link DecodeResult.Invalid} lists, so that a rejection audit fits in one
   * message however broken the event; beyond it, the last problem counts the rest.
   */
  public static final int MAX_PROBLEMS = 100;

  private static final int MAX_CORRELATION_LENGTH = 256;

  private final StrictJson json = new StrictJson();

  /** A codec; reusable and thread-safe. */
  public EventCodec() {}

  /**
   * Decodes and validates one message body.
   *
   * @param json the message body; null is treated as empty
   * @return the event, or every problem found
   */
  public DecodeResult decode(byte[] json) {
    try {
      return decodeOrThrow(json);
    } catch (RuntimeException e) {
      // Decoding is total by contract: a defect here must not become a poison message loop.
      return new DecodeResult.Invalid(
          List.of(new Problem(JsonPath.ROOT, "could not be read")), null, null);
    }
  }

  private DecodeResult decodeOrThrow(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return invalid("not valid JSON: the message is empty");
    }
    if (bytes.length > MAX_BYTES) {
      return invalid("larger than " + MAX_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = json.read(bytes);
    } catch (StrictJson.MalformedJsonException e) {
      return invalid(e.getMessage());
    }
    EventReader reader = new EventReader();
    OffboardingEvent event = reader.read(root);
    if (event != null) {
      return new DecodeResult.Valid(event);
    }
    return new DecodeResult.Invalid(
        reader.problems(),
        correlation(root, "id"),
        correlation(root, "type"),
        Provenance.undecodedSource(correlation(root, "source")));
  }

  private static DecodeResult invalid(String message) {
    return new DecodeResult.Invalid(List.of(new Problem(JsonPath.ROOT, message)), null, null);
  }

  /** A raw envelope value worth repeating in a rejection audit, or null. */
  private static String correlation(JsonNode root, String name) {
    JsonNode node = root.isObject() ? root.get(name) : null;
    if (node == null || !node.isTextual()) {
      return null;
    }
    String value = node.textValue();
    return Text.isPrintable(value, MAX_CORRELATION_LENGTH) ? value : null;
  }

  /**
   * Encodes an event as a CloudEvents structured-mode JSON document that {@link #decode} accepts
   * and turns back into an equal event.
   *
   * @throws IllegalArgumentException when the event breaks a contract rule its record does not
   *     enforce (e.g. a blank reason or a source that is no URI reference), listing every problem
   */
  public byte[] encode(OffboardingEvent event) {
    Objects.requireNonNull(event, "event");
    ObjectNode root = json.objectNode();
    root.put("specversion", OffboardingEvent.SPEC_VERSION);
    root.put("id", event.id());
    root.put("source", event.source());
    root.put("type", event.type().wireName());
    if (event.time() != null) {
      root.put("time", Rfc3339.format(event.time()));
    }
    root.put("datacontenttype", EventReader.DATA_CONTENT_TYPE);
    if (event.cancellation() != null) {
      root.putObject("data")
          .put("eventId", event.cancellation().eventId())
          .put("reason", event.cancellation().reason())
          .put("requestedBy", event.cancellation().requestedBy());
      return checked(root);
    }
    if (event.approval() != null) {
      Approval a = event.approval();
      ObjectNode approval =
          root.putObject("data").put("eventId", a.eventId()).put("requestedBy", a.requestedBy());
      if (a.reason() != null) {
        approval.put("reason", a.reason());
      }
      if (!a.users().isEmpty()) {
        ArrayNode users = approval.putArray("users");
        a.users().forEach(users::add);
      }
      return checked(root);
    }
    EventData data = event.data();
    ObjectNode dataNode = root.putObject("data");
    ArrayNode targets = dataNode.putArray("targets");
    for (Target target : data.targets()) {
      ObjectNode item = targets.addObject();
      switch (target) {
        case Target.User u -> item.put("user", u.user());
        case Target.Group g -> item.put("group", g.group());
        case Target.Attribute a -> item.put("attribute", a.attribute()).put("equals", a.equals());
      }
    }
    if (!data.actions().isEmpty()) {
      ArrayNode actions = dataNode.putArray("actions");
      data.actions().forEach(a -> actions.add(a.wireName()));
    }
    dataNode.put("reason", data.reason());
    if (data.ticket() != null) {
      dataNode.put("ticket", data.ticket());
    }
    if (data.requestedBy() != null) {
      dataNode.put("requestedBy", data.requestedBy());
    }
    dataNode.put("dryRun", data.dryRun());
    if (!data.deviceIds().isEmpty()) {
      var ids = dataNode.putArray("deviceIds");
      data.deviceIds().forEach(ids::add);
    }
    if (data.effectiveAt() != null) {
      dataNode.put("effectiveAt", Rfc3339.format(data.effectiveAt()));
    }

    return checked(root);
  }

  private byte[] checked(ObjectNode root) {
    // Check what is about to go out with the reader's rules, so encode never emits what decode
    // refuses.
    EventReader check = new EventReader();
    if (check.read(root) == null) {
      throw new IllegalArgumentException(
          "event breaks the v1 contract: "
              + String.join("; ", check.problems().stream().map(Problem::toString).toList()));
    }
    return json.write(root);
  }
}
