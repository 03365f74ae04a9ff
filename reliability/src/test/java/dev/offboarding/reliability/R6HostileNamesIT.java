package dev.offboarding.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.sessions.JqwikSession;
import org.junit.jupiter.api.Test;

/**
 * R6: UPNs and attribute values built to break OData literals and URL paths (quotes, {@code #},
 * {@code $}, {@code %}, {@code +}, {@code &}, percent-encoded look-alikes, unicode confusables),
 * each beside decoys that a wrong escape or decode would hit instead. Goal: an event aimed at one
 * writes to exactly the users it names (by UPN, or by the attribute's exact value) and to no decoy;
 * when the aimed-at user does not exist, nothing is written and the target is {@code NOT_FOUND}.
 */
class R6HostileNamesIT {
  /** Characters a UPN may hold that mean something to OData or to a URL, and confusables. */
  private static final String SPECIAL = "'#$%+&=;,()*!~\"_:\u0430\u0435\u043e\u0131\uff07";

  private static final String PLAIN = "aeoxyz019.-";

  static Arbitrary<String> hostileText() {
    return Arbitraries.strings()
        .withChars(PLAIN + SPECIAL)
        .ofMinLength(1)
        .ofMaxLength(14)
        .filter(s -> s.chars().anyMatch(ch -> SPECIAL.indexOf(ch) >= 0))
        .filter(s -> !s.startsWith(".") && !s.endsWith(".") && !s.contains(".."));
  }

  /** What a wrong escape, decode or comparison would turn {@code s} into, or from. */
  static Set<String> decoys(String s) {
    Set<String> out = new LinkedHashSet<>();
    out.add(s.replace("'", "''"));
    out.add(s.replace("'", ""));
    out.add(s.replace("'", "%27"));
    out.add(s.replace("#", "%23"));
    out.add(s.replace("#", ""));
    out.add(s.replace("$", "%24"));
    out.add(s.replace("%", "%25"));
    out.add(s.replace("+", "%2B"));
    out.add(s.replace("+", "-"));
    out.add(s.replace("&", "%26"));
    out.add(
        s.replace("\u0430", "a")
            .replace("\u0435", "e")
            .replace("\u043e", "o")
            .replace("\u0131", "i")
            .replace("\uff07", "'"));
    out.add(s.replace("a", "\u0430"));
    out.add(s + "x");
    out.add("x" + s);
    int cut = s.length() / 2;
    if (cut > 0) {
      out.add(s.substring(0, cut));
    }
    out.remove(s);
    out.removeIf(
        d ->
            d.isEmpty()
                || d.toLowerCase(Locale.ROOT).equals(s.toLowerCase(Locale.ROOT))
                || d.startsWith(".")
                || d.endsWith(".")
                || d.contains(".."));
    return out;
  }

