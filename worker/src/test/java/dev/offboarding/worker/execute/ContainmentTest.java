package dev.offboarding.worker.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The containment actions at their port: a reset's password is strong and never seen again (not in
 * a log, an audit or a result), a synchronised user is skipped with the reason, confirmations go
 * many users per request and read back with list reads, a missing licence is FORBIDDEN with Graph's
 * code, and only devices that could sign in are disabled and listed.
 */
class ContainmentTest {
  private static final String ALICE = "11111111-1111-1111-1111-111111111111";
  private static final String BOB = "22222222-2222-2222-2222-222222222222";
  private static final String LAPTOP = "33333333-3333-3333-3333-333333333333";
  private static final String OLD_PHONE = "44444444-4444-4444-4444-444444444444";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
  private final Sleeper sleeper = d -> clock.advance(d);
  private final RecordingWrites writes = new RecordingWrites();
  private final List<LogRecord> logs = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logs.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLogs() {
    Logger.getLogger("").addHandler(capture);
    Logger.getLogger("").setLevel(java.util.logging.Level.ALL);
  }

  @AfterEach
  void releaseLogs() {
    Logger.getLogger("").removeHandler(capture);
    Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
  }

  private Containment containment(IdentityProtectionLimit limit) {
    GovernedWrites governed =
        new GovernedWrites(
            WriteBudget.UNLIMITED, RetryPolicy.defaults(), OutageGuard.NONE, sleeper, clock);
    RiskConfirmations risks =
        new RiskConfirmations(
            writes, limit, WriteBudget.UNLIMITED, RetryPolicy.defaults(), sleeper, clock);
    return new Containment(
        writes,
        governed,
        risks,
        new Passwords(),
        sleeper,
        clock,
        true,
        Duration.ofMinutes(2),
        3,
        Duration.ofSeconds(1));
  }

  private Containment containment() {
    return containment(new IdentityProtectionLimit(Duration.ZERO, clock, sleeper));
  }

  @Test
  void aResetSendsAStrongPasswordThatNoLogAuditOrResultEverShows() throws Exception {
    writes.users.put(
        ALICE, new ContainmentWrites.PasswordOwner(false, Instant.parse("2025-01-01T00:00:00Z")));

    ActionResult result = containment().run(Action.RESET_PASSWORD, ALICE, true, false, Instant.MIN);

    assertEquals(TargetOutcome.SUCCEEDED, result.outcome());
    assertEquals(Boolean.TRUE, result.verified());
    assertEquals(
        clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
        result.observedLastPasswordChange());
    assertEquals(1, writes.passwords.size());
    String password = writes.passwords.get(0);
    assertTrue(password.length() >= 32, "at least 32 characters");
    assertTrue(
        password.chars().anyMatch(Character::isLowerCase)
            && password.chars().anyMatch(Character::isUpperCase)
            && password.chars().anyMatch(Character::isDigit)
            && password.chars().anyMatch(c -> !Character.isLetterOrDigit(c)),
        "all four classes");
    TargetAudit audit =
        TargetAudit.builder("e-1", TargetOutcome.SUCCEEDED)
            .userId(ALICE)
            .userPrincipalName("alice@contoso.com")
            .via(List.of("user:" + ALICE))
            .actions(List.of(result))
            .build();
    String json =
        new String(
            new AuditCodec().encodeTarget("m-1", clock.instant(), audit), StandardCharsets.UTF_8);
    assertFalse(json.contains(password), "the audit does not carry the password");
    assertFalse(
        String.valueOf(result).contains(password), "the result does not carry the password");
    for (LogRecord record : logs) {
      String text =
          String.valueOf(record.getMessage())
              + " "
              + java.util.Arrays.toString(record.getParameters());
      assertFalse(text.contains(password), "a log line carries the password: " + text);
    }
  }

  @Test
  void aSynchronisedUsersPasswordIsSkippedWithTheReasonAndNothingIsWritten() throws Exception {
    writes.users.put(BOB, new ContainmentWrites.PasswordOwner(true, null));

    ActionResult result = containment().run(Action.RESET_PASSWORD, BOB, true, false, Instant.MIN);

    assertEquals(TargetOutcome.SKIPPED, result.outcome());
    assertEquals(ActionResult.PASSWORD_MANAGED_ELSEWHERE, result.errorCode());
    assertTrue(
        result.errorMessage().contains("on-premises Active Directory")
            && result.errorMessage().contains("twice"));
    assertEquals(List.of(), writes.passwords);
  }

  @Test
  void confirmationsOfUsersWaitingTogetherGoInOneRequestAndAreReadBackByListReads()
      throws Exception {
    Containment containment =
        containment(
            new IdentityProtectionLimit(Duration.ofMillis(300), Clock.systemUTC(), Sleeper.SYSTEM));
    List<ActionResult> results = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (String user : List.of(ALICE, BOB)) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      results.add(
                          containment.run(
                              Action.CONFIRM_COMPROMISED, user, true, false, Instant.MIN));
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }

