package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SampleEvents;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.testkit.servicebus.EmulatorMessage;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.servicebus.ServiceBusAuditSink;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worker end to end over real AMQP with the official SDK and real HTTP to the fake tenant: what
 * goes into the queue comes out as Graph writes in the tenant's log, audit messages on the topic's
 * subscriptions, and settlements in the queue.
 */
class EndToEndTest {
  private static final String ALL = WorkerHarness.TOPIC + "/subscriptions/all";
  private WorkerHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void disablesAndRevokesALeaverAndAuditsEveryUserWithTheEventIdAsCorrelation() throws Exception {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    FakeUser carol = tenant.addUser("carol@contoso.com");
    FakeGroup finance = tenant.addGroup("Finance", bob, carol);
    harness = new WorkerHarness(tenant);
    WorkerService worker = harness.startWorker();
    OffboardingEvent event =
        WorkerHarness.event(
            EventType.LEAVER,
            new Target.User(alice.userPrincipalName()),
            new Target.Group(finance.id()));

    harness.send(event);

    harness.awaitSummaries(event.id(), Duration.ofSeconds(30));
    SummaryAudit summary = harness.summaries(event.id()).get(0);
    assertEquals(SummaryStatus.COMPLETED, summary.status());
    assertEquals(3, summary.counts().get(TargetOutcome.SUCCEEDED));
    assertFalse(summary.redelivery());
    List<TargetAudit> targets = harness.targets(event.id());
    assertEquals(
        Set.of(alice.id(), bob.id(), carol.id()),
        targets.stream().map(TargetAudit::userId).collect(Collectors.toSet()));
    for (FakeUser user : List.of(alice, bob, carol)) {
      List<WriteRecord.Kind> writes =
          harness.graph.writeLog().stream()
              .filter(w -> w.userId().equals(user.id()))
              .map(WriteRecord::kind)
              .toList();
      assertEquals(
          List.of(WriteRecord.Kind.DISABLE, WriteRecord.Kind.REVOKE),
          writes,
          user.userPrincipalName());
      assertFalse(tenant.requireUser(user.id()).accountEnabled());
    }
    ServiceBusReceivedMessage summaryMessage =
        harness.read(ALL).stream()
            .filter(
                m ->
                    event.id().equals(m.getCorrelationId())
                        && SummaryAudit.TYPE.equals(m.getSubject()))
            .findFirst()
            .orElseThrow();
    assertEquals(
        dev.offboarding.contracts.OffboardingEvent.CONTENT_TYPE, summaryMessage.getContentType());
    assertEquals(
        EventType.LEAVER.wireName(), summaryMessage.getApplicationProperties().get("eventType"));
    assertEquals("COMPLETED", summaryMessage.getApplicationProperties().get("status"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                harness.read(WorkerHarness.TOPIC + "/subscriptions/summaries").stream()
                    .anyMatch(m -> event.id().equals(m.getCorrelationId())));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> harness.emulator.activeMessageCount(WorkerHarness.QUEUE) == 0);
    assertEquals(
        1, worker.metrics().count(Metrics.EVENTS, "type", "leaver", "outcome", "COMPLETED"));
    assertEquals(3, worker.metrics().timerCount(Metrics.TIME_TO_REVOKE, "type", "leaver"));
  }

  @Test
  void servesHealthAndEveryMetricOverHttp() throws Exception {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    harness = new WorkerHarness(tenant);
    WorkerService worker = harness.startWorker();
    OffboardingEvent event = WorkerHarness.event(EventType.COMPROMISE, new Target.User(alice.id()));
    harness.send(event);
    harness.awaitSummaries(event.id(), Duration.ofSeconds(30));
    // The summary goes out before the message is settled, and the settlement is what is counted.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                worker.metrics().count(Metrics.EVENTS, "type", "compromise", "outcome", "COMPLETED")
                    == 1);

