package dev.offboarding.reliability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * R1: the packaged worker, SIGKILLed at a random moment of a big event, again and again; each time
 * a new worker process is started. Goals: every user exactly one final result on the audit topic,
 * every event one final summary. Users written again after they had succeeded are counted: the
 * design re-runs at most the chunk in flight at each crash ({@code DELIVERY_MAX_USERS}).
 */
class R1WorkerKillIT {
  private static final Pattern HTTP_PORT = Pattern.compile("HTTP on port (\\d+)");

  @Test
  void everyUserGetsExactlyOneFinalResultThroughRepeatedKills() throws Exception {
    boolean full = Runs.full();
    int users = full ? 10_000 : 1_000;
    int kills = full ? 20 : 3;
    int chunk = users / 5;
    int smallEvents = 5;
    long seed = Runs.seed("R1");
    Random random = new Random(seed);
    FakeTenant tenant = new FakeTenant();
    FakeGroup everyone = tenant.addLargeGroup("Everyone", users, 10, seed);
    List<FakeUser> loners = new ArrayList<>();
    for (int i = 0; i < smallEvents; i++) {
      loners.add(tenant.addUser("loner" + i + "@contoso.example"));
    }
    // Each request takes a few milliseconds and writes are paced, so one pass over the event
    // lasts long enough for every kill to land in the middle of it.
    int writesPerSecond = full ? 400 : 150;
    Map<String, String> settings =
        Map.of(
            "GRAPH_WRITES_PER_SECOND", Integer.toString(writesPerSecond),
            "MAX_TARGETS_PER_EVENT", Integer.toString(2 * users),
            "DELIVERY_MAX_USERS", Integer.toString(chunk));
    try (Rig rig =
        new Rig(
            "R1",
            tenant,
            o -> o.unlimitedWrites().latency(Duration.ofMillis(5), Duration.ZERO),
            Map.of())) {
      int started = 0;
      Process worker = rig.startProcess("R1-worker-" + started++, settings);
      awaitReady(worker, "R1-worker-0");
      OffboardingEvent big = Rig.event(EventType.LEAVER, new Target.Group(everyone.id()));
      List<OffboardingEvent> events = new ArrayList<>(List.of(big));
      rig.send(big);
      for (FakeUser loner : loners) {
        OffboardingEvent small = Rig.event(EventType.LEAVER, new Target.User(loner.id()));
        events.add(small);
        rig.send(small);
      }
      Instant begun = Instant.now();

      // Each kill waits for some more of the event to be done, then a random moment more.
      int killed = 0;
      int[] done = {0};
      for (int k = 0; k < kills; k++) {
        int threshold =
            Math.min(users - 1, done[0] + 1 + random.nextInt(Math.max(1, users / (kills + 1))));
        Process current = worker;
        String name = "R1-worker-" + (started - 1);
        boolean reached = false;
        try {
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofMillis(50))
              .until(
                  () -> {
                    assertTrue(current.isAlive(), name + " exited by itself:\n" + Rig.output(name));
                    done[0] = finalResults(rig, big).size();
                    return done[0] >= threshold || finalSummaries(rig, big) > 0;
                  });
          reached = finalSummaries(rig, big) == 0;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError(
              "no progress before kill " + (k + 1) + ":\n" + Rig.output(name), e);
        }
        if (!reached) {
          break;
        }
        long moment = random.nextInt(1_500);
        await()
            .pollDelay(Duration.ofMillis(moment))
            .atMost(Duration.ofSeconds(5))
            .until(() -> true);
        current.destroyForcibly();
        assertTrue(current.waitFor(10, TimeUnit.SECONDS));
        killed++;
        worker = rig.startProcess("R1-worker-" + started++, settings);
        awaitReady(worker, "R1-worker-" + (started - 1));
      }

      String last = "R1-worker-" + (started - 1);
      await()
          .atMost(Duration.ofSeconds(full ? 900 : 180))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> events.stream().allMatch(e -> finalSummaries(rig, e) >= 1));
      Duration took = Duration.between(begun, Instant.now());
      int port = port(last);
      Http.get(port, "/metrics").ifPresent(r -> Runs.saveEvidence("R1-metrics.txt", r.body()));
      // Late copies would show up on the topic after the summaries; the final read sees them.
      await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);

      Map<String, Long> perUser =
          finalResults(rig, big).stream()
              .collect(Collectors.groupingBy(TargetAudit::userId, Collectors.counting()));
      Set<String> members =
          tenant.transitiveUsers(everyone.id()).stream()
              .map(FakeUser::id)
              .collect(Collectors.toSet());
      long withoutExactlyOne =
          members.stream().filter(id -> perUser.getOrDefault(id, 0L) != 1L).count();
      for (FakeUser loner : loners) {
        OffboardingEvent e = events.get(1 + loners.indexOf(loner));
        long n = finalResults(rig, e).stream().filter(t -> t.userId().equals(loner.id())).count();
        withoutExactlyOne += n == 1 ? 0 : 1;
      }
      long eventsLost = events.stream().filter(e -> finalSummaries(rig, e) != 1).count();
      int writtenAgain = writtenAgainAfterSuccess(rig.graph.writeLog());
      int bound = killed * chunk;

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("users", users);
      figures.put("events", events.size());
      figures.put("kills", killed);
      figures.put("workerProcesses", started);
      figures.put("usersWithoutExactlyOneFinalResult", withoutExactlyOne);
      figures.put("eventsLost", eventsLost);
      figures.put("usersWrittenAgainAfterSuccess", writtenAgain);
      figures.put("rewriteBound", bound);
      figures.put("seconds", took.toMillis() / 1000.0);
      boolean met =
          withoutExactlyOne == 0 && eventsLost == 0 && writtenAgain <= bound && killed >= 1;
      Runs.report("R1", "SIGKILL mid-event", seed, figures, met);

      assertTrue(killed >= 1, "the event finished before the first kill");
      assertEquals(0, withoutExactlyOne, "users without exactly one final result");
      assertEquals(0, eventsLost, "events without exactly one final summary");
      assertTrue(
          writtenAgain <= bound,
          writtenAgain + " users written again, more than the chunks in flight");
    }
  }

  /** Users with a write of an action after that action had already been accepted. */
  static int writtenAgainAfterSuccess(List<WriteRecord> log) {
    Map<String, Set<WriteRecord.Kind>> succeeded = new HashMap<>();
    Set<String> again = new HashSet<>();
    for (WriteRecord w : log) {
      Set<WriteRecord.Kind> kinds = succeeded.computeIfAbsent(w.userId(), id -> new HashSet<>());
      if (kinds.contains(w.kind())) {
        again.add(w.userId());
      }
      if (w.accepted()) {
        kinds.add(w.kind());
      }
    }
    return again.size();
  }

  private static List<TargetAudit> finalResults(Rig rig, OffboardingEvent event) {
    return rig.targets(event.id());
  }

  private static long finalSummaries(Rig rig, OffboardingEvent event) {
    return rig.summaries(event.id()).stream().filter(SummaryAudit::finalSummary).count();
  }

  private static int port(String name) {
    Matcher m = HTTP_PORT.matcher(Rig.output(name));
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  static int awaitReady(Process worker, String name) {
    int[] port = {-1};
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              assertTrue(worker.isAlive(), name + " exited:\n" + Rig.output(name));
              port[0] = port(name);
              return port[0] > 0
                  && Http.get(port[0], "/health/ready")
                      .map(r -> r.statusCode() == 200)
                      .orElse(false);
            });
    return port[0];
  }
}
