package dev.offboarding.contracts;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@code data} of a {@code dev.offboarding.audit.summary.v1} message: how one event ended.
 *
 * @param eventId the event's id, or null when the message could not be read far enough to have one
 * @param eventType the event's CloudEvents type as received, when readable
 * @param status the overall status
 * @param counts users by outcome; every outcome is present, zero included
 * @param skippedMembers group members that were not users, by kind ({@code device}, {@code
 *     orgContact}, {@code servicePrincipal}, {@code group}, ...), counted and not acted on
 * @param usersResolved distinct users the plan resolved
 * @param startedAt when processing began
 * @param finishedAt when the outcome was known
 * @param rejectionReason why the event was rejected, or the code of why the worker itself cancelled
 *     it ({@code ApprovalExpired}); null otherwise
 * @param problems every contract problem, for rejected events
 * @param redelivery true when the event had been delivered before
 * @param dryRun true when nothing was written by design
 * @param finalSummary false while the event is continuing: some users are still to be done by a
 *     follow-up delivery, and another summary follows; true for the last summary of an event
 * @param step which delivery of the event this summary closes: 0 for the event message itself, 1,
 *     2, ... for its follow-ups (continuations)
 * @param usersPending users still to be done when the summary is not final, else 0
 * @param dueAt when a SCHEDULED event is to run, or when the approval an AWAITING_APPROVAL event
 *     waits for stops counting; else null
 * @param detail a sentence for people reading the audit, e.g. what a cancellation found; or null
 * @param provenance who asked for the event, on whose word, and from which queue (for a message
 *     that could not be decoded, what is known of it); null only in an audit written before audits
 *     carried it
 * @param allResourcesBy the latest {@code access.allResourcesBy} among the event's target results
 *     so far: when every access token issued before the event's revokes has expired; null when no
 *     result carried an access window
 * @param lifecycleTaskWaits true for an event whose id names a Lifecycle Workflows task ({@code
 *     lcw/<workflow>/<task>/<result>}) when this summary says it waits (SCHEDULED,
 *     AWAITING_APPROVAL, CONTINUING: held until its {@code effectiveAt}, for a second person, by
 *     the mass-action brake or for a retry): the task's custom extension waits at most 3 hours for
 *     its callback, and may time out first; false otherwise (left out on the wire)
 */