    assertEquals(2, results.size());
    results.forEach(r -> assertEquals(TargetOutcome.SUCCEEDED, r.outcome(), String.valueOf(r)));
    results.forEach(r -> assertEquals("confirmedCompromised", r.observedRiskState()));
    assertEquals(
        1, writes.confirmRequests.size(), "one request for both: " + writes.confirmRequests);
    assertEquals(1, writes.riskListReads, "one list read answers both");
  }

  @Test
  void aBatchRefusedWith400IsSentAgainOneUserAtATimeSoAnUnknownUserFailsAlone() throws Exception {
    writes.unknownToGraph.add(BOB);
    RiskConfirmations[] risks = {null};
    Thread[] bob = {null};
    List<ActionResult> bobs = new CopyOnWriteArrayList<>();
    // Bob's confirmation arrives while Alice's request lingers, so both go in one request.
    Sleeper lingerUntilBobWaits =
        d -> {
          if (bob[0] == null) {
            bob[0] =
                Thread.ofVirtual()
                    .start(
                        () -> {
                          try {
                            bobs.add(risks[0].confirm(BOB, false, false));
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        });
            org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> bob[0].getState() == Thread.State.WAITING);
          }
          clock.advance(d);
        };
    risks[0] =
        new RiskConfirmations(
            writes,
            new IdentityProtectionLimit(Duration.ofSeconds(1), clock, lingerUntilBobWaits),
            WriteBudget.UNLIMITED,
            RetryPolicy.defaults(),
            sleeper,
            clock);

    ActionResult alice = risks[0].confirm(ALICE, false, false);
    bob[0].join();

    assertEquals(
        List.of(List.of(ALICE, BOB), List.of(ALICE), List.of(BOB)), writes.confirmAttempts);
    assertEquals(TargetOutcome.SUCCEEDED, alice.outcome(), String.valueOf(alice));
    assertEquals(1, alice.attempts());
    assertEquals(1, bobs.size());
    assertEquals(TargetOutcome.FAILED, bobs.get(0).outcome());
    assertEquals("BadRequest", bobs.get(0).errorCode());
    assertEquals(1, bobs.get(0).attempts());
  }

  @Test
  void aThrottledConfirmationWaitsForTheLimitsNextSlotAndCountsBothAttempts() throws Exception {
    writes.failNext.add(
        new GraphFailure(
            GraphFailure.Kind.THROTTLED,
            429,
            "TooManyRequests",
            "HTTP 429 Too Many Requests",
            "req-429",
            null,
            null));
    RiskConfirmations risks =
        new RiskConfirmations(
            writes,
            new IdentityProtectionLimit(Duration.ofSeconds(5), clock, sleeper),
            WriteBudget.UNLIMITED,
            RetryPolicy.defaults(),
            sleeper,
            clock);

    ActionResult result = risks.confirm(ALICE, false, false);

    assertEquals(TargetOutcome.SUCCEEDED, result.outcome(), String.valueOf(result));
    assertEquals(2, result.attempts());
    assertEquals(2, writes.confirmAttemptTimes.size());
    Instant first = writes.confirmAttemptTimes.get(0);
    Instant second = writes.confirmAttemptTimes.get(1);
    assertFalse(
        second.isBefore(first.plus(Duration.ofSeconds(5))),
        "the retry waits for Identity Protection's next slot: " + first + " then " + second);
  }

  @Test
  void aMissingIdentityProtectionLicenceIsForbiddenWithGraphsCode() throws Exception {
    writes.confirmFailure =
        new GraphFailure(
            GraphFailure.Kind.FORBIDDEN,
            403,
            "Forbidden",
            "HTTP 403 Forbidden: Your tenant is not licensed for this feature.",
            "req-1",
            null,
            null);

    ActionResult result =
        containment().run(Action.CONFIRM_COMPROMISED, ALICE, true, false, Instant.MIN);

    assertEquals(TargetOutcome.FORBIDDEN, result.outcome());
    assertEquals("Forbidden", result.errorCode());
    assertTrue(result.errorMessage().contains("Entra ID P2"), result.errorMessage());
    assertNull(result.verified());
  }

  @Test
  void onlyDevicesThatCanSignInAreDisabledListedAndReadBack() throws Exception {
    writes.devices.put(
        ALICE,
        List.of(
            new ContainmentWrites.DeviceState(LAPTOP, true),
            new ContainmentWrites.DeviceState(OLD_PHONE, false)));
    writes.deviceEnabled.put(LAPTOP, true);
    writes.deviceEnabled.put(OLD_PHONE, false);

    ActionResult result =
        containment().run(Action.DISABLE_DEVICES, ALICE, true, false, Instant.MIN);

    assertEquals(TargetOutcome.SUCCEEDED, result.outcome());
    assertEquals(Boolean.TRUE, result.verified());
    assertEquals(
        List.of(LAPTOP),
        result.deviceIds(),
        "a device disabled by someone else is not ours to restore");
    assertEquals(List.of(LAPTOP), writes.deviceWrites);
  }

  @Test
  void aRestoreReEnablesOnlyTheNamedDevicesOfTheUserThatAreDisabled() throws Exception {
    String othersDevice = "55555555-5555-5555-5555-555555555555";
    writes.devices.put(
        ALICE,
        List.of(
            new ContainmentWrites.DeviceState(LAPTOP, false),
            new ContainmentWrites.DeviceState(OLD_PHONE, false)));
    writes.deviceEnabled.put(LAPTOP, false);
    writes.deviceEnabled.put(OLD_PHONE, false);

    ActionResult result =
        containment().enableDevices(ALICE, java.util.Set.of(LAPTOP, othersDevice));

    assertEquals(TargetOutcome.SUCCEEDED, result.outcome(), String.valueOf(result));
    assertEquals(Boolean.TRUE, result.verified());
    assertEquals(List.of(LAPTOP), result.deviceIds());
    assertEquals(
        List.of(LAPTOP), writes.deviceWrites, "not the unnamed phone, not another user's device");
    assertEquals(
        TargetOutcome.SKIPPED, containment().enableDevices(ALICE, java.util.Set.of()).outcome());
  }

  /** A tenant at the port: records what it was sent, and answers as Graph would. */
  private final class RecordingWrites implements ContainmentWrites {
    final Map<String, PasswordOwner> users = new HashMap<>();
    final List<String> passwords = new CopyOnWriteArrayList<>();
    final List<List<String>> confirmRequests = new CopyOnWriteArrayList<>();
    final Map<String, Risk> risky = new java.util.concurrent.ConcurrentHashMap<>();
    volatile int riskListReads;
    volatile GraphFailure confirmFailure;
    final List<List<String>> confirmAttempts = new CopyOnWriteArrayList<>();
    final List<Instant> confirmAttemptTimes = new CopyOnWriteArrayList<>();
    final java.util.Set<String> unknownToGraph = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final java.util.Queue<GraphFailure> failNext =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    final Map<String, List<DeviceState>> devices = new HashMap<>();
    final Map<String, Boolean> deviceEnabled = new java.util.concurrent.ConcurrentHashMap<>();
    final List<String> deviceWrites = new CopyOnWriteArrayList<>();

    @Override
    public Optional<PasswordOwner> passwordOwner(String userId) {
      return Optional.ofNullable(users.get(userId));
    }

    @Override
    public String resetPassword(String userId, char[] password) {
      passwords.add(new String(password));
      users.put(
          userId,
          new PasswordOwner(
              false, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
      return "req-reset";
    }

    @Override
    public String confirmCompromised(List<String> userIds) {
      if (confirmFailure != null) {
        throw confirmFailure;
      }
      confirmAttempts.add(List.copyOf(userIds));
      confirmAttemptTimes.add(clock.instant());
      GraphFailure next = failNext.poll();
      if (next != null) {
        throw next;
      }
      if (userIds.stream().anyMatch(unknownToGraph::contains)) {
        // Graph refuses the whole batch for one id it does not know.
        throw new GraphFailure(
            GraphFailure.Kind.OTHER,
            400,
            "BadRequest",
            "HTTP 400 Bad Request",
            "req-400",
            null,
            null);
      }
      confirmRequests.add(List.copyOf(userIds));
      userIds.forEach(id -> risky.put(id, new Risk("confirmedCompromised", "high")));
      return "req-confirm";
    }

    @Override
    public Map<String, Risk> confirmedCompromised(
        Collection<String> userIds, Pace beforeEachRequest) throws InterruptedException {
      beforeEachRequest.await();
      riskListReads++;
      Map<String, Risk> found = new HashMap<>();
      userIds.forEach(id -> Optional.ofNullable(risky.get(id)).ifPresent(r -> found.put(id, r)));
      return found;
    }

    @Override
    public List<DeviceState> registeredDevices(String userId) {
      return devices.getOrDefault(userId, List.of());
    }

    @Override
    public String setDeviceEnabled(String deviceId, boolean enabled) {
      deviceWrites.add(deviceId);
      deviceEnabled.put(deviceId, enabled);
      return "req-device";
    }

    @Override
    public Map<String, Boolean> devicesEnabled(Collection<String> deviceIds) {
      Map<String, Boolean> states = new HashMap<>();
      deviceIds.forEach(id -> states.put(id, deviceEnabled.get(id)));
      return states;
    }
  }

  /** A clock the test's sleeper moves. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      now = start;
    }

    synchronized void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
