package dev.offboarding.reliability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.Target;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.servicebus.EntityStats;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.metrics.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * R2: under a steady load of events, the emulator drops every AMQP connection (the worker's
 * receivers, its audit senders, the load's sender) every few seconds. Goal: no event lost, i.e.
 * every event the broker accepted ends with exactly one final summary on the audit topic.
 * Deliveries processed more than once (at-least-once at work: a settlement whose link died, a lock
 * that expired) are counted, and so is the time from each drop to the next settled event.
 */
class R2ConnectionDropIT {

  @Test
  void losesNoEventWhileEveryConnectionIsDroppedEveryFewSeconds() throws Exception {
    boolean full = Runs.full();
    Duration load = full ? Duration.ofMinutes(5) : Duration.ofSeconds(30);
    long dropEveryMillis = 3_000;
    long seed = Runs.seed("R2");
    Random random = new Random(seed);
    FakeTenant tenant = FakeTenant.generate(300, seed);
    List<FakeUser> users = tenant.users();
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    try (Rig rig =
        new Rig(
            "R2",
            tenant,
            o -> o.unlimitedWrites().latency(Duration.ofMillis(2), Duration.ZERO),
            Map.of())) {
      WorkerService worker =
          rig.startWorker(
              Map.of("GRAPH_WRITES_PER_SECOND", "500", "MAX_TARGETS_PER_EVENT", "1000"),
              Rig.QUICK_RECOVERY);
      await().atMost(Duration.ofSeconds(60)).until(worker::ready);

      List<OffboardingEvent> accepted = new CopyOnWriteArrayList<>();
      int[] refused = {0};
      List<Long> recoveries = new CopyOnWriteArrayList<>();
      List<Integer> dropped = new CopyOnWriteArrayList<>();
      Instant begun = Instant.now();
      Instant end = begun.plus(load);
      // The load: one small event every 100 ms, each 1-3 random users of the tenant.
      scheduler.scheduleWithFixedDelay(
          () -> {
            if (Instant.now().isAfter(end)) {
              return;
            }
            List<Target> targets = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
              targets.add(new Target.User(users.get(random.nextInt(users.size())).id()));
            }
            OffboardingEvent e =
                Rig.event(
                    random.nextInt(5) == 0 ? EventType.COMPROMISE : EventType.LEAVER,
                    targets.toArray(Target[]::new));
            try {
              rig.send(e);
              accepted.add(e);
            } catch (RuntimeException sendFailed) {
              refused[0]++;
            }
          },
          0,
          100,
          TimeUnit.MILLISECONDS);
      // The fault: every connection dropped every few seconds; then the time until the next event
      // settles.
      scheduler.scheduleWithFixedDelay(
          () -> {
            if (Instant.now().isAfter(end)) {
              return;
            }
            double before = settled(worker);
            long at = System.nanoTime();
            dropped.add(rig.emulator.dropConnections());
            await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> settled(worker) > before);
            recoveries.add((System.nanoTime() - at) / 1_000_000);
          },
          dropEveryMillis,
          dropEveryMillis,
          TimeUnit.MILLISECONDS);

      await()
          .atMost(load.plusSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> Instant.now().isAfter(end.plusSeconds(1)));
      scheduler.shutdown();
      assertTrue(scheduler.awaitTermination(70, TimeUnit.SECONDS));
      // The audit is read once the drops are over, so the reader's own reconnections do not
      // lengthen the measured recoveries.
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                EntityStats q = rig.emulator.stats(Rig.QUEUE);
                return q.active() == 0 && q.scheduled() == 0;
              });
      Map<String, Long> finals = new LinkedHashMap<>();
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  finals.clear();
                  finals.putAll(
                      rig.allSummaries().stream()
                          .filter(SummaryAudit::finalSummary)
                          .collect(
                              Collectors.groupingBy(SummaryAudit::eventId, Collectors.counting())));
                  return accepted.stream().allMatch(e -> finals.containsKey(e.id()));
                });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // Reported below as events lost, with their ids in the evidence.
      }
      accepted.stream()
          .filter(e -> finals.getOrDefault(e.id(), 0L) != 1L)
          .forEach(
              e -> Runs.appendEvidence("R2-lost.txt", e.id() + " " + finals.get(e.id()) + "\n"));
      Duration took = Duration.between(begun, Instant.now());

      long lost = accepted.stream().filter(e -> finals.getOrDefault(e.id(), 0L) != 1L).count();
      long deadLettered = rig.emulator.deadLetterMessageCount(Rig.QUEUE);
      double processed = settled(worker);
      long duplicates = Math.max(0, Math.round(processed) - accepted.size());
      List<Long> sorted = recoveries.stream().sorted().toList();

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("seconds", took.toMillis() / 1000.0);
      figures.put("eventsAccepted", accepted.size());
      figures.put("sendsRefused", refused[0]);
      figures.put("drops", dropped.size());
      figures.put("connectionsDropped", dropped.stream().mapToInt(Integer::intValue).sum());
      figures.put("eventsLost", lost);
      figures.put("deadLettered", deadLettered);
      figures.put("deliveriesProcessedAgain", duplicates);
      figures.put("recoverMillisP50", sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2));
      figures.put("recoverMillisMax", sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1));
      boolean met = lost == 0 && deadLettered == 0 && !dropped.isEmpty();
      Runs.report("R2", "AMQP connections dropped under load", seed, figures, met);

      assertTrue(dropped.size() >= 2, "fewer than two drops");
      assertEquals(0, lost, "events without exactly one final summary");
      assertEquals(0, deadLettered, "events dead-lettered by the drops");
    } finally {
      scheduler.shutdownNow();
    }
  }

  private static double settled(WorkerService worker) {
    return Scrape.sum(worker.metrics().scrape(), Metrics.EVENTS);
  }
}
