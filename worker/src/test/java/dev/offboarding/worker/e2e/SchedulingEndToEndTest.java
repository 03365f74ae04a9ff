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
    return new OffboardingEvent(UUID.randomUUID().toString(), "/test/e2e", EventType.LEAVER, Instant.now(),
        new EventData(List.of(new Target.User(user.userPrincipalName())), List.of(), "leaver at a moment", "T-12",
            "tests", false, effectiveAt));
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

    await().atMost(Duration.ofSeconds(30)).until(() -> !harness.summaries(event.id()).isEmpty());
    SummaryAudit scheduled = harness.summaries(event.id()).get(0);
    assertEquals(SummaryStatus.SCHEDULED, scheduled.status());
    assertFalse(scheduled.finalSummary());
    assertEquals(due, scheduled.dueAt());

    await().atMost(Duration.ofSeconds(60)).until(() -> harness.summaries(event.id()).size() == 2);
    SummaryAudit last = harness.summaries(event.id()).get(1);
    assertEquals(SummaryStatus.COMPLETED, last.status());
    assertTrue(last.finalSummary());
    assertEquals(1, last.counts().get(TargetOutcome.SUCCEEDED));
    assertFalse(tenant.requireUser(alice.id()).accountEnabled());
    List<WriteRecord> writes = harness.graph.writeLog().stream().filter(w -> w.userId().equals(alice.id())).toList();
    assertEquals(2, writes.size(), "disabled and revoked once: the held copy was not held again");
    // The broker delivered the held copy at its time: nothing was written before it.
    assertTrue(writes.stream().noneMatch(w -> w.time().isBefore(due)), () -> writes + " before " + due);
    assertFalse(last.startedAt().isBefore(due));
  }

  @Test
  void anEventWhoseMomentHasPassedRunsAtOnce() {
    FakeTenant tenant = new FakeTenant();
    FakeUser bob = tenant.addUser("bob@contoso.com");
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent event = leaverAt(Instant.now().minus(Duration.ofDays(1)), bob);

    harness.send(event);

    await().atMost(Duration.ofSeconds(30)).until(() -> !harness.summaries(event.id()).isEmpty());
    assertEquals(List.of(SummaryStatus.COMPLETED),
        harness.summaries(event.id()).stream().map(SummaryAudit::status).toList());
    assertEquals(0, harness.emulator.stats(WorkerHarness.QUEUE).scheduled());
  }

  @Test
  void anEventBeyondTheHorizonIsRejectedAndDeadLettered() {
    FakeTenant tenant = new FakeTenant();
    FakeUser carol = tenant.addUser("carol@contoso.com");
    harness = new WorkerHarness(tenant, o -> {}, java.util.Map.of("MAX_SCHEDULE_AHEAD", "P1D"));
    harness.startWorker();
    OffboardingEvent event = leaverAt(Instant.now().plus(Duration.ofDays(2)), carol);

    harness.send(event);

    await().atMost(Duration.ofSeconds(30)).until(() -> harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE) == 1);
    SummaryAudit summary = harness.summaries(event.id()).get(0);
    assertEquals(SummaryStatus.REJECTED, summary.status());
    assertTrue(summary.rejectionReason().startsWith("ScheduleTooFarAhead"), summary.rejectionReason());
    assertEquals("ScheduleTooFarAhead",
        harness.emulator.peekDeadLetterMessages(WorkerHarness.QUEUE).get(0).deadLetterReason());
    assertTrue(tenant.requireUser(carol.id()).accountEnabled());
  }
}
