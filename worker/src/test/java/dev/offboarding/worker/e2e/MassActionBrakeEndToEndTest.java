package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusSessionReceiverClient;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.testkit.servicebus.EmulatorConfig;
import dev.offboarding.testkit.servicebus.EmulatorMessage;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.config.Tuning;
import dev.offboarding.worker.guard.Braking;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import dev.offboarding.worker.testing.WorkerSystem;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mass-action brake end to end, over the emulator and the fake tenant: replicas share one cap
 * whose count lives in the broker, what the cap has no room for waits on the worker's own queue,
 * urgent work goes on, and a restart does not reset the count.
 */
class MassActionBrakeEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ServiceBusIntake.Options INTAKE =
      new ServiceBusIntake.Options(
          4, Duration.ofMinutes(5), Duration.ofSeconds(20), Duration.ofSeconds(5));
  private static final String STATE_QUEUE = "offboarding-state";

  private WorkerHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private WorkerService worker(String usersPerHour) {
    return harness.startWorker(
        INTAKE,
        Map.of(
            "MAX_USERS_PER_HOUR",
            usersPerHour,
            "MAX_URGENT_USERS_PER_HOUR",
            "200",
            "GRAPH_WRITES_PER_SECOND",
            "1000"),
        Tuning.Recovery.defaults());
  }

  /** A leaver event of {@code count} users by object id. */
  private static OffboardingEvent leaverOf(List<FakeUser> users) {
    return WorkerHarness.event(
        EventType.LEAVER,
        users.stream().map(u -> (Target) new Target.User(u.id())).toArray(Target[]::new));
  }

  private static List<FakeUser> addUsers(FakeTenant tenant, String prefix, int count) {
    List<FakeUser> users = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      users.add(tenant.addUser(prefix + i + "@contoso.com"));
    }
    return users;
  }

  /** Users the fake tenant accepted a write for. */
  private Set<String> usersWritten() {
    return harness.graph.writeLog().stream()
        .filter(WriteRecord::accepted)
        .map(WriteRecord::userId)
        .collect(Collectors.toSet());
  }

  private boolean braked(SummaryAudit s) {
    return s.status() == SummaryStatus.CONTINUING
        && !s.finalSummary()
        && s.detail() != null
        && s.detail().startsWith(Braking.DETAIL);
  }

  /** The gauge as this worker exports it on /metrics, for one cap. */
  private static double brakeGauge(WorkerService worker, String priority) {
    String prefix = Metrics.MASS_ACTION_BRAKE + "{priority=\"" + priority + "\"} ";
    return worker
        .metrics()
        .scrape()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
        .findFirst()
        .orElse(Double.NaN);
  }

  @Test
  void twoReplicasWriteNoMoreThanTheCapTheRestWaitsAndACompromiseOnTheUrgentQueueIsStillRevoked() {
    // Arrange
    FakeTenant tenant = new FakeTenant();
    List<OffboardingEvent> leavers = new ArrayList<>();
    Set<String> leaverIds = new java.util.HashSet<>();
    for (int e = 0; e < 12; e++) {
      List<FakeUser> users = addUsers(tenant, "leaver" + e + "-", 50);
      users.forEach(u -> leaverIds.add(u.id()));
      leavers.add(leaverOf(users));
    }
    FakeUser victim = tenant.addUser("victim@contoso.com");
    harness = new WorkerHarness(tenant);
    List<WorkerService> replicas = List.of(worker("300"), worker("300"));
    await().atMost(WAIT).until(() -> replicas.stream().allMatch(WorkerService::ready));
    double bulkBefore = brakeGauge(replicas.get(0), "bulk");

    // Act: the flood, then a compromise on the urgent queue once the cap holds work back
    leavers.forEach(harness::send);
    await()
        .atMost(WAIT)
        .until(() -> leavers.stream().allMatch(e -> !harness.summaries(e.id()).isEmpty()));
    OffboardingEvent compromise =
        WorkerHarness.event(EventType.COMPROMISE, new Target.User(victim.id()));
    harness.sendUrgent(compromise);
    harness.awaitFinalSummary(compromise.id(), WAIT);

    // Assert
    Set<String> written = usersWritten();
    long leaversWritten = written.stream().filter(leaverIds::contains).count();
    assertTrue(leaversWritten <= 300, leaversWritten + " leavers written against a cap of 300");
    assertEquals(300, leaversWritten, "the cap is used, not more");
    List<SummaryAudit> firsts =
        leavers.stream().map(e -> harness.summaries(e.id()).get(0)).toList();
    long completed =
        firsts.stream()
            .filter(s -> s.finalSummary() && s.status() == SummaryStatus.COMPLETED)
            .count();
    long waiting = firsts.stream().filter(this::braked).count();
    assertEquals(
        12, completed + waiting, "every event completed or waits for the brake: " + firsts);
    assertEquals(6, waiting);
    assertEquals(
        300,
        firsts.stream()
            .filter(SummaryAudit::finalSummary)
            .mapToInt(s -> s.counts().getOrDefault(TargetOutcome.SUCCEEDED, 0))
            .sum());
    assertEquals(
        waiting,
        harness.emulator.stats(WorkerHarness.INTERNAL_QUEUE).scheduled(),
        "each waiting event's follow-up is held by the broker until the window has room: nothing is lost");
    assertEquals(0.0, bulkBefore, "the gauge exists at 0 from start");
    assertTrue(
        replicas.stream().anyMatch(w -> brakeGauge(w, "bulk") == 1.0),
        "a replica says the brake holds");
    assertTrue(
        replicas.stream().allMatch(w -> brakeGauge(w, "urgent") == 0.0),
        "the urgent cap holds nothing");
    SummaryAudit revoked =
        harness.summaries(compromise.id()).stream()
            .filter(SummaryAudit::finalSummary)
            .findFirst()
            .orElseThrow();
    assertEquals(SummaryStatus.COMPLETED, revoked.status());
    assertTrue(written.contains(victim.id()), "the compromised user was written");
    assertTrue(
        harness.graph.writeLog().stream()
            .anyMatch(
                w ->
                    w.userId().equals(victim.id())
                        && w.kind() == WriteRecord.Kind.REVOKE
                        && w.accepted()),
        "and revoked");
  }

  @Test
  void aRestartedWorkerKeepsTheCountAndWritesNothingMoreOnceTheCapIsReached() {
    // Arrange: the cap reached by one worker
    FakeTenant tenant = new FakeTenant();
    OffboardingEvent first = leaverOf(addUsers(tenant, "first-", 40));
    OffboardingEvent second = leaverOf(addUsers(tenant, "second-", 40));
    harness = new WorkerHarness(tenant);
    WorkerService before = worker("40");
    harness.send(first);
    harness.awaitFinalSummary(first.id(), WAIT);
    int writesBefore = harness.graph.writeLog().size();
    before.close();

    // Act: a new worker, with nothing of the old one's memory
    WorkerService after = worker("40");
    harness.send(second);
    harness.awaitSummaries(second.id(), WAIT);

    // Assert
    SummaryAudit summary = harness.summaries(second.id()).get(0);
    assertTrue(braked(summary), summary.toString());
    assertEquals(40, summary.usersPending());
    assertEquals(writesBefore, harness.graph.writeLog().size(), "nothing more written");
    assertEquals(40, usersWritten().size());
    assertEquals(1.0, brakeGauge(after, "bulk"));
  }

  /**
   * The brake's counts live on the state queue, which only the worker's identity may receive from.
   * A producer holding Send on its own queue can neither take the count's session nor reset it, and
   * a count dressed up as an event on its own queue is just an invalid event.
   */
  @Test
  void aProducerCanNeitherReachNorResetTheCountAndTheCapStillHolds() {
    EmulatorConfig config =
        EmulatorConfig.fromJson(WorkerSystem.ENTITIES)
            .withSharedAccessKey(
                EmulatorConfig.SharedAccessKey.onEntity(
                    WorkerHarness.QUEUE,
                    "hr-producer",
                    "hr-producer-key",
                    EmulatorConfig.AccessRight.SEND));
    FakeTenant tenant = new FakeTenant();
    OffboardingEvent first = leaverOf(addUsers(tenant, "first-", 30));
    OffboardingEvent second = leaverOf(addUsers(tenant, "second-", 30));
    harness = new WorkerHarness(tenant, ServiceBusEmulator.start(config, 0));
    worker("30");
    harness.send(first);
    harness.awaitFinalSummary(first.id(), WAIT);
    ServiceBusClientBuilder producer =
        new ServiceBusClientBuilder()
            .connectionString(harness.emulator.connectionString("hr-producer"));

    RuntimeException taken;
    try (ServiceBusSessionReceiverClient sessions =
        producer.sessionReceiver().queueName(STATE_QUEUE).buildClient()) {
      taken = assertThrows(RuntimeException.class, () -> sessions.acceptSession("brake-bulk"));
    }
    harness.sendRaw(
        UUID.randomUUID().toString(),
        ("{\"format\":\"dev.offboarding.brake.v1\",\"leases\":[]}")
            .getBytes(StandardCharsets.UTF_8));
    harness.send(second);

    await()
        .atMost(WAIT)
        .until(
            () ->
                !harness.summaries(second.id()).isEmpty()
                    && harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE) >= 1);
    assertTrue(
        String.valueOf(taken.getMessage()).contains("Listen")
            || String.valueOf(taken.getCause()).contains("Listen"),
        String.valueOf(taken));
    EmulatorMessage dead = harness.emulator.peekDeadLetterMessages(WorkerHarness.QUEUE).get(0);
    assertEquals("InvalidEvent", dead.deadLetterReason());
    assertTrue(braked(harness.summaries(second.id()).get(0)), "the cap still holds");
    assertEquals(30, usersWritten().size());
  }
}
