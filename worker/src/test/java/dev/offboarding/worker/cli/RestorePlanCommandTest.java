package dev.offboarding.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestorePlanCommandTest {
  static final Instant T = Instant.parse("2026-11-27T09:00:00Z");
  static final String ALICE = "10000000-0000-4000-8000-000000000001";
  static final String BOB = "10000000-0000-4000-8000-000000000002";
  static final String CAROL = "10000000-0000-4000-8000-000000000003";
  static final String DAVE = "10000000-0000-4000-8000-000000000004";
  static final String ERIN = "10000000-0000-4000-8000-000000000005";

  @TempDir Path dir;
  final AuditCodec codec = new AuditCodec();
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  String line(String eventId, String userId, TargetOutcome outcome, ActionResult... actions) {
    TargetAudit audit =
        TargetAudit.builder(eventId, outcome)
            .userId(userId)
            .via(List.of("user:" + userId))
            .actions(List.of(actions))
            .build();
    return new String(
        codec.encodeTarget("m-" + userId + eventId, T, audit), StandardCharsets.UTF_8);
  }

  static ActionResult disable(TargetOutcome outcome) {
    ActionResult ok = ActionResult.succeeded(Action.DISABLE_ACCOUNT, 1, "r", T, T);
    return switch (outcome) {
      case SUCCEEDED -> ok;
      case UNVERIFIED -> ok.withVerification(false, null, true, "accountEnabled is still true");
      default ->
          ActionResult.failed(
              Action.DISABLE_ACCOUNT, outcome, 1, "r", T, T, "Authorization_RequestDenied", "no");
    };
  }

  int run(List<String> lines, String eventId) throws Exception {
    Path export = dir.resolve("audit.jsonl");
    Files.write(export, lines);
    return RestorePlanCommand.run(
        new String[] {"--from-audit", export.toString(), "--ticket", "HR-1", eventId},
        new PrintStream(out, true),
        new PrintStream(err, true));
  }

  @Test
  void namesExactlyTheUsersWhoseDisableWentThroughOrMayHave() throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add(
        line(
            "evt-1",
            ALICE,
            TargetOutcome.SUCCEEDED,
            disable(TargetOutcome.SUCCEEDED),
            ActionResult.succeeded(Action.REVOKE_SESSIONS, 1, "r", T, T)));
    lines.add(line("evt-1", BOB, TargetOutcome.UNVERIFIED, disable(TargetOutcome.UNVERIFIED)));
    lines.add(line("evt-1", CAROL, TargetOutcome.FORBIDDEN, disable(TargetOutcome.FORBIDDEN)));
    lines.add(
        line(
            "evt-1",
            DAVE,
            TargetOutcome.SUCCEEDED,
            ActionResult.succeeded(Action.REVOKE_SESSIONS, 1, "r", T, T)));
    lines.add(line("evt-2", ERIN, TargetOutcome.SUCCEEDED, disable(TargetOutcome.SUCCEEDED)));
    lines.add("");
    lines.add(
        new String(
            codec.encodeSummary(
                "s-1",
                T,
                SummaryAudit.builder(SummaryStatus.PARTIAL, T, T)
                    .eventId("evt-1")
                    .eventType(EventType.LEAVER.wireName())
                    .usersResolved(4)
                    .build()),
            StandardCharsets.UTF_8));

    int code = run(lines, "evt-1");

    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    OffboardingEvent restore =
        ((DecodeResult.Valid) new EventCodec().decode(out.toByteArray())).event();
    assertEquals(EventType.RESTORE, restore.type());
    assertEquals(
        Set.of(new Target.User(ALICE), new Target.User(BOB)), Set.copyOf(restore.data().targets()));
    assertEquals(List.of(Action.ENABLE_ACCOUNT), restore.effectiveActions());
    assertEquals("HR-1", restore.data().ticket());
    assertTrue(restore.data().reason().contains("evt-1"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).startsWith("2 user(s) disabled by event evt-1"));
  }

  @Test
  void refusesADamagedExportNamingTheLine() throws Exception {
    int code =
        run(
            List.of(
                line("evt-1", ALICE, TargetOutcome.SUCCEEDED, disable(TargetOutcome.SUCCEEDED)),
                "{\"not\": \"an audit message\""),
            "evt-1");

    assertEquals(2, code);
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("audit.jsonl:2: not an audit message"),
        err.toString());
    assertEquals(0, out.size(), "no partial plan");
  }

  @Test
  void saysSoWhenTheEventDisabledNobody() throws Exception {
    int code =
        run(
            List.of(line("evt-2", ERIN, TargetOutcome.SUCCEEDED, disable(TargetOutcome.SUCCEEDED))),
            "evt-1");

    assertEquals(2, code);
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("no user was disabled by event evt-1"));
  }

  private List<String> disabledUsers(int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          line(
              "evt-big",
              String.format("30000000-0000-4000-8000-%012d", i),
              TargetOutcome.SUCCEEDED,
              disable(TargetOutcome.SUCCEEDED)));
    }
    return lines;
  }

  @Test
  void writesSeveralRestoreEventsOfAtMostTheContractsLimitWhenMoreUsersWereDisabled()
      throws Exception {
    Path export = dir.resolve("audit.jsonl");
    Files.write(export, disabledUsers(2_345));
    Path plans = dir.resolve("plans");

    int code =
        RestorePlanCommand.run(
            new String[] {
              "--from-audit", export.toString(), "--out-dir", plans.toString(), "evt-big"
            },
            new PrintStream(out, true),
            new PrintStream(err, true));

    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    List<String> written = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(
        List.of(
            plans.resolve("restore-1-of-3.json").toString(),
            plans.resolve("restore-2-of-3.json").toString(),
            plans.resolve("restore-3-of-3.json").toString()),
        written);
    List<Target> all = new ArrayList<>();
    for (String file : written) {
      OffboardingEvent restore =
          ((DecodeResult.Valid) new EventCodec().decode(Files.readAllBytes(Path.of(file)))).event();
      assertEquals(EventType.RESTORE, restore.type());
      assertTrue(
          restore.data().targets().size()
              <= dev.offboarding.contracts.EventData.MAX_TARGET_ENTRIES);
      assertTrue(restore.data().reason().endsWith(" of 3)"), restore.data().reason());
      all.addAll(restore.data().targets());
    }
    assertEquals(2_345, all.size());
    assertEquals(2_345, Set.copyOf(all).size(), "each user in one restore event");
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .startsWith("2345 user(s) disabled by event evt-big, in 3 restore" + " event(s)"),
        err.toString());
  }

  @Test
  void asksForAnOutputDirectoryRatherThanPrintingSeveralEventsSendCannotTake() throws Exception {
    int code = run(disabledUsers(1_001), "evt-big");

    assertEquals(2, code);
    assertEquals(0, out.size());
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .contains("restoring them takes 2 events. Run again with --out-dir" + " DIR"),
        err.toString());
  }

  @Test
  void neverOverwritesAnEarlierPlan() throws Exception {
    Path export = dir.resolve("audit.jsonl");
    Files.write(export, disabledUsers(3));
    Path plans = Files.createDirectories(dir.resolve("plans"));
    Files.writeString(plans.resolve("restore-1-of-1.json"), "reviewed already");

    int code =
        RestorePlanCommand.run(
            new String[] {
              "--from-audit", export.toString(), "--out-dir", plans.toString(), "evt-big"
            },
            new PrintStream(out, true),
            new PrintStream(err, true));

    assertEquals(2, code);
    assertEquals("reviewed already", Files.readString(plans.resolve("restore-1-of-1.json")));
  }
}
