package dev.offboarding.worker.watch;

import dev.offboarding.contracts.AccessAudit;
import dev.offboarding.contracts.AccessWindow;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.Provenance;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.tenant.GraphFailure;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The sign-in watch: for each user whose revoke, disable or password reset Graph accepted, reads
 * the sign-in log for successful sign-ins after {@code revokedAt} until the access window closes
 * ({@code allResourcesBy}), and publishes {@code dev.offboarding.audit.access.v1}: each sign-in the
 * poll that first sees it, or, once the window closed and the log's latency passed, that none was
 * seen.
 *
 * <p>Its state lives in the broker alone: a {@link WatchEntry} per slice of each delivery's users,
 * a scheduled message on the worker's own queue. A poll reads the log under the one {@link
 * WatchLease}, publishes what is new, schedules the next entry with what it published remembered,
 * and only then lets the delivered entry be completed. A crash anywhere in between leaves the
 * delivered entry to be delivered again: its poll is done again, and the messages it publishes
 * again carry the ids the first time did ({@link WatchOutbox}), so the broker drops them. Knows
 * nothing of Service Bus or Graph; thread-safe.
 */
public final class SignInWatch {
  private static final Logger LOG = System.getLogger(SignInWatch.class.getName());

  /** How long after a window closed a log that cannot be read is still tried. */
  public static final Duration GIVE_UP_AFTER = Duration.ofDays(1);

