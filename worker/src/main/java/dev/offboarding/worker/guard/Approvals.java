package dev.offboarding.worker.guard;

import dev.offboarding.contracts.Approval;
import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Audits;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.audit.Summaries;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.intake.IntakePolicies;
import dev.offboarding.worker.intake.IntakePolicy;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.scheduling.ScheduledEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Two-person approval. An event that plans more users than the approval threshold, and every
 * restore, writes nothing at first: the broker holds it on the worker's own queue ({@link
 * FollowUps#holdForApproval}) until a second person approves it, or until its approval time runs
 * out, and an AWAITING_APPROVAL summary says so. A {@code dev.offboarding.approve.v1} naming it,
 * from someone other than its requester, releases it: the held copy is handed back to the queue due
 * now, marked approved ({@link Approved}), and removed; it then runs, and its follow-ups carry the
 * approval so that its later chunks are not held again. A self-approval is refused ({@value
 * #SELF_APPROVAL}); a held copy that comes due unapproved ends CANCELLED ({@value #EXPIRED}).
 * Thread-safe.
 */
public final class Approvals {
  /** The dead-letter reason of an approval by the held event's own requester. */
  static final String SELF_APPROVAL = "SelfApproval";

  /** The reason of the CANCELLED summary of an event whose approval did not come in time. */
  static final String EXPIRED = "ApprovalExpired";

  /**
   * When an event waits for a second person.
   *
   * @param threshold an event planning more users than this waits ({@code APPROVAL_THRESHOLD})
   * @param ttl how long an approval is waited for ({@code APPROVAL_TTL})
   * @param restores true when every restore waits, whatever its size
   */
  public record Rules(int threshold, Duration ttl, boolean restores) {
    /**
     * Nothing waits: for processors without a broker to hold events in, and tests of other parts.
     */
    public static final Rules NONE = new Rules(Integer.MAX_VALUE, Duration.ofDays(1), false);

    public Rules {
      if (threshold < 0) {
        throw new IllegalArgumentException("threshold must be >= 0");
      }
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl must be positive");
      }
    }
  }

  private final Rules rules;
  private final ScheduledEvents scheduled;
  private final IntakePolicies policies;
  private final Clock clock;
  private final EventCodec codec = new EventCodec();

  /**
   * @param rules who must approve what
   * @param scheduled where held events wait for their approval
   * @param policies each intake queue's policy
   * @param clock the time approvals are checked against
   */
  public Approvals(Rules rules, ScheduledEvents scheduled, IntakePolicies policies, Clock clock) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.scheduled = Objects.requireNonNull(scheduled, "scheduled");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * True when the first delivery of {@code event}, which planned {@code usersPlanned} users, must
   * wait for a second person: it is not approved yet, writes something (not a dry run), and is a
   * restore or plans more users than the threshold.
   */
  public boolean mustWait(OffboardingEvent event, int usersPlanned, Approved approved) {
    return approved == null
        && !event.data().dryRun()
        && ((rules.restores() && event.type().restores()) || usersPlanned > rules.threshold());
  }

  /**
   * Why a follow-up of {@code event} cannot be believed as far as approval goes, or null: a restore
   * continues only with the approval that released it, which its follow-ups carry.
   */
  public String unapproved(OffboardingEvent event, Continuation from) {
    if (rules.restores()
        && event.type().restores()
        && !event.data().dryRun()
        && from.approved() == null) {
      return "a restore continues only with the approval that released it, and this follow-up carries none";
    }
    return null;
  }

  /** Holds the event until a second person approves it, and says so; nothing is written. */
  public Settlement hold(
      EventProcessor.Work work, Inbound.Event message, int usersPlanned, Instant started) {
    OffboardingEvent event = message.event();
    Instant due = clock.instant().plus(rules.ttl());
    String why =
        event.type().restores()
            ? "a restore"
            : "it plans "
                + usersPlanned
                + " users, more than APPROVAL_THRESHOLD ("
                + rules.threshold()
                + "), and";
    String requester = event.data().requestedBy();
    String detail =
        why
            + " waits for a second person's approval ("
            + EventType.APPROVE.wireName()
            + " on "
            + opsQueue()
            + " naming event "
            + event.id()
            + ", from someone other than "
            + (requester == null ? "its requester (it names none)" : requester)
            + ") until "
            + due
            + "; "
            + usersPlanned
            + " user(s) planned, nothing written";
    try {
      work.followUps().holdForApproval(message, due);
      work.audit()
          .summary(
              Summaries.awaitingApproval(
                  event, due, usersPlanned, detail, started, clock.instant(), work.redelivery()));
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon("event not held for approval: " + e.getMessage(), e);
    }
    return new Settlement.Complete();
  }

  /** A held copy that came due before anyone approved it: it ends CANCELLED, nothing written. */
  public Settlement expire(EventProcessor.Work work, Inbound.Event message, Instant started) {
    OffboardingEvent event = message.event();
    String detail =
        EXPIRED
            + ": no second person approved it within APPROVAL_TTL ("
            + rules.ttl()
            + "); cancelled"
            + " before it ran, nothing written. Send the event again to start over";
    try {
      work.audit()
          .summary(
              Summaries.cancelledBecause(
                  event, EXPIRED, detail, started, clock.instant(), work.redelivery()));
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon("expiry not audited: " + e.getMessage(), e);
    }
    return new Settlement.Complete();
  }

  /**
   * An approve event: finds the copies of the event it names that await approval, refuses the
   * approval when its approver requested that event, and otherwise releases each copy (sent again
   * due now, marked approved, then removed) and says what it approved. An approval naming nothing
   * that waits says so.
   */
  public Settlement approve(EventProcessor.Work work, Inbound.Event message, Instant started) {
    OffboardingEvent approve = message.event();
    Approval a = approve.approval();
    String by = "approved by " + a.requestedBy() + (a.reason() == null ? "" : ": " + a.reason());
    try {
      List<ScheduledEvents.Held> waiting = new ArrayList<>();
      List<OffboardingEvent> events = new ArrayList<>();
      for (ScheduledEvents.Held held : scheduled.find(a.eventId())) {
        if (held.awaitingApproval()
            && held.intakeQueue() != null
            && codec.decode(held.body()) instanceof DecodeResult.Valid v
            && v.event().data() != null) {
          waiting.add(held);
          events.add(v.event());
        }
      }
      if (waiting.isEmpty()) {
        work.audit()
            .summary(
                Summaries.cancel(
                    approve,
                    SummaryStatus.COMPLETED,
                    "nothing approved: no event awaits"
                        + " approval as "
                        + a.eventId()
                        + " on the worker's own queue (it never needed one, or was approved,"
                        + " cancelled or expired already); "
                        + by,
                    started,
                    clock.instant(),
                    work.redelivery()));
        return new Settlement.Complete();
      }
      OffboardingEvent held = events.get(0);
      for (OffboardingEvent e : events) {
        String requester = e.data().requestedBy();
        if (requester != null && same(requester, a.requestedBy())) {
          String why =
              "event "
                  + a.eventId()
                  + " was requested by "
                  + requester
                  + ", who may not approve it too:"
                  + " a second person must; it still awaits approval";
          return Audits.reject(
              work.audit(),
              Summaries.rejected(
                  approve.id(),
                  approve.type().wireName(),
                  SELF_APPROVAL + ": " + why,
                  List.of(),
                  started,
                  clock.instant(),
                  work.redelivery()),
              SELF_APPROVAL,
              why);
        }
      }
      Approved approved =
          Approved.of(
              a.requestedBy(), approve.id(), held.type().restores() ? a.users() : List.of());
      for (ScheduledEvents.Held copy : waiting) {
        // Released before it is removed: a crash between the two leaves a copy that runs and one
        // that expires, never an approved event lost.
        work.followUps().release(copy, approved);
        scheduled.cancel(copy);
      }
      String requester = held.data().requestedBy();
      String users =
          a.users().isEmpty()
              ? ""
              : held.type().restores()
                  ? "; it names "
                      + a.users().size()
                      + " user(s) a restore may re-enable although"
                      + " their sessions were revoked within RESTORE_COOLDOWN"
                  : "; the users it names count for restores only";
      work.audit()
          .summary(
              Summaries.cancel(
                  approve,
                  SummaryStatus.COMPLETED,
                  "approved event "
                      + a.eventId()
                      + " ("
                      + held.type().wireName()
                      + " from "
                      + waiting.get(0).intakeQueue()
                      + ", requested by "
                      + (requester == null ? "no one named" : requester)
                      + "): it runs now ("
                      + waiting.size()
                      + " held message(s) released on "
                      + waiting.get(0).queue()
                      + ")"
                      + users
                      + "; "
                      + by,
                  started,
                  clock.instant(),
                  work.redelivery()));
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon("approval not done or not audited: " + e.getMessage(), e);
    }
    return new Settlement.Complete();
  }

  /**
   * Two requesters are one person when they name the same identity, ignoring case and surrounding
   * blanks.
   */
  private static boolean same(String a, String b) {
    return a.strip().toLowerCase(Locale.ROOT).equals(b.strip().toLowerCase(Locale.ROOT));
  }

  /** The queue approvals come from, for the audit's words. */
  private String opsQueue() {
    return policies.all().stream()
        .filter(p -> p.eventTypes().contains(EventType.APPROVE))
        .map(IntakePolicy::queue)
        .findFirst()
        .orElse("the operators' queue");
  }
}
