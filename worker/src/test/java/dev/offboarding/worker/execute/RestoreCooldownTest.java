package dev.offboarding.worker.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.guard.Approved;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.tenant.AccountState;
import dev.offboarding.worker.testing.Executions;
import dev.offboarding.worker.testing.FakeDirectory;
import dev.offboarding.worker.testing.FollowUpLoop;
import dev.offboarding.worker.testing.Inbounds;
import dev.offboarding.worker.testing.RecordingAudit;
import dev.offboarding.worker.testing.RecordingWrites;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A restore does not re-enable a user whose sessions were revoked within RESTORE_COOLDOWN (its
 * {@code signInSessionsValidFromDateTime} is that recent), unless the approval that released it
 * names the user.
 */
class RestoreCooldownTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final String ALICE = "20000000-0000-4000-8000-000000000001";
  static final String BOB = "20000000-0000-4000-8000-000000000002";
  static final String CAROL = "20000000-0000-4000-8000-000000000003";

  final FakeDirectory directory = new FakeDirectory();
  final RecordingWrites writes = new RecordingWrites();
  final RecordingAudit audit = new RecordingAudit();
  final FollowUpLoop followUps = new FollowUpLoop();
  final EventCodec codec = new EventCodec();

  RestoreCooldownTest() {
    directory.addUser(ALICE, "alice@contoso.com");
    directory.addUser(BOB, "bob@contoso.com");
    directory.addUser(CAROL, "carol@contoso.com");
    // Alice was revoked an hour ago, Bob two days ago, Carol never.
    directory.setAccountState(
        ALICE,
        new AccountState(false, NOW.minus(Duration.ofHours(1)), "alice@contoso.com", "Member"));
    directory.setAccountState(
        BOB, new AccountState(false, NOW.minus(Duration.ofDays(2)), "bob@contoso.com", "Member"));
    directory.setAccountState(CAROL, new AccountState(false, null, "carol@contoso.com", "Member"));
  }

  EventProcessor processor() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Executor executor =
        Executions.unthrottled(writes, clock, 8).withRestoreCooldown(Duration.ofHours(24));
    return EventProcessor.builder(new Planner(directory, Protection.none(), 100), executor, clock)
        .build();
  }

  /** The restore as an approval released it, naming {@code named}, from the operators' queue. */
  Map<String, TargetAudit> restoreApproving(List<String> named) throws Exception {
    OffboardingEvent restore =
        new OffboardingEvent(
            "evt-restore",
            "/ops",
            EventType.RESTORE,
            NOW,
            new EventData(
                List.of(new Target.User(ALICE), new Target.User(BOB), new Target.User(CAROL)),
                List.of(),
                "mistaken leaver",
                null,
                "ops-a",
                false));
    Approved approved = Approved.of("ops-b", "approve-1", named);
    processor()
        .process(
            new EventProcessor.Work(
                Inbounds.approved(codec.encode(restore), Inbounds.OPS, approved, 5),
                false,
                audit,
                followUps,
                () -> false,
                () -> {}));
    return audit.all().stream().collect(Collectors.toMap(TargetAudit::userId, Function.identity()));
  }

  @Test
  void aUserRevokedWithinTheCooldownIsNotReEnabledAndTheOthersAre() throws Exception {
    Map<String, TargetAudit> results = restoreApproving(List.of());

    TargetAudit alice = results.get(ALICE);
    assertEquals(TargetOutcome.SKIPPED, alice.outcome());
    ActionResult enable = alice.actions().get(0);
    assertEquals(Action.ENABLE_ACCOUNT, enable.action());
    assertEquals(Executor.RESTORE_COOLDOWN, enable.errorCode());
    assertEquals(0, enable.attempts());
    assertTrue(
        enable
            .errorMessage()
            .startsWith(
                "sessions revoked at 2026-12-01T11:00:00Z, within RESTORE_COOLDOWN"
                    + " (PT24H): not re-enabled; an approval naming this user (approve --user "
                    + ALICE
                    + ")"),
        enable.errorMessage());
    assertEquals("alice@contoso.com", alice.userPrincipalName());
    assertEquals(TargetOutcome.SUCCEEDED, results.get(BOB).outcome(), "revoked two days ago");
    assertEquals(TargetOutcome.SUCCEEDED, results.get(CAROL).outcome(), "never revoked");
    assertEquals(
        List.of("enable:" + BOB, "enable:" + CAROL), writes.attempts.stream().sorted().toList());
    assertEquals(SummaryStatus.COMPLETED, audit.summary.status());
    assertEquals(1, audit.summary.counts().get(TargetOutcome.SKIPPED));
  }

  @Test
  void anApprovalNamingTheUserByUpnLetsItThroughThoughTheRestoreNamesItById() throws Exception {
    Map<String, TargetAudit> results = restoreApproving(List.of("ALICE@contoso.com"));

    assertEquals(TargetOutcome.SUCCEEDED, results.get(ALICE).outcome());
    assertTrue(writes.attempts.contains("enable:" + ALICE));
    assertEquals(3, audit.summary.counts().get(TargetOutcome.SUCCEEDED));
  }

  @Test
  void withoutACooldownARecentlyRevokedUserIsReEnabled() throws Exception {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Executor plain = Executions.unthrottled(writes, clock, 8);
    OffboardingEvent restore =
        new OffboardingEvent(
            "evt-restore",
            "/ops",
            EventType.RESTORE,
            NOW,
            new EventData(
                List.of(new Target.User(ALICE)),
                List.of(),
                "mistaken leaver",
                null,
                "ops-a",
                false));

    EventProcessor.builder(new Planner(directory, Protection.none(), 100), plain, clock)
        .build()
        .process(
            new EventProcessor.Work(
                Inbounds.from(Inbounds.OPS, codec.encode(restore), 6),
                false,
                audit,
                followUps,
                () -> false,
                () -> {}));

    assertEquals(List.of("enable:" + ALICE), writes.attempts);
  }
}