  private static final Set<Action> ENDING_ACCESS =
      Set.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS, Action.RESET_PASSWORD);

  /** What the watch tells the metrics; names and values are a closed set. */
  public interface Listener {
    /**
     * A poll ended: {@code read}, {@code throttled}, {@code refused}, {@code failed} or {@code
     * unavailable}.
     */
    void polled(String outcome);

    /** A sign-in after a revoke was published. */
    void signInSeen();

    /** A user's watch ended: {@code sign_in_seen}, {@code none_seen} or {@code unread}. */
    void windowClosed(String outcome);

    Listener NONE =
        new Listener() {
          @Override
          public void polled(String outcome) {}

          @Override
          public void signInSeen() {}

          @Override
          public void windowClosed(String outcome) {}
        };
  }

  private final WatchSettings settings;
  private final SignInLog log;
  private final WatchLease lease;
  private final WatchOutbox outbox;
  private final Clock clock;
  private final Listener listener;

  /**
   * A watch reading {@code log} under {@code settings}, each poll under {@code lease}, what it
   * finds published and its next entries scheduled through {@code outbox}; {@code listener} hears
   * of each poll.
   */
  public SignInWatch(
      WatchSettings settings,
      SignInLog log,
      WatchLease lease,
      WatchOutbox outbox,
      Clock clock,
      Listener listener) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.log = Objects.requireNonNull(log, "log");
    this.lease = Objects.requireNonNull(lease, "lease");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * The window of one result, or null when nothing in it ended the user's access: the result's own
   * {@code access} when it carries one, else from the moment Graph accepted the first of its
   * revoke, disable or password reset, as long as the tenant's longest access-token lifetime.
   */
  public AccessWindow windowOf(TargetAudit result) {
    if (result.userId() == null || !dev.offboarding.contracts.Target.isGuid(result.userId())) {
      return null;
    }
    if (result.access() != null) {
      return result.access();
    }
    Instant first =
        result.actions().stream()
            .filter(
                a -> ENDING_ACCESS.contains(a.action()) && a.outcome() == TargetOutcome.SUCCEEDED)
            .map(ActionResult::finishedAt)
            .filter(Objects::nonNull)
            .min(Comparator.naturalOrder())
            .orElse(null);
    return first == null
        ? null
        : AccessWindow.forUser(first, settings.accessTokenMaxLifetime(), result.guest());
  }

  /**
   * Starts watching the users of one delivery's results whose access a write ended: entries of at
   * most {@link WatchEntry#MAX_USERS} users each, first polled one poll interval from now.
   *
   * @param origin the event message's broker identity
   * @param step the delivery of the run that wrote them
   * @return how many users are watched
   * @throws AuditSink.AuditException when an entry could not be handed to the broker: the delivery
   *     must not be completed (processing it again is safe, and sends the same entries)
   */
  public int start(
      String origin, int step, String eventId, Provenance provenance, List<TargetAudit> results) {
    if (!settings.enabled()) {
      return 0;
    }
    Map<String, WatchEntry.Watched> users = new LinkedHashMap<>();
    for (TargetAudit result : results) {
      AccessWindow window = windowOf(result);
      if (window != null) {
        WatchEntry.Watched w =
            new WatchEntry.Watched(
                result.userId(), window.revokedAt(), window.allResourcesBy(), Set.of());
        users.putIfAbsent(w.userId(), w);
      }
    }
    List<WatchEntry.Watched> all =
        users.values().stream().sorted(Comparator.comparing(WatchEntry.Watched::userId)).toList();
    Instant due = clock.instant().plus(settings.pollInterval());
    for (int i = 0, index = 0; i < all.size(); i += WatchEntry.MAX_USERS, index++) {
      WatchEntry entry =
          new WatchEntry(
              origin,
              eventId,
              step + "." + index,
              0,
              provenance,
              all.subList(i, Math.min(all.size(), i + WatchEntry.MAX_USERS)));
      outbox.schedule(entry, due);
    }
    return all.size();
  }

  /**
   * One poll of a delivered entry: reads the log for its users under the lease, publishes each new
   * sign-in and each quiet window that closed, and schedules the next entry for the users still
   * watched.
   *
   * @return how to settle the delivered entry: completed once everything it led to is with the
   *     broker; abandoned (delivered again) when something could not be handed over
   */
  public Settlement poll(WatchEntry entry) throws InterruptedException {
    Instant started = clock.instant();
    List<SignInLog.Seen> seen;
    try {
      seen = lease.hold(gate -> read(entry, gate));
    } catch (GraphFailure e) {
      String outcome =
          e.kind() == GraphFailure.Kind.THROTTLED
              ? "throttled"
              : e.kind() == GraphFailure.Kind.FORBIDDEN ? "refused" : "failed";
      listener.polled(outcome);
      LOG.log(
          e.kind() == GraphFailure.Kind.FORBIDDEN ? Level.ERROR : Level.WARNING,
          "the sign-in log could not be"
              + " read for event "
              + entry.eventId()
              + " ("
              + e.status()
              + " "
              + e.errorCode()
              + ")"
              + (e.kind() == GraphFailure.Kind.FORBIDDEN
                  ? "; the app needs AuditLog.Read.All and Directory.Read.All,"
                      + " and the tenant Entra ID P1 or P2"
                  : "")
              + "; read again later");
      Duration wait =
          e.retryAfter()
              .filter(d -> d.compareTo(settings.pollInterval()) > 0)
              .orElse(settings.pollInterval());
      return again(entry, started, wait);
    } catch (WatchLease.Unavailable e) {
      listener.polled("unavailable");
      LOG.log(
          Level.WARNING,
          "the sign-in watch's lease could not be had for event "
              + entry.eventId()
              + "; read again later: "
              + e.getMessage());
      return again(entry, started, settings.pollInterval());
    }
    listener.polled("read");
    Map<String, List<AccessAudit.SignIn>> byUser = new LinkedHashMap<>();
    for (SignInLog.Seen s : seen) {
      byUser
          .computeIfAbsent(s.userId().toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
          .add(s.signIn());
    }
    List<WatchEntry.Watched> still = new ArrayList<>();
    try {
      for (WatchEntry.Watched user : entry.users()) {
        Map<String, AccessAudit.SignIn> fresh = new LinkedHashMap<>();
        byUser.getOrDefault(user.userId(), List.of()).stream()
            .filter(
                s ->
                    !s.createdDateTime().isBefore(user.revokedAt())
                        && !user.seen().contains(s.id()))
            .sorted(
                Comparator.comparing(AccessAudit.SignIn::createdDateTime)
                    .thenComparing(AccessAudit.SignIn::id))
            .forEach(s -> fresh.putIfAbsent(s.id(), s));
        for (AccessAudit.SignIn s : fresh.values()) {
          // One message per sign-in: its id derives from the sign-in's, so a poll done again after
          // a
          // crash publishes nothing twice, whatever else it sees.
          outbox.publish(
              entry,
              new AccessAudit(
                  entry.eventId(),
                  user.userId(),
                  user.revokedAt(),
                  user.allResourcesBy(),
                  AccessAudit.Outcome.SIGN_IN_SEEN,
                  List.of(s),
                  entry.provenance()),
              entry.poll());
          listener.signInSeen();
        }
        boolean closed = !started.isBefore(closesAt(user));
        boolean anySeen = !user.seen().isEmpty() || !fresh.isEmpty();
        if (user.seen().size() + fresh.size() > WatchEntry.MAX_SEEN) {
          LOG.log(
              Level.WARNING,
              "user "
                  + user.userId()
                  + " of event "
                  + entry.eventId()
                  + " signed in more than "
                  + WatchEntry.MAX_SEEN
                  + " times after the revoke; each was published, and the user is no longer"
                  + " watched");
          listener.windowClosed("sign_in_seen");
          continue;
        }
        if (closed) {
          if (!anySeen) {
            outbox.publish(
                entry,
                new AccessAudit(
                    entry.eventId(),
                    user.userId(),
                    user.revokedAt(),
                    user.allResourcesBy(),
                    AccessAudit.Outcome.NONE_SEEN,
                    List.of(),
                    entry.provenance()),
                entry.poll());
          }
          listener.windowClosed(anySeen ? "sign_in_seen" : "none_seen");
          continue;
        }
        still.add(user.seeing(fresh.keySet()));
      }
      if (!still.isEmpty()) {
        outbox.schedule(entry.next(still), due(still, started));
      }
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon(
          "the sign-in watch's audit or next entry not published: " + e.getMessage(), e);
    }
    return new Settlement.Complete();
  }

  /**
   * Every user of the entry, read at once: 1 to {@value SignInLog#USERS_PER_REQUEST} users per
   * request.
   */
  private List<SignInLog.Seen> read(WatchEntry entry, SignInLog.RequestGate gate)
      throws InterruptedException {
    // Whole seconds: the log may give times to the second only, and a sign-in in the revoke's own
    // second is not to be missed by the query (those before the revoke are dropped afterwards).
    Instant since =
        entry.users().stream()
            .map(WatchEntry.Watched::revokedAt)
            .min(Comparator.naturalOrder())
            .orElseThrow()
            .truncatedTo(ChronoUnit.SECONDS);
    List<String> ids = entry.users().stream().map(WatchEntry.Watched::userId).toList();
    List<SignInLog.Seen> all = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += SignInLog.USERS_PER_REQUEST) {
      all.addAll(
          log.successfulSince(
              since, ids.subList(i, Math.min(ids.size(), i + SignInLog.USERS_PER_REQUEST)), gate));
    }
    return all;
  }

  /** When the user's watch ends: the window's close plus the log's latency. */
  private Instant closesAt(WatchEntry.Watched user) {
    return user.allResourcesBy().plus(settings.logLatency());
  }

  /** The next poll: one interval on, or when the first of the users' watches ends, if sooner. */
  private Instant due(List<WatchEntry.Watched> users, Instant now) {
    Instant next = now.plus(settings.pollInterval());
    for (WatchEntry.Watched u : users) {
      Instant closes = closesAt(u);
      if (closes.isBefore(next)) {
        next = closes;
      }
    }
    return next;
  }

  /**
   * A poll that read nothing: the same entry again after {@code wait}, unless every window closed
   * more than {@link #GIVE_UP_AFTER} ago; then the watch ends unread, and says so in the log.
   */
  private Settlement again(WatchEntry entry, Instant now, Duration wait) {
    boolean hopeless =
        entry.users().stream().allMatch(u -> now.isAfter(closesAt(u).plus(GIVE_UP_AFTER)));
    if (hopeless) {
      LOG.log(
          Level.ERROR,
          "the sign-in log could not be read for "
              + entry.users().size()
              + " user(s) of event "
              + entry.eventId()
              + " for a day after their windows closed; their watch ends without a record");
      entry.users().forEach(u -> listener.windowClosed("unread"));
      return new Settlement.Complete();
    }
    try {
      outbox.schedule(entry.next(entry.users()), now.plus(wait));
    } catch (AuditSink.AuditException e) {
      return new Settlement.Abandon(
          "the sign-in watch's next entry not published: " + e.getMessage(), e);
    }
    return new Settlement.Complete();
  }
}