  @Test
  void writesOnlyToTheUserOrValueAnEventNames() throws Exception {
    boolean full = Runs.full();
    int cases = full ? 20_000 : 1_000;
    long seed = Runs.seed("R6");
    int unintendedWrites = 0;
    int missed = 0;
    int absentTargets = 0;
    int writesForAbsent = 0;
    int decoyCount = 0;
    int attributeCases = 0;
    List<String> failures = new ArrayList<>();
    JqwikSession.start(Long.toString(seed));
    try (DomainRig rig = new DomainRig()) {
      RandomGenerator<String> names = hostileText().generator(1000);
      Random random = JqwikSession.getRandom().orElseThrow();
      Set<String> usedUpns = new HashSet<>();
      for (int c = 0; c < cases; c++) {
        String text = names.next(random).value();
        rig.renewEvery(c);
        boolean byAttribute = c % 2 == 1;
        boolean absent = !byAttribute && random.nextInt(4) == 0;
        Set<String> intended = new HashSet<>();
        OffboardingEvent event;
        if (byAttribute) {
          attributeCases++;
          // The value itself, on two users; each decoy value on a user of its own.
          String value = text + " eq 'x' or 1 eq 1 /" + c;
          for (int i = 0; i < 2; i++) {
            intended.add(
                rig.tenant
                    .addUser(
                        FakeUser.builder("c" + c + "-v" + i + "@contoso.example")
                            .jobTitle(value)
                            .build())
                    .id());
          }
          int d = 0;
          for (String decoy : decoys(value)) {
            rig.tenant.addUser(
                FakeUser.builder("c" + c + "-d" + d++ + "@contoso.example")
                    .jobTitle(decoy)
                    .build());
            decoyCount++;
          }
          event = event(c, new Target.Attribute("jobTitle", value));
        } else {
          String domain = "@c" + c + ".contoso.example";
          String upn = text + domain;
          if (!Target.isUpn(upn) || !usedUpns.add(upn.toLowerCase(Locale.ROOT))) {
            continue;
          }
          if (absent) {
            absentTargets++;
          } else {
            intended.add(rig.tenant.addUser(FakeUser.builder(upn).build()).id());
          }
          for (String decoy : decoys(text)) {
            String decoyUpn = decoy + domain;
            if (Target.isUpn(decoyUpn) && usedUpns.add(decoyUpn.toLowerCase(Locale.ROOT))) {
              rig.tenant.addUser(FakeUser.builder(decoyUpn).build());
              decoyCount++;
            }
          }
          event = event(c, new Target.User(upn));
        }
        DomainRig.Outcome outcome = rig.process(event, Set.of(), Set.of());
        Set<String> written = new HashSet<>();
        for (WriteRecord w : outcome.writes()) {
          written.add(w.userId());
          if (!intended.contains(w.userId())) {
            unintendedWrites++;
            failures.add(
                "case "
                    + c
                    + " ("
                    + text
                    + "): wrote "
                    + w.kind()
                    + " to "
                    + rig.tenant
                        .user(w.userId())
                        .map(FakeUser::userPrincipalName)
                        .orElse(w.userId()));
          }
        }
        if (absent) {
          writesForAbsent += outcome.writes().size();
          boolean notFound =
              outcome.targets().stream().anyMatch(t -> t.outcome() == TargetOutcome.NOT_FOUND)
                  || outcome.summaries().stream()
                      .anyMatch(s -> s.counts().getOrDefault(TargetOutcome.NOT_FOUND, 0) > 0);
          if (!notFound) {
            failures.add(
                "case "
                    + c
                    + " ("
                    + text
                    + "): absent user not reported NOT_FOUND: "
                    + outcome.summaries());
            missed++;
          }
        }
        for (String id : intended) {
          boolean succeeded =
              outcome.targets().stream()
                  .anyMatch(t -> t.userId().equals(id) && t.outcome() == TargetOutcome.SUCCEEDED);
          if (!written.contains(id) || !succeeded) {
            missed++;
            failures.add(
                "case "
                    + c
                    + " ("
                    + text
                    + "): intended user "
                    + id
                    + " not written; "
                    + outcome.targets().stream().map(TargetAudit::outcome).toList()
                    + " "
                    + outcome.summaries());
          }
        }
      }
    } finally {
      JqwikSession.finish();
    }
    failures.stream().limit(50).forEach(f -> Runs.appendEvidence("R6-failures.txt", f + "\n"));

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("cases", cases);
    figures.put("attributeCases", attributeCases);
    figures.put("decoys", decoyCount);
    figures.put("absentTargets", absentTargets);
    figures.put("unintendedWrites", unintendedWrites + writesForAbsent);
    figures.put("intendedUsersMissed", missed);
    boolean met = unintendedWrites == 0 && writesForAbsent == 0 && missed == 0;
    Runs.report("R6", "hostile UPNs and attribute values", seed, figures, met);

    assertEquals(
        0,
        unintendedWrites,
        "writes to users the event did not name; first: " + failures.stream().limit(3).toList());
    assertEquals(0, writesForAbsent, "writes for an event naming an absent user");
    assertEquals(
        0,
        missed,
        "named users not written, or absent ones not NOT_FOUND; first: "
            + failures.stream().limit(3).toList());
    assertTrue(decoyCount > 0);
  }

  private static OffboardingEvent event(int c, Target target) {
    return new OffboardingEvent(
        UUID.randomUUID().toString(),
        "/reliability/r6",
        EventType.LEAVER,
        Instant.now(),
        new EventData(
            List.of(target), List.of(), "hostile names " + c, "R6-" + c, "reliability", false));
  }
}
