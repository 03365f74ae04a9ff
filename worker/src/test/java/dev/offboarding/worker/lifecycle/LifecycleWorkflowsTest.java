package dev.offboarding.worker.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Summaries;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.continuation.FollowUps;
import dev.offboarding.worker.intake.Inbound;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LifecycleWorkflowsTest {
  static final String TASK_ID =
      "lcw/" + LifecycleTaskTest.W + "/" + LifecycleTaskTest.T + "/" + LifecycleTaskTest.R;
  static final Instant NOW = Instant.parse("2026-12-01T16:00:00Z");

  final List<SummaryAudit> published = new ArrayList<>();
  final List<PendingResume> pending = new ArrayList<>();
  final AuditSink audit =
      new AuditSink() {
        @Override
        public void targets(List<TargetAudit> results) {}

        @Override
        public void summary(SummaryAudit summary) {
          published.add(summary);
        }
      };
  final FollowUps followUps =
      new FollowUps() {
        @Override
        public void send(String eventId, Continuation next, Instant notBefore) {}

        @Override
        public void hold(Inbound.Event event, Instant dueAt) {}

        @Override
        public void pendingResume(String eventId, PendingResume resume) {
          assertEquals(TASK_ID, eventId);
          pending.add(resume);
        }
      };

  static OffboardingEvent event(String id, EventType type, Target... targets) {
    return new OffboardingEvent(
        id,
        "/lifecycle-workflows/test",
        type,
        NOW,
        new EventData(
            List.of(targets), List.of(), "leaver workflow", "T-21", "lifecycle-workflows", false));
  }

  static SummaryAudit finalSummary(OffboardingEvent e, Map<TargetOutcome, Integer> counts) {
    return Summaries.of(e, counts, Map.of(), 1, NOW, NOW, false);
  }

  @Test
  void completedOnlyWhenEveryTargetResultSucceeded() {
    OffboardingEvent e = event(TASK_ID, EventType.LEAVER, new Target.User("alice@contoso.com"));

    assertEquals(
        "completed",
        LifecycleWorkflows.operationStatus(finalSummary(e, Map.of(TargetOutcome.SUCCEEDED, 1))));
    for (TargetOutcome other : TargetOutcome.values()) {
      if (other != TargetOutcome.SUCCEEDED) {
        assertEquals(
            "failed",
            LifecycleWorkflows.operationStatus(finalSummary(e, Map.of(other, 1))),
            other::name);
      }
    }
    assertEquals(
        "failed",
        LifecycleWorkflows.operationStatus(finalSummary(e, Map.of())),
        "no result at all");
    SummaryAudit dryRun =
        SummaryAudit.builder(SummaryStatus.DRY_RUN, NOW, NOW)
            .eventId(TASK_ID)
            .eventType("dev.offboarding.leaver.v1")
            .counts(Map.of(TargetOutcome.SUCCEEDED, 1))
            .usersResolved(1)
            .dryRun(true)
            .build();
    assertEquals(
        "failed", LifecycleWorkflows.operationStatus(dryRun), "nothing was written by a dry run");
  }

  @Test
  void refusesWhatBreaksTheRuleOnlyWhileResuming() {
    LifecycleWorkflows on = LifecycleWorkflows.resuming("offboarding-events");
    LifecycleWorkflows off = LifecycleWorkflows.off();
    OffboardingEvent good = event(TASK_ID, EventType.LEAVER, new Target.User("alice@contoso.com"));
    OffboardingEvent twoUsers =
        event(
            TASK_ID,
            EventType.LEAVER,
            new Target.User("alice@contoso.com"),
            new Target.User("bob@contoso.com"));
    OffboardingEvent group =
        event(TASK_ID, EventType.LEAVER, new Target.Group("84b18857-3c01-48be-b707-492019c57142"));
    OffboardingEvent compromise =
        event(TASK_ID, EventType.COMPROMISE, new Target.User("alice@contoso.com"));
    OffboardingEvent malformed =
        event(TASK_ID + "/x", EventType.LEAVER, new Target.User("alice@contoso.com"));
    OffboardingEvent ordinary =
        event("hr-42", EventType.COMPROMISE, new Target.User("alice@contoso.com"));

    assertNull(on.refusal(good, "offboarding-events"));
    assertTrue(
        on.refusal(good, "offboarding-urgent").contains("must arrive on offboarding-events"));
    assertTrue(on.refusal(twoUsers, "offboarding-events").contains("exactly one user target"));
    assertTrue(on.refusal(group, "offboarding-events").contains("exactly one user target"));
    assertTrue(on.refusal(compromise, "offboarding-events").contains("dev.offboarding.leaver.v1"));
    assertTrue(on.refusal(malformed, "offboarding-events").contains("exactly three ids"));
    assertNull(on.refusal(ordinary, "offboarding-urgent"));
    for (OffboardingEvent e : List.of(good, twoUsers, group, compromise, malformed)) {
      assertNull(off.refusal(e, "offboarding-urgent"), "resuming off: nothing refused");
    }
  }

  @Test
  void everySummaryThatIsNotFinalIsFlaggedAndTheFinalOneIsFollowedByOnePendingResume() {
    OffboardingEvent e = event(TASK_ID, EventType.LEAVER, new Target.User("alice@contoso.com"));
    byte[] body = new EventCodec().encode(e);
    AuditSink sink =
        LifecycleWorkflows.resuming("offboarding-events")
            .sink(audit, e, body, "7@offboarding-events", "offboarding-events", followUps);

    sink.summary(Summaries.scheduled(e, NOW.plusSeconds(3600), NOW, NOW, false));
    sink.summary(Summaries.awaitingApproval(e, NOW.plusSeconds(3600), 1, "waits", NOW, NOW, false));
    sink.summary(
        Summaries.withDetail(
            Summaries.continuing(e, Map.of(), Map.of(), 1, NOW, NOW, false, 0, 1),
            "MassActionBrake: held back"));
    sink.summary(finalSummary(e, Map.of(TargetOutcome.SUCCEEDED, 1)));

    assertEquals(
        List.of(true, true, true, false),
        published.stream().map(SummaryAudit::lifecycleTaskWaits).toList());
    assertEquals(1, pending.size());
    assertEquals("completed", pending.get(0).operationStatus());
    assertEquals(SummaryStatus.COMPLETED, pending.get(0).summaryStatus());
    assertEquals("7@offboarding-events", pending.get(0).origin());
  }

  @Test
  void withResumingOffTheWaitIsFlaggedAndNothingIsOwed() {
    OffboardingEvent e = event(TASK_ID, EventType.LEAVER, new Target.User("alice@contoso.com"));
    AuditSink sink =
        LifecycleWorkflows.off()
            .sink(
                audit,
                e,
                new EventCodec().encode(e),
                "7@offboarding-events",
                "offboarding-events",
                followUps);

    sink.summary(Summaries.scheduled(e, NOW.plusSeconds(3600), NOW, NOW, false));
    sink.summary(finalSummary(e, Map.of(TargetOutcome.SUCCEEDED, 1)));

    assertTrue(published.get(0).lifecycleTaskWaits());
    assertTrue(pending.isEmpty());
  }

  @Test
  void anOrdinaryEventsAuditIsUntouched() {
    OffboardingEvent e = event("hr-42", EventType.LEAVER, new Target.User("alice@contoso.com"));

    AuditSink sink =
        LifecycleWorkflows.resuming("offboarding-events")
            .sink(
                audit,
                e,
                new EventCodec().encode(e),
                "7@offboarding-events",
                "offboarding-events",
                followUps);

    assertTrue(sink == audit);
    sink.summary(Summaries.scheduled(e, NOW.plusSeconds(3600), NOW, NOW, false));
    assertFalse(published.get(0).lifecycleTaskWaits());
  }
}