    HttpClient http = HttpClient.newHttpClient();
    URI base = URI.create("http://127.0.0.1:" + worker.httpPort());
    HttpResponse<String> live =
        http.send(
            HttpRequest.newBuilder(base.resolve("/health/live")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(base.resolve("/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(base.resolve("/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertEquals(200, live.statusCode());
    assertEquals(200, ready.statusCode());
    assertEquals(200, metrics.statusCode());
    for (String name :
        List.of(
            Metrics.EVENTS,
            Metrics.EVENTS_IN_FLIGHT,
            Metrics.TARGETS,
            Metrics.TIME_TO_REVOKE + "_bucket",
            Metrics.GRAPH_REQUESTS,
            Metrics.AUDIT_MESSAGES,
            Metrics.INTAKE_PAUSED)) {
      assertTrue(metrics.body().contains(name), name + " missing from:\n" + metrics.body());
    }
    assertTrue(
        metrics.body().contains(Metrics.EVENTS + "{outcome=\"COMPLETED\",type=\"compromise\"} 1.0"),
        metrics.body());
    assertFalse(metrics.body().contains(alice.id()), "a user id leaked into a metric");
    assertFalse(metrics.body().contains(event.id()), "an event id leaked into a metric");
  }

  @Test
  void revokesOnlyWhenACompromiseEventAsksOnlyForRevocation() {
    FakeTenant tenant = new FakeTenant();
    FakeUser mallory = tenant.addUser("mallory@contoso.com");
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent event =
        new OffboardingEvent(
            "c-" + System.nanoTime(),
            "/siem/sentinel",
            EventType.COMPROMISE,
            Instant.now(),
            new EventData(
                List.of(new Target.User(mallory.userPrincipalName())),
                List.of(Action.REVOKE_SESSIONS),
                "Compromised: impossible travel",
                null,
                "sentinel",
                false));

    harness.send(event);

    harness.awaitSummaries(event.id(), Duration.ofSeconds(30));
    assertEquals(SummaryStatus.COMPLETED, harness.summaries(event.id()).get(0).status());
    assertEquals(
        List.of(WriteRecord.Kind.REVOKE),
        harness.graph.writeLog().stream().map(WriteRecord::kind).toList());
    assertTrue(tenant.requireUser(mallory.id()).accountEnabled());
  }

  @Test
  void revokesAnEventOnTheUrgentQueueWhileBulkWorkHoldsEveryIntakeSlot() {
    FakeTenant tenant = new FakeTenant();
    FakeGroup big = tenant.addLargeGroup("big", 300, 10, 1);
    FakeUser mallory = tenant.addUser("mallory@contoso.com");
    harness = new WorkerHarness(tenant);
    // One event at a time per queue: the first bulk event holds the slot (600 writes at the
    // default 20/s), the second waits for it.
    harness.startWorker(
        new ServiceBusIntake.Options(
            1, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(1)));
    OffboardingEvent bulk = WorkerHarness.event(EventType.LEAVER, new Target.Group(big.id()));
    OffboardingEvent queued = WorkerHarness.event(EventType.LEAVER, new Target.Group(big.id()));
    harness.send(bulk);
    harness.send(queued);
    await().atMost(Duration.ofSeconds(30)).until(() -> harness.graph.writeLog().size() > 10);
    OffboardingEvent urgent =
        WorkerHarness.event(EventType.COMPROMISE, new Target.User(mallory.id()));

    harness.sendUrgent(urgent);

    harness.awaitSummaries(urgent.id(), Duration.ofSeconds(30));
    assertEquals(SummaryStatus.COMPLETED, harness.summaries(urgent.id()).get(0).status());
    assertTrue(harness.summaries(bulk.id()).isEmpty(), "the bulk event should still be running");
    assertTrue(
        harness.summaries(queued.id()).isEmpty(), "the second bulk event should still be waiting");
    assertTrue(
        harness.graph.writeLog().stream()
            .anyMatch(
                w ->
                    w.userId().equals(mallory.id())
                        && w.kind() == WriteRecord.Kind.REVOKE
                        && w.accepted()));
  }

  @Test
  void deadLettersAMalformedEventWithItsReasonAndPublishesARejectedSummary() {
    harness = new WorkerHarness(new FakeTenant());
    harness.startWorker();
    String eventId = "5a0e1c7e-2b1d-4c55-9a61-1d2e3f405004";

    harness.sendRaw(eventId, SampleEvents.load(SampleEvents.MALFORMED));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE) == 1);
    EmulatorMessage dead = harness.emulator.peekDeadLetterMessages(WorkerHarness.QUEUE).get(0);
    assertEquals("InvalidEvent", dead.deadLetterReason());
    assertTrue(
        dead.deadLetterErrorDescription().contains("$.data.targets[0].user"),
        dead.deadLetterErrorDescription());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                harness.read(WorkerHarness.TOPIC + "/subscriptions/rejected").stream()
                    .anyMatch(m -> eventId.equals(m.getCorrelationId())));
    ServiceBusReceivedMessage rejected =
        harness.read(WorkerHarness.TOPIC + "/subscriptions/rejected").get(0);
    SummaryAudit summary = harness.auditCodec().decodeSummary(rejected.getBody().toBytes());
    assertEquals(SummaryStatus.REJECTED, summary.status());
    assertFalse(summary.problems().isEmpty());
    assertTrue(harness.graph.writeLog().isEmpty());
  }

