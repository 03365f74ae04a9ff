package dev.offboarding.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.AccessWindow;
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
import dev.offboarding.testkit.graph.FakeDevice;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
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
 * Containment beyond the revoke, end to end over real AMQP and real HTTP to the fake tenant: a
 * compromise asking for every containment action leaves each user disabled, revoked, its password
 * reset, confirmed compromised and its devices disabled, each read back; a synchronised user's
 * reset is SKIPPED with the reason; the revoke is still the first write after the disable; an
 * Identity Protection licence missing fails the confirmation alone, FORBIDDEN.
 */
class ContainmentEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<Action> EVERY_ACTION =
      List.of(
          Action.DISABLE_ACCOUNT,
          Action.REVOKE_SESSIONS,
          Action.RESET_PASSWORD,
          Action.CONFIRM_COMPROMISED,
          Action.DISABLE_DEVICES);

  private WorkerHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private static OffboardingEvent compromise(String... userIds) {
    List<Target> targets = java.util.Arrays.stream(userIds).<Target>map(Target.User::new).toList();
    return new OffboardingEvent(
        UUID.randomUUID().toString(),
        "/siem/sentinel",
        EventType.COMPROMISE,
        Instant.now(),
        new EventData(targets, EVERY_ACTION, "token theft", "INC-19", "soc", false));
  }

  private SummaryAudit awaitFinalSummary(String eventId) {
    return harness.awaitFinalSummary(eventId, WAIT);
  }

  private static ActionResult action(TargetAudit target, Action action) {
    return target.actions().stream().filter(a -> a.action() == action).findFirst().orElseThrow();
  }

  @Test
  void
      aCompromiseWithEveryContainmentActionDisablesRevokesResetsConfirmsAndDisablesDevicesEachVerified() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeUser bob =
        tenant.addUser(FakeUser.builder("bob@contoso.com").onPremisesSyncEnabled(true).build());
    FakeUser fred =
        tenant.addUser(FakeUser.builder("fred@fabrikam-federated.com").federated(true).build());
    FakeDevice laptop = tenant.addDevice(FakeDevice.named("alice-laptop"), alice.id());
    FakeDevice phone = tenant.addDevice(FakeDevice.named("alice-phone"), alice.id());
    List<FakeUser> others =
        List.of(
            tenant.addUser("carol@contoso.com"),
            tenant.addUser("dave@contoso.com"),
            tenant.addUser("erin@contoso.com"));
    tenant.security().deviceAdministrator(true);
    harness = new WorkerHarness(tenant, o -> {});
    harness.startWorker();
    OffboardingEvent event =
        compromise(
            alice.id(),
            bob.id(),
            others.get(0).id(),
            others.get(1).id(),
            others.get(2).id(),
            fred.id());

    harness.sendUrgent(event);

    SummaryAudit summary = awaitFinalSummary(event.id());
    Map<String, TargetAudit> byUser =
        harness.targets(event.id()).stream().collect(Collectors.toMap(TargetAudit::userId, t -> t));
    TargetAudit a = byUser.get(alice.id());
    assertEquals(TargetOutcome.SUCCEEDED, a.outcome(), String.valueOf(a));
    for (Action act : EVERY_ACTION) {
      ActionResult r = action(a, act);
      assertEquals(TargetOutcome.SUCCEEDED, r.outcome(), act + ": " + r);
      assertEquals(Boolean.TRUE, r.verified(), act + " verified");
    }
    assertNotNull(action(a, Action.RESET_PASSWORD).observedLastPasswordChange());
    assertEquals("confirmedCompromised", action(a, Action.CONFIRM_COMPROMISED).observedRiskState());
    assertEquals("high", action(a, Action.CONFIRM_COMPROMISED).observedRiskLevel());
    assertEquals(
        Set.of(laptop.id(), phone.id()), Set.copyOf(action(a, Action.DISABLE_DEVICES).deviceIds()));
    assertFalse(tenant.requireUser(alice.id()).accountEnabled());
    assertFalse(tenant.device(laptop.id()).orElseThrow().accountEnabled());
    assertFalse(tenant.device(phone.id()).orElseThrow().accountEnabled());
    assertEquals(
        "confirmedCompromised", tenant.security().riskyUser(alice.id()).orElseThrow().riskState());
    assertNotNull(tenant.requireUser(alice.id()).lastPasswordChangeDateTime());

    // The access window: from the first accepted disable, revoke or reset; CAE in 15 minutes.
    AccessWindow window = a.access();
    assertNotNull(window, "alice's result carries its access window");
    assertEquals(window.revokedAt().plus(AccessWindow.CAE_LATENCY), window.caeResourcesBy());
    assertEquals(window.revokedAt().plus(Duration.ofMinutes(90)), window.allResourcesBy());
    assertNull(window.note(), "a member has no guest note");

    TargetAudit b = byUser.get(bob.id());
    ActionResult bobReset = action(b, Action.RESET_PASSWORD);
    assertEquals(TargetOutcome.SKIPPED, bobReset.outcome());
    assertEquals(ActionResult.PASSWORD_MANAGED_ELSEWHERE, bobReset.errorCode());
    assertTrue(
        bobReset.errorMessage().contains("Active Directory")
            && bobReset.errorMessage().contains("twice"),
        bobReset.errorMessage());
    assertEquals(TargetOutcome.SUCCEEDED, action(b, Action.REVOKE_SESSIONS).outcome());
    assertEquals(TargetOutcome.SUCCEEDED, action(b, Action.CONFIRM_COMPROMISED).outcome());
    assertEquals(List.of(), action(b, Action.DISABLE_DEVICES).deviceIds());
    assertNotNull(b.access());
    ActionResult fredReset = action(byUser.get(fred.id()), Action.RESET_PASSWORD);
    assertEquals(TargetOutcome.SKIPPED, fredReset.outcome(), String.valueOf(fredReset));
    assertEquals(ActionResult.PASSWORD_MANAGED_ELSEWHERE, fredReset.errorCode());
    assertTrue(fredReset.errorMessage().contains("federated"), fredReset.errorMessage());

    assertEquals(SummaryStatus.COMPLETED, summary.status());
    Instant latest =
        byUser.values().stream()
            .map(t -> t.access().allResourcesBy())
            .max(Instant::compareTo)
            .orElseThrow();
    assertEquals(latest, summary.allResourcesBy());

    // The revoke is still each user's first write after its disable: containment follows it.
    for (FakeUser user : List.of(alice, bob, fred)) {
      List<WriteRecord.Kind> writes =
          harness.graph.writeLog().stream()
              .filter(w -> w.userId().equals(user.id()))
              .map(WriteRecord::kind)
              .toList();
      assertEquals(
          List.of(WriteRecord.Kind.DISABLE, WriteRecord.Kind.REVOKE),
          writes.subList(0, 2),
          user + ": " + writes);
    }
    for (FakeUser other : others) {
      assertEquals(
          TargetOutcome.SUCCEEDED, byUser.get(other.id()).outcome(), other.userPrincipalName());
    }
    // Confirmations are batched over the event's users, not one request per user.
    long confirmations =
        harness.graph.requestLog().stream()
            .filter(r -> r.path().endsWith("/identityProtection/riskyUsers/confirmCompromised"))
            .count();
    assertTrue(confirmations < 6, confirmations + " confirmCompromised requests for 6 users");
    assertEquals(
        6,
        harness.graph.writeLog().stream()
            .filter(w -> w.kind() == WriteRecord.Kind.CONFIRM_COMPROMISED)
            .count());
  }

  @Test
  void
      aTenantWithoutAnIdentityProtectionLicenceGetsForbiddenForTheConfirmationWhileTheRestSucceeds() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeDevice laptop = tenant.addDevice(FakeDevice.named("alice-laptop"), alice.id());
    tenant.security().deviceAdministrator(true).identityProtectionLicensed(false);
    harness = new WorkerHarness(tenant, o -> {});
    harness.startWorker();
    OffboardingEvent event = compromise(alice.id());

    harness.sendUrgent(event);

    awaitFinalSummary(event.id());
    TargetAudit a = harness.targets(event.id()).get(0);
    ActionResult confirm = action(a, Action.CONFIRM_COMPROMISED);
    assertEquals(TargetOutcome.FORBIDDEN, confirm.outcome());
    assertEquals("Forbidden", confirm.errorCode());
    assertTrue(confirm.errorMessage().contains("Entra ID P2"), confirm.errorMessage());
    assertEquals(TargetOutcome.FORBIDDEN, a.outcome());
    for (Action act :
        List.of(
            Action.DISABLE_ACCOUNT,
            Action.REVOKE_SESSIONS,
            Action.RESET_PASSWORD,
            Action.DISABLE_DEVICES)) {
      assertEquals(TargetOutcome.SUCCEEDED, action(a, act).outcome(), act.wireName());
    }
    assertFalse(tenant.device(laptop.id()).orElseThrow().accountEnabled());
    assertNotNull(a.access(), "the revoke succeeded: the window is there");
  }

  @Test
  void
      aRestorePlannedFromTheCompromisesAuditReEnablesTheAccountAndOnlyTheDevicesThisWorkerDisabled()
          throws Exception {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeDevice laptop = tenant.addDevice(FakeDevice.named("alice-laptop"), alice.id());
    FakeDevice phone = tenant.addDevice(FakeDevice.named("alice-phone"), alice.id());
    // Lost last month and disabled by an administrator: not this worker's to re-enable.
    FakeDevice lost = tenant.addDevice(FakeDevice.named("alice-lost-tablet"), alice.id());
    tenant.setDeviceEnabled(lost.id(), false);
    tenant.security().deviceAdministrator(true);
    harness = new WorkerHarness(tenant, o -> {});
    harness.startWorker();
    OffboardingEvent compromise = compromise(alice.id());
    harness.sendUrgent(compromise);
    awaitFinalSummary(compromise.id());
    TargetAudit contained = harness.targets(compromise.id()).get(0);
    assertEquals(
        Set.of(laptop.id(), phone.id()),
        Set.copyOf(action(contained, Action.DISABLE_DEVICES).deviceIds()));

    // The operator plans the restore from the exported audit, as restore-plan --from-audit does.
    java.nio.file.Path export = java.nio.file.Files.createTempFile("audit", ".jsonl");
    java.nio.file.Files.writeString(
        export,
        new String(
                harness.auditCodec().encodeTarget("m-1", Instant.now(), contained),
                java.nio.charset.StandardCharsets.UTF_8)
            + "\n");
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
    int code =
        dev.offboarding.worker.cli.RestorePlanCommand.run(
            new String[] {
              "--from-audit",
              export.toString(),
              "--requested-by",
              "ops-alice@contoso.com",
              compromise.id()
            },
            new java.io.PrintStream(printed, true),
            new java.io.PrintStream(said, true));
    assertEquals(0, code, said.toString());
    assertTrue(
        said.toString().contains("A password reset and a risk confirmation are not undone"),
        said.toString());
    OffboardingEvent restore =
        ((dev.offboarding.contracts.DecodeResult.Valid)
                new dev.offboarding.contracts.EventCodec().decode(printed.toByteArray()))
            .event();
    assertEquals(List.of(Action.ENABLE_ACCOUNT, Action.ENABLE_DEVICES), restore.data().actions());
    assertEquals(Set.of(laptop.id(), phone.id()), Set.copyOf(restore.data().deviceIds()));

    harness.sendOps(restore);
    harness.awaitSummary(restore.id(), WAIT, s -> s.status() == SummaryStatus.AWAITING_APPROVAL);
    // Revoked seconds ago, within RESTORE_COOLDOWN: the approval names her.
    harness.sendOps(
        OffboardingEvent.approve(
            UUID.randomUUID().toString(),
            "/ops/console",
            Instant.now(),
            new dev.offboarding.contracts.Approval(
                restore.id(), "ops-bob@contoso.com", "false positive", List.of(alice.id()))));

    SummaryAudit done = awaitFinalSummary(restore.id());
    assertEquals(SummaryStatus.COMPLETED, done.status());
    TargetAudit restored = harness.targets(restore.id()).get(0);
    ActionResult enabled = action(restored, Action.ENABLE_DEVICES);
    assertEquals(TargetOutcome.SUCCEEDED, enabled.outcome(), String.valueOf(enabled));
    assertEquals(Boolean.TRUE, enabled.verified());
    assertEquals(Set.of(laptop.id(), phone.id()), Set.copyOf(enabled.deviceIds()));
    assertTrue(tenant.requireUser(alice.id()).accountEnabled());
    assertTrue(tenant.device(laptop.id()).orElseThrow().accountEnabled());
    assertTrue(tenant.device(phone.id()).orElseThrow().accountEnabled());
    assertFalse(
        tenant.device(lost.id()).orElseThrow().accountEnabled(),
        "the administrator's disable stands");
  }
}
