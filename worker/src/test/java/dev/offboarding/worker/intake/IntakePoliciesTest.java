package dev.offboarding.worker.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.Cancellation;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.worker.codec.IntakePolicyFile;
import dev.offboarding.worker.testing.Inbounds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The policy of each intake queue: its defaults, and what INTAKE_POLICY_FILE may (and may not)
 * change.
 */
class IntakePoliciesTest {
  static final String EVENTS = Inbounds.EVENTS;
  static final String URGENT = Inbounds.URGENT;
  static final String OPS = Inbounds.OPS;
  static final String ALICE = "20000000-0000-4000-8000-000000000001";
  static final String GROUP = "84b18857-3c01-48be-b707-492019c57142";

  final IntakePolicies defaults = IntakePolicies.defaults(EVENTS, URGENT, OPS, 1000, 200);

  static OffboardingEvent event(EventType type, List<Action> actions, Target... targets) {
    return new OffboardingEvent(
        "evt-1",
        "/test",
        type,
        Instant.parse("2026-12-01T12:00:00Z"),
        new EventData(List.of(targets), actions, "test", null, "tests", false));
  }

  static OffboardingEvent cancel() {
    return OffboardingEvent.cancel(
        "cancel-1", "/test", null, new Cancellation("evt-1", "mistake", "ops-a"));
  }

  @Test
  void theHrQueueTakesLeaverCompromiseAndCancelWithAnyTargetButNoRestore() {
    IntakePolicy hr = defaults.of(EVENTS);

    assertNull(
        hr.check(
            event(
                EventType.LEAVER,
                List.of(),
                new Target.Group(GROUP),
                new Target.Attribute("department", "Sales"),
                new Target.User("alice@contoso.com"))));
    assertNull(hr.check(event(EventType.COMPROMISE, List.of(), new Target.User(ALICE))));
    assertNull(hr.check(cancel()));
    IntakePolicy.Violation restore =
        hr.check(event(EventType.RESTORE, List.of(), new Target.User(ALICE)));
    assertEquals("eventTypes", restore.rule());
    assertEquals("$.type", restore.path());
    assertTrue(
        restore
            .description()
            .startsWith(
                EVENTS
                    + " accepts dev.offboarding.leaver.v1, "
                    + "dev.offboarding.compromise.v1, dev.offboarding.cancel.v1 only (rule eventTypes)"),
        restore.description());
    assertEquals(1000, hr.usersPerHour());
    assertFalse(hr.cancelsReachEveryQueue());
  }

  @Test
  void theSiemQueueTakesCompromiseEventsNamingAtMostAHundredUsersByIdOrUpn() {
    IntakePolicy siem = defaults.of(URGENT);
    Target[] hundred =
        IntStream.range(0, 100)
            .mapToObj(i -> new Target.User("u" + i + "@contoso.com"))
            .toArray(Target[]::new);
    Target[] hundredAndOne =
        IntStream.range(0, 101)
            .mapToObj(i -> new Target.User("u" + i + "@contoso.com"))
            .toArray(Target[]::new);

    assertNull(
        siem.check(
            event(
                EventType.COMPROMISE,
                List.of(),
                new Target.User(ALICE),
                new Target.User("bob@contoso.com"))));
    assertNull(siem.check(event(EventType.COMPROMISE, List.of(), hundred)));

    IntakePolicy.Violation group =
        siem.check(
            event(
                EventType.COMPROMISE, List.of(), new Target.User(ALICE), new Target.Group(GROUP)));
    assertEquals("targetKinds", group.rule());
    assertEquals("$.data.targets[1]", group.path());
    assertEquals(
        URGENT
            + " allows targets of kind userId, userPrincipalName only (rule targetKinds); target 1 is a"
            + " group",
        group.description());
    assertEquals(
        "maxTargets", siem.check(event(EventType.COMPROMISE, List.of(), hundredAndOne)).rule());
    assertEquals(
        "eventTypes",
        siem.check(event(EventType.LEAVER, List.of(), new Target.User(ALICE))).rule());
    assertEquals("eventTypes", siem.check(cancel()).rule(), "the SIEM does not cancel");
    assertEquals(200, siem.usersPerHour());
  }

