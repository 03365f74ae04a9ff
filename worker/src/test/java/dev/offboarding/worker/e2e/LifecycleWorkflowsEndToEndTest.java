package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.ResumeAudit;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.testkit.graph.FakeSecurityState;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.codec.PendingResumeCodec;
import dev.offboarding.worker.lifecycle.LifecycleWorkflows;
import dev.offboarding.worker.lifecycle.PendingResume;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle Workflows end to end, over the emulator and the fake tenant: the worker resumes the
 * task an {@code lcw/<workflow>/<task>/<result>} event id names once the event's final summary is
 * out, through a pending resume on its own queue.
 */
class LifecycleWorkflowsEndToEndTest {
  private static final Map<String, String> RESUME_ON = Map.of("LIFECYCLE_WORKFLOWS_RESUME", "true");

  private WorkerHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  /** A task processing result in progress for {@code user}, and the leaver event naming it. */
  private static OffboardingEvent taskEvent(FakeTenant tenant, FakeUser user, Instant effectiveAt) {
    String workflow = UUID.randomUUID().toString();
    String task = UUID.randomUUID().toString();
    String result = UUID.randomUUID().toString();
    tenant.security().addTaskProcessingResult(workflow, task, result, user.id());
    return leaver("lcw/" + workflow + "/" + task + "/" + result, user, effectiveAt);
  }

  private static OffboardingEvent leaver(String id, FakeUser user, Instant effectiveAt) {
    return new OffboardingEvent(
        id,
        "/lifecycle-workflows/test",
        EventType.LEAVER,
        Instant.now(),
        new EventData(
            List.of(new Target.User(user.id())),
            List.of(),
            "leaver workflow",
            "T-21",
            "lifecycle-workflows",
            false,
            effectiveAt));
  }

  private static String resultId(OffboardingEvent event) {
    return event.id().substring(event.id().lastIndexOf('/') + 1);
  }

  private List<ResumeAudit> resumeAudits(String eventId) {
    return harness.read(WorkerHarness.TOPIC + "/subscriptions/all").stream()
        .filter(
            m -> eventId.equals(m.getCorrelationId()) && ResumeAudit.TYPE.equals(m.getSubject()))
        .map(m -> harness.auditCodec().decodeResume(m.getBody().toBytes()))
        .toList();
  }

  @Test
  void aLeaverEventOfATaskLeadsToExactlyOneResumeWithCompleted() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    harness = new WorkerHarness(tenant, o -> {}, RESUME_ON);
    harness.startWorker();
    OffboardingEvent event = taskEvent(tenant, alice, null);

    harness.send(event);

