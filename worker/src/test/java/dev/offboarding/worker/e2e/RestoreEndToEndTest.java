package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import java.nio.charset.StandardCharsets;
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
 * Restore events through the broker and the fake tenant: from the operators' queue, after a second
 * person's approval, exactly the named users are enabled again.
 */
class RestoreEndToEndTest {
  private WorkerHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  static OffboardingEvent restore(Target... targets) {
    return new OffboardingEvent(
        UUID.randomUUID().toString(),
        "/test/e2e",
        EventType.RESTORE,
        Instant.now(),
        new EventData(
            List.of(targets),
            List.of(),
            "restore after a mistaken leaver",
            "T-12",
            "tests",
            false));
  }

  /**
   * Waits until {@code event} awaits approval, then approves it as a second person, from the ops
   * queue.
   */
  static OffboardingEvent approveOnceItWaits(
      WorkerHarness harness, OffboardingEvent event, String... users) {
    harness.awaitSummary(
        event.id(), Duration.ofSeconds(30), s -> s.status() == SummaryStatus.AWAITING_APPROVAL);
    OffboardingEvent approve =
        OffboardingEvent.approve(
            UUID.randomUUID().toString(),
            "/test/e2e",
            Instant.now(),
            new dev.offboarding.contracts.Approval(
                event.id(), "second-person", "checked", List.of(users)));
    harness.sendOps(approve);
    return approve;
  }

  static SummaryAudit awaitFinal(WorkerHarness harness, OffboardingEvent event) {
    return harness.awaitFinalSummary(event.id(), Duration.ofSeconds(30));
  }

  @Test
  void aRestoreReEnablesExactlyTheUsersNamedAndVerifiesIt() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    FakeUser carol = tenant.addUser("carol@contoso.com");
    for (FakeUser u : List.of(alice, bob, carol)) {
      tenant.setAccountEnabled(u.id(), false);
    }
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    OffboardingEvent event =
        restore(new Target.User(alice.id()), new Target.User(bob.userPrincipalName()));

    harness.sendOps(event);
    approveOnceItWaits(harness, event);

