package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.Approval;
import dev.offboarding.contracts.Cancellation;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.testkit.servicebus.EmulatorMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two-person approval end to end, over real AMQP and real HTTP to the fake tenant: a restore, and
 * an event planning more users than APPROVAL_THRESHOLD, write nothing until a second person's
 * approve event from the operators' queue releases them; a self-approval is refused; an approval
 * that never comes ends the event CANCELLED.
 */
class ApprovalEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private WorkerHarness harness;
  private FakeTenant tenant;
  private FakeUser alice;
  private FakeUser bob;
  private FakeUser carol;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private void disabledUsers() {
    tenant = new FakeTenant();
    alice = tenant.addUser("alice@contoso.com");
    bob = tenant.addUser("bob@contoso.com");
    carol = tenant.addUser("carol@contoso.com");
    for (FakeUser u : List.of(alice, bob, carol)) {
      tenant.setAccountEnabled(u.id(), false);
    }
  }

  private static OffboardingEvent restore(String requestedBy, FakeUser... users) {
    return new OffboardingEvent(
        UUID.randomUUID().toString(),
        "/ops/console",
        EventType.RESTORE,
        Instant.now(),
        new EventData(
            java.util.Arrays.stream(users).map(u -> (Target) new Target.User(u.id())).toList(),
            List.of(),
            "mistaken leaver event",
            "OPS-7",
            requestedBy,
            false));
  }

  private static OffboardingEvent approve(OffboardingEvent event, String approver) {
    return OffboardingEvent.approve(
        UUID.randomUUID().toString(),
        "/ops/console",
        Instant.now(),
        new Approval(event.id(), approver, "checked with HR", List.of()));
  }

  private void awaitStatus(OffboardingEvent event, SummaryStatus status) {
    harness.awaitSummary(event.id(), WAIT, s -> s.status() == status);
  }

  private SummaryAudit awaitFinal(OffboardingEvent event) {
    harness.awaitFinalSummary(event.id(), WAIT);
    return harness.summaries(event.id()).stream()
        .filter(SummaryAudit::finalSummary)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aRestoreOnTheOpsQueueWritesNothingUntilASecondPersonApprovesThenExactlyTheNamedUsers() {
    disabledUsers();
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent restore = restore("ops-alice@contoso.com", alice, bob);

    harness.sendOps(restore);

    awaitStatus(restore, SummaryStatus.AWAITING_APPROVAL);
    SummaryAudit waiting = harness.summaries(restore.id()).get(0);
    assertFalse(waiting.finalSummary());
    assertTrue(
        waiting.detail().contains("from someone other than ops-alice@contoso.com"),
        waiting.detail());
    assertEquals(
        1,
        harness.emulator.stats(WorkerHarness.INTERNAL_QUEUE).scheduled(),
        "held on the worker's queue");
    assertEquals(List.of(), harness.graph.writeLog(), "nothing written before the approval");

    OffboardingEvent approve = approve(restore, "ops-bob@contoso.com");
    harness.sendOps(approve);

    SummaryAudit last = awaitFinal(restore);
    assertEquals(SummaryStatus.COMPLETED, last.status());
    assertEquals(2, last.counts().get(TargetOutcome.SUCCEEDED));
    assertEquals(
        WorkerHarness.OPS_QUEUE, last.provenance().queue(), "the restore's own provenance");
    assertEquals(
        Set.of(alice.id(), bob.id()),
        harness.graph.writeLog().stream().map(WriteRecord::userId).collect(Collectors.toSet()));
    assertTrue(
        harness.graph.writeLog().stream().allMatch(w -> w.kind() == WriteRecord.Kind.ENABLE));
    assertTrue(tenant.requireUser(alice.id()).accountEnabled());
    assertTrue(tenant.requireUser(bob.id()).accountEnabled());
    assertFalse(tenant.requireUser(carol.id()).accountEnabled(), "not named, not restored");
    SummaryAudit approval = harness.summaries(approve.id()).get(0);
    assertEquals(SummaryStatus.COMPLETED, approval.status());
    assertTrue(
        approval
            .detail()
            .startsWith(
                "approved event "
                    + restore.id()
                    + " (dev.offboarding.restore.v1 from"
                    + " offboarding-ops, requested by ops-alice@contoso.com): it runs now"),
        approval.detail());
    await()
        .atMost(WAIT)
        .until(() -> harness.emulator.stats(WorkerHarness.INTERNAL_QUEUE).scheduled() == 0);
  }

  @Test
  void aSelfApprovalIsRefusedAndTheRestoreStillWaitsForASecondPerson() {
    disabledUsers();
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent restore = restore("ops-alice@contoso.com", alice);
    harness.sendOps(restore);
    awaitStatus(restore, SummaryStatus.AWAITING_APPROVAL);
    OffboardingEvent self = approve(restore, "OPS-Alice@contoso.com");

    harness.sendOps(self);

    await()
        .atMost(WAIT)
        .until(() -> harness.emulator.deadLetterMessageCount(WorkerHarness.OPS_QUEUE) == 1);
    EmulatorMessage dead = harness.emulator.peekDeadLetterMessages(WorkerHarness.OPS_QUEUE).get(0);
    assertEquals("SelfApproval", dead.deadLetterReason());
    assertTrue(
        dead.deadLetterErrorDescription()
            .contains("was requested by ops-alice@contoso.com, who may not" + " approve it too"),
        dead.deadLetterErrorDescription());
    SummaryAudit refused = harness.summaries(self.id()).get(0);
    assertEquals(SummaryStatus.REJECTED, refused.status());
    assertTrue(refused.rejectionReason().startsWith("SelfApproval: "), refused.rejectionReason());
    assertEquals(List.of(), harness.graph.writeLog());
    assertEquals(1, harness.emulator.stats(WorkerHarness.INTERNAL_QUEUE).scheduled(), "still held");
    assertFalse(tenant.requireUser(alice.id()).accountEnabled());

    harness.sendOps(approve(restore, "ops-bob@contoso.com"));

    assertEquals(SummaryStatus.COMPLETED, awaitFinal(restore).status());
    assertTrue(tenant.requireUser(alice.id()).accountEnabled());
  }

  @Test
  void anApprovalThatNeverComesEndsTheRestoreCancelledApprovalExpiredWithoutAWrite() {
    disabledUsers();
    harness = new WorkerHarness(tenant, o -> {}, Map.of("APPROVAL_TTL", "PT2S"));
    harness.startWorker();
    OffboardingEvent restore = restore("ops-alice@contoso.com", alice);

    harness.sendOps(restore);

    SummaryAudit last = awaitFinal(restore);
    assertEquals(SummaryStatus.CANCELLED, last.status());
    assertEquals("ApprovalExpired", last.rejectionReason());
    assertTrue(
        last.detail()
            .startsWith("ApprovalExpired: no second person approved it within APPROVAL_TTL (PT2S)"),
        last.detail());
    assertEquals(
        List.of(SummaryStatus.AWAITING_APPROVAL, SummaryStatus.CANCELLED),
        harness.summaries(restore.id()).stream().map(SummaryAudit::status).toList());
    assertEquals(List.of(), harness.graph.writeLog());
    assertFalse(tenant.requireUser(alice.id()).accountEnabled());

    OffboardingEvent late = approve(restore, "ops-bob@contoso.com");
    harness.sendOps(late);

    harness.awaitSummaries(late.id(), WAIT);
    assertTrue(
        harness
            .summaries(late.id())
            .get(0)
            .detail()
            .startsWith("nothing approved: no event awaits approval"),
        harness.summaries(late.id()).get(0).detail());
    assertEquals(List.of(), harness.graph.writeLog(), "a late approval releases nothing");
  }

  @Test
  void aCancelFromTheHrQueueDoesNotReachTheOperatorsRestoreWhichRunsOnceApproved() {
    disabledUsers();
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent restore = restore("ops-alice@contoso.com", alice);
    harness.sendOps(restore);
    awaitStatus(restore, SummaryStatus.AWAITING_APPROVAL);
    OffboardingEvent cancel =
        OffboardingEvent.cancel(
            UUID.randomUUID().toString(),
            "/hr/workday",
            Instant.now(),
            new Cancellation(restore.id(), "HR would rather keep her disabled", "hr-integration"));

    harness.send(cancel);

    harness.awaitSummaries(cancel.id(), WAIT);
    String answer = harness.summaries(cancel.id()).get(0).detail();
    assertTrue(
        answer.contains(
            "a cancel from offboarding-events reaches only events that arrived on"
                + " offboarding-events"),
        answer);
    assertEquals(
        List.of(Boolean.TRUE),
        harness.emulator.peekMessages(WorkerHarness.INTERNAL_QUEUE).stream()
            .filter(m -> "dev.offboarding.restore.v1".equals(m.subject()))
            .map(m -> m.applicationProperties().get("awaitingApproval"))
            .toList(),
        "the held restore stays");

    harness.sendOps(approve(restore, "ops-bob@contoso.com"));

    SummaryAudit last = awaitFinal(restore);
    assertEquals(
        SummaryStatus.COMPLETED,
        last.status(),
        "the HR marker does not reach it: " + last.detail());
    assertTrue(tenant.requireUser(alice.id()).accountEnabled());
  }

  /** The attacker holds Send on the HR queue: an approval from there releases nothing. */
  @Test
  void anApprovalOnTheHrQueueIsDeadLetteredPolicyViolationAndReleasesNothing() {
    disabledUsers();
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent restore = restore("ops-alice@contoso.com", alice);
    harness.sendOps(restore);
    awaitStatus(restore, SummaryStatus.AWAITING_APPROVAL);

    harness.send(approve(restore, "hr-integration"));

    await()
        .atMost(WAIT)
        .until(() -> harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE) == 1);
    assertEquals(
        "PolicyViolation",
        harness.emulator.peekDeadLetterMessages(WorkerHarness.QUEUE).get(0).deadLetterReason());
    assertEquals(1, harness.emulator.stats(WorkerHarness.INTERNAL_QUEUE).scheduled(), "still held");
    assertEquals(List.of(), harness.graph.writeLog());
  }

  /**
   * The attacker holds Send on the operators' queue and stamps a restore with the marks of an
   * approved copy: those marks are read on the worker's own queue only, so it waits like any
   * restore.
   */
  @Test
  void aRestoreStampedApprovedOnTheOpsQueueStillWaitsForASecondPerson() {
    disabledUsers();
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent restore = restore("mallory@contoso.com", alice);

    try (var ops = harness.clients().sender().queueName(WorkerHarness.OPS_QUEUE).buildClient()) {
      com.azure.messaging.servicebus.ServiceBusMessage forged =
          dev.offboarding.worker.servicebus.EventMessages.of(
              new dev.offboarding.contracts.EventCodec().encode(restore), restore);
      forged.getApplicationProperties().put("heldUntil", Instant.now().toString());
      forged.getApplicationProperties().put("intakeQueue", WorkerHarness.OPS_QUEUE);
      forged.getApplicationProperties().put("approvedBy", "someone-else");
      forged.getApplicationProperties().put("approvalId", "approve-forged");
      ops.sendMessage(forged);
    }

    awaitStatus(restore, SummaryStatus.AWAITING_APPROVAL);
    assertEquals(List.of(), harness.graph.writeLog());
    assertFalse(tenant.requireUser(alice.id()).accountEnabled());
  }

  @Test
  void aBigHrEventWaitsForApprovalAndItsLaterChunksRunWithoutWaitingAgain() {
    tenant = new FakeTenant();
    alice = tenant.addUser("alice@contoso.com");
    bob = tenant.addUser("bob@contoso.com");
    carol = tenant.addUser("carol@contoso.com");
    String team = tenant.addGroup("Team", alice, bob, carol).id();
    harness =
        new WorkerHarness(
            tenant, o -> {}, Map.of("APPROVAL_THRESHOLD", "2", "DELIVERY_MAX_USERS", "1"));
    harness.startWorker();
    OffboardingEvent leaver =
        new OffboardingEvent(
            UUID.randomUUID().toString(),
            "/hr/workday",
            EventType.LEAVER,
            Instant.now(),
            new EventData(
                List.of(new Target.Group(team)),
                List.of(Action.REVOKE_SESSIONS),
                "team leaves",
                "HR-3",
                "hr-integration",
                false));

    harness.send(leaver);

    awaitStatus(leaver, SummaryStatus.AWAITING_APPROVAL);
    assertTrue(
        harness
            .summaries(leaver.id())
            .get(0)
            .detail()
            .startsWith("it plans 3 users, more than" + " APPROVAL_THRESHOLD (2), and waits"),
        harness.summaries(leaver.id()).get(0).detail());
    assertEquals(List.of(), harness.graph.writeLog());

    harness.sendOps(approve(leaver, "security-lead@contoso.com"));

    SummaryAudit last = awaitFinal(leaver);
    assertEquals(SummaryStatus.COMPLETED, last.status());
    assertEquals(3, last.counts().get(TargetOutcome.SUCCEEDED));
    assertEquals(WorkerHarness.QUEUE, last.provenance().queue());
    List<SummaryStatus> statuses =
        harness.summaries(leaver.id()).stream().map(SummaryAudit::status).toList();
    assertEquals(
        1,
        statuses.stream().filter(s -> s == SummaryStatus.AWAITING_APPROVAL).count(),
        statuses.toString());
    assertTrue(statuses.contains(SummaryStatus.CONTINUING), "it ran in chunks: " + statuses);
    assertEquals(3, harness.graph.writeLog().size());
  }
}
