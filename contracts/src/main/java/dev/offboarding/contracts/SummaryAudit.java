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
   * A builder for a summary with this status, started and finished at these instants; everything
   * else starts empty, zero, false or null. Whether the summary is final follows from the status
   * (see {@link SummaryStatus#followedByAnother()}), so the builder does not ask for it.
   *
   * @param status the overall status
   * @param startedAt when processing began
   * @param finishedAt when the outcome was known
   * @return a builder; {@link Builder#build()} checks the summary as the canonical constructor does
   */
  public static Builder builder(SummaryStatus status, Instant startedAt, Instant finishedAt) {
    return new Builder(status, startedAt, finishedAt);
  }

  /**
   * A builder holding every value of this summary, to build a copy that differs in a few.
   *
   * @return a builder that builds this summary unless told otherwise
   */
  public Builder toBuilder() {
    return new Builder(status, startedAt, finishedAt)
        .eventId(eventId)
        .eventType(eventType)
        .counts(counts)
        .skippedMembers(skippedMembers)
        .usersResolved(usersResolved)
        .rejectionReason(rejectionReason)
        .problems(problems)
        .redelivery(redelivery)
        .dryRun(dryRun)
        .step(step)
        .usersPending(usersPending)
        .dueAt(dueAt)
        .detail(detail)
        .provenance(provenance)
        .allResourcesBy(allResourcesBy)
        .lifecycleTaskWaits(lifecycleTaskWaits);
  }

  /** The same summary, saying who asked for the event. */
  public SummaryAudit withProvenance(Provenance p) {
    Objects.requireNonNull(p, "provenance");
    return toBuilder().provenance(p).build();
  }

  /**
   * The same summary, saying when access ends for every user of the event (see {@link
   * #allResourcesBy()}).
   */
  public SummaryAudit withAllResourcesBy(Instant latest) {
    Objects.requireNonNull(latest, "allResourcesBy");
    return toBuilder().allResourcesBy(latest).build();
  }

  /**
   * The same summary, flagging that the Lifecycle Workflows task its event id names waits (see
   * {@link #lifecycleTaskWaits()}).
   *
   * @throws IllegalArgumentException for a final summary
   */
  public SummaryAudit withLifecycleTaskWaits() {
    return toBuilder().lifecycleTaskWaits(true).build();
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

  /**
   * Builds a {@link SummaryAudit} from its status and timestamps and whichever other values the
   * summary has. Each setter replaces the value given before. Not thread-safe; {@link #build()} can
   * be called more than once.
   */
  public static final class Builder {
    private final SummaryStatus status;
    private final Instant startedAt;
    private final Instant finishedAt;
    private String eventId;
    private String eventType;
    private Map<TargetOutcome, Integer> counts = Map.of();
    private Map<String, Integer> skippedMembers = Map.of();
    private int usersResolved;
    private String rejectionReason;
    private List<Problem> problems = List.of();
    private boolean redelivery;
    private boolean dryRun;
    private int step;
    private int usersPending;
    private Instant dueAt;
    private String detail;
    private Provenance provenance;
    private Instant allResourcesBy;
    private boolean lifecycleTaskWaits;

    private Builder(SummaryStatus status, Instant startedAt, Instant finishedAt) {
      this.status = Objects.requireNonNull(status, "status");
      this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
      this.finishedAt = Objects.requireNonNull(finishedAt, "finishedAt");
    }

    /** See {@link SummaryAudit#eventId()}; null (the default) when the event had none readable. */
    public Builder eventId(String eventId) {
      this.eventId = eventId;
      return this;
    }

    /** See {@link SummaryAudit#eventType()}; null by default. */
    public Builder eventType(String eventType) {
      this.eventType = eventType;
      return this;
    }

    /** Users by outcome (see {@link SummaryAudit#counts()}); outcomes left out count 0. */
    public Builder counts(Map<TargetOutcome, Integer> counts) {
      this.counts = counts;
      return this;
    }

    /** See {@link SummaryAudit#skippedMembers()}; empty by default. */
    public Builder skippedMembers(Map<String, Integer> skippedMembers) {
      this.skippedMembers = skippedMembers;
      return this;
    }

    /** See {@link SummaryAudit#usersResolved()}; 0 by default. */
    public Builder usersResolved(int usersResolved) {
      this.usersResolved = usersResolved;
      return this;
    }

    /** See {@link SummaryAudit#rejectionReason()}; required for a REJECTED summary. */
    public Builder rejectionReason(String rejectionReason) {
      this.rejectionReason = rejectionReason;
      return this;
    }

    /** See {@link SummaryAudit#problems()}; empty by default. */
    public Builder problems(List<Problem> problems) {
      this.problems = problems;
      return this;
    }

    /** See {@link SummaryAudit#redelivery()}; false by default. */
    public Builder redelivery(boolean redelivery) {
      this.redelivery = redelivery;
      return this;
    }

    /** See {@link SummaryAudit#dryRun()}; false by default. */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /** See {@link SummaryAudit#step()}; 0 (the event message itself) by default. */
    public Builder step(int step) {
      this.step = step;
      return this;
    }

    /** See {@link SummaryAudit#usersPending()}; 0 by default, and 0 in a final summary. */
    public Builder usersPending(int usersPending) {
      this.usersPending = usersPending;
      return this;
    }

    /** See {@link SummaryAudit#dueAt()}; required exactly for SCHEDULED and AWAITING_APPROVAL. */
    public Builder dueAt(Instant dueAt) {
      this.dueAt = dueAt;
      return this;
    }

    /** See {@link SummaryAudit#detail()}; null by default. */
    public Builder detail(String detail) {
      this.detail = detail;
      return this;
    }

    /** See {@link SummaryAudit#provenance()}; null by default. */
    public Builder provenance(Provenance provenance) {
      this.provenance = provenance;
      return this;
    }

    /** See {@link SummaryAudit#allResourcesBy()}; null by default. */
    public Builder allResourcesBy(Instant allResourcesBy) {
      this.allResourcesBy = allResourcesBy;
      return this;
    }

    /** See {@link SummaryAudit#lifecycleTaskWaits()}; false by default. */
    public Builder lifecycleTaskWaits(boolean lifecycleTaskWaits) {
      this.lifecycleTaskWaits = lifecycleTaskWaits;
      return this;
    }

    /**
     * The summary, final exactly when its status is not followed by another.
     *
     * @throws IllegalArgumentException when the values break a rule of {@link SummaryAudit}
     * @throws NullPointerException when counts, skipped members or problems were set to null
     */
    public SummaryAudit build() {
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
          !status.followedByAnother(),
          step,
          usersPending,
          dueAt,
          detail,
          provenance,
          allResourcesBy,
          lifecycleTaskWaits);
    }
  }
}
