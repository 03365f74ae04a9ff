package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.Cancellation;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.servicebus.EmulatorMessage;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.intake.IntakePolicy;
import dev.offboarding.worker.metrics.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The attacker's side of each intake queue's policy, end to end over real AMQP and real HTTP to the
 * fake tenant: a producer who may send to its own queue sends what only another sender may send.
 * Each is dead-lettered {@code PolicyViolation} where it arrived, with a REJECTED summary naming
 * the queue and the rule, and no Graph request is made.
 */
class IntakePolicyEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private WorkerHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void aRestoreOnTheHrQueueIsDeadLetteredPolicyViolationAndEnablesNoOne() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    tenant.setAccountEnabled(alice.id(), false);
    harness = new WorkerHarness(tenant);
    WorkerService worker = harness.startWorker();
    OffboardingEvent restore =
        new OffboardingEvent(
            UUID.randomUUID().toString(),
            "/hr/workday",
            EventType.RESTORE,
            Instant.now(),
            new EventData(
                List.of(new Target.User(alice.id())), List.of(), "rehire", "HR-1", "hr", false));

    harness.send(restore);

    EmulatorMessage dead = awaitDeadLettered(WorkerHarness.QUEUE);
    assertEquals(IntakePolicy.VIOLATION, dead.deadLetterReason());
    assertTrue(
        dead.deadLetterErrorDescription().startsWith("offboarding-events accepts"),
        dead.deadLetterErrorDescription());
    assertTrue(
        dead.deadLetterErrorDescription()
            .contains("(rule eventTypes); got dev.offboarding.restore.v1"),
        dead.deadLetterErrorDescription());
    SummaryAudit summary = harness.summaries(restore.id()).get(0);
    assertEquals(SummaryStatus.REJECTED, summary.status());
    assertTrue(
        summary.rejectionReason().startsWith("PolicyViolation: offboarding-events"),
        summary.rejectionReason());
    assertEquals(WorkerHarness.QUEUE, summary.provenance().queue());
    assertEquals(List.of(), requestsForEvents(), "no Graph request on the event's behalf");
    assertFalse(tenant.requireUser(alice.id()).accountEnabled());
    assertEquals(
        1, worker.metrics().count(Metrics.POLICY_VIOLATIONS, "queue", WorkerHarness.QUEUE));
  }

  @Test
  void aGroupOnTheSiemQueueIsDeadLetteredPolicyViolationAndItsMembersAreNeitherListedNorWritten() {
    FakeTenant tenant = new FakeTenant();
    FakeUser bob = tenant.addUser("bob@contoso.com");
    String finance = tenant.addGroup("Finance", bob).id();
    harness = new WorkerHarness(tenant);
    WorkerService worker = harness.startWorker();
    OffboardingEvent compromise =
        new OffboardingEvent(
            UUID.randomUUID().toString(),
            "/siem/sentinel",
            EventType.COMPROMISE,
            Instant.now(),
            new EventData(
                List.of(new Target.Group(finance)),
                List.of(Action.REVOKE_SESSIONS),
                "incident 42",
                "INC-42",
                "sentinel",
                false));

    harness.sendUrgent(compromise);

    EmulatorMessage dead = awaitDeadLettered(WorkerHarness.URGENT_QUEUE);
    assertEquals(IntakePolicy.VIOLATION, dead.deadLetterReason());
    assertEquals(
        "offboarding-urgent allows targets of kind userId, userPrincipalName only (rule targetKinds); target"
            + " 0 is a group",
        dead.deadLetterErrorDescription());
    assertEquals(
        "$.data.targets[0]", harness.summaries(compromise.id()).get(0).problems().get(0).path());
    assertEquals(List.of(), requestsForEvents(), "no Graph request on the event's behalf");
    assertEquals(
        1, worker.metrics().count(Metrics.POLICY_VIOLATIONS, "queue", WorkerHarness.URGENT_QUEUE));
    assertEquals(
        0, worker.metrics().count(Metrics.POLICY_VIOLATIONS, "queue", WorkerHarness.QUEUE));
    assertTrue(
        worker
            .metrics()
            .scrape()
            .contains("offboarding_policy_violations_total{queue=\"offboarding-ops\"} 0.0"),
        "every intake queue, from 0");
  }

  @Test
  void aCancelFromTheSiemQueueDoesNotReachAnHrEventWhichRunsWhenDue() {
    FakeTenant tenant = new FakeTenant();
    FakeUser carol = tenant.addUser("carol@contoso.com");
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    Instant due = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.SECONDS);
    OffboardingEvent leaver =
        new OffboardingEvent(
            UUID.randomUUID().toString(),
            "/hr/workday",
            EventType.LEAVER,
            Instant.now(),
            new EventData(
                List.of(new Target.User(carol.id())),
                List.of(Action.REVOKE_SESSIONS),
                "leaver",
                "HR-2",
                "hr",
                false,
                due));
    harness.send(leaver);
    harness.awaitSummary(leaver.id(), WAIT, s -> s.status() == SummaryStatus.SCHEDULED);
    OffboardingEvent cancel =
        OffboardingEvent.cancel(
            UUID.randomUUID().toString(),
            "/siem/sentinel",
            Instant.now(),
            new Cancellation(leaver.id(), "not ours to stop", "sentinel"));

    harness.sendUrgent(cancel);

    EmulatorMessage dead = awaitDeadLettered(WorkerHarness.URGENT_QUEUE);
    assertEquals(IntakePolicy.VIOLATION, dead.deadLetterReason());
    assertTrue(
        dead.deadLetterErrorDescription().contains("got dev.offboarding.cancel.v1"),
        dead.deadLetterErrorDescription());
    SummaryAudit last = awaitFinal(leaver);
    assertEquals(SummaryStatus.COMPLETED, last.status(), "not cancelled: " + last.detail());
    assertEquals(1, harness.graph.writeLog().size());
  }

  private EmulatorMessage awaitDeadLettered(String queue) {
    await().atMost(WAIT).until(() -> harness.emulator.deadLetterMessageCount(queue) >= 1);
    return harness.emulator.peekDeadLetterMessages(queue).get(0);
  }

  private SummaryAudit awaitFinal(OffboardingEvent event) {
    harness.awaitFinalSummary(event.id(), WAIT);
    return harness.summaries(event.id()).stream()
        .filter(SummaryAudit::finalSummary)
        .findFirst()
        .orElseThrow();
  }

  /**
   * The fake tenant's requests but the protected set's own background reads of directory roles,
   * which the worker makes whatever arrives.
   */
  private List<String> requestsForEvents() {
    return harness.graph.requestLog().stream()
        .filter(r -> !r.path().contains("/roleManagement/directory/"))
        .map(String::valueOf)
        .toList();
  }
}