    SummaryAudit summary = awaitFinal(harness, event);
    assertEquals(SummaryStatus.COMPLETED, summary.status());
    assertEquals(2, summary.counts().get(TargetOutcome.SUCCEEDED));
    assertTrue(tenant.requireUser(alice.id()).accountEnabled());
    assertTrue(tenant.requireUser(bob.id()).accountEnabled());
    assertFalse(tenant.requireUser(carol.id()).accountEnabled(), "a user not named stays disabled");
    List<WriteRecord> writes = harness.graph.writeLog();
    assertEquals(
        Set.of(alice.id(), bob.id()),
        writes.stream().map(WriteRecord::userId).collect(Collectors.toSet()));
    assertTrue(
        writes.stream().allMatch(w -> w.kind() == WriteRecord.Kind.ENABLE), writes::toString);
    for (TargetAudit t : harness.targets(event.id())) {
      assertEquals(
          List.of(Action.ENABLE_ACCOUNT), t.actions().stream().map(ActionResult::action).toList());
      ActionResult enable = t.actions().get(0);
      assertEquals(Boolean.TRUE, enable.verified(), t::toString);
      assertEquals(Boolean.TRUE, enable.observedAccountEnabled(), t::toString);
    }
  }

  @Test
  void aRestorePlanFromAnAuditExportNamesExactlyTheUsersThatEventDisabledAndRestoresThem(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    FakeUser root = tenant.addUser("breakglass@contoso.com");
    FakeUser dave = tenant.addUser("dave@contoso.com");
    String team = tenant.addGroup("Team", bob, root).id();
    harness = new WorkerHarness(tenant, o -> {}, Map.of("PROTECTED_USERS", root.id()));
    harness.startWorker();
    OffboardingEvent leaver =
        WorkerHarness.event(
            EventType.LEAVER,
            new Target.User(alice.userPrincipalName()),
            new Target.Group(team),
            new Target.User("nobody@contoso.com"));
    OffboardingEvent other = WorkerHarness.event(EventType.LEAVER, new Target.User(dave.id()));
    harness.send(leaver);
    harness.send(other);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !harness.summaries(leaver.id()).isEmpty()
                    && !harness.summaries(other.id()).isEmpty());
    java.nio.file.Path export = dir.resolve("audit.jsonl");
    java.nio.file.Files.write(
        export,
        harness.read(WorkerHarness.TOPIC + "/subscriptions/all").stream()
            .map(m -> m.getBody().toString())
            .toList());

    java.io.ByteArrayOutputStream planned = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
    int code =
        dev.offboarding.worker.Main.run(
            new String[] {
              "restore-plan",
              "--from-audit",
              export.toString(),
              "--requested-by",
              "hr-ops@contoso.com",
              leaver.id()
            },
            harness.env,
            new java.io.PrintStream(planned, true),
            new java.io.PrintStream(said, true));

    assertEquals(0, code, said.toString(StandardCharsets.UTF_8));
    byte[] body = planned.toByteArray();
    OffboardingEvent restore =
        ((dev.offboarding.contracts.DecodeResult.Valid)
                new dev.offboarding.contracts.EventCodec().decode(body))
            .event();
    assertEquals(EventType.RESTORE, restore.type());
    assertEquals(
        Set.of(new Target.User(alice.id()), new Target.User(bob.id())),
        Set.copyOf(restore.data().targets()));
    assertEquals("hr-ops@contoso.com", restore.data().requestedBy());

    java.nio.file.Path file = dir.resolve("restore.json");
    java.nio.file.Files.write(file, body);
    assertEquals(
        0,
        dev.offboarding.worker.Main.run(
            new String[] {"send", file.toString()}, harness.env, System.out, System.err));
    harness.awaitSummary(
        restore.id(), Duration.ofSeconds(30), s -> s.status() == SummaryStatus.AWAITING_APPROVAL);
    assertFalse(
        tenant.requireUser(alice.id()).accountEnabled(),
        "nothing is written before a second person approves");
    // The leaver revoked them seconds ago: within RESTORE_COOLDOWN, so the approval names each one.
    assertEquals(
        0,
        dev.offboarding.worker.Main.run(
            new String[] {
              "approve",
              "--requested-by",
              "security-lead@contoso.com",
              "--reason",
              "checked the export",
              "--user",
              alice.id(),
              "--user",
              bob.userPrincipalName(),
              restore.id()
            },
            harness.env,
            System.out,
            System.err));
    assertEquals(SummaryStatus.COMPLETED, awaitFinal(harness, restore).status());
    assertTrue(tenant.requireUser(alice.id()).accountEnabled());
    assertTrue(tenant.requireUser(bob.id()).accountEnabled());
    assertFalse(
        tenant.requireUser(dave.id()).accountEnabled(), "another event's leaver stays disabled");
  }

  @Test
  void aRecentlyRevokedUserIsReEnabledOnlyWhenTheApprovalNamesItAndEachRestoreIsCounted() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob = tenant.addUser("bob@contoso.com");
    for (FakeUser u : List.of(alice, bob)) {
      tenant.setAccountEnabled(u.id(), false);
      tenant.revokeSignInSessions(u.id(), Instant.now());
    }
    harness = new WorkerHarness(tenant);
    dev.offboarding.worker.WorkerService worker = harness.startWorker();
    OffboardingEvent event = restore(new Target.User(alice.id()), new Target.User(bob.id()));

    harness.sendOps(event);
    approveOnceItWaits(harness, event, "BOB@contoso.com");

    SummaryAudit summary = awaitFinal(harness, event);
    assertEquals(1, summary.counts().get(TargetOutcome.SUCCEEDED));
    assertEquals(1, summary.counts().get(TargetOutcome.SKIPPED));
    TargetAudit refused =
        harness.targets(event.id()).stream()
            .filter(t -> t.userId().equals(alice.id()))
            .findFirst()
            .orElseThrow();
    assertEquals(TargetOutcome.SKIPPED, refused.outcome());
    assertEquals("RestoreCooldown", refused.actions().get(0).errorCode());
    assertTrue(refused.detail().contains("within RESTORE_COOLDOWN (PT24H)"), refused.detail());
    assertFalse(
        tenant.requireUser(alice.id()).accountEnabled(), "revoked seconds ago and not named");
    assertTrue(tenant.requireUser(bob.id()).accountEnabled(), "named by the approval");
    assertEquals(
        List.of(bob.id()), harness.graph.writeLog().stream().map(WriteRecord::userId).toList());
    assertEquals(1.0, worker.metrics().count(dev.offboarding.worker.metrics.Metrics.RESTORES));
  }

  @Test
  void aRestoreNeverWritesToAProtectedAccount() {
    FakeTenant tenant = new FakeTenant();
    FakeUser root = tenant.addUser("breakglass@contoso.com");
    tenant.setAccountEnabled(root.id(), false);
    harness = new WorkerHarness(tenant, o -> {}, Map.of("PROTECTED_USERS", root.id()));
    harness.startWorker();
    OffboardingEvent event = restore(new Target.User(root.id()));

    harness.sendOps(event);
    approveOnceItWaits(harness, event);

    assertEquals(1, awaitFinal(harness, event).counts().get(TargetOutcome.PROTECTED));
    assertTrue(harness.graph.writeLog().isEmpty());
  }

  @Test
  void aRestoreNamingAGroupIsRejectedAndDeadLetteredWithoutAWrite() {
    FakeTenant tenant = new FakeTenant();
    FakeUser dave = tenant.addUser("dave@contoso.com");
    tenant.setAccountEnabled(dave.id(), false);
    String group = tenant.addGroup("Finance", dave).id();
    harness = new WorkerHarness(tenant);
    harness.startWorker();
    String id = UUID.randomUUID().toString();
    String body =
        """
        {"specversion": "1.0", "id": "%s", "source": "/test/e2e", "type": "dev.offboarding.restore.v1",
         "data": {"targets": [{"group": "%s"}], "reason": "restore the whole team"}}
        """
            .formatted(id, group);

    harness.sendRaw(id, body.getBytes(StandardCharsets.UTF_8));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> harness.emulator.deadLetterMessageCount(WorkerHarness.QUEUE) == 1);
    SummaryAudit summary = harness.summaries(id).get(0);
    assertEquals(SummaryStatus.REJECTED, summary.status());
    assertEquals("$.data.targets[0]", summary.problems().get(0).path());
    assertTrue(harness.graph.writeLog().isEmpty());
    assertFalse(tenant.requireUser(dave.id()).accountEnabled());
  }
}
