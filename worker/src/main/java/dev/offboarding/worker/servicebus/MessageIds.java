package dev.offboarding.worker.servicebus;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Message ids derived from what a message says rather than drawn at random, so that the broker's
 * duplicate detection drops the copy a repeated delivery publishes again (a delivery processed a
 * second time after a crash): one final result per user and event, one summary per step, one
 * follow-up per step. Each derives from an origin, the broker's sequence number of the event
 * message and the queue it arrived on ({@code Inbound#origin}), never only from text a producer
 * chose: a producer who knows an event id cannot take the ids of its audit or follow-ups first.
 * Name-based UUIDs (RFC 4122 version 3) stay under Service Bus's 128-character message id limit
 * whatever the length of the event id.
 */
public final class MessageIds {
  private MessageIds() {}

  /**
   * The final result of one user (or unresolved target) of one run of an event.
   *
   * @param origin the event message's broker identity ({@code Continuation#origin}): a deliberate
   *     re-send of the same event is a new run, whose audit must not be dropped as a duplicate
   */
  public static String target(String origin, String eventId, String userIdOrVia) {
    return of("target", origin, eventId, userIdOrVia);
  }

  /**
   * The summary closing one step of a run; {@code kind} tells final, continuing and rejected apart.
   */
  public static String summary(String origin, String eventId, int step, String kind) {
    return of("summary", origin, eventId, step + ":" + kind);
  }

  /** The follow-up that starts step {@code step} of a run. */
  public static String followUp(String origin, String eventId, int step) {
    return of("continuation", origin, eventId, Integer.toString(step));
  }

  /**
   * The scheduled message holding event {@code eventId} until its {@code effectiveAt}, so that a
   * redelivered event is held once. {@code cancel} finds it by its correlation id, the event id.
   */
  public static String scheduled(String origin, String eventId) {
    return of("scheduled", origin, eventId, "");
  }

  /**
   * The scheduled message holding event {@code eventId} (of origin {@code origin}) until a second
   * person approves it, so that a delivery processed again holds it once; another id than {@link
   * #scheduled}'s, since an event held until its {@code effectiveAt} may then wait for approval.
   */
  public static String awaitingApproval(String origin, String eventId) {
    return of("awaiting-approval", origin, eventId, "");
  }

  /**
   * The approved copy of the held copy {@code heldOrigin} (its sequence number on the worker's own
   * queue), so that an approval processed again after a crash releases it once.
   */
  public static String approved(String heldOrigin, String eventId) {
    return of("approved", heldOrigin, eventId, "");
  }

  /**
   * The cancellation marker a cancel (of origin {@code origin}) leaves for event {@code eventId}: a
   * cancel delivered again leaves one; whether it removed held copies is part of it, so that a
   * marker saying what was removed is never dropped as a duplicate of one that did not.
   */
  public static String cancellationMarker(
      String origin, String eventId, boolean removedHeldCopies) {
    return of("cancellation-marker", origin, eventId, removedHeldCopies ? "removed" : "");
  }

  /**
   * A sign-in watch entry: part {@code part} of the run of origin {@code origin}, at poll {@code
   * poll}, so that a poll done again hands on one next entry.
   */
  public static String watchEntry(String origin, String eventId, String part, int poll) {
    return of("watch", origin, eventId, part + ":" + poll);
  }

  /**
   * What the sign-in watch saw of one user: {@code what} is the sign-in's id, or {@code none} for a
   * quiet window, so that each sign-in is published once whichever poll sees it again.
   */
  public static String access(String origin, String eventId, String userId, String what) {
    return of("access", origin, eventId, userId + ":" + what);
  }

  /**
   * The pending resume of the Lifecycle Workflows task event {@code eventId} names: derived from
   * the event id alone, so that a delivery processed again, or the same event sent again within the
   * duplicate detection window, owes the task one resume.
   */
  public static String pendingResume(String eventId) {
    return of("pending-resume", "", eventId, "");
  }

  /** The resume audit of the pending resume of origin {@code origin} for event {@code eventId}. */
  public static String resume(String origin, String eventId) {
    return of("resume", origin, eventId, "");
  }

  private static String of(String kind, String origin, String eventId, String part) {
    // Lengths first, so that no two different tuples give the same name.
    String name =
        kind
            + ":"
            + origin.length()
            + ":"
            + origin
            + ":"
            + eventId.length()
            + ":"
            + eventId
            + ":"
            + part;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
