package dev.offboarding.reliability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusMessage;
import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.servicebus.EmulatorMessage;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.servicebus.EventMessages;
import dev.offboarding.worker.testing.WorkerSystem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * R4: thousands of hostile messages (wrong types, huge strings, deep nesting, invalid UTF-8,
 * duplicate keys, injection payloads, unsafe targets, bodies that are no event at all), each aimed
 * at real users, mixed with valid events. Goals: every hostile message dead-lettered with a reason,
 * no Graph write to anyone they name, the worker still up, and every valid event done.
 */
class R4HostileMessagesIT {

  @Test
  void deadLettersEveryHostileMessageWithAReasonAndWritesNothingForThem() {
    boolean full = Runs.full();
    int hostileCount = full ? 10_000 : 1_000;
    int validCount = hostileCount / 10;
    long seed = Runs.seed("R4");
    Random random = new Random(seed);
    FakeTenant tenant = new FakeTenant();
    FakeUser victim = tenant.addUser("victim@contoso.example");
    FakeGroup victims = tenant.addLargeGroup("Victims", 50, 5, seed);
    List<FakeUser> legit = new ArrayList<>();
    for (int i = 0; i < validCount; i++) {
      legit.add(tenant.addUser("leaver" + i + "@contoso.example"));
    }
    HostileMessages generator = new HostileMessages(seed, victim.id(), victims.id());
    // The generator's starting point is a valid event: what breaks each message is its mutation.
    assertTrue(
        new EventCodec().decode(HostileMessages.bytes(generator.base()))
            instanceof DecodeResult.Valid,
        "the generator's base event is not valid");

    try (Rig rig = new Rig("R4", tenant, o -> o.unlimitedWrites(), Map.of())) {
      // Messages past the contract's 256 KB bound reach the worker only where the entity takes
      // them:
      // on Premium (1 MB). On Standard the broker refuses them before the worker could.
      rig.emulator.maxMessageSize(WorkerSystem.QUEUE, 1024 * 1024);
      WorkerService worker =
          rig.startWorker(Map.of("GRAPH_WRITES_PER_SECOND", "500"), Rig.QUICK_RECOVERY);
      await().atMost(Duration.ofSeconds(60)).until(worker::ready);

      List<ServiceBusMessage> messages = new ArrayList<>();
      Map<String, HostileMessages.Hostile> hostile = new HashMap<>();
      Map<HostileMessages.Kind, Integer> byKind = new EnumMap<>(HostileMessages.Kind.class);
      for (int i = 0; i < hostileCount; i++) {
        HostileMessages.Hostile h = generator.next();
        String id = "hostile-" + i;
        hostile.put(id, h);
        byKind.merge(h.kind(), 1, Integer::sum);
        ServiceBusMessage m = new ServiceBusMessage(h.body());
        m.setMessageId(id);
        m.setContentType(OffboardingEvent.CONTENT_TYPE);
        messages.add(m);
      }
      List<OffboardingEvent> valid = new ArrayList<>();
      for (FakeUser user : legit) {
        OffboardingEvent e =
            Rig.event(
                random.nextBoolean() ? EventType.LEAVER : EventType.COMPROMISE,
                new Target.User(user.id()));
        valid.add(e);
        messages.add(EventMessages.of(new EventCodec().encode(e), e));
      }
      Collections.shuffle(messages, random);
      Instant begun = Instant.now();
      for (ServiceBusMessage m : messages) {
        rig.sender().sendMessage(m);
      }

      await()
          .atMost(Duration.ofSeconds(full ? 900 : 180))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  rig.emulator.deadLetterMessageCount(Rig.QUEUE) >= hostileCount
                      && rig.emulator.activeMessageCount(Rig.QUEUE) == 0);
      Set<String> validIds = valid.stream().map(OffboardingEvent::id).collect(Collectors.toSet());
      Map<String, SummaryAudit> validFinals = new HashMap<>();
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  rig.allSummaries().stream()
                      .filter(s -> s.finalSummary() && validIds.contains(s.eventId()))
                      .forEach(s -> validFinals.put(s.eventId(), s));
                  return validFinals.size() == validIds.size();
                });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // Reported below as valid events not done.
      }
      Duration took = Duration.between(begun, Instant.now());

      List<EmulatorMessage> dead = rig.emulator.peekDeadLetterMessages(Rig.QUEUE);
      Set<String> deadWithReason = new HashSet<>();
      Map<String, Integer> reasons = new HashMap<>();
      for (EmulatorMessage m : dead) {
        String reason = m.deadLetterReason();
        String description = m.deadLetterErrorDescription();
        if (reason != null && !reason.isBlank() && description != null && !description.isBlank()) {
          deadWithReason.add(m.messageId());
          reasons.merge(reason, 1, Integer::sum);
        }
        Runs.appendEvidence(
            "R4-dead-letters.txt", m.messageId() + " " + reason + ": " + description + "\n");
      }
      long hostileRejected = hostile.keySet().stream().filter(deadWithReason::contains).count();
      long validDeadLettered = dead.stream().filter(m -> validIds.contains(m.messageId())).count();
      Set<String> legitIds = legit.stream().map(FakeUser::id).collect(Collectors.toSet());
      long writesElsewhere =
          rig.graph.writeLog().stream().filter(w -> !legitIds.contains(w.userId())).count();
      // Each valid event names one user: its final summary says COMPLETED with that one user
      // SUCCEEDED, and the user's own final result on the topic says SUCCEEDED.
      long validDone =
          valid.stream()
              .filter(
                  e -> {
                    SummaryAudit s = validFinals.get(e.id());
                    List<TargetAudit> results = rig.targets(e.id());
                    return s != null
                        && s.status() == SummaryStatus.COMPLETED
                        && s.counts().getOrDefault(TargetOutcome.SUCCEEDED, 0) == 1
                        && s.usersResolved() == 1
                        && results.size() == 1
                        && results.get(0).outcome() == TargetOutcome.SUCCEEDED;
                  })
              .count();
      boolean up = worker.ready();
      for (Map.Entry<String, HostileMessages.Hostile> e : hostile.entrySet()) {
        if (!deadWithReason.contains(e.getKey())) {
          Runs.appendEvidence(
              "R4-not-rejected.txt",
              e.getKey() + " " + e.getValue().kind() + " " + e.getValue().detail() + "\n");
        }
      }

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("hostile", hostileCount);
      figures.put("valid", validCount);
      figures.put("byKind", byKind);
      figures.put("deadLetteredWithReasonPercent", 100.0 * hostileRejected / hostileCount);
      figures.put("graphWritesCausedByHostile", writesElsewhere);
      figures.put("validDeadLettered", validDeadLettered);
      figures.put("validDone", validDone);
      figures.put("crashes", up ? 0 : 1);
      figures.put("auditMessagesTheCodecRefused", rig.undecodable().size());
      rig.undecodable().forEach(u -> Runs.appendEvidence("R4-undecodable-audit.txt", u + "\n"));
      figures.put("reasons", reasons);
      figures.put("seconds", took.toMillis() / 1000.0);
      boolean met =
          hostileRejected == hostileCount
              && writesElsewhere == 0
              && up
              && validDone == validCount
              && validDeadLettered == 0;
      Runs.report("R4", "hostile messages", seed, figures, met);

      assertEquals(
          hostileCount,
          hostileRejected,
          "hostile messages not dead-lettered with a reason "
              + "(reliability/target/reliability/evidence/R4-not-rejected.txt)");
      assertEquals(0, writesElsewhere, "Graph writes to users only hostile messages named");
      assertTrue(up, "the worker is not ready after the run");
      assertEquals(0, validDeadLettered, "valid events dead-lettered");
      assertEquals(validCount, validDone, "valid events not COMPLETED with their user SUCCEEDED");
    }
  }
}
