package dev.offboarding.worker.plan;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.DirectoryUser;
import dev.offboarding.worker.tenant.GraphFailure;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * An event's plan that streams: the counting pass ({@link Planner#prepare}) has already checked the
 * blast radius and kept, per distinct user, only its id and which targets reached it; {@link
 * #stream} is the second pass, which reads the directory again page by page and hands each counted
 * user to the sink exactly once, while it is read. Nothing but the id index grows with the size of
 * a group. Not thread-safe: one event, one thread streams it.
 */
public final class StreamingPlan {

  /** Receives users as the second pass finds them. */
  public interface UserSink {
    /**
     * A counted user, found again. Return false to stop the pass: this user is then not taken and
     * stays among {@link #forEachNotStreamed not streamed}.
     */
    boolean user(PlannedUser user);
  }

  /**
   * Users the counting pass keeps whole (id, UPN, type) so that an event of up to this many users
   * is listed once, not twice: its first write follows the count at once. Bigger events keep ids
   * only and list their groups again. About 250 bytes a user: a few megabytes at most.
   */
  public static final int RETAIN_LIMIT = 20_000;

  /**
   * Per counted id: which targets reached it, whether it was streamed already, and the user itself
   * while the count stays within {@link #RETAIN_LIMIT}.
   */
  static final class Reach {
    final int first;
    BitSet others;
    boolean streamed;
    DirectoryUser user;

    Reach(int first) {
      this.first = first;
    }

    void add(int target) {
      if (target != first) {
        if (others == null) {
          others = new BitSet();
        }
        others.set(target);
      }
    }

    boolean has(int target) {
      return target == first || (others != null && others.get(target));
    }

    /** Whether any of these targets reached this user. */
    boolean anyOf(BitSet targets) {
      return targets.get(first) || (others != null && others.intersects(targets));
    }
  }

  private final OffboardingEvent event;
  private final Directory directory;
  private final Protection.Checker guard;
  private final List<String> vias;
  private final BitSet unresolvedTargets;

  /** The indexes of the user targets: a user one of them reached is named by the event. */
  private final BitSet namingTargets;

  private final Map<String, Reach> reached;
  private final Map<Integer, DirectoryUser> userTargets;
  private final List<Plan.Unresolved> unresolved;
  private final Map<String, Integer> skippedMembers;
  private final boolean retained;
  private boolean streamedOnce;

  /** The users this delivery handles, in order; null for all of them. */
  private Set<String> selection;

  StreamingPlan(
      OffboardingEvent event,
      Directory directory,
      Protection.Checker guard,
      List<String> vias,
      BitSet unresolvedTargets,
      Map<String, Reach> reached,
      Map<Integer, DirectoryUser> userTargets,
      List<Plan.Unresolved> unresolved,
      Map<String, Integer> skippedMembers,
      boolean retained) {
    this.retained = retained;
    this.event = Objects.requireNonNull(event);
    this.directory = directory;
    this.guard = guard;
    this.vias = List.copyOf(vias);
    this.unresolvedTargets = unresolvedTargets;
    this.namingTargets = new BitSet();
    List<Target> targets = event.data().targets();
    for (int i = 0; i < targets.size(); i++) {
      if (targets.get(i) instanceof Target.User) {
        this.namingTargets.set(i);
      }
    }
    this.reached = reached;
    this.userTargets = Map.copyOf(userTargets);
    this.unresolved = List.copyOf(unresolved);
    this.skippedMembers = new TreeMap<>(skippedMembers);
  }

  /** The event planned. */
  public OffboardingEvent event() {
    return event;
  }

  /**
   * The directory the plan reads; also names, after their writes, users an id target gave unread.
   */
  public Directory directory() {
    return directory;
  }

  /** The actions each user receives, in order. */
  public List<Action> actions() {
    return event.effectiveActions();
  }

  /** Distinct users counted by the first pass, protected ones included. */
  public int userCount() {
    return reached.size();
  }

  /** Targets that resolved to no user, each with why. */
  public List<Plan.Unresolved> unresolved() {
    return unresolved;
  }

  /**
   * Group members that were not users, by kind; after {@link #stream}, also {@code
   * userJoinedDuringEvent}: users found by the second pass that the count had not seen (they were
   * not written to: the blast-radius check never saw them).
   */
  public Map<String, Integer> skippedMembers() {
    return java.util.Collections.unmodifiableMap(skippedMembers);
  }

  /** Every counted id, in ascending order: the order in which chunks of a big event are done. */
  public List<String> sortedIds() {
    List<String> ids = new ArrayList<>(reached.keySet());
    java.util.Collections.sort(ids);
    return ids;
  }

  /** True when the count reached this user id. */
  public boolean reaches(String userId) {
    return reached.containsKey(userId);
  }

  /**
   * Narrows {@link #stream} and {@link #forEachNotStreamed} to these counted users (a chunk of a
   * big event); ids the count did not reach are ignored. Call before streaming.
   */
  public void select(java.util.Collection<String> userIds) {
    if (streamedOnce) {
      throw new IllegalStateException("select before streaming");
    }
    Set<String> chosen = new java.util.LinkedHashSet<>();
    for (String id : userIds) {
      if (reached.containsKey(id)) {
        chosen.add(id);
      }
    }
    selection = chosen;
  }

  /** Users {@link #stream} hands out: the selection's size, or every counted user. */
  public int selectedCount() {
    return selection == null ? reached.size() : selection.size();
  }

  private boolean selected(String id) {
    return selection == null || selection.contains(id);
  }

  /** True when the count kept every user, so {@link #stream} reads nothing again. */
  public boolean retained() {
    return retained;
  }

  /**
   * The second pass: hands each counted user to the sink once. When the count kept every user
   * ({@link #retained()}), straight from memory; otherwise it reads every resolved group and
   * attribute target again, in order (explicit users were kept by the count), and hands each
   * counted user over the first time it is found. Throws {@link GraphFailure} when the directory
   * fails (the users not streamed yet are then in {@link #forEachNotStreamed}). Runs once.
   */
  public void stream(UserSink sink) {
    if (streamedOnce) {
      throw new IllegalStateException("a plan streams once");
    }
    streamedOnce = true;
    if (retained) {
      Iterable<Reach> order =
          selection == null ? reached.values() : selection.stream().map(reached::get).toList();
      for (Reach reach : order) {
        if (!sink.user(
            new PlannedUser(reach.user, viaOf(reach), guard.reason(reach.user, named(reach))))) {
          return;
        }
        reach.streamed = true;
      }
      return;
    }
    List<Target> targets = event.data().targets();
    boolean[] stopped = {false};
    int[] left = {selectedCount()};
    for (int i = 0; i < targets.size() && !stopped[0] && left[0] > 0; i++) {
      if (unresolvedTargets.get(i)) {
        continue;
      }
      int index = i;
      Directory.MemberVisitor visitor =
          new Directory.MemberVisitor() {
            @Override
            public boolean user(DirectoryUser user) {
              Reach reach = reached.get(user.id());
              if (reach == null) {
                skippedMembers.merge("userJoinedDuringEvent", 1, Integer::sum);
                return true;
              }
              if (reach.streamed || !reach.has(index) || !selected(user.id())) {
                return true;
              }
              if (!sink.user(
                  new PlannedUser(user, viaOf(reach), guard.reason(user, named(reach))))) {
                stopped[0] = true;
                return false;
              }
              reach.streamed = true;
              // Every user of the selection found: the rest of the listing is not needed.
              return --left[0] > 0;
            }

            @Override
            public void other(String kind) {
              // counted by the first pass
            }
          };
      switch (targets.get(i)) {
        // Explicit users were kept by the count (they are few): no second read, which matters to
        // a compromise event, where that read would add a round trip before the first write.
        case Target.User u -> visitor.user(userTargets.get(index));
        case Target.Group g -> {
          try {
            directory.transitiveMembers(g.group(), visitor);
          } catch (GraphFailure e) {
            if (e.kind() != GraphFailure.Kind.NOT_FOUND) {
              throw e;
            }
            // Deleted since the count: its users are reported as not streamed.
          }
        }
        case Target.Attribute a -> directory.usersWhere(a.attribute(), a.equals(), visitor);
      }
    }
  }

  /** Receives a counted user the second pass did not hand out: its id and how it was reached. */
  public interface NotStreamed {
    void user(String id, List<String> via);
  }

  /** Every counted user that {@link #stream} did not hand to the sink, once each. */
  public void forEachNotStreamed(NotStreamed consumer) {
    reached.forEach(
        (id, reach) -> {
          if (!reach.streamed && selected(id)) {
            reach.streamed = true;
            consumer.user(id, viaOf(reach));
          }
        });
  }

  /**
   * Whether the event names this user (a user target reached it, whatever else did): a holder of a
   * privileged role is written to only then.
   */
  private boolean named(Reach reach) {
    return reach.anyOf(namingTargets);
  }

  private List<String> viaOf(Reach reach) {
    if (reach.others == null) {
      return List.of(vias.get(reach.first));
    }
    LinkedHashSet<String> all = new LinkedHashSet<>();
    all.add(vias.get(reach.first));
    reach.others.stream().forEach(t -> all.add(vias.get(t)));
    return new ArrayList<>(all);
  }

  /** The first pass's index, built by {@link Planner#prepare}, in the order users were found. */
  static Map<String, Reach> newIndex() {
    return new LinkedHashMap<>();
  }
}