  @Test
  void theOperatorsQueueTakesRestoreAndCancelAndItsCancelsReachEveryQueue() {
    IntakePolicy ops = defaults.of(OPS);

    assertNull(ops.check(event(EventType.RESTORE, List.of(), new Target.User(ALICE))));
    assertNull(ops.check(cancel()));
    assertEquals(
        "eventTypes", ops.check(event(EventType.LEAVER, List.of(), new Target.User(ALICE))).rule());
    assertEquals(
        "eventTypes",
        ops.check(event(EventType.COMPROMISE, List.of(), new Target.User(ALICE))).rule());
    assertTrue(ops.cancelsReachEveryQueue());
  }

  @Test
  void aCancelReachesTheEventsOfItsOwnQueueAndTheOperatorsReachEveryQueue() {
    assertTrue(defaults.reaches(EVENTS, EVENTS));
    assertFalse(defaults.reaches(EVENTS, URGENT));
    assertFalse(defaults.reaches(EVENTS, OPS));
    assertFalse(defaults.reaches(URGENT, EVENTS));
    assertTrue(defaults.reaches(OPS, EVENTS));
    assertTrue(defaults.reaches(OPS, URGENT));
    assertTrue(
        defaults.reaches(null, URGENT),
        "a marker written before markers named their queue reaches all");
    assertTrue(
        defaults.reaches("offboarding-renamed", URGENT),
        "so does one from a queue this worker does not know");
    assertFalse(
        defaults.reaches(EVENTS, null),
        "a held copy naming no queue is reached by the operators alone");
  }

  @Test
  void aFileNarrowsAQueueItsMembersLeftOutKeepingTheDefault() {
    List<String> problems = new ArrayList<>();

    IntakePolicies narrowed =
        IntakePolicyFile.narrow(
            defaults,
            json(
                """
        {"queues": {"offboarding-urgent": {"actions": ["revokeSessions"], "targetKinds": ["userId"],
                                           "maxTargets": 10, "usersPerHour": 50}}}
        """),
            problems);

    assertEquals(List.of(), problems);
    IntakePolicy siem = narrowed.of(URGENT);
    assertEquals(java.util.Set.of(Action.REVOKE_SESSIONS), siem.actions());
    assertEquals(java.util.Set.of(IntakePolicy.TargetKind.USER_ID), siem.targetKinds());
    assertEquals(10, siem.maxTargets());
    assertEquals(50, siem.usersPerHour());
    assertEquals(
        java.util.Set.of(EventType.COMPROMISE), siem.eventTypes(), "left out: the default");
    assertNull(
        siem.check(
            event(EventType.COMPROMISE, List.of(Action.REVOKE_SESSIONS), new Target.User(ALICE))));
    IntakePolicy.Violation byDefault =
        siem.check(event(EventType.COMPROMISE, List.of(), new Target.User(ALICE)));
    assertEquals("actions", byDefault.rule());
    assertTrue(
        byDefault.description().endsWith("the event asks for disableAccount by default"),
        byDefault.description());
    assertEquals(
        "targetKinds",
        siem.check(
                event(
                    EventType.COMPROMISE,
                    List.of(Action.REVOKE_SESSIONS),
                    new Target.User("alice@contoso.com")))
            .rule());
    assertSame(
        defaults.of(EVENTS),
        narrowed.of(EVENTS),
        "a queue the file does not name keeps its default");
  }

  @Test
  void aFileMayTakeEveryEventTypeAwayFromAQueue() {
    List<String> problems = new ArrayList<>();

    IntakePolicies narrowed =
        IntakePolicyFile.narrow(
            defaults,
            json("{\"queues\": {\"offboarding-events\": {\"eventTypes\": []}}}"),
            problems);

    assertEquals(List.of(), problems);
    assertEquals(
        "eventTypes",
        narrowed
            .of(EVENTS)
            .check(event(EventType.LEAVER, List.of(), new Target.User(ALICE)))
            .rule());
  }

