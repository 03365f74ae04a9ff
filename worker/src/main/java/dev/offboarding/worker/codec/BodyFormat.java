package dev.offboarding.worker.codec;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What a message body claims to be, by its format member: a follow-up ({@value
 * ContinuationCodec#MARKER}), a cancellation marker ({@value CancellationMarkerCodec#MARKER}), a
 * sign-in watch entry ({@value WatchEntryCodec#MARKER}), a pending resume ({@value
 * PendingResumeCodec#MARKER}), or else an event (what is not JSON too: that is for the event codec
 * to say).
 */
public enum BodyFormat {
  /** A producer's event, or anything that is neither of the worker's own formats. */
  EVENT,
  /** A follow-up carrying the rest of an event. */
  FOLLOW_UP,
  /** A cancellation marker coming due. */
  MARKER,
  /** A sign-in watch entry ({@value WatchEntryCodec#MARKER}). */
  WATCH,
  /** A resume the worker owes a Lifecycle Workflows task. */
  PENDING_RESUME;

  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  /** Reads the format member of a body; never throws. */
  public static BodyFormat of(byte[] body) {
    if (body.length > ContinuationCodec.MAX_BYTES) {
      return EVENT;
    }
    try {
      JsonNode root = JSON.readTree(body);
      if (root != null && root.isObject() && root.has(ContinuationCodec.MARKER)) {
        return FOLLOW_UP;
      }
      if (root != null && root.isObject() && root.has(CancellationMarkerCodec.MARKER)) {
        return MARKER;
      }
      if (root != null && root.isObject() && root.has(WatchEntryCodec.MARKER)) {
        return WATCH;
      }
      if (root != null && root.isObject() && root.has(PendingResumeCodec.MARKER)) {
        return PENDING_RESUME;
      }
      return EVENT;
    } catch (IOException e) {
      return EVENT;
    }
  }
}