  @Test
  void processesAgainSafelyAnEventWhoseLockExpiredAndSaysItWasARedelivery() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    harness = new WorkerHarness(tenant);
    OffboardingEvent event = WorkerHarness.event(EventType.LEAVER, new Target.User(alice.id()));
    harness.send(event);
    // A consumer that takes the message and dies: no settlement, no lock renewal.
    try (ServiceBusReceiverClient crashed =
        harness
            .clients()
            .receiver()
            .queueName(WorkerHarness.QUEUE)
            .maxAutoLockRenewDuration(Duration.ZERO)
            .disableAutoComplete()
            .buildClient()) {
      assertEquals(1, crashed.receiveMessages(1, Duration.ofSeconds(10)).stream().count());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                EmulatorMessage m = harness.emulator.peekMessages(WorkerHarness.QUEUE).get(0);
                return !m.locked() && m.deliveryCount() == 1;
              });

      harness.startWorker();

      harness.awaitSummaries(event.id(), Duration.ofSeconds(30));
    }
    SummaryAudit summary = harness.summaries(event.id()).get(0);
    assertEquals(SummaryStatus.COMPLETED, summary.status());
    assertTrue(summary.redelivery());
    assertTrue(harness.targets(event.id()).stream().allMatch(TargetAudit::redelivery));
    assertFalse(tenant.requireUser(alice.id()).accountEnabled());
  }

  @Test
  void renewsTheLockOfAnEventThatTakesLongerThanTheLock() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    harness.graph.faults().slowResponses(1, WorkerHarness.LOCK.multipliedBy(3));
    OffboardingEvent event = WorkerHarness.event(EventType.LEAVER, new Target.User(alice.id()));

    harness.send(event);

    harness.awaitSummaries(event.id(), Duration.ofSeconds(30));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> harness.emulator.activeMessageCount(WorkerHarness.QUEUE) == 0);
    harness.awaitSummaries(event.id(), Duration.ofSeconds(10));
    List<SummaryAudit> summaries = harness.summaries(event.id());
    assertEquals(1, summaries.size());
    assertFalse(summaries.get(0).redelivery(), "the lock expired: the event was delivered again");
    assertEquals(SummaryStatus.COMPLETED, summaries.get(0).status());
  }

  @Test
  void retriesAnEventWhoseDirectoryReadsFailTransientlyAndCompletesItWithoutRedelivery() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    harness = new WorkerHarness(tenant);
    WorkerService worker = harness.startWorker();
    // More 503s than one planning attempt retries: the event fails transiently at least once.
    harness.graph.faults().serviceUnavailable(12);
    // By UPN, so that planning reads the directory (a user given by id is written unread).
    OffboardingEvent event =
        WorkerHarness.event(EventType.LEAVER, new Target.User(alice.userPrincipalName()));

    harness.send(event);

    harness.awaitSummaries(event.id(), Duration.ofSeconds(30));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> harness.emulator.activeMessageCount(WorkerHarness.QUEUE) == 0);
    SummaryAudit summary = harness.summaries(event.id()).get(0);
    assertEquals(SummaryStatus.COMPLETED, summary.status());
    assertTrue(worker.metrics().count(Metrics.EVENT_RETRIES, "reason", "transient") >= 1);
    assertEquals(0, harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE));
    assertFalse(tenant.requireUser(alice.id()).accountEnabled());
  }

  @Test
  void publishesAnAuditForEveryMemberOfABigGroupAcrossSeveralBatches() {
    FakeTenant tenant = new FakeTenant();
    FakeGroup everyone = tenant.addLargeGroup("Reading - All Staff", 400, 3, 7);
    harness = new WorkerHarness(tenant, o -> o.unlimitedWrites());
    WorkerService worker = harness.startWorker();
    OffboardingEvent event = WorkerHarness.event(EventType.LEAVER, new Target.Group(everyone.id()));

    harness.send(event);

    harness.awaitSummaries(event.id(), Duration.ofSeconds(60));
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.targets(event.id()).size() == 400);
    SummaryAudit summary = harness.summaries(event.id()).get(0);
    assertEquals(400, summary.counts().get(TargetOutcome.SUCCEEDED));
    assertEquals(
        400, worker.metrics().count(Metrics.AUDIT_MESSAGES, "type", "target", "entity", "topic"));
  }

  @Test
  void completesAnEventWhoseAllowedReplyEntityDoesNotExistAndSaysTheReplyFailed() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    harness =
        new WorkerHarness(
            tenant, o -> {}, java.util.Map.of("SERVICEBUS_REPLY_TO_ALLOWED", "gone-replies"));
    WorkerService worker = harness.startWorker();
    OffboardingEvent event = WorkerHarness.event(EventType.COMPROMISE, new Target.User(alice.id()));

    harness.send(event, m -> m.setReplyTo("gone-replies"));

    // The reply is a courtesy copy: an entity that is gone must not hold the event back, as it
    // would fail the same way on every delivery.
    harness.awaitSummaries(event.id(), Duration.ofSeconds(30));
    ServiceBusReceivedMessage summary =
        harness.read(ALL).stream()
            .filter(
                m ->
                    event.id().equals(m.getCorrelationId())
                        && SummaryAudit.TYPE.equals(m.getSubject()))
            .findFirst()
            .orElseThrow();
    assertEquals(
        "failed", summary.getApplicationProperties().get(ServiceBusAuditSink.REPLY_TO_STATUS));
    assertEquals(SummaryStatus.COMPLETED, harness.summaries(event.id()).get(0).status());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> harness.emulator.activeMessageCount(WorkerHarness.QUEUE) == 0);
    assertEquals(0, harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE));
    assertEquals(1, worker.metrics().count(Metrics.AUDIT_FAILURES, "entity", "reply"));
    assertEquals(0, worker.metrics().count(Metrics.EVENT_RETRIES, "reason", "transient"));
  }

  @Test
  void answersAnAllowedReplyToEntityAndSaysSoWhenTheEntityIsNotAllowed() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent allowed =
        WorkerHarness.event(EventType.COMPROMISE, new Target.User(alice.id()));
    OffboardingEvent refused = WorkerHarness.event(EventType.COMPROMISE, new Target.User(bob.id()));

    harness.send(allowed, m -> m.setReplyTo(WorkerHarness.REPLIES));
    harness.send(refused, m -> m.setReplyTo(WorkerHarness.QUEUE));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                harness.read(WorkerHarness.REPLIES).stream()
                    .anyMatch(m -> allowed.id().equals(m.getCorrelationId())));
    harness.awaitSummaries(refused.id(), Duration.ofSeconds(30));
    ServiceBusReceivedMessage reply = harness.read(WorkerHarness.REPLIES).get(0);
    assertEquals(
        SummaryStatus.COMPLETED,
        harness.auditCodec().decodeSummary(reply.getBody().toBytes()).status());
    ServiceBusReceivedMessage refusedSummary =
        harness.read(ALL).stream()
            .filter(
                m ->
                    refused.id().equals(m.getCorrelationId())
                        && SummaryAudit.TYPE.equals(m.getSubject()))
            .findFirst()
            .orElseThrow();
    assertEquals(
        "ignored",
        refusedSummary.getApplicationProperties().get(ServiceBusAuditSink.REPLY_TO_STATUS));
    assertEquals(1, harness.read(WorkerHarness.REPLIES).size());
  }

  @Test
  void shutdownMidEventAbandonsItAndTheNextWorkerRedoesItSafely() {
    FakeTenant tenant = new FakeTenant();
    FakeGroup team = tenant.addLargeGroup("Team", 6, 2, 3);
    harness = new WorkerHarness(tenant, o -> o.latency(Duration.ofMillis(500), Duration.ZERO));
    WorkerService first =
        harness.startWorker(
            new ServiceBusIntake.Options(
                4, Duration.ofMinutes(5), Duration.ZERO, Duration.ofSeconds(5)));
    OffboardingEvent event = WorkerHarness.event(EventType.LEAVER, new Target.Group(team.id()));
    harness.send(event);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                harness.graph.writeLog().stream()
                    .anyMatch(w -> w.kind() == WriteRecord.Kind.DISABLE));

    first.close();

    assertEquals(1, harness.emulator.activeMessageCount(WorkerHarness.QUEUE), "the event was lost");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !harness.emulator.peekMessages(WorkerHarness.QUEUE).get(0).locked());
    assertEquals(1, harness.emulator.peekMessages(WorkerHarness.QUEUE).get(0).deliveryCount());
    assertTrue(
        harness.summaries(event.id()).isEmpty(), "a cut-short event was audited as finished");
    harness.startWorker();
    harness.awaitSummaries(event.id(), Duration.ofSeconds(60));
    SummaryAudit summary = harness.summaries(event.id()).get(0);
    assertEquals(SummaryStatus.COMPLETED, summary.status());
    assertTrue(summary.redelivery());
    assertEquals(6, summary.counts().get(TargetOutcome.SUCCEEDED));
    assertTrue(tenant.transitiveUsers(team.id()).stream().noneMatch(FakeUser::accountEnabled));
    assertEquals(0, harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE));
  }

  @Test
  void shutdownFinishesUsersInFlightAndHandsTheRestToAFollowUp() {
    FakeTenant tenant = new FakeTenant();
    List<FakeUser> users = new ArrayList<>();
    // More users than one event runs at once, so some are still unstarted when shutdown begins.
    for (int i = 0; i < 120; i++) {
      users.add(tenant.addUser("u" + i + "@contoso.com"));
    }
    FakeGroup team = tenant.addGroup("team", users.toArray(FakeUser[]::new));
    harness = new WorkerHarness(tenant, o -> o.latency(Duration.ofMillis(100), Duration.ZERO));
    WorkerService worker = harness.startWorker();
    OffboardingEvent event = WorkerHarness.event(EventType.LEAVER, new Target.Group(team.id()));
    harness.send(event);
    await().atMost(Duration.ofSeconds(30)).until(() -> !harness.graph.writeLog().isEmpty());

    worker.close();

    // The event message itself is completed, not left to expire: users in flight finished, the
    // rest wait in a follow-up on the worker's own queue, and the summary says the event continues.
    harness.awaitSummaries(event.id(), Duration.ofSeconds(10));
    List<SummaryAudit> summaries = harness.summaries(event.id());
    assertEquals(1, summaries.size());
    assertEquals(SummaryStatus.CONTINUING, summaries.get(0).status());
    assertFalse(summaries.get(0).finalSummary());
    int done = harness.targets(event.id()).size();
    assertTrue(done > 0 && done < 120, "users done before shutdown: " + done);
    assertEquals(120 - done, summaries.get(0).usersPending());
    assertEquals(0, harness.emulator.activeMessageCount(WorkerHarness.QUEUE));
    assertEquals(1, harness.emulator.activeMessageCount(WorkerHarness.INTERNAL_QUEUE));

    harness.startWorker();

    SummaryAudit last = harness.awaitFinalSummary(event.id(), Duration.ofSeconds(60));
    assertEquals(SummaryStatus.COMPLETED, last.status());
    assertEquals(120, last.counts().get(TargetOutcome.SUCCEEDED));
    assertEquals(
        120, harness.targets(event.id()).stream().map(TargetAudit::userId).distinct().count());
    assertEquals(120, harness.targets(event.id()).size(), "a user has more than one final result");
    assertTrue(tenant.transitiveUsers(team.id()).stream().noneMatch(FakeUser::accountEnabled));
    assertEquals(0, harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE));
  }
}
