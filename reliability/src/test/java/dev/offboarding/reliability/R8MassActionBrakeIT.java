package dev.offboarding.reliability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.guard.Braking;
import dev.offboarding.worker.metrics.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * R8: a producer floods the events queue with small leaver events (1 to 4 users each, every 100 ms)
 * for 45 s (full: 10 minutes) against two replicas sharing {@code MAX_USERS_PER_HOUR}; meanwhile
 * the SIEM sends a compromise event on the urgent queue every 2 s. Goals: the users written never
 * exceed the cap (the fake tenant's write log says so), every leaver event is either done or waits
 * with a {@code MassActionBrake} summary and a follow-up held by the broker, and no compromise
 * event is delayed beyond its floor plus one token: from the delivery's start to Graph's answer to
 * its revoke, at most the two round trips of the fake tenant's fixed latency (disable, revoke: the
 * floor, as the benchmark measures it) plus one token wait of the write budget. As in the
 * benchmark, a few compromise events first warm each replica up (the first request of a process
 * opens its connections); they are not counted. R8 runs after R7 in name order, so it scans what it
 * kept (the workers' log records, the audit bodies, the metrics) for secrets itself, with R7's
 * scanner.
 */
class R8MassActionBrakeIT {
  private static final Duration LATENCY = Duration.ofMillis(50);
  private static final int WRITES_PER_SECOND = 10;

  /** Round trips up to and including the revoke of a compromise event by id: disable, revoke. */
  private static final int ROUND_TRIPS = 2;

  /**
   * Compromise events that warm the replicas up before the run: twice one replica's concurrent
   * deliveries.
   */
  private static final int WARM_UP = 8;

  @Test
  void aFloodOfSmallLeaverEventsWritesNoMoreThanTheCapWhileCompromiseEventsKeepTheirPace()
      throws Exception {
    boolean full = Runs.full();
    Duration flood = full ? Duration.ofMinutes(10) : Duration.ofSeconds(45);
    int cap = full ? 1_500 : 200;
    long seed = Runs.seed("R8");
    Random random = new Random(seed);
    int floodEvents = (int) (flood.toMillis() / 100);
    int compromiseEvents = (int) (flood.toMillis() / 2_000);
    FakeTenant tenant = new FakeTenant();
    List<FakeUser> pool = new ArrayList<>();
    for (int i = 0; i < floodEvents * 4; i++) {
      pool.add(tenant.addUser("leaver" + i + "@contoso.example"));
    }
    List<FakeUser> victims = new ArrayList<>();
    List<FakeUser> warmUp = new ArrayList<>();
    for (int i = 0; i < WARM_UP; i++) {
      warmUp.add(tenant.addUser("warm-up" + i + "@contoso.example"));
    }
    for (int i = 0; i < compromiseEvents; i++) {
      victims.add(tenant.addUser("victim" + i + "@contoso.example"));
    }
    Set<String> leaverIds = pool.stream().map(FakeUser::id).collect(Collectors.toSet());
    Map<String, String> settings =
        Map.of(
            "MAX_USERS_PER_HOUR", Integer.toString(cap),
            // The urgent cap has room for every compromise of the run: this run is about the bulk
            // cap.
            "MAX_URGENT_USERS_PER_HOUR", Integer.toString(10 * compromiseEvents),
            "GRAPH_WRITES_PER_SECOND", Integer.toString(WRITES_PER_SECOND),
            "MAX_TARGETS_PER_EVENT", "1000");
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    Map<String, Object> figures = new LinkedHashMap<>();
    Runnable goals;
    boolean met;
    try (Rig rig =
        new Rig("R8", tenant, o -> o.unlimitedWrites().latency(LATENCY, Duration.ZERO), Map.of())) {
      List<WorkerService> replicas =
          List.of(
              rig.startWorker(settings, Rig.QUICK_RECOVERY),
              rig.startWorker(settings, Rig.QUICK_RECOVERY));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> replicas.stream().allMatch(WorkerService::ready));
      // Sent at once, more than one replica's concurrent deliveries: both replicas take some.
      List<OffboardingEvent> warmUpEvents =
          warmUp.stream()
              .map(u -> Rig.event(EventType.COMPROMISE, new Target.User(u.id())))
              .toList();
      warmUpEvents.forEach(rig::sendUrgent);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  warmUpEvents.stream()
                      .allMatch(
                          e ->
                              byEvent(rig).getOrDefault(e.id(), List.of()).stream()
                                  .anyMatch(SummaryAudit::finalSummary)));

      List<OffboardingEvent> leavers = new CopyOnWriteArrayList<>();
      List<OffboardingEvent> compromises = new CopyOnWriteArrayList<>();
      Map<String, String> victimOf = new java.util.concurrent.ConcurrentHashMap<>();
      int[] next = {0};
      Instant begun = Instant.now();
      Instant end = begun.plus(flood);
      // The flood: one leaver event every 100 ms, each 1-4 users no earlier event named.
      scheduler.scheduleWithFixedDelay(
          () -> {
            if (Instant.now().isAfter(end) || leavers.size() >= floodEvents) {
              return;
            }
            int n = 1 + random.nextInt(4);
            List<Target> targets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
              targets.add(new Target.User(pool.get(next[0]++).id()));
            }
            OffboardingEvent e = Rig.event(EventType.LEAVER, targets.toArray(Target[]::new));
            rig.send(e);
            leavers.add(e);
          },
          0,
          100,
          TimeUnit.MILLISECONDS);
      // The SIEM: a compromise event on the urgent queue every 2 s, the first once the flood began.
      scheduler.scheduleWithFixedDelay(
          () -> {
            if (Instant.now().isAfter(end) || compromises.size() >= victims.size()) {
              return;
            }
            FakeUser victim = victims.get(compromises.size());
            OffboardingEvent e = Rig.event(EventType.COMPROMISE, new Target.User(victim.id()));
            victimOf.put(e.id(), victim.id());
            rig.sendUrgent(e);
            compromises.add(e);
          },
          1_000,
          2_000,
          TimeUnit.MILLISECONDS);
      await().pollDelay(flood).atMost(flood.plusSeconds(5)).until(() -> true);
      scheduler.shutdown();
      assertTrue(scheduler.awaitTermination(30, TimeUnit.SECONDS));

      await()
          .atMost(Duration.ofSeconds(full ? 300 : 120))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                Map<String, List<SummaryAudit>> byEvent = byEvent(rig);
                return compromises.stream()
                        .allMatch(
                            e ->
                                byEvent.getOrDefault(e.id(), List.of()).stream()
                                    .anyMatch(SummaryAudit::finalSummary))
                    && leavers.stream()
                        .allMatch(e -> settled(byEvent.getOrDefault(e.id(), List.of())));
              });
      Duration took = Duration.between(begun, Instant.now());

      // The bulk cap: users written against it, from the fake tenant's own log.
      List<WriteRecord> log = rig.graph.writeLog();
      long leaversWritten =
          log.stream()
              .filter(w -> w.accepted() && leaverIds.contains(w.userId()))
              .map(WriteRecord::userId)
              .distinct()
              .count();
      long usersRequested = leavers.stream().mapToLong(e -> e.data().targets().size()).sum();
      Map<String, List<SummaryAudit>> byEvent = byEvent(rig);
      long completed =
          leavers.stream()
              .filter(
                  e ->
                      byEvent.get(e.id()).stream()
                          .anyMatch(s -> s.finalSummary() && s.status() == SummaryStatus.COMPLETED))
              .count();
      long waiting =
          leavers.stream()
              .filter(
                  e ->
                      byEvent.get(e.id()).stream().noneMatch(SummaryAudit::finalSummary)
                          && braked(last(byEvent.get(e.id()))))
              .count();
      long heldByTheBroker = rig.emulator.stats("offboarding-internal").scheduled();
      double gauge = replicas.stream().mapToDouble(w -> gauge(w, "bulk")).max().orElse(Double.NaN);

      // The compromise path: from each delivery's start to Graph's answer to the revoke.
      double floor = ROUND_TRIPS * LATENCY.toNanos() / 1e9;
      double token = 1.0 / WRITES_PER_SECOND;
      Map<String, Instant> revokedAt = new HashMap<>();
      Map<String, Instant> disabledAt = new HashMap<>();
      for (WriteRecord w : log) {
        if (w.kind() == WriteRecord.Kind.REVOKE && w.accepted()) {
          revokedAt.putIfAbsent(w.userId(), w.time());
        } else if (w.kind() == WriteRecord.Kind.DISABLE && w.accepted()) {
          disabledAt.putIfAbsent(w.userId(), w.time());
        }
      }
      // Where the time of a slow one went: to Graph's answer to the disable, then to the revoke's.
      List<String> slow = new ArrayList<>();
      List<Double> seconds = new ArrayList<>();
      long notRevoked = 0;
      for (OffboardingEvent e : compromises) {
        SummaryAudit done =
            byEvent.get(e.id()).stream()
                .filter(SummaryAudit::finalSummary)
                .findFirst()
                .orElseThrow();
        Instant revoked = revokedAt.get(victimOf.get(e.id()));
        if (done.status() != SummaryStatus.COMPLETED || revoked == null) {
          notRevoked++;
          continue;
        }
        double toRevoke = Duration.between(done.startedAt(), revoked).toNanos() / 1e9;
        seconds.add(toRevoke);
        Instant disabled = disabledAt.get(victimOf.get(e.id()));
        if (toRevoke > floor + token && disabled != null && slow.size() < 5) {
          slow.add(
              String.format(
                  java.util.Locale.ROOT,
                  "#%d %.3f s (start to disabled %.3f s, to revoked %.3f s)",
                  compromises.indexOf(e),
                  toRevoke,
                  Duration.between(done.startedAt(), disabled).toNanos() / 1e9,
                  Duration.between(disabled, revoked).toNanos() / 1e9));
        }
      }
      long delayed = seconds.stream().filter(s -> s > floor + token).count() + notRevoked;
      Collections.sort(seconds);

      figures.put("floodSeconds", flood.toSeconds());
      figures.put("leaverEvents", leavers.size());
      figures.put("usersRequested", usersRequested);
      figures.put("cap", cap);
      figures.put("usersWritten", leaversWritten);
      figures.put("eventsCompleted", completed);
      figures.put("eventsWaitingForTheBrake", waiting);
      figures.put("followUpsHeldByTheBroker", heldByTheBroker);
      figures.put("brakeGauge", gauge);
      figures.put("compromiseEvents", compromises.size());
      figures.put("compromiseFloorSeconds", floor);
      figures.put("tokenSeconds", token);
      figures.put("compromiseP50Seconds", percentile(seconds, 0.50));
      figures.put("compromiseMaxSeconds", percentile(seconds, 1.0));
      figures.put("compromiseDelayedBeyondFloorPlusToken", delayed);
      figures.put("compromiseDelayed", slow);
      figures.put("seconds", took.toMillis() / 1000.0);
      goals =
          () -> {
            assertTrue(usersRequested > cap, "the flood asked for more than the cap");
            assertTrue(
                leaversWritten <= cap, leaversWritten + " users written against a cap of " + cap);
            assertEquals(
                leavers.size(),
                completed + waiting,
                "every leaver event done or waiting for the brake");
            assertEquals(
                waiting,
                heldByTheBroker,
                "each waiting event's follow-up held by the broker: nothing lost");
            assertEquals(
                0,
                delayed,
                "compromise events delayed beyond their floor plus one token: " + seconds);
          };
      met =
          leaversWritten <= cap
              && completed + waiting == leavers.size()
              && heldByTheBroker == waiting
              && delayed == 0
              && usersRequested > cap;
    } finally {
      scheduler.shutdownNow();
    }
    // What the run kept (logs, audit bodies, the metrics saved on close) is complete once the rig
    // is closed.
    List<String> secretsFound = secretsInEvidence();
    figures.put("secretsInEvidence", secretsFound.size());
    Runs.report(
        "R8",
        "leaver flood against the mass-action brake",
        seed,
        figures,
        met && secretsFound.isEmpty());

    goals.run();
    assertEquals(
        List.of(), secretsFound.stream().limit(10).toList(), "secrets in what the run kept");
  }

  /** R7's scan of this run's evidence files. */
  private static List<String> secretsInEvidence() throws java.io.IOException {
    List<String> secrets = R7SecretScanIT.secrets();
    List<String> hits = new ArrayList<>();
    try (java.util.stream.Stream<java.nio.file.Path> files =
        java.nio.file.Files.list(Runs.out().resolve("evidence"))) {
      for (java.nio.file.Path file :
          files.filter(f -> f.getFileName().toString().startsWith("R8-")).toList()) {
        hits.addAll(
            R7SecretScanIT.hits(
                file.getFileName().toString(),
                java.nio.file.Files.readString(file),
                secrets,
                new LinkedHashMap<>()));
      }
    }
    return hits;
  }

  /** Every summary read so far, by event. */
  private static Map<String, List<SummaryAudit>> byEvent(Rig rig) {
    return rig.allSummaries().stream().collect(Collectors.groupingBy(SummaryAudit::eventId));
  }

  /** Done, or waiting for the brake: either way settled for now. */
  private static boolean settled(List<SummaryAudit> summaries) {
    return summaries.stream().anyMatch(SummaryAudit::finalSummary)
        || (!summaries.isEmpty() && braked(last(summaries)));
  }

  private static SummaryAudit last(List<SummaryAudit> summaries) {
    return summaries.stream()
        .max(java.util.Comparator.comparingInt(SummaryAudit::step))
        .orElseThrow();
  }

  private static boolean braked(SummaryAudit s) {
    return s.status() == SummaryStatus.CONTINUING
        && s.detail() != null
        && s.detail().startsWith(Braking.DETAIL);
  }

  private static double gauge(WorkerService worker, String priority) {
    String prefix = Metrics.MASS_ACTION_BRAKE + "{priority=\"" + priority + "\"} ";
    return worker
        .metrics()
        .scrape()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
        .findFirst()
        .orElse(Double.NaN);
  }

  private static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