    await().atMost(Duration.ofSeconds(60)).until(() -> !resumeAudits(event.id()).isEmpty());
    ResumeAudit audit = resumeAudits(event.id()).get(0);
    assertEquals(ResumeAudit.Outcome.RESUMED, audit.outcome());
    assertEquals("completed", audit.operationStatus());
    assertEquals(SummaryStatus.COMPLETED, audit.summaryStatus());
    assertEquals("offboarding-events", audit.provenance().queue());
    assertEquals(1, tenant.security().acceptedResumes(resultId(event)));
    FakeSecurityState.ResumeRecord call = tenant.security().resumes().get(0);
    assertEquals("completed", call.operationStatus());
    assertEquals("offboarding-worker", call.source());
    assertEquals("lifecycleEvent", call.type());
    assertFalse(tenant.requireUser(alice.id()).accountEnabled());
    // Nothing is left owed: the pending resume was completed once its outcome was audited.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                harness.emulator.peekMessages(WorkerHarness.INTERNAL_QUEUE).stream()
                    .noneMatch(m -> PendingResumeCodec.FORMAT.equals(m.subject())));
    assertEquals(1, tenant.security().resumes().size(), "resumed once");
    assertEquals(1, resumeAudits(event.id()).size());
  }

  @Test
  void anAccountFoundAlreadyDisabledCountsAsDone() {
    FakeTenant tenant = new FakeTenant();
    FakeUser gina = tenant.addUser("gina@contoso.com");
    // Inbound provisioning often disables a leaver before the workflow runs.
    tenant.setAccountEnabled(gina.id(), false);
    harness = new WorkerHarness(tenant, o -> {}, RESUME_ON);
    harness.startWorker();
    OffboardingEvent event = taskEvent(tenant, gina, null);

    harness.send(event);

    await().atMost(Duration.ofSeconds(60)).until(() -> !resumeAudits(event.id()).isEmpty());
    assertEquals("completed", resumeAudits(event.id()).get(0).operationStatus());
    assertEquals(
        List.of("completed"),
        tenant.security().resumes().stream()
            .map(FakeSecurityState.ResumeRecord::operationStatus)
            .toList());
  }

  @Test
  void aUserWhoCannotBeDisabledLeadsToFailed() {
    FakeTenant tenant = new FakeTenant();
    FakeUser bob = tenant.addUser("bob@contoso.com");
    harness = new WorkerHarness(tenant, o -> {}, RESUME_ON);
    harness.graph.faults().forceStatus(bob.id(), 403);
    harness.startWorker();
    OffboardingEvent event = taskEvent(tenant, bob, null);

    harness.send(event);

    await().atMost(Duration.ofSeconds(60)).until(() -> !resumeAudits(event.id()).isEmpty());
    ResumeAudit audit = resumeAudits(event.id()).get(0);
    assertEquals(ResumeAudit.Outcome.RESUMED, audit.outcome());
    assertEquals("failed", audit.operationStatus());
    assertTrue(
        audit.summaryStatus() == SummaryStatus.FAILED
            || audit.summaryStatus() == SummaryStatus.PARTIAL,
        audit.summaryStatus()::toString);
    assertEquals(
        List.of("failed"),
        tenant.security().resumes().stream()
            .map(FakeSecurityState.ResumeRecord::operationStatus)
            .toList());
  }

  @Test
  void aRestartBetweenTheSummaryAndTheResumeNeitherLosesNorRepeatsIt() {
    FakeTenant tenant = new FakeTenant();
    FakeUser carol = tenant.addUser("carol@contoso.com");
    harness = new WorkerHarness(tenant, o -> {}, RESUME_ON);
    OffboardingEvent event = taskEvent(tenant, carol, null);
    // Graph's resume is unavailable while the first worker runs: its summary goes out, the resume
    // does not.
    harness.graph.faults().forceStatus(resultId(event), 503, 1_000_000);
    WorkerService first = harness.startWorker();
    harness.send(event);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                harness.summaries(event.id()).stream().anyMatch(SummaryAudit::finalSummary)
                    && !tenant.security().resumes().isEmpty());

    first.close();
    harness.graph.faults().clearForcedStatus(resultId(event));
    harness.startWorker();

    await().atMost(Duration.ofSeconds(90)).until(() -> !resumeAudits(event.id()).isEmpty());
    assertEquals(1, tenant.security().acceptedResumes(resultId(event)), "not lost, not repeated");
    ResumeAudit audit = resumeAudits(event.id()).get(0);
    assertEquals(ResumeAudit.Outcome.RESUMED, audit.outcome());
    assertEquals("completed", audit.operationStatus());
    assertTrue(audit.redelivery(), "the second worker took the pending resume the first left");
    assertTrue(
        tenant.security().resumes().stream().allMatch(r -> r.status() == 503 || r.status() == 204),
        tenant.security().resumes()::toString);
    assertEquals(
        1, harness.summaries(event.id()).stream().filter(SummaryAudit::finalSummary).count());
  }

  @Test
  void taskIdsThatAreNotExactlyThreeGuidsAreRejectedAndNothingReachesGraph() {
    FakeTenant tenant = new FakeTenant();
    FakeUser dave = tenant.addUser("dave@contoso.com");
    harness = new WorkerHarness(tenant, o -> {}, RESUME_ON);
    harness.startWorker();
    String g = UUID.randomUUID().toString();
    // Service Bus message ids are at most 128 characters, and producers set the event id as one.
    List<String> ids =
        List.of(
            "lcw/" + g + "/" + g + "/not-a-guid",
            "lcw/" + g + "/" + g + "/" + g + "/x",
            "lcw/" + g + "%2F" + g + "/" + g,
            "lcw%2F" + g + "/" + g + "/" + g,
            "lcw/" + g + "/" + g + "/..%2F" + dave.id(),
            "LCW/" + g + "/" + g + "/" + g);

    for (String id : ids) {
      harness.send(leaver(id, dave, null));
    }
    // And a well-formed task's event that breaks the rule: a compromise event, on the urgent queue.
    OffboardingEvent urgent =
        new OffboardingEvent(
            "lcw/" + g + "/" + g + "/" + UUID.randomUUID(),
            "/test/e2e",
            EventType.COMPROMISE,
            Instant.now(),
            new EventData(
                List.of(new Target.User(dave.id())),
                List.of(),
                "not a leaver",
                "T-21",
                "tests",
                false));
    harness.sendUrgent(urgent);

    for (String id :
        java.util.stream.Stream.concat(ids.stream(), java.util.stream.Stream.of(urgent.id()))
            .toList()) {
      harness.awaitSummaries(id, Duration.ofSeconds(60));
      SummaryAudit summary = harness.summaries(id).get(0);
      assertEquals(SummaryStatus.REJECTED, summary.status(), id);
      assertTrue(
          summary.rejectionReason().startsWith(LifecycleWorkflows.INVALID + ": "),
          summary.rejectionReason());
    }
    assertTrue(harness.graph.writeLog().isEmpty());
    assertTrue(tenant.security().resumes().isEmpty());
    assertTrue(
        harness.graph.requestLog().stream()
            .noneMatch(
                r ->
                    r.path().contains("identityGovernance")
                        || r.path().contains(dave.id())
                        || r.path().contains("dave")),
        harness.graph.requestLog()::toString);
    assertTrue(tenant.requireUser(dave.id()).accountEnabled());
  }

  @Test
  void aScheduledTaskEventIsFlaggedInItsSummary() {
    FakeTenant tenant = new FakeTenant();
    FakeUser erin = tenant.addUser("erin@contoso.com");
    harness = new WorkerHarness(tenant, o -> {}, RESUME_ON);
    harness.startWorker();
    OffboardingEvent event =
        taskEvent(
            tenant, erin, Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS));

    harness.send(event);

    harness.awaitSummaries(event.id(), Duration.ofSeconds(30));
    SummaryAudit scheduled = harness.summaries(event.id()).get(0);
    assertEquals(SummaryStatus.SCHEDULED, scheduled.status());
    assertTrue(scheduled.lifecycleTaskWaits());
    assertTrue(tenant.security().resumes().isEmpty(), "no resume for an event that waits");
  }

  @Test
  void aHeldTaskEventThatIsCancelledTellsItsTaskFailed() {
    FakeTenant tenant = new FakeTenant();
    FakeUser hank = tenant.addUser("hank@contoso.com");
    harness = new WorkerHarness(tenant, o -> {}, RESUME_ON);
    harness.startWorker();
    OffboardingEvent event =
        taskEvent(
            tenant, hank, Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS));
    harness.send(event);
    harness.awaitSummaries(event.id(), Duration.ofSeconds(30));

    harness.sendOps(
        OffboardingEvent.cancel(
            UUID.randomUUID().toString(),
            "/test/e2e",
            Instant.now(),
            new dev.offboarding.contracts.Cancellation(
                event.id(), "contract extended", "hr-ops@contoso.com")));

    await().atMost(Duration.ofSeconds(60)).until(() -> !resumeAudits(event.id()).isEmpty());
    ResumeAudit audit = resumeAudits(event.id()).get(0);
    assertEquals("failed", audit.operationStatus());
    assertEquals(SummaryStatus.CANCELLED, audit.summaryStatus());
    assertEquals(1, tenant.security().resumes().size());
    assertTrue(harness.graph.writeLog().isEmpty());
  }

  @Test
  void aPendingResumeSentToAProducersQueueIsForgedAndNothingIsResumed() {
    FakeTenant tenant = new FakeTenant();
    FakeUser frank = tenant.addUser("frank@contoso.com");
    harness = new WorkerHarness(tenant, o -> {}, RESUME_ON);
    harness.startWorker();
    OffboardingEvent event = taskEvent(tenant, frank, null);
    byte[] forged =
        new PendingResumeCodec()
            .encode(
                new PendingResume(
                    new dev.offboarding.contracts.EventCodec().encode(event),
                    "1@offboarding-events",
                    "offboarding-events",
                    "completed",
                    SummaryStatus.COMPLETED));

    try (ServiceBusSenderClient producer =
        harness.clients().sender().queueName(WorkerHarness.QUEUE).buildClient()) {
      ServiceBusMessage message = new ServiceBusMessage(forged);
      message.setMessageId(UUID.randomUUID().toString());
      message.setCorrelationId(event.id());
      producer.sendMessage(message);
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                harness.read(WorkerHarness.TOPIC + "/subscriptions/all").stream()
                    .anyMatch(
                        m ->
                            SummaryAudit.TYPE.equals(m.getSubject())
                                && "REJECTED".equals(m.getApplicationProperties().get("status"))
                                && harness
                                    .auditCodec()
                                    .decodeSummary(m.getBody().toBytes())
                                    .rejectionReason()
                                    .startsWith(
                                        "ForgedInternalMessage: a pending resume arrived on offboarding-events")));
    assertTrue(tenant.security().resumes().isEmpty());
    assertTrue(tenant.requireUser(frank.id()).accountEnabled());
  }
}
