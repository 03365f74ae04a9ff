package dev.offboarding.worker.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.tenant.AccountState;
import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.DirectoryUser;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifierTest {
  private static final String USER = "5f1d3c2a-0000-4000-8000-000000000001";
  private static final Instant REQUESTED = Instant.parse("2026-11-27T09:00:01.750Z");
  private static final Instant OLD_WATERMARK = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant NOW = Instant.parse("2026-11-27T09:00:05Z");

  private final ScriptedDirectory directory = new ScriptedDirectory();
  private final List<Duration> sleeps = new ArrayList<>();
  private final Sleeper sleeper = sleeps::add;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final Verifier verifier = new Verifier(directory, sleeper, clock);

  private static AccountState revoked(Instant validFrom) {
    return new AccountState(true, validFrom);
  }

  @Test
  void verifiesARevokeWhoseWatermarkIsAfterTheRequestOnTheFirstRead() throws Exception {
    directory.answer(revoked(Instant.parse("2026-11-27T09:00:02Z")));

    Verification v = verifier.verify(Action.REVOKE_SESSIONS, USER, REQUESTED);

    assertEquals(
        new Verification(true, true, Instant.parse("2026-11-27T09:00:02Z"), 1, null, NOW), v);
    assertEquals(List.of(), sleeps);
    assertEquals(List.of(USER), directory.reads);
  }

  @Test
  void countsAWatermarkInTheSecondOfTheRequestAsThisRevokeBecauseGraphReportsWholeSeconds()
      throws Exception {
    directory.answer(revoked(Instant.parse("2026-11-27T09:00:01Z")));
    Verifier strict = new Verifier(directory, sleeper, clock, Duration.ZERO, 1, Duration.ZERO);

    assertTrue(strict.verify(Action.REVOKE_SESSIONS, USER, REQUESTED).verified());
  }

  @Test
  void allowsTheClockSkewAndNoMore() throws Exception {
    Instant requested = Instant.parse("2026-11-27T09:00:00Z");
    directory.answer(revoked(requested.minus(Verifier.DEFAULT_CLOCK_SKEW)));
    directory.answer(revoked(requested.minus(Verifier.DEFAULT_CLOCK_SKEW).minusSeconds(1)));
    Verifier once =
        new Verifier(directory, sleeper, clock, Verifier.DEFAULT_CLOCK_SKEW, 1, Duration.ZERO);

    Verification within = once.verify(Action.REVOKE_SESSIONS, USER, requested);
    Verification beyond = once.verify(Action.REVOKE_SESSIONS, USER, requested);

    assertTrue(within.verified());
    assertFalse(beyond.verified());
    assertEquals(
        "signInSessionsValidFromDateTime 2026-11-27T08:57:59Z is before the revoke at 2026-11-27T09:00:00Z"
            + " (allowing 120 s of clock skew)",
        beyond.reason());
  }

  @Test
  void readsAgainWithDoublingWaitsUntilTheRevokeShows() throws Exception {
    directory.answer(revoked(OLD_WATERMARK));
    directory.answer(revoked(OLD_WATERMARK));
    directory.answer(revoked(Instant.parse("2026-11-27T09:00:03Z")));

    Verification v = verifier.verify(Action.REVOKE_SESSIONS, USER, REQUESTED);

    assertTrue(v.verified());
    assertEquals(3, v.reads());
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), sleeps);
  }

  @Test
  void reportsARevokeUnverifiedWhenNoReadShowsItWithWhatWasRead() throws Exception {
    for (int i = 0; i < 3; i++) {
      directory.answer(revoked(OLD_WATERMARK));
    }

    Verification v = verifier.verify(Action.REVOKE_SESSIONS, USER, REQUESTED);

    assertEquals(
        new Verification(
            false,
            true,
            OLD_WATERMARK,
            3,
            "signInSessionsValidFromDateTime 2024-01-01T00:00:00Z is before the revoke at 2026-11-27T09:00:01Z"
                + " (allowing 120 s of clock skew) after 3 reads",
            NOW),
        v);
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), sleeps);
    assertEquals(3, directory.reads.size());
  }

  @Test
  void verifiesADisableWhenTheAccountReadsBackDisabled() throws Exception {
    directory.answer(new AccountState(true, OLD_WATERMARK));
    directory.answer(new AccountState(false, OLD_WATERMARK));

    Verification v = verifier.verify(Action.DISABLE_ACCOUNT, USER, REQUESTED);

    assertEquals(new Verification(true, false, OLD_WATERMARK, 2, null, NOW), v);
    assertEquals(List.of(Duration.ofSeconds(1)), sleeps);
  }

  @Test
  void verifiesAnEnableWhenTheAccountReadsBackEnabledAndNotBefore() throws Exception {
    directory.answer(new AccountState(false, OLD_WATERMARK));
    directory.answer(new AccountState(true, OLD_WATERMARK));

    Verification v = verifier.verify(Action.ENABLE_ACCOUNT, USER, REQUESTED);

    assertEquals(new Verification(true, true, OLD_WATERMARK, 2, null, NOW), v);
  }

  @Test
  void reportsAnEnableUnverifiedWhileTheAccountStaysDisabled() throws Exception {
    for (int i = 0; i < 3; i++) {
      directory.answer(new AccountState(false, OLD_WATERMARK));
    }

    Verification v = verifier.verify(Action.ENABLE_ACCOUNT, USER, REQUESTED);

    assertFalse(v.verified());
    assertEquals("accountEnabled is still false after 3 reads", v.reason());
  }

  @Test
  void reportsADisableUnverifiedWhileTheAccountStaysEnabled() throws Exception {
    for (int i = 0; i < 3; i++) {
      directory.answer(new AccountState(true, OLD_WATERMARK));
    }

    Verification v = verifier.verify(Action.DISABLE_ACCOUNT, USER, REQUESTED);

    assertFalse(v.verified());
    assertEquals("accountEnabled is still true after 3 reads", v.reason());
    assertEquals(true, v.observedAccountEnabled());
  }

  @Test
  void reportsAUserMissingOnEveryReadAsUnverifiedWithNothingObserved() throws Exception {
    for (int i = 0; i < 3; i++) {
      directory.answerNotFound();
    }

    Verification v = verifier.verify(Action.REVOKE_SESSIONS, USER, REQUESTED);

    assertEquals(
        new Verification(false, null, null, 3, "user not found on read-back after 3 reads", NOW),
        v);
  }

  @Test
  void readsAgainWhenTheUserIsNotFoundYet() throws Exception {
    directory.answerNotFound();
    directory.answer(new AccountState(false, OLD_WATERMARK));

    assertTrue(verifier.verify(Action.DISABLE_ACCOUNT, USER, REQUESTED).verified());
  }

  @Test
  void reportsAFailedReadAsUnverifiedAtOnceInsteadOfThrowing() throws Exception {
    directory.answer(
        new GraphFailure(
            GraphFailure.Kind.FORBIDDEN,
            403,
            "Authorization_RequestDenied",
            "HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation.",
            "req-9",
            null,
            null));

    Verification v = verifier.verify(Action.REVOKE_SESSIONS, USER, REQUESTED);

    assertFalse(v.verified());
    assertEquals(
        "read-back failed: HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the"
            + " operation.",
        v.reason());
    assertEquals(1, v.reads());
    assertNull(v.observedSessionsValidFrom());
    assertEquals(List.of(), sleeps);
  }

  @Test
  void keepsWhatAnEarlierReadShowedWhenALaterReadFails() throws Exception {
    directory.answer(revoked(OLD_WATERMARK));
    directory.answer(
        new GraphFailure(
            GraphFailure.Kind.UNAVAILABLE,
            503,
            "ServiceUnavailable",
            "HTTP 503",
            null,
            null,
            null));

    Verification v = verifier.verify(Action.REVOKE_SESSIONS, USER, REQUESTED);

    assertEquals(
        new Verification(false, true, OLD_WATERMARK, 2, "read-back failed: HTTP 503", NOW), v);
  }

  @Test
  void reportsAPropertyTheDirectoryDidNotReturn() throws Exception {
    Verifier once =
        new Verifier(directory, sleeper, clock, Verifier.DEFAULT_CLOCK_SKEW, 1, Duration.ZERO);
    directory.answer(new AccountState(null, null));
    directory.answer(new AccountState(null, null));

    assertEquals(
        "accountEnabled was not returned on read-back",
        once.verify(Action.DISABLE_ACCOUNT, USER, REQUESTED).reason());
    assertEquals(
        "signInSessionsValidFromDateTime was not returned on read-back",
        once.verify(Action.REVOKE_SESSIONS, USER, REQUESTED).reason());
  }

  @Test
  void makesAsManyReadsWithSuchWaitsAsConfigured() throws Exception {
    Verifier patient =
        new Verifier(
            directory, sleeper, clock, Verifier.DEFAULT_CLOCK_SKEW, 4, Duration.ofMillis(500));
    for (int i = 0; i < 4; i++) {
      directory.answer(revoked(OLD_WATERMARK));
    }

    Verification v = patient.verify(Action.REVOKE_SESSIONS, USER, REQUESTED);

    assertEquals(4, v.reads());
    assertEquals(
        List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2)), sleeps);
  }

  @Test
  void letsAnInterruptionWhileWaitingThrough() {
    directory.answer(revoked(OLD_WATERMARK));
    Verifier interrupted =
        new Verifier(
            directory,
            d -> {
              throw new InterruptedException("stop");
            },
            clock);

    assertThrows(
        InterruptedException.class,
        () -> interrupted.verify(Action.REVOKE_SESSIONS, USER, REQUESTED));
  }

  @Test
  void letsAnInterruptionInsideTheDirectoryThroughRatherThanReportingIt() {
    directory.answer(
        new GraphFailure(
            GraphFailure.Kind.UNAVAILABLE,
            0,
            "Interrupted",
            "interrupted while waiting to retry",
            null,
            null,
            null));
    directory.interruptOnFailure = true;

    assertThrows(
        InterruptedException.class, () -> verifier.verify(Action.REVOKE_SESSIONS, USER, REQUESTED));
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void refusesSettingsThatCouldNeverVerify() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Verifier(directory, sleeper, clock, Verifier.DEFAULT_CLOCK_SKEW, 0, Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Verifier(directory, sleeper, clock, Duration.ofSeconds(-1), 3, Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Verifier(directory, sleeper, clock, Duration.ZERO, 3, Duration.ofSeconds(-1)));
  }

  @Test
  void turnsAnAcknowledgedWriteIntoUnverifiedOrKeepsItSucceeded() {
    ActionResult written =
        ActionResult.succeeded(Action.REVOKE_SESSIONS, 1, "req-1", REQUESTED, REQUESTED);
    Verification no = new Verification(false, true, OLD_WATERMARK, 3, "not moved", NOW);
    Verification yes = new Verification(true, true, NOW, 1, null, NOW);

    ActionResult unverified = no.applyTo(written);
    ActionResult verified = yes.applyTo(written);

    assertEquals(TargetOutcome.UNVERIFIED, unverified.outcome());
    assertEquals(ActionResult.UNVERIFIED_CODE, unverified.errorCode());
    assertEquals("not moved", unverified.errorMessage());
    assertEquals(OLD_WATERMARK, unverified.observedSessionsValidFrom());
    assertEquals(TargetOutcome.SUCCEEDED, verified.outcome());
    assertEquals(true, verified.verified());
    assertEquals(NOW, verified.observedSessionsValidFrom());
  }

  @Test
  void aVerificationSaysWhyExactlyWhenItIsNotVerified() {
    assertThrows(
        IllegalArgumentException.class, () -> new Verification(false, null, null, 1, null, NOW));
    assertThrows(
        IllegalArgumentException.class, () -> new Verification(true, false, null, 1, "but", NOW));
    assertThrows(
        IllegalArgumentException.class, () -> new Verification(true, false, null, -1, null, NOW));
  }

  /** Answers account-state reads from a script, in order; nothing else is expected of it. */
  private static final class ScriptedDirectory implements Directory {
    private final Deque<Object> answers = new ArrayDeque<>();
    final List<String> reads = new ArrayList<>();
    boolean interruptOnFailure;

    void answer(AccountState state) {
      answers.add(state);
    }

    void answer(GraphFailure failure) {
      answers.add(failure);
    }

    void answerNotFound() {
      answers.add(Optional.empty());
    }

    @Override
    public Optional<AccountState> accountState(String userId) {
      reads.add(userId);
      Object next = answers.poll();
      if (next == null) {
        throw new AssertionError("read more often than scripted");
      }
      if (next instanceof GraphFailure failure) {
        if (interruptOnFailure) {
          Thread.currentThread().interrupt();
        }
        throw failure;
      }
      return next instanceof AccountState state ? Optional.of(state) : Optional.empty();
    }

    @Override
    public Optional<DirectoryUser> user(String idOrUserPrincipalName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void transitiveMembers(String groupId, MemberVisitor visitor) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void usersWhere(String attribute, String value, MemberVisitor visitor) {
      throw new UnsupportedOperationException();
    }
  }
}
