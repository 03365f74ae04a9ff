package dev.offboarding.worker.plan;

import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.DirectoryUser;
import dev.offboarding.worker.tenant.GraphFailure;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves an event's targets to distinct users, applies the guards, and enforces the blast-radius
 * limit before anything is written. Stateless and safe for concurrent use.
 *
 * <p>Two passes, so that a huge group never sits in memory: {@link #prepare} lists every target
 * once and keeps only the distinct ids (and which targets reached each), stopping as soon as the
 * limit is passed; the returned {@link StreamingPlan} lists them again and streams the users
 * through execution and audit. The price is reading the members twice (a 100,000-member group is
 * about 100 extra pages of 999, a few seconds, against the 5,000 s its writes need at 20/s). An
 * event of up to {@code retainLimit} users ({@link StreamingPlan#RETAIN_LIMIT} by default: nearly
 * every event) pays nothing: the count keeps the users themselves and nothing is read twice.
 *
 * <p>A user target given by object id is not read at all: the protected set holds ids, so the guard
 * needs no read, and the first request of a compromise event is its first write. Its UPN and guest
 * flag come from the read that follows the writes (the verification read-back), and a 404 on its
 * write reports it {@code NOT_FOUND}. A UPN is resolved with one read. A dry run (the {@code
 * dry-run} command, and an event marked {@code dryRun}) reads every user target, ids included
 * ({@link #readingEveryUserTarget()}): nothing is written, so the read is what tells a missing
 * user.
 */
public final class Planner {
  private final Directory directory;
  private final Protection protection;
  private final int maxUsersPerEvent;
  private final int retainLimit;
  private final boolean readIdTargets;

  /**
   * @param maxUsersPerEvent the most users one event may resolve to ({@code MAX_TARGETS_PER_EVENT})
   */
  public Planner(Directory directory, Protection protection, int maxUsersPerEvent) {
    this(directory, protection, maxUsersPerEvent, StreamingPlan.RETAIN_LIMIT);
  }

  /** With another bound on the users the count keeps whole; 0 always lists twice. */
  public Planner(
      Directory directory, Protection protection, int maxUsersPerEvent, int retainLimit) {
    this(directory, protection, maxUsersPerEvent, retainLimit, false);
  }

  private Planner(
      Directory directory,
      Protection protection,
      int maxUsersPerEvent,
      int retainLimit,
      boolean readIdTargets) {
    if (maxUsersPerEvent < 1) {
      throw new IllegalArgumentException("maxUsersPerEvent must be >= 1");
    }
    if (retainLimit < 0) {
      throw new IllegalArgumentException("retainLimit must be >= 0");
    }
    this.directory = directory;
    this.protection = protection;
    this.maxUsersPerEvent = maxUsersPerEvent;
    this.retainLimit = retainLimit;
    this.readIdTargets = readIdTargets;
  }

  /** The blast-radius limit: an event planning more distinct users than this is rejected. */
  public int maxUsersPerEvent() {
    return maxUsersPerEvent;
  }

  /**
   * This planner, but reading every user target, object ids included, as a dry run must: with no
   * write to answer 404, the read is what tells a user that does not exist ({@code NOT_FOUND}, "not
   * resolved") from one that would be written, and its UPN and guest flag are shown. For a real run
   * it costs one round trip before a compromise event's first write (the worker's planner skips it;
   * the benchmark measures it).
   */
  public Planner readingEveryUserTarget() {
    return readIdTargets
        ? this
        : new Planner(directory, protection, maxUsersPerEvent, retainLimit, true);
  }

  /**
   * The counting pass: returns {@link PlanResult.Streamed} or {@link PlanResult.Rejected}. A target
   * that fails for good (403, 400, a bad next link) becomes an {@link Plan.Unresolved} with its
   * outcome, and the other targets go on. Throws a transient {@link GraphFailure} when the
   * directory or the protected set is unavailable: the whole event is planned again later.
   */
  public PlanResult prepare(OffboardingEvent event) {
    Protection.Checker guard = protection.checker(directory);
    Map<String, StreamingPlan.Reach> reached = StreamingPlan.newIndex();
    List<Plan.Unresolved> unresolved = new ArrayList<>();
    Map<String, Integer> skipped = new HashMap<>();
    BitSet unresolvedTargets = new BitSet();
    List<Target> targets = event.data().targets();
    List<String> vias = new ArrayList<>(targets.size());
    Map<Integer, DirectoryUser> userTargets = new HashMap<>();
    boolean[] retaining = {retainLimit > 0};

    for (int i = 0; i < targets.size(); i++) {
      int index = i;
      Directory.MemberVisitor counter =
          new Directory.MemberVisitor() {
            @Override
            public boolean user(DirectoryUser user) {
              StreamingPlan.Reach reach =
                  reached.computeIfAbsent(user.id(), id -> new StreamingPlan.Reach(index));
              reach.add(index);
              if (retaining[0]) {
                if (reached.size() <= retainLimit) {
                  // A user an id target named unread is replaced by the same user as a group listed
                  // it.
                  if (reach.user == null || (!reach.user.described() && user.described())) {
                    reach.user = user;
                  }
                } else {
                  // Too many to keep: ids only from here on, and the users kept so far are let go.
                  retaining[0] = false;
                  reached.values().forEach(r -> r.user = null);
                }
              }
              // Stop paging as soon as the limit is passed: the event is rejected anyway.
              return reached.size() <= maxUsersPerEvent;
            }

            @Override
            public void other(String kind) {
              skipped.merge(kind, 1, Integer::sum);
            }
          };
      Target target = targets.get(i);
      String via =
          switch (target) {
            case Target.User u -> "user:" + u.user();
            case Target.Group g -> "group:" + g.group();
            case Target.Attribute a -> "attribute:" + a.attribute();
          };
      vias.add(via);
      try {
        switch (target) {
          case Target.User u when u.isObjectId() && !readIdTargets && !event.data().dryRun() -> {
            DirectoryUser user = DirectoryUser.byId(u.user());
            userTargets.put(index, user);
            counter.user(user);
          }
          case Target.User u ->
              directory
                  .user(u.user())
                  .ifPresentOrElse(
                      user -> {
                        userTargets.put(index, user);
                        counter.user(user);
                      },
                      () -> {
                        unresolvedTargets.set(index);
                        unresolved.add(Plan.Unresolved.notFound(via, "user not found"));
                      });
          case Target.Group g -> directory.transitiveMembers(g.group(), counter);
          case Target.Attribute a -> directory.usersWhere(a.attribute(), a.equals(), counter);
        }
      } catch (GraphFailure e) {
        // Transient: the whole event waits and is planned again. Anything else fails this target
        // only (a group whose members the app may not read, a refused query): the other targets go
        // on.
        if (e.isTransient()) {
          throw e;
        }
        unresolvedTargets.set(index);
        unresolved.add(
            e.kind() == GraphFailure.Kind.NOT_FOUND && target instanceof Target.Group
                ? Plan.Unresolved.notFound(via, "group not found")
                : Plan.Unresolved.failed(via, e));
      }
      if (reached.size() > maxUsersPerEvent) {
        return new PlanResult.Rejected(
            "BlastRadiusExceeded",
            "the event resolves to more than "
                + maxUsersPerEvent
                + " distinct users (MAX_TARGETS_PER_EVENT); nothing was written");
      }
    }
    return new PlanResult.Streamed(
        new StreamingPlan(
            event,
            directory,
            guard,
            vias,
            unresolvedTargets,
            reached,
            userTargets,
            unresolved,
            skipped,
            retaining[0]));
  }

  /**
   * Plans an event into memory, every user listed: for {@code dry-run} and small events. Returns
   * {@link PlanResult.Ready} or {@link PlanResult.Rejected}; throws {@link GraphFailure} like
   * {@link #prepare}. Users counted but gone by the second read are left out.
   */
  public PlanResult plan(OffboardingEvent event) {
    PlanResult prepared = prepare(event);
    if (!(prepared instanceof PlanResult.Streamed streamed)) {
      return prepared;
    }
    StreamingPlan plan = streamed.plan();
    List<PlannedUser> users = new ArrayList<>(plan.userCount());
    plan.stream(user -> users.add(user));
    return new PlanResult.Ready(new Plan(event, users, plan.unresolved(), plan.skippedMembers()));
  }
}
