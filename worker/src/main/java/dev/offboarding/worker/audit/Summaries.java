package dev.offboarding.worker.audit;

import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Problem;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.TargetOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds event summaries from target results, so that the status rules live in one place. */
public final class Summaries {
  private Summaries() {}

  /**
   * The summary of an executed event, from its results' counts: COMPLETED when no user failed, was
   * forbidden or stayed unverified; PARTIAL when some succeeded and some did not; FAILED when none
   * succeeded and some failed; DRY_RUN for dry runs.
   */
  public static SummaryAudit of(
      OffboardingEvent event,
      Map<TargetOutcome, Integer> counts,
      Map<String, Integer> skippedMembers,
      int usersResolved,
      Instant startedAt,
      Instant finishedAt,
      boolean redelivery) {
    return of(event, counts, skippedMembers, usersResolved, startedAt, finishedAt, redelivery, 0);
  }

  /** The final summary of an event whose last delivery was {@code step}. */
  public static SummaryAudit of(
      OffboardingEvent event,
      Map<TargetOutcome, Integer> counts,
      Map<String, Integer> skippedMembers,
      int usersResolved,
      Instant startedAt,
      Instant finishedAt,
      boolean redelivery,
      int step) {
    // An unverified write is not a success: Graph accepted it, but reading the user back did not
    // show it.
    int failed =
        counts.getOrDefault(TargetOutcome.FAILED, 0)
            + counts.getOrDefault(TargetOutcome.FORBIDDEN, 0)
            + counts.getOrDefault(TargetOutcome.UNVERIFIED, 0);
    int succeeded = counts.getOrDefault(TargetOutcome.SUCCEEDED, 0);
    boolean dryRun = event.data().dryRun();
    SummaryStatus status =
        dryRun
            ? SummaryStatus.DRY_RUN
            : failed == 0
                ? SummaryStatus.COMPLETED
                : succeeded > 0 ? SummaryStatus.PARTIAL : SummaryStatus.FAILED;
    return about(event, status, startedAt, finishedAt)
        .counts(counts)
        .skippedMembers(skippedMembers)
        .usersResolved(usersResolved)
        .redelivery(redelivery)
        .dryRun(dryRun)
        .step(step)
        .build();
  }

  /**
   * The summary of a delivery after which the event continues: CONTINUING, not final, with the
   * counts so far and the users still to be done.
   */
  public static SummaryAudit continuing(
      OffboardingEvent event,
      Map<TargetOutcome, Integer> counts,
      Map<String, Integer> skippedMembers,
      int usersResolved,
      Instant startedAt,
      Instant finishedAt,
      boolean redelivery,
      int step,
      int usersPending) {
    return about(event, SummaryStatus.CONTINUING, startedAt, finishedAt)
        .counts(counts)
        .skippedMembers(skippedMembers)
        .usersResolved(usersResolved)
        .redelivery(redelivery)
        .dryRun(event.data().dryRun())
        .step(step)
        .usersPending(usersPending)
        .build();
  }

  /**
   * The summary of an event held until it takes effect: SCHEDULED, not final, nothing planned. Its
   * final summary comes when it runs.
   */
  public static SummaryAudit scheduled(
      OffboardingEvent event,
      Instant dueAt,
      Instant startedAt,
      Instant finishedAt,
      boolean redelivery) {
    return about(event, SummaryStatus.SCHEDULED, startedAt, finishedAt)
        .redelivery(redelivery)
        .dryRun(event.data().dryRun())
        .dueAt(dueAt)
        .detail("held by the broker until " + dueAt + "; nothing planned or written yet")
        .build();
  }

  /**
   * The summary of an event held until a second person approves it: AWAITING_APPROVAL, not final,
   * due when an approval no longer counts; nothing written. Its next summary comes when it is
   * approved and runs, is cancelled, or expires.
   */
  public static SummaryAudit awaitingApproval(
      OffboardingEvent event,
      Instant dueAt,
      int usersResolved,
      String detail,
      Instant startedAt,
      Instant finishedAt,
      boolean redelivery) {
    return about(event, SummaryStatus.AWAITING_APPROVAL, startedAt, finishedAt)
        .usersResolved(usersResolved)
        .redelivery(redelivery)
        .dryRun(event.data().dryRun())
        .dueAt(dueAt)
        .detail(detail)
        .build();
  }

  /**
   * The final summary of an event the worker cancelled itself: CANCELLED with the code {@code
   * reason} (e.g. {@code ApprovalExpired}) and a {@code detail} saying why; nothing written.
   */
  public static SummaryAudit cancelledBecause(
      OffboardingEvent event,
      String reason,
      String detail,
      Instant startedAt,
      Instant finishedAt,
      boolean redelivery) {
    return about(event, SummaryStatus.CANCELLED, startedAt, finishedAt)
        .rejectionReason(reason)
        .redelivery(redelivery)
        .detail(detail)
        .build();
  }

  /** The final summary of an event cancelled before it ran; {@code detail} says by whom and why. */
  public static SummaryAudit cancelled(
      String eventId,
      String eventType,
      String detail,
      Instant startedAt,
      Instant finishedAt,
      boolean redelivery) {
    return SummaryAudit.builder(SummaryStatus.CANCELLED, startedAt, finishedAt)
        .eventId(eventId)
        .eventType(eventType)
        .redelivery(redelivery)
        .detail(detail)
        .build();
  }

  /** The summary of a cancel or approve event: what it cancelled or approved, or why nothing. */
  public static SummaryAudit cancel(
      OffboardingEvent cancel,
      SummaryStatus status,
      String detail,
      Instant startedAt,
      Instant finishedAt,
      boolean redelivery) {
    return SummaryAudit.builder(status, startedAt, finishedAt)
        .eventId(cancel.id())
        .eventType(cancel.type().wireName())
        .redelivery(redelivery)
        .detail(detail)
        .build();
  }

  /** The same summary with a {@code detail} for people reading the audit. */
  public static SummaryAudit withDetail(SummaryAudit s, String detail) {
    return s.toBuilder().detail(detail).build();
  }

  /**
   * The summary with the event's latest {@code allResourcesBy} (when every access token issued
   * before the last revoke has expired); unchanged when no result carried an access window.
   */
  public static SummaryAudit withAllResourcesBy(SummaryAudit s, Instant latest) {
    return latest == null ? s : s.withAllResourcesBy(latest);
  }

  /** A summary for an event refused before any write. */
  public static SummaryAudit rejected(
      String eventId,
      String eventType,
      String reason,
      List<Problem> problems,
      Instant startedAt,
      Instant finishedAt,
      boolean redelivery) {
    return SummaryAudit.builder(SummaryStatus.REJECTED, startedAt, finishedAt)
        .eventId(eventId)
        .eventType(eventType)
        .rejectionReason(reason)
        .problems(problems)
        .redelivery(redelivery)
        .build();
  }

  /** A summary of {@code event} with its id and type. */
  private static SummaryAudit.Builder about(
      OffboardingEvent event, SummaryStatus status, Instant startedAt, Instant finishedAt) {
    return SummaryAudit.builder(status, startedAt, finishedAt)
        .eventId(event.id())
        .eventType(event.type().wireName());
  }
}
