package dev.offboarding.worker.domain;

import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves an event's targets to distinct users, applies the guards, and enforces the blast-radius
 * limit before anything is written. Stateless and safe for concurrent use.
 */
public final class Planner {
  private final Directory directory;
  private final Protection protection;
  private final int maxUsersPerEvent;

  public Planner(Directory directory, Protection protection, int maxUsersPerEvent) {
    if (maxUsersPerEvent < 1) {
      throw new IllegalArgumentException("maxUsersPerEvent must be >= 1");
    }
    this.directory = directory;
    this.protection = protection;
    this.maxUsersPerEvent = maxUsersPerEvent;
  }

  /**
   * Plans an event. Throws {@link GraphFailure} when the directory cannot be read (a transient
   * failure means: try the whole event again later).
   */
  public PlanResult plan(OffboardingEvent event) {
    Protection.Checker guard = protection.load(directory);
    Collector collector = new Collector(guard);

    for (Target target : event.data().targets()) {
      switch (target) {
        case Target.User u -> {
          String via = "user:" + u.user();
          directory.user(u.user()).ifPresentOrElse(
              user -> collector.add(user, via),
              () -> collector.unresolved.add(new Plan.Unresolved(via, "user not found")));
        }
        case Target.Group g -> {
          String via = "group:" + g.group();
          try {
            directory.transitiveMembers(g.group(), collector.visitor(via));
          } catch (GraphFailure e) {
            if (e.kind() != GraphFailure.Kind.NOT_FOUND) {
              throw e;
            }
            collector.unresolved.add(new Plan.Unresolved(via, "group not found"));
          }
        }
        case Target.Attribute a ->
            directory.usersWhere(a.attribute(), a.equals(), collector.visitor("attribute:" + a.attribute()));
      }
      if (collector.overLimit()) {
        return new PlanResult.Rejected("BlastRadiusExceeded",
            "the event resolves to more than " + maxUsersPerEvent
                + " distinct users (MAX_TARGETS_PER_EVENT); nothing was written");
      }
    }
    List<PlannedUser> users = new ArrayList<>(collector.users.size());
    collector.users.forEach((id, found) -> users.add(new PlannedUser(found.user, found.via, found.protectedBecause)));
    return new PlanResult.Ready(new Plan(event, users, collector.unresolved, collector.skipped));
  }

  private static final class Found {
    final DirectoryUser user;
    final List<String> via = new ArrayList<>(1);
    final String protectedBecause;

    Found(DirectoryUser user, String protectedBecause) {
      this.user = user;
      this.protectedBecause = protectedBecause;
    }
  }

  private final class Collector {
    final Protection.Checker guard;
    final Map<String, Found> users = new LinkedHashMap<>();
    final List<Plan.Unresolved> unresolved = new ArrayList<>();
    final Map<String, Integer> skipped = new HashMap<>();

    Collector(Protection.Checker guard) {
      this.guard = guard;
    }

    boolean overLimit() {
      return users.size() > maxUsersPerEvent;
    }

    void add(DirectoryUser user, String via) {
      Found found = users.computeIfAbsent(user.id(), id -> new Found(user, guard.reason(user)));
      if (!found.via.contains(via)) {
        found.via.add(via);
      }
    }

    Directory.MemberVisitor visitor(String via) {
      return new Directory.MemberVisitor() {
        @Override
        public boolean user(DirectoryUser user) {
          add(user, via);
          // Stop paging as soon as the limit is passed: the event is rejected anyway.
          return !overLimit();
        }

        @Override
        public void other(String kind) {
          skipped.merge(kind, 1, Integer::sum);
        }
      };
    }
  }
}