  @Test
  void aFileThatWidensADefaultIsRefusedNamingTheQueueAndTheRule() {
    List<String> problems = new ArrayList<>();

    IntakePolicies result =
        IntakePolicyFile.narrow(
            defaults,
            json(
                """
        {"queues": {"offboarding-urgent": {"eventTypes": ["dev.offboarding.compromise.v1", "dev.offboarding.leaver.v1"],
                                           "targetKinds": ["group"], "maxTargets": 500},
                    "offboarding-events": {"usersPerHour": 5000, "actions": ["enableAccount"]}}}
        """),
            problems);

    assertSame(defaults, result, "nothing of a refused file is used");
    assertEquals(5, problems.size(), problems.toString());
    assertTrue(
        problems
            .get(0)
            .startsWith(
                "INTAKE_POLICY_FILE: queues.offboarding-urgent.eventTypes widens the"
                    + " default policy of offboarding-urgent: dev.offboarding.leaver.v1 is not allowed there"),
        problems.get(0));
    assertTrue(
        problems
            .get(1)
            .startsWith("INTAKE_POLICY_FILE: queues.offboarding-urgent.targetKinds widens"),
        problems.get(1));
    assertEquals(
        "INTAKE_POLICY_FILE: queues.offboarding-urgent.maxTargets widens the default policy of"
            + " offboarding-urgent: 500 is more than its 100; the file can only narrow it",
        problems.get(2));
    assertTrue(
        problems.get(3).startsWith("INTAKE_POLICY_FILE: queues.offboarding-events.actions widens"),
        problems.get(3));
    assertTrue(
        problems
            .get(4)
            .startsWith("INTAKE_POLICY_FILE: queues.offboarding-events.usersPerHour widens"),
        problems.get(4));
  }

  @Test
  void aFileNamingAnUnknownQueueRuleOrValueIsRefused() {
    List<String> problems = new ArrayList<>();

    IntakePolicyFile.narrow(
        defaults,
        json(
            """
        {"queues": {"offboarding-elsewhere": {}, "offboarding-ops": {"maxUsers": 3, "eventTypes": ["restore"],
                                                                    "maxTargets": 0}},
         "version": 2}
        """),
        problems);

    assertEquals(5, problems.size(), problems.toString());
    assertTrue(
        problems.contains("INTAKE_POLICY_FILE: unknown member 'version'; expected queues"),
        problems.toString());
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.startsWith(
                        "INTAKE_POLICY_FILE: 'offboarding-elsewhere' is not an"
                            + " intake queue of this worker")),
        problems.toString());
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.startsWith(
                        "INTAKE_POLICY_FILE: queues.offboarding-ops.'maxUsers'"
                            + " is not a rule")),
        problems.toString());
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.startsWith(
                        "INTAKE_POLICY_FILE: queues.offboarding-ops.eventTypes:"
                            + " 'restore' is not one of")),
        problems.toString());
    assertTrue(
        problems.contains(
            "INTAKE_POLICY_FILE: queues.offboarding-ops.maxTargets must be a whole number of at"
                + " least 1"),
        problems.toString());
  }

  @Test
  void aFileThatIsNotThePolicyShapeIsRefused() {
    for (String bad :
        List.of(
            "not json", "[]", "{\"offboarding-events\": {}}", "{\"queues\": {}, \"queues\": {}}")) {
      List<String> problems = new ArrayList<>();

      IntakePolicyFile.narrow(defaults, json(bad), problems);

      assertEquals(1, problems.size(), bad + ": " + problems);
      assertNotNull(problems.get(0));
    }
  }

  @Test
  void withoutAPolicyEveryQueueTakesEveryEvent() {
    IntakePolicies open = IntakePolicies.unrestricted();

    assertNull(open.of(URGENT).check(event(EventType.RESTORE, List.of(), new Target.User(ALICE))));
    assertTrue(open.reaches(EVENTS, URGENT));
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