public record SummaryAudit(
    String eventId,
    String eventType,
    SummaryStatus status,
    Map<TargetOutcome, Integer> counts,
    Map<String, Integer> skippedMembers,
    int usersResolved,
    Instant startedAt,
    Instant finishedAt,
    String rejectionReason,
    List<Problem> problems,
    boolean redelivery,
    boolean dryRun,
    boolean finalSummary,
    int step,
    int usersPending,
    Instant dueAt,
    String detail,
    Provenance provenance,
    Instant allResourcesBy,
    boolean lifecycleTaskWaits) {

  public static final String TYPE = "dev.offboarding.audit.summary.v1";

  public SummaryAudit {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    EnumMap<TargetOutcome, Integer> all = new EnumMap<>(TargetOutcome.class);
    for (TargetOutcome o : TargetOutcome.values()) {
      all.put(o, 0);
    }
    all.putAll(Objects.requireNonNull(counts, "counts"));
    // A count is a number of users: a null or negative one would make the audit unreadable.
    all.values().forEach(n -> requireCount(n, "counts"));
    counts = java.util.Collections.unmodifiableMap(all);
    skippedMembers =
        java.util.Collections.unmodifiableMap(
            new TreeMap<>(Objects.requireNonNull(skippedMembers, "skippedMembers")));
    skippedMembers.values().forEach(n -> requireCount(n, "skippedMembers"));
    if (usersResolved < 0) {
      throw new IllegalArgumentException("usersResolved must be >= 0");
    }
    problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
    if (status == SummaryStatus.REJECTED
        && (rejectionReason == null || rejectionReason.isBlank())) {
      throw new IllegalArgumentException("a rejected summary needs a rejectionReason");
    }
    if (status.followedByAnother() == finalSummary) {
      throw new IllegalArgumentException(
          "a summary is CONTINUING, SCHEDULED or AWAITING_APPROVAL exactly when it is"
              + " not final");
    }
    if (status.held() != (dueAt != null)) {
      throw new IllegalArgumentException(
          "a summary has a dueAt exactly when it is SCHEDULED or AWAITING_APPROVAL");
    }
    if (step < 0 || usersPending < 0) {
      throw new IllegalArgumentException("step and usersPending must be >= 0");
    }
    if (finalSummary && usersPending != 0) {
      throw new IllegalArgumentException("a final summary has no users pending");
    }
    if (lifecycleTaskWaits && finalSummary) {
      throw new IllegalArgumentException(
          "only a summary that is not final says a Lifecycle Workflows task waits");
    }
  }

  /**
   * A summary that does not flag a waiting Lifecycle Workflows task; {@link
   * #withLifecycleTaskWaits} adds it.
   */
  public SummaryAudit(
      String eventId,
      String eventType,
      SummaryStatus status,
      Map<TargetOutcome, Integer> counts,
      Map<String, Integer> skippedMembers,
      int usersResolved,
      Instant startedAt,
      Instant finishedAt,
      String rejectionReason,
      List<Problem> problems,
      boolean redelivery,
      boolean dryRun,
      boolean finalSummary,
      int step,
      int usersPending,
      Instant dueAt,
      String detail,
      Provenance provenance,
      Instant allResourcesBy) {
    this(
        eventId,
        eventType,
        status,
        counts,
        skippedMembers,
        usersResolved,
        startedAt,
        finishedAt,
        rejectionReason,
        problems,
        redelivery,
        dryRun,
        finalSummary,
        step,
        usersPending,
        dueAt,
        detail,
        provenance,
        allResourcesBy,
        false);
  }

  /** A summary without an access window; {@link #withAllResourcesBy} adds it. */
  public SummaryAudit(
      String eventId,
      String eventType,
      SummaryStatus status,
      Map<TargetOutcome, Integer> counts,
      Map<String, Integer> skippedMembers,
      int usersResolved,
      Instant startedAt,
      Instant finishedAt,
      String rejectionReason,
      List<Problem> problems,
      boolean redelivery,
      boolean dryRun,
      boolean finalSummary,
      int step,
      int usersPending,
      Instant dueAt,
      String detail,
      Provenance provenance) {
    this(
        eventId,
        eventType,
        status,
        counts,
        skippedMembers,
        usersResolved,
        startedAt,
        finishedAt,
        rejectionReason,
        problems,
        redelivery,
        dryRun,
        finalSummary,
        step,
        usersPending,
        dueAt,
        detail,
        provenance,
        null);
  }

  /** A summary that does not say who asked; {@link #withProvenance} adds it. */
  public SummaryAudit(
      String eventId,
      String eventType,
      SummaryStatus status,
      Map<TargetOutcome, Integer> counts,
      Map<String, Integer> skippedMembers,
      int usersResolved,
      Instant startedAt,
      Instant finishedAt,
      String rejectionReason,
      List<Problem> problems,
      boolean redelivery,
      boolean dryRun,
      boolean finalSummary,
      int step,
      int usersPending,
      Instant dueAt,
      String detail) {
    this(
        eventId,
        eventType,
        status,
        counts,
        skippedMembers,
        usersResolved,
        startedAt,
        finishedAt,
        rejectionReason,
        problems,
        redelivery,
        dryRun,
        finalSummary,
        step,
        usersPending,
        dueAt,
        detail,
        null);
  }

  /** A summary with no due time and no detail. */
  public SummaryAudit(
      String eventId,
      String eventType,
      SummaryStatus status,
      Map<TargetOutcome, Integer> counts,
      Map<String, Integer> skippedMembers,
      int usersResolved,
      Instant startedAt,
      Instant finishedAt,
      String rejectionReason,
      List<Problem> problems,
      boolean redelivery,
      boolean dryRun,
      boolean finalSummary,
      int step,
      int usersPending) {
    this(
        eventId,
        eventType,
        status,
        counts,
        skippedMembers,
        usersResolved,
        startedAt,
        finishedAt,
        rejectionReason,
        problems,
        redelivery,
        dryRun,
        finalSummary,
        step,
        usersPending,
        null,
        null,
        null);
  }

  /** The final summary of an event done in one delivery. */
  public SummaryAudit(
      String eventId,
      String eventType,
      SummaryStatus status,
      Map<TargetOutcome, Integer> counts,
      Map<String, Integer> skippedMembers,
      int usersResolved,
      Instant startedAt,
      Instant finishedAt,
      String rejectionReason,
      List<Problem> problems,
      boolean redelivery,
      boolean dryRun) {
    this(
        eventId,
        eventType,
        status,
        counts,
        skippedMembers,
        usersResolved,
        startedAt,
        finishedAt,
        rejectionReason,
        problems,
        redelivery,
        dryRun,
        true,
        0,
        0,
        null,
        null,
        null);
  }

  /** The same summary, saying who asked for the event. */
  public SummaryAudit withProvenance(Provenance p) {
    Objects.requireNonNull(p, "provenance");
    return new SummaryAudit(
        eventId,
        eventType,
        status,
        counts,
        skippedMembers,
        usersResolved,
        startedAt,
        finishedAt,
        rejectionReason,
        problems,
        redelivery,
        dryRun,
        finalSummary,
        step,
        usersPending,
        dueAt,
        detail,
        p,
        allResourcesBy,
        lifecycleTaskWaits);
  }

  /**
   * The same summary, saying when access ends for every user of the event (see {@link
   * #allResourcesBy()}).
   */
  public SummaryAudit withAllResourcesBy(Instant latest) {
    Objects.requireNonNull(latest, "allResourcesBy");
    return new SummaryAudit(
        eventId,
        eventType,
        status,
        counts,
        skippedMembers,
        usersResolved,
        startedAt,
        finishedAt,
        rejectionReason,
        problems,
        redelivery,
        dryRun,
        finalSummary,
        step,
        usersPending,
        dueAt,
        detail,
        provenance,
        latest,
        lifecycleTaskWaits);
  }

  /**
   * The same summary, flagging that the Lifecycle Workflows task its event id names waits (see
   * {@link #lifecycleTaskWaits()}).
   *
   * @throws IllegalArgumentException for a final summary
   */
  public SummaryAudit withLifecycleTaskWaits() {
    return new SummaryAudit(
        eventId,
        eventType,
        status,
        counts,
        skippedMembers,
        usersResolved,
        startedAt,
        finishedAt,
        rejectionReason,
        problems,
        redelivery,
        dryRun,
        finalSummary,
        step,
        usersPending,
        dueAt,
        detail,
        provenance,
        allResourcesBy,
        true);
  }

  private static void requireCount(Integer n, String what) {
    if (n == null || n < 0) {
      throw new IllegalArgumentException(what + " must hold counts >= 0");
    }
  }

  /** Duration of processing in milliseconds. */
  public long durationMillis() {
    return java.time.Duration.between(startedAt, finishedAt).toMillis();
  }
}
