package dev.offboarding.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeDevice;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.sessions.JqwikSession;
import org.junit.jupiter.api.Test;

/**
 * R5, property-based: random tenants (nested groups, cycles, guests, devices), random protected
 * users (by id or UPN) and groups, random events over them, each planned and executed by the real
 * domain against the fake tenant over a socket. Property: no write ever reaches a protected account
 * (an explicitly protected user, or any transitive member of a protected group), and every
 * protected user an event reaches is reported {@code PROTECTED}. The cases come from jqwik
 * arbitraries drawn with the run's seed, so a seed repeats every case.
 */
class R5ProtectionPropertyIT {
  enum Kind {
    USER,
    GROUP,
    DEVICE
  }

  record Ref(Kind kind, int index) {}

  /** A target of the event: a user (by id or by UPN), a group, or the department attribute. */
  record TargetSpec(Kind kind, int index, boolean byUpn) {}

  record Model(
      List<Boolean> guests,
      List<Integer> departments,
      List<List<Ref>> members,
      int devices,
      Set<Integer> protectedUsers,
      Set<Integer> protectedGroups,
      List<TargetSpec> targets,
      boolean protectByUpn) {}

  static Arbitrary<Model> models() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 20),
            Arbitraries.integers().between(1, 6),
            Arbitraries.integers().between(0, 3))
        .flatAs(
            (users, groups, devices) -> {
              Arbitrary<Ref> ref =
                  Arbitraries.frequencyOf(
                      net.jqwik.api.Tuple.of(
                          6,
                          Arbitraries.integers()
                              .between(0, users - 1)
                              .map(i -> new Ref(Kind.USER, i))),
                      net.jqwik.api.Tuple.of(
                          3,
                          Arbitraries.integers()
                              .between(0, groups - 1)
                              .map(i -> new Ref(Kind.GROUP, i))),
                      net.jqwik.api.Tuple.of(
                          devices == 0 ? 0 : 1,
                          Arbitraries.integers()
                              .between(0, Math.max(0, devices - 1))
                              .map(i -> new Ref(Kind.DEVICE, i))));
              Arbitrary<TargetSpec> target =
                  Arbitraries.oneOf(
                      Combinators.combine(
                              Arbitraries.integers().between(0, users - 1),
                              Arbitraries.of(true, false))
                          .as((i, upn) -> new TargetSpec(Kind.USER, i, upn)),
                      Arbitraries.integers()
                          .between(0, groups - 1)
                          .map(i -> new TargetSpec(Kind.GROUP, i, false)),
                      Arbitraries.integers()
                          .between(0, 2)
                          .map(i -> new TargetSpec(null, i, false)));
              return Combinators.combine(
                      Arbitraries.of(true, false).list().ofSize(users),
                      Arbitraries.integers().between(0, 2).list().ofSize(users),
                      ref.list().ofMaxSize(8).list().ofSize(groups),
                      Arbitraries.just(devices),
                      Arbitraries.integers()
                          .between(0, users - 1)
                          .set()
                          .ofMaxSize(Math.min(users, 4)),
                      Arbitraries.integers()
                          .between(0, groups - 1)
                          .set()
                          .ofMaxSize(Math.min(groups, 2)),
                      target.list().ofMinSize(1).ofMaxSize(4),
                      Arbitraries.of(true, false))
                  .as(Model::new);
            });
  }

  @Test
  void neverWritesToAProtectedAccount() throws Exception {
    boolean full = Runs.full();
    int cases = full ? 20_000 : 1_500;
    long seed = Runs.seed("R5");
    // Arbitraries outside a jqwik property need a session; this one is seeded with the run's seed.
    JqwikSession.start(Long.toString(seed));
    int protectedWrites = 0;
    int protectedNotReported = 0;
    int unprotectedWrites = 0;
    int protectedReached = 0;
    int cycles = 0;
    int notReady = 0;
    List<String> failures = new ArrayList<>();
    try (DomainRig rig = new DomainRig()) {
      RandomGenerator<Model> generator = models().generator(1000);
      Random random = JqwikSession.getRandom().orElseThrow();
      for (int c = 0; c < cases; c++) {
        Model model = generator.next(random).value();
        rig.renewEvery(c);
        Case built = build(rig, model, c);
        cycles += built.cyclic ? 1 : 0;
        OffboardingEvent event =
            new OffboardingEvent(
                UUID.randomUUID().toString(),
                "/reliability/r5",
                c % 3 == 0 ? EventType.COMPROMISE : EventType.LEAVER,
                Instant.now(),
                new EventData(
                    built.targets,
                    List.of(),
                    "property case " + c,
                    "R5-" + c,
                    "reliability",
                    false));
        DomainRig.Outcome outcome =
            rig.process(event, built.protectedUserEntries, built.protectedGroupIds);
        if (!outcome.protectionReady()) {
          notReady++;
          continue;
        }
        for (WriteRecord w : outcome.writes()) {
          if (built.expectedProtected.contains(w.userId())) {
            protectedWrites++;
            failures.add(
                "case "
                    + c
                    + ": write "
                    + w.kind()
                    + " to protected "
                    + w.userId()
                    + " in "
                    + model);
          } else {
            unprotectedWrites++;
          }
        }
        for (TargetAudit t : outcome.targets()) {
          if (built.expectedProtected.contains(t.userId())) {
            protectedReached++;
            if (t.outcome() != TargetOutcome.PROTECTED) {
              protectedNotReported++;
              failures.add(
                  "case "
                      + c
                      + ": protected "
                      + t.userId()
                      + " reported "
                      + t.outcome()
                      + " in "
                      + model);
            }
          }
        }
      }
    } finally {
      JqwikSession.finish();
    }
    failures.stream().limit(20).forEach(f -> Runs.appendEvidence("R5-failures.txt", f + "\n"));

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("cases", cases);
    figures.put("casesWithGroupCycles", cycles);
    figures.put("protectedUsersReached", protectedReached);
    figures.put("writesToProtectedAccounts", protectedWrites);
    figures.put("protectedNotReportedProtected", protectedNotReported);
    figures.put("writesToUnprotectedUsers", unprotectedWrites);
    figures.put("casesProtectionNotReady", notReady);
    boolean met =
        protectedWrites == 0
            && protectedNotReported == 0
            && protectedReached > 0
            && unprotectedWrites > 0;
    Runs.report("R5", "protection property", seed, figures, met);

    assertEquals(
        0,
        protectedWrites,
        "writes to protected accounts; first: " + failures.stream().limit(3).toList());
    assertEquals(
        0,
        protectedNotReported,
        "protected users not reported PROTECTED; first: " + failures.stream().limit(3).toList());
    // Not vacuous: the cases reached protected users, and wrote to the others.
    assertTrue(protectedReached > 0 && unprotectedWrites > 0, "the cases exercised nothing");
  }

  private record Case(
      List<Target> targets,
      Set<String> protectedUserEntries,
      Set<String> protectedGroupIds,
      Set<String> expectedProtected,
      boolean cyclic) {}

  /**
   * Adds the case's objects to the shared tenant, each named for the case, and computes the oracle.
   */
  private static Case build(DomainRig rig, Model model, int c) {
    String[] departments = {"HR-" + c, "Sales-" + c, "IT-" + c};
    List<FakeUser> users = new ArrayList<>();
    for (int i = 0; i < model.guests().size(); i++) {
      String upn =
          "c"
              + c
              + "-u"
              + i
              + (model.guests().get(i) ? "_fabrikam.example#EXT#" : "")
              + "@contoso.example";
      FakeUser.Builder b =
          FakeUser.builder(upn).department(departments[model.departments().get(i)]);
      if (model.guests().get(i)) {
        b.guest();
      }
      users.add(rig.tenant.addUser(b.build()));
    }
    List<FakeGroup> groups = new ArrayList<>();
    for (int g = 0; g < model.members().size(); g++) {
      groups.add(rig.tenant.addGroup(FakeGroup.named("c" + c + "-g" + g)));
    }
    List<FakeDevice> devices = new ArrayList<>();
    for (int d = 0; d < model.devices(); d++) {
      devices.add(rig.tenant.addDevice(FakeDevice.named("c" + c + "-d" + d)));
    }
    for (int g = 0; g < groups.size(); g++) {
      Set<String> ids = new java.util.LinkedHashSet<>();
      for (Ref r : model.members().get(g)) {
        if (r.kind() == Kind.GROUP && r.index() == g) {
          continue; // Entra ID refuses a group as its own member
        }
        ids.add(
            switch (r.kind()) {
              case USER -> users.get(r.index()).id();
              case GROUP -> groups.get(r.index()).id();
              case DEVICE -> devices.get(r.index()).id();
            });
      }
      if (!ids.isEmpty()) {
        rig.tenant.addMembers(groups.get(g).id(), ids);
      }
    }
    // The oracle: explicit users, and every user reachable from a protected group, cycles included.
    Set<String> expected = new HashSet<>();
    Set<String> userEntries = new HashSet<>();
    for (int u : model.protectedUsers()) {
      expected.add(users.get(u).id());
      userEntries.add(model.protectByUpn() ? users.get(u).userPrincipalName() : users.get(u).id());
    }
    Set<String> groupIds = new HashSet<>();
    for (int g : model.protectedGroups()) {
      groupIds.add(groups.get(g).id());
      expected.addAll(usersUnder(model, g, users));
    }
    List<Target> targets = new ArrayList<>();
    for (TargetSpec t : model.targets()) {
      if (t.kind() == Kind.USER) {
        FakeUser u = users.get(t.index());
        targets.add(new Target.User(t.byUpn() ? u.userPrincipalName() : u.id()));
      } else if (t.kind() == Kind.GROUP) {
        targets.add(new Target.Group(groups.get(t.index()).id()));
      } else {
        targets.add(new Target.Attribute("department", departments[t.index()]));
      }
    }
    return new Case(targets, userEntries, groupIds, expected, cyclic(model));
  }

  private static Set<String> usersUnder(Model model, int group, List<FakeUser> users) {
    Set<String> found = new HashSet<>();
    Set<Integer> seen = new HashSet<>();
    Deque<Integer> todo = new ArrayDeque<>(List.of(group));
    while (!todo.isEmpty()) {
      int g = todo.pop();
      if (!seen.add(g)) {
        continue;
      }
      for (Ref r : model.members().get(g)) {
        if (r.kind() == Kind.USER) {
          found.add(users.get(r.index()).id());
        } else if (r.kind() == Kind.GROUP) {
          todo.push(r.index());
        }
      }
    }
    return found;
  }

  private static boolean cyclic(Model model) {
    for (int g = 0; g < model.members().size(); g++) {
      Set<Integer> seen = new HashSet<>();
      Deque<Integer> todo = new ArrayDeque<>();
      int self = g;
      model.members().get(g).stream()
          .filter(r -> r.kind() == Kind.GROUP && r.index() != self)
          .forEach(r -> todo.push(r.index()));
      while (!todo.isEmpty()) {
        int h = todo.pop();
        if (h == g) {
          return true;
        }
        if (seen.add(h)) {
          model.members().get(h).stream()
              .filter(r -> r.kind() == Kind.GROUP)
              .forEach(r -> todo.push(r.index()));
        }
      }
    }
    return false;
  }
}
