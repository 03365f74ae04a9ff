package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Events with an {@code effectiveAt}, through the broker: held until then, run when due. */
class SchedulingEndToEndTest {
  private WorkerHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  static OffboardingEvent leaverAt(Instant effectiveAt, FakeUser user) {
    return new OffboardingEvent(
        UUID.randomUUID().toString(),
        "/test/e2e",
        EventType.LEAVER,
        Instant.now(),
        new EventData(
            List.of(new Target.User(user.userPrincipalName())),
            List.of(),
            "leaver at a moment",
            "T-12",
            "tests",
            false,
            effectiveAt));
  }

  @Test
  void anEventDueInAFewSecondsIsHeldAndRunsWhenDueNotBefore() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    Instant due = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.MILLIS);
    OffboardingEvent event = leaverAt(due, alice);

    harness.send(event);

    harness.awaitSummaries(event.id(), Duration.ofSeconds(30));
    SummaryAudit scheduled = harness.summaries(event.id()).get(0);
    assertEquals(SummaryStatus.SCHEDULED, scheduled.status());
    assertFalse(scheduled.finalSummary());
    assertEquals(due, scheduled.dueAt());

    harness.awaitSummaries(event.id(), Duration.ofSeconds(60), s -> s.size() == 2);
    SummaryAudit last = harness.summaries(event.id()).get(1);
    assertEquals(SummaryStatus.COMPLETED, last.status());
    assertTrue(last.finalSummary());
    assertEquals(1, last.counts().get(TargetOutcome.SUCCEEDED));
    assertFalse(tenant.requireUser(alice.id()).accountEnabled());
    List<WriteRecord> writes =
        harness.graph.writeLog().stream().filter(w -> w.userId().equals(alice.id())).toList();
    assertEquals(2, writes.size(), "disabled and revoked once: the held copy was not held again");
    // The broker delivered the held copy at its time: nothing was written before it.
    assertTrue(
        writes.stream().noneMatch(w -> w.time().isBefore(due)), () -> writes + " before " + due);
    assertFalse(last.startedAt().isBefore(due));
  }

  @Test
  void anEventDueLaterIsListedThenCancelledByACancelEventAndNeverRuns() {
    FakeTenant tenant = new FakeTenant();
    FakeUser dave = tenant.addUser("dave@contoso.com");
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    Instant due = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    OffboardingEvent event = leaverAt(due, dave);
    harness.send(event);
    harness.awaitSummaries(event.id(), Duration.ofSeconds(30));

    java.io.ByteArrayOutputStream listed = new java.io.ByteArrayOutputStream();
    int listCode =
        dev.offboarding.worker.Main.run(
            new String[] {"scheduled", "list"},
            harness.env,
            new java.io.PrintStream(listed, true),
            System.err);
    java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
    int cancelCode =
        dev.offboarding.worker.Main.run(
            new String[] {
              "cancel",
              "--reason",
              "contract extended",
              "--requested-by",
              "hr-ops@contoso.com",
              event.id()
            },
            harness.env,
            new java.io.PrintStream(sent, true),
            System.err);

    assertEquals(0, listCode);
    String list = listed.toString(java.nio.charset.StandardCharsets.UTF_8);
    String row =
        list.lines()
            .filter(l -> l.contains(event.id()))
            .findFirst()
            .orElseThrow(() -> new AssertionError(list));
    assertTrue(
        row.contains("dev.offboarding.leaver.v1")
            && row.contains(due.toString())
            && row.contains("1 user(s) (dave@contoso.com)"),
        row);
    assertEquals(0, cancelCode, sent.toString());
    String cancelId = sent.toString(java.nio.charset.StandardCharsets.UTF_8).split(" ")[3];
    harness.awaitSummaries(cancelId, Duration.ofSeconds(30));
    SummaryAudit answer = harness.summaries(cancelId).get(0);
    assertEquals(SummaryStatus.COMPLETED, answer.status());
    assertTrue(answer.detail().contains("hr-ops@contoso.com: contract extended"), answer.detail());
    harness.awaitSummaries(event.id(), Duration.ofSeconds(30), s -> s.size() == 2);
    SummaryAudit last = harness.summaries(event.id()).get(1);
    assertEquals(SummaryStatus.CANCELLED, last.status());
    assertTrue(last.finalSummary());
    // Subscription rules see the cancelled event's type on its CANCELLED summary, not the cancel's.
    assertEquals(
        List.of("dev.offboarding.leaver.v1"),
        harness.read(WorkerHarness.TOPIC + "/subscriptions/all").stream()
            .filter(
                m ->
                    event.id().equals(m.getCorrelationId())
                        && "CANCELLED".equals(m.getApplicationProperties().get("status")))
            .map(m -> m.getApplicationProperties().get("eventType"))
            .toList());
    List<dev.offboarding.testkit.servicebus.EmulatorMessage> left =
        harness.emulator.peekMessages(WorkerHarness.INTERNAL_QUEUE);
    assertEquals(
        List.of(dev.offboarding.worker.codec.CancellationMarkerCodec.FORMAT),
        left.stream().map(m -> m.subject()).toList(),
        "nothing left to run but the cancel's marker");
    assertTrue(tenant.requireUser(dave.id()).accountEnabled());
    assertTrue(harness.graph.writeLog().isEmpty());
  }

  @Test
  void aCancelOfAnEventThatAlreadyRanOnlyMarksItAndSaysSo() {
    FakeTenant tenant = new FakeTenant();
    FakeUser erin = tenant.addUser("erin@contoso.com");
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent event = leaverAt(Instant.now().minusSeconds(60), erin);
    harness.send(event);
    harness.awaitSummaries(event.id(), Duration.ofSeconds(30));
    OffboardingEvent cancel =
        OffboardingEvent.cancel(
            UUID.randomUUID().toString(),
            "/test/e2e",
            Instant.now(),
            new dev.offboarding.contracts.Cancellation(event.id(), "too late", "tests"));

    harness.sendOps(cancel);

    harness.awaitSummaries(cancel.id(), Duration.ofSeconds(30));
    SummaryAudit answer = harness.summaries(cancel.id()).get(0);
    assertEquals(SummaryStatus.COMPLETED, answer.status());
    assertTrue(
        answer
            .detail()
            .startsWith(
                "event "
                    + event.id()
                    + " is not scheduled on the worker's own queue and not"
                    + " running in this worker; marked cancelled until"),
        answer.detail());
    assertEquals(1, harness.summaries(event.id()).size(), "the event's own audit is untouched");
    // The search opened and closed its own clients; the worker's intake and senders go on.
    OffboardingEvent after =
        leaverAt(Instant.now().minusSeconds(1), tenant.addUser("frank@contoso.com"));
    harness.send(after);
    harness.awaitSummaries(after.id(), Duration.ofSeconds(30));
    assertEquals(SummaryStatus.COMPLETED, harness.summaries(after.id()).get(0).status());
  }

  @Test
  void anEventWhoseMomentHasPassedRunsAtOnce() {
    FakeTenant tenant = new FakeTenant();
    FakeUser bob = tenant.addUser("bob@contoso.com");
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent event = leaverAt(Instant.now().minus(Duration.ofDays(1)), bob);

    harness.send(event);

    harness.awaitSummaries(event.id(), Duration.ofSeconds(30));
    assertEquals(
        List.of(SummaryStatus.COMPLETED),
        harness.summaries(event.id()).stream().map(SummaryAudit::status).toList());
    assertEquals(0, harness.emulator.stats(WorkerHarness.INTERNAL_QUEUE).scheduled());
  }

  @Test
  void anEventBeyondTheHorizonIsRejectedAndDeadLettered() {
    FakeTenant tenant = new FakeTenant();
    FakeUser carol = tenant.addUser("carol@contoso.com");
    harness = new WorkerHarness(tenant, o -> {}, java.util.Map.of("MAX_SCHEDULE_AHEAD", "P1D"));
    harness.startWorker();
    OffboardingEvent event = leaverAt(Instant.now().plus(Duration.ofDays(2)), carol);

    harness.send(event);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE) == 1);
    SummaryAudit summary = harness.summaries(event.id()).get(0);
    assertEquals(SummaryStatus.REJECTED, summary.status());
    assertTrue(
        summary.rejectionReason().startsWith("ScheduleTooFarAhead"), summary.rejectionReason());
    assertEquals(
        "ScheduleTooFarAhead",
        harness.emulator.peekDeadLetterMessages(WorkerHarness.QUEUE).get(0).deadLetterReason());
    assertTrue(tenant.requireUser(carol.id()).accountEnabled());
  }
}
