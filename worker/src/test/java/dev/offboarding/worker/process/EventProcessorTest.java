package dev.offboarding.worker.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.continuation.DeliveryBounds;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.plan.StreamingPlan;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.tenant.AccountState;
import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.DirectoryUser;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.testing.Events;
import dev.offboarding.worker.testing.Executions;
import dev.offboarding.worker.testing.FakeDirectory;
import dev.offboarding.worker.testing.FollowUpLoop;
import dev.offboarding.worker.testing.Inbounds;
import dev.offboarding.worker.testing.RecordingAudit;
import dev.offboarding.worker.testing.RecordingWrites;
import dev.offboarding.worker.testing.SyntheticDirectory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventProcessorTest {
  static final String GROUP = "30000000-0000-4000-8000-000000000001";

  final FakeDirectory directory = new FakeDirectory();
  final RecordingWrites writes = new RecordingWrites();
  final RecordingAudit audit = new RecordingAudit();
  final AtomicInteger heartbeats = new AtomicInteger();
  final FollowUpLoop followUps = new FollowUpLoop();
  DeliveryBounds bounds = DeliveryBounds.defaults();

  EventProcessor processor(Directory dir, Protection protection, int limit) {
    return processor(dir, protection, limit, StreamingPlan.RETAIN_LIMIT);
  }

  /** A processor whose count keeps ids only, so every group is listed a second time. */
  EventProcessor twoPassProcessor(Directory dir, int limit) {
    return processor(dir, Protection.none(), limit, 0);
  }

  EventProcessor processor(Directory dir, Protection protection, int limit, int retainLimit) {
    Executor executor = Executions.unthrottled(writes, Clock.systemUTC(), 8);
    return EventProcessor.builder(
            new Planner(dir, protection, limit, retainLimit), executor, Clock.systemUTC())
        .bounds(bounds)
        .build();
  }

  /** Processes the event and each follow-up it leaves, as the queue would deliver them. */
  Settlement process(EventProcessor processor, OffboardingEvent event) throws InterruptedException {
    return followUps.run(
        processor, new EventCodec().encode(event), audit, heartbeats::incrementAndGet);
  }

  /**
   * The directory, except that the listings of members {@code failing} picks (numbered from 1)
   * answer 503 after handing out two users.
   */
  Directory failingAfterTwoUsers(java.util.function.IntPredicate failing) {
    return new ForwardingDirectory(directory) {
      int listings;

      @Override
      public void transitiveMembers(String groupId, MemberVisitor visitor) {
        if (!failing.test(++listings)) {
          super.transitiveMembers(groupId, visitor);
          return;
        }
        int[] seen = {0};
        super.transitiveMembers(
            groupId,
            new MemberVisitor() {
              @Override
              public boolean user(DirectoryUser user) {
                if (seen[0]++ == 2) {
                  throw new GraphFailure(
                      GraphFailure.Kind.UNAVAILABLE,
                      503,
                      "ServiceUnavailable",
                      "down",
                      null,
                      null,
                      null);
                }
                return visitor.user(user);
              }

              @Override
              public void other(String kind) {
                visitor.other(kind);
              }
            });
      }
    };
  }

  List<String> addUsers(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = String.format("20000000-0000-4000-8000-%012d", i);
      directory.addUser(id, "u" + i + "@contoso.com");
      ids.add(id);
    }
    return ids;
  }

  @Test
  void givesEveryMemberOfAHugeNestedGroupExactlyOneResult() throws Exception {
    SyntheticDirectory huge = new SyntheticDirectory(20_000, 50, 0);

    Settlement settlement =
        process(
            processor(huge, Protection.none(), 20_000),
            Events.leaver(new Target.Group(SyntheticDirectory.GROUP)));

    assertInstanceOf(Settlement.Complete.class, settlement);
    List<TargetAudit> results = audit.all();
    assertEquals(20_000, results.size());
    assertEquals(20_000, new HashSet<>(results.stream().map(TargetAudit::userId).toList()).size());
    assertEquals(40_000, writes.attempts.size());
    assertEquals(20_000, audit.summary.counts().get(TargetOutcome.SUCCEEDED));
    assertEquals(50, audit.summary.skippedMembers().get("group"));
  }

  @Test
  void publishesResultsInChunksWhileTheEventRunsAndBeatsTheHeartbeat() throws Exception {
    directory.addGroup(GROUP, addUsers(250).toArray(String[]::new));

    process(processor(directory, Protection.none(), 1000), Events.leaver(new Target.Group(GROUP)));

    assertEquals(List.of(100, 100, 50), audit.chunks.stream().map(List::size).toList());
    assertTrue(heartbeats.get() >= 3, "heartbeats: " + heartbeats.get());
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertEquals(250, audit.summary.usersResolved());
  }

  @Test
  void rejectsAnEventOverTheLimitBeforeAnyWrite() throws Exception {
    directory.addGroup(GROUP, addUsers(11).toArray(String[]::new));

    Settlement settlement =
        process(
            processor(directory, Protection.none(), 10), Events.leaver(new Target.Group(GROUP)));

    assertEquals(
        "BlastRadiusExceeded", assertInstanceOf(Settlement.DeadLetter.class, settlement).reason());
    assertEquals(List.of(), writes.attempts);
    assertEquals(List.of(), audit.chunks);
  }

  @Test
  void neverWritesToProtectedMembersOfAStreamedGroup() throws Exception {
    List<String> ids = addUsers(30);
    directory.addGroup(GROUP, ids.toArray(String[]::new));

    process(
        processor(directory, new Protection(Set.of(ids.get(7), "u8@contoso.com"), Set.of()), 1000),
        Events.leaver(new Target.Group(GROUP)));

    assertTrue(
        writes.attempts.stream().noneMatch(a -> a.endsWith(ids.get(7)) || a.endsWith(ids.get(8))));
    assertEquals(2, audit.summary.counts().get(TargetOutcome.PROTECTED));
    assertEquals(30, audit.all().size());
  }

  @Test
  void reportsAMemberWhoLeftTheGroupBetweenTheTwoPassesAsSkippedAndNeverWritesIt()
      throws Exception {
    List<String> ids = addUsers(3);
    directory.addGroup(GROUP, ids.toArray(String[]::new));
    // The counting pass sees three members; the group loses one before the second pass.
    Directory changing =
        new ForwardingDirectory(directory) {
          int listings;

          @Override
          public void transitiveMembers(String groupId, MemberVisitor visitor) {
            if (++listings == 2) {
              directory.addGroup(GROUP, ids.get(0), ids.get(2));
            }
            super.transitiveMembers(groupId, visitor);
          }
        };

    process(twoPassProcessor(changing, 1000), Events.leaver(new Target.Group(GROUP)));

    TargetAudit gone =
        audit.all().stream().filter(t -> t.userId().equals(ids.get(1))).findFirst().orElseThrow();
    assertEquals(TargetOutcome.SKIPPED, gone.outcome());
    assertEquals(List.of("group:" + GROUP), gone.via());
    assertTrue(writes.attempts.stream().noneMatch(a -> a.endsWith(ids.get(1))));
    assertEquals(3, audit.all().size());
  }

  @Test
  void neverWritesToAUserWhoJoinedAfterTheCount() throws Exception {
    List<String> ids = addUsers(3);
    directory.addGroup(GROUP, ids.get(0), ids.get(1));
    Directory changing =
        new ForwardingDirectory(directory) {
          int listings;

          @Override
          public void transitiveMembers(String groupId, MemberVisitor visitor) {
            if (++listings == 2) {
              // Listed ahead of the counted users, so the second pass meets it before it has found
              // them all.
              directory.addGroup(GROUP, ids.get(2), ids.get(0), ids.get(1));
            }
            super.transitiveMembers(groupId, visitor);
          }
        };

    process(twoPassProcessor(changing, 2), Events.leaver(new Target.Group(GROUP)));

    assertTrue(writes.attempts.stream().noneMatch(a -> a.endsWith(ids.get(2))));
    assertEquals(2, audit.all().size());
    assertEquals(1, audit.summary.skippedMembers().get("userJoinedDuringEvent"));
  }

  @Test
  void handsUsersNotReachedToAFollowUpWhenTheDirectoryFailsMidEvent() throws Exception {
    List<String> ids = addUsers(5);
    directory.addGroup(GROUP, ids.toArray(String[]::new));
    // The first listing (the count) succeeds; every later one fails after two users.
    Directory failing = failingAfterTwoUsers(listing -> listing >= 2);

    Settlement first =
        twoPassProcessor(failing, 1000)
            .process(
                new EventProcessor.Work(
                    Inbounds.of(
                        new EventCodec().encode(Events.leaver(new Target.Group(GROUP))), "1"),
                    false,
                    audit,
                    followUps,
                    () -> false,
                    () -> {}));

    // The two users reached are done for good; the three not reached continue in a follow-up,
    // at once (nothing failed for them), rather than being reported FAILED.
    assertEquals(new Settlement.Complete(Settlement.Complete.BOUND), first);
    assertEquals(2, audit.all().size());
    assertEquals(SummaryStatus.CONTINUING, audit.summary.status());
    assertEquals(3, audit.summary.usersPending());
    Continuation next = followUps.sent.getFirst();
    assertEquals(3, next.pending().size());
    assertEquals(2, next.counts().get(TargetOutcome.SUCCEEDED));
  }

  @Test
  void finishesUsersNotReachedInAFollowUpWithoutWritingTheDoneOnesAgain() throws Exception {
    List<String> ids = addUsers(5);
    directory.addGroup(GROUP, ids.toArray(String[]::new));
    // Only the first delivery's second pass fails after two users; the follow-up lists normally.
    Directory failingOnce = failingAfterTwoUsers(listing -> listing == 2);

    Settlement settlement =
        process(twoPassProcessor(failingOnce, 1000), Events.leaver(new Target.Group(GROUP)));

    assertEquals(new Settlement.Complete(), settlement);
    assertEquals(5, audit.all().size());
    assertEquals(5, Set.copyOf(audit.all().stream().map(TargetAudit::userId).toList()).size());
    assertEquals(10, writes.attempts.size(), "a user done in the first delivery was written again");
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertTrue(audit.summary.finalSummary());
    assertEquals(1, audit.summary.step());
    assertEquals(5, audit.summary.counts().get(TargetOutcome.SUCCEEDED));
  }

  @Test
  void listsAGroupOnlyOnceWhenItsUsersFitInMemory() throws Exception {
    List<String> ids = addUsers(50);
    directory.addGroup(GROUP, ids.toArray(String[]::new));

    process(
        processor(directory, Protection.none(), 1000, 50), Events.leaver(new Target.Group(GROUP)));

    assertEquals(1, directory.memberListings.get());
    assertEquals(50, audit.all().size());
    assertEquals(100, writes.attempts.size());
  }

  @Test
  void listsAGroupAgainWhenItHasMoreUsersThanTheCountKeeps() throws Exception {
    List<String> ids = addUsers(51);
    directory.addGroup(GROUP, ids.toArray(String[]::new));

    process(
        processor(directory, Protection.none(), 1000, 50), Events.leaver(new Target.Group(GROUP)));

    assertEquals(2, directory.memberListings.get());
    assertEquals(51, Set.copyOf(audit.all().stream().map(TargetAudit::userId).toList()).size());
    assertEquals(102, writes.attempts.size());
  }

  @Test
  void auditsThenAsksForAnotherTryWhenGraphStaysUnavailableToSomeUsers() throws Exception {
    List<String> ids = addUsers(3);
    writes.failAlways("revoke:" + ids.get(1), RecordingWrites.status(503));

    Settlement settlement =
        process(
            processor(directory, Protection.none(), 1000),
            Events.leaver(
                ids.stream().map(id -> (Target) new Target.User(id)).toArray(Target[]::new)));

    // Every delivery but the last hands the failing user to a follow-up, after a growing wait,
    // and asks intake to pause; the other two users are done once, in the first delivery.
    int rounds = bounds.maxRounds();
    assertEquals(rounds, followUps.settlements.size());
    assertTrue(
        followUps.settlements.subList(0, rounds - 1).stream()
            .allMatch(s -> s.equals(new Settlement.Complete(Settlement.Complete.TRANSIENT))));
    assertEquals(new Settlement.Complete(), settlement);
    assertEquals(rounds - 1, followUps.sent.size());
    assertEquals(
        List.of(ids.get(1)),
        followUps.sent.getFirst().pending().stream().map(Continuation.Pending::userId).toList());
    assertEquals(3, audit.all().size(), "each user has exactly one final result");
    assertEquals(SummaryStatus.PARTIAL, audit.summary.status());
    assertTrue(audit.summary.finalSummary());
    TargetAudit failed =
        audit.all().stream().filter(t -> t.userId().equals(ids.get(1))).findFirst().orElseThrow();
    assertEquals(Executor.RETRIES_EXHAUSTED, failed.actions().get(1).errorCode());
    assertEquals(
        2L,
        writes.attempts.stream().filter(a -> a.endsWith(ids.get(0))).count(),
        "a user that succeeded was written again");
    assertEquals(
        1L,
        writes.attempts.stream().filter(a -> a.equals("disable:" + ids.get(1))).count(),
        "a disable that succeeded was sent again in a later round");
    assertEquals(TargetOutcome.SUCCEEDED, failed.actions().get(0).outcome());
  }

  @Test
  void completesWhenFailuresAreFinalRatherThanTransient() throws Exception {
    List<String> ids = addUsers(2);
    writes.failAlways("disable:" + ids.get(0), RecordingWrites.status(403));
    writes.failAlways("revoke:" + ids.get(0), RecordingWrites.status(400));

    Settlement settlement =
        process(
            processor(directory, Protection.none(), 1000),
            Events.leaver(new Target.User(ids.get(0)), new Target.User(ids.get(1))));

    assertInstanceOf(Settlement.Complete.class, settlement);
    assertEquals(SummaryStatus.PARTIAL, audit.summary.status());
  }

  /** Delegates everything; tests override what they change. */
  static class ForwardingDirectory implements Directory {
    private final Directory delegate;

    ForwardingDirectory(Directory delegate) {
      this.delegate = delegate;
    }

    @Override
    public java.util.Optional<DirectoryUser> user(String idOrUserPrincipalName) {
      return delegate.user(idOrUserPrincipalName);
    }

    @Override
    public java.util.Optional<AccountState> accountState(String userId) {
      return delegate.accountState(userId);
    }

    @Override
    public void transitiveMembers(String groupId, MemberVisitor visitor) {
      delegate.transitiveMembers(groupId, visitor);
    }

    @Override
    public void usersWhere(String attribute, String value, MemberVisitor visitor) {
      delegate.usersWhere(attribute, value, visitor);
    }
  }
}
