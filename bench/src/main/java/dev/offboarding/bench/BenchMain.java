package dev.offboarding.bench;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.microsoft.graph.core.requests.BaseGraphRequestAdapter;
import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.DirectoryObjectCollectionResponse;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AnonymousAuthenticationProvider;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.testkit.servicebus.EmulatorConfig;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.Wiring;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.continuation.FollowUps;
import dev.offboarding.worker.guard.MassActionBrake;
import dev.offboarding.worker.guard.MassActionCaps;
import dev.offboarding.worker.intake.MessageClassifier;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.servicebus.ServiceBusMassActionBrake;
import dev.offboarding.worker.tenant.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The worker's benchmark against the fake Graph tenant: bulk revocation against the budget floor,
 * the same work through a PowerShell-like baseline, urgent events injected during the bulk run,
 * replicas sharing one tenant budget, and headroom at a raised budget. Prints a table and writes
 * JSON. Not a test: it measures, it does not judge.
 */
public final class BenchMain {
  private static final String USAGE =
      """
      usage: java -jar bench/target/offboarding-bench.jar [--flag value]...
        --n N                 members of the bulk leaver group (default 10000)
        --budget W            tenant write budget, writes/s, of the fake tenant and the worker (default 20)
        --latency-ms L        fixed latency of every fake Graph request (default 120)
        --jitter-ms J         extra uniform random latency [0, J] (default 160)
        --burst-seconds B     the fake tenant's bucket holds B seconds of budget (default 1; Graph-like 150)
        --urgent K            compromise events injected during the bulk run (default 20)
        --baseline-seconds S  cap on the baseline's run; its completion is projected from its rate (default 60)
        --replicas R          worker instances against one tenant budget (default 3)
        --replica-n M         members per replica's group (default N / R)
        --headroom-budget H   budget of the headroom run (default 1000)
        --headroom-seconds T  the headroom run revokes H * T users (default 10)
        --idle K              compromise events sent one at a time to an idle worker (default 40)
        --scenarios LIST      comma-separated: idle,bulk,baseline,replicas,headroom (default all), brake, containment
        --brake-leases K      leases of the brake scenario, each way (default 200)
        --containment-n C     compromised users of the containment scenario, every action (default 1000)
        --out FILE            JSON results (default bench-results.json)
      """;

  private final Map<String, String> flags;
  private final Map<String, Object> report = new LinkedHashMap<>();

  private BenchMain(Map<String, String> flags) {
    this.flags = flags;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-h") || args[i].equals("--help")) {
        System.out.print(USAGE);
        return;
      }
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.print("bad argument '" + args[i] + "'\n" + USAGE);
        System.exit(2);
      }
      flags.put(args[i].substring(2), args[++i]);
    }
    new BenchMain(flags).run();
    // The fake servers' and SDK clients' threads must not keep the JVM alive.
    System.exit(0);
  }

  private int intFlag(String name, int fallback) {
    return Integer.parseInt(flags.getOrDefault(name, Integer.toString(fallback)));
  }

  private double doubleFlag(String name, double fallback) {
    return Double.parseDouble(flags.getOrDefault(name, Double.toString(fallback)));
  }

  private void run() throws Exception {
    int n = intFlag("n", 10_000);
    double budget = doubleFlag("budget", 20);
    List<String> scenarios =
        Arrays.asList(
            flags.getOrDefault("scenarios", "idle,bulk,baseline,replicas,headroom").split(","));
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("n", n);
    parameters.put("budget", budget);
    parameters.put("latencyMs", intFlag("latency-ms", 120));
    parameters.put("jitterMs", intFlag("jitter-ms", 160));
    parameters.put("burstSeconds", doubleFlag("burst-seconds", 1));
    parameters.put("urgent", intFlag("urgent", 20));
    parameters.put("replicas", intFlag("replicas", 3));
    parameters.put("headroomBudget", doubleFlag("headroom-budget", 1000));
    parameters.put("headroomSeconds", intFlag("headroom-seconds", 10));
    parameters.put("cpus", Runtime.getRuntime().availableProcessors());
    parameters.put("java", Runtime.version().toString());
    report.put("parameters", parameters);
    System.out.println("parameters: " + parameters);

    if (scenarios.contains("idle")) {
      report.put("idle", idle(budget, intFlag("idle", 40)));
    }
    Map<String, Object> bulk = null;
    if (scenarios.contains("bulk")) {
      bulk = bulk(n, budget, intFlag("urgent", 20));
      report.put("bulk", bulk);
    }
    if (scenarios.contains("baseline")) {
      Map<String, Object> baseline = baseline(n, budget, intFlag("baseline-seconds", 60));
      if (bulk != null) {
        baseline.put(
            "slowdownVersusWorker",
            (double) baseline.get("completionSeconds") / (double) bulk.get("completionSeconds"));
      }
      report.put("baseline", baseline);
    }
    if (scenarios.contains("replicas")) {
      int replicas = intFlag("replicas", 3);
      // Old and new side by side: the tenant silent until its first 429 (the governor learns from
      // 429s alone), then warning as Graph does from 0.8 of its budget used.
      report.put(
          "replicasWithoutWarnings",
          replicas(replicas, intFlag("replica-n", n / replicas), budget, false));
      report.put("replicas", replicas(replicas, intFlag("replica-n", n / replicas), budget, true));
    }
    if (scenarios.contains("headroom")) {
      double h = doubleFlag("headroom-budget", 1000);
      report.put("headroom", headroom((int) (h * intFlag("headroom-seconds", 10)), h));
    }
    if (scenarios.contains("brake")) {
      report.put("brake", brake(intFlag("brake-leases", 200)));
    }
    if (scenarios.contains("containment")) {
      report.put("containment", containment(intFlag("containment-n", 1000), budget));
    }
    printSummary();
    Path out = Path.of(flags.getOrDefault("out", "bench-results.json"));
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
    System.out.println("results written to " + out.toAbsolutePath());
  }

  // ------------------------------------------------------------------------------ scenarios

  private FakeGraphServer server(FakeTenant tenant, double budget) {
    return server(tenant, budget, true);
  }

  /**
   * With {@code limitWarnings} false the tenant never warns before a 429, as the worker once
   * assumed.
   */
  private FakeGraphServer server(FakeTenant tenant, double budget, boolean limitWarnings) {
    double burstSeconds = doubleFlag("burst-seconds", 1);
    // The tenant's rule: budget * 150 writes per 150 s, in a bucket of burstSeconds' worth.
    int perWindow = (int) Math.round(budget * 150);
    int burst = (int) Math.max(1, Math.round(budget * burstSeconds));
    return FakeGraphServer.start(
        tenant,
        FakeGraphOptions.builder()
            .writeBudget(perWindow, Duration.ofSeconds(150), burst)
            .latency(
                Duration.ofMillis(intFlag("latency-ms", 120)),
                Duration.ofMillis(intFlag("jitter-ms", 160)))
            .shuffleBatchResponses(false)
            .writeLogCapacity(5_000_000)
            .limitWarnings(limitWarnings)
            .build());
  }

  private static Wiring worker(FakeGraphServer server, double budget, int maxTargets) {
    return worker(server, budget, maxTargets, null);
  }

  /** The worker's wiring; with {@code protectedGroup}, PROTECTED_GROUPS names it. */
  private static Wiring worker(
      FakeGraphServer server, double budget, int maxTargets, String protectedGroup) {
    Map<String, String> env =
        new LinkedHashMap<>(
            Map.of(
                "GRAPH_BASE_URL", server.baseUrl(),
                "GRAPH_AUTH", "none",
                "GRAPH_WRITES_PER_SECOND", Double.toString(budget),
                "MAX_TARGETS_PER_EVENT", Integer.toString(maxTargets),
                // Set explicitly: the benchmark's big events run as they did before two-person
                // approval.
                "APPROVAL_THRESHOLD", "10000000",
                // Defaults are for run: the benchmark's sizes are not to be braked.
                "MAX_USERS_PER_HOUR", "10000000",
                "MAX_URGENT_USERS_PER_HOUR", "10000000"));
    if (protectedGroup != null) {
      env.put("PROTECTED_GROUPS", protectedGroup);
    } else {
      // The measured tenants hold no break-glass account; say so rather than rely on a default.
      env.put("ALLOW_UNPROTECTED", "true");
    }
    return new Wiring(WorkerConfig.forGraphOnly(env), Clock.systemUTC(), Sleeper.SYSTEM);
  }

  /**
   * The two ways to plan a compromise event, through one worker's wiring (one governor): {@code
   * new}, the worker's own, which writes a user given by id without reading it first, and {@code
   * old}, the same planner reading every id target before the first write, as it once did.
   */
  private record Paths(EventProcessor newPath, EventProcessor oldPath) {
    static Paths of(Wiring wiring) {
      EventProcessor old =
          EventProcessor.builder(
                  wiring.planner().readingEveryUserTarget(),
                  wiring.executor(wiring.writeBudget()),
                  Clock.systemUTC())
              .bounds(wiring.deliveryBounds())
              .build();
      return new Paths(wiring.processor(), old);
    }

    EventProcessor pick(boolean oldPath) {
      return oldPath ? this.oldPath : newPath;
    }
  }

  /** Round trips up to and including the revoke of a compromise event by id (disable, revoke). */
  private static final int NEW_ROUND_TRIPS = 2;

  /** The old path's: the read of the target, then the same writes. */
  private static final int OLD_ROUND_TRIPS = 3;

  /**
   * The round-trip floor: percentiles of the sum of {@code roundTrips} latencies drawn from the
   * fake tenant's own latency model (fixed plus uniform jitter), what a client that did nothing but
   * wait for its requests would see.
   */
  private Map<String, Object> floor(int roundTrips) {
    java.util.Random random = new java.util.Random(7);
    double fixed = intFlag("latency-ms", 120) / 1000.0;
    double jitter = intFlag("jitter-ms", 160) / 1000.0;
    List<Double> sums = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      double sum = 0;
      for (int k = 0; k < roundTrips; k++) {
        sum += fixed + random.nextDouble() * jitter;
      }
      sums.add(sum);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("roundTrips", roundTrips);
    r.put("p50Seconds", percentile(sums, 0.50));
    r.put("p99Seconds", percentile(sums, 0.99));
    return r;
  }

  /**
   * Time from each victim's event to Graph's answer to its revoke, by victim id, from the write
   * log.
   */
  private static Map<String, Double> timeToRevoke(
      List<WriteRecord> log, Map<String, Instant> injected) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (WriteRecord w : log) {
      Instant in = injected.get(w.userId());
      if (in != null && w.kind() == WriteRecord.Kind.REVOKE && w.accepted()) {
        seconds.putIfAbsent(w.userId(), Duration.between(in, w.time()).toNanos() / 1e9);
      }
    }
    return seconds;
  }

  /** p50, p99 and max of the old and the new path's times to revoke, beside their floors. */
  private Map<String, Object> compromiseFigures(
      Map<String, Double> seconds,
      List<String> oldVictims,
      List<String> newVictims,
      double budget) {
    Map<String, Object> r = new LinkedHashMap<>();
    for (boolean old : new boolean[] {true, false}) {
      List<Double> times =
          (old ? oldVictims : newVictims)
              .stream().map(seconds::get).filter(java.util.Objects::nonNull).toList();
      Map<String, Object> path = new LinkedHashMap<>();
      path.put("events", (old ? oldVictims : newVictims).size());
      path.put("revoked", times.size());
      path.put("p50Seconds", percentile(times, 0.50));
      path.put("p99Seconds", percentile(times, 0.99));
      path.put("maxSeconds", percentile(times, 1.0));
      path.put("floor", floor(old ? OLD_ROUND_TRIPS : NEW_ROUND_TRIPS));
      r.put(old ? "old" : "new", path);
    }
    r.put("tokenWaitSeconds", 1 / budget);
    return r;
  }

  /**
   * Compromise events (disable + revoke, by object id) sent one at a time to an idle worker with a
   * protected group kept warm, old and new path alternating: the time to revoke at rest.
   */
  private Map<String, Object> idle(double budget, int events) throws Exception {
    System.out.printf(
        "%n== idle: %d compromise events one at a time, old and new path alternating%n", events);
    FakeTenant tenant = new FakeTenant();
    String breakGlass =
        tenant.addGroup("Break glass", tenant.addUser("breakglass@contoso.com")).id();
    List<FakeUser> victims = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      victims.add(tenant.addUser("idle-victim-" + i + "@contoso.com"));
    }
    try (FakeGraphServer server = server(tenant, budget)) {
      Wiring wiring = worker(server, budget, 10, breakGlass);
      Paths paths = Paths.of(wiring);
      try (var refresher = wiring.protectionRefresher()) {
        refresher.start();
        while (!wiring.protection().ready()) {
          Thread.sleep(10);
        }
        Map<String, Instant> injected = new LinkedHashMap<>();
        List<String> oldVictims = new ArrayList<>();
        List<String> newVictims = new ArrayList<>();
        // One event before measuring: the first request of a process opens its connection.
        runToEnd(
            paths.newPath(),
            event(
                EventType.COMPROMISE,
                List.of(),
                new Target.User(tenant.addUser("warm-up@contoso.com").id())),
            new CountingAudit());
        for (int i = 0; i < events; i++) {
          FakeUser victim = victims.get(i);
          boolean old = i % 2 == 0;
          (old ? oldVictims : newVictims).add(victim.id());
          byte[] body = event(EventType.COMPROMISE, List.of(), new Target.User(victim.id()));
          injected.put(victim.id(), Instant.now());
          runToEnd(paths.pick(old), body, new CountingAudit());
        }
        Map<String, Object> r =
            compromiseFigures(
                timeToRevoke(server.writeLog(), injected), oldVictims, newVictims, budget);
        print(r);
        return r;
      }
    }
  }

  private static byte[] event(EventType type, List<Action> actions, Target target) {
    return new EventCodec()
        .encode(
            new OffboardingEvent(
                UUID.randomUUID().toString(),
                "/bench",
                type,
                Instant.now(),
                new EventData(List.of(target), actions, "benchmark", "BENCH-1", "bench", false)));
  }

  /** Counts results and keeps the summary; holds no result. */
  private static final class CountingAudit implements AuditSink {
    final Map<TargetOutcome, Long> outcomes = new ConcurrentHashMap<>();
    volatile SummaryAudit summary;

    @Override
    public void targets(List<TargetAudit> results) {
      results.forEach(r -> outcomes.merge(r.outcome(), 1L, Long::sum));
    }

    @Override
    public void summary(SummaryAudit s) {
      summary = s;
    }
  }

  private Map<String, Object> bulk(int n, double budget, int urgentEvents) throws Exception {
    System.out.printf(
        "%n== bulk: %d members, revoke only, budget %.0f/s, %d compromise events injected%n",
        n, budget, urgentEvents);
    FakeTenant tenant = new FakeTenant();
    String group = tenant.addLargeGroup("Leavers", n, 10, 7).id();
    List<FakeUser> victims = new ArrayList<>();
    for (int i = 0; i < urgentEvents; i++) {
      victims.add(tenant.addUser("victim-" + i + "@contoso.com"));
    }
    try (FakeGraphServer server = server(tenant, budget);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Wiring wiring = worker(server, budget, n + 10);
      EventProcessor processor = wiring.processor();
      Paths paths = Paths.of(wiring);
      List<String> oldVictims = new ArrayList<>();
      List<String> newVictims = new ArrayList<>();
      CountingAudit audit = new CountingAudit();
      Instant start = Instant.now();
      Future<Settlement> bulkRun =
          threads.submit(
              () ->
                  runToEnd(
                      processor,
                      event(
                          EventType.LEAVER,
                          List.of(Action.REVOKE_SESSIONS),
                          new Target.Group(group)),
                      audit));
      // Compromise events arrive spread over the first 80 % of the floor, while bulk work queues.
      double floor = n / budget;
      Map<String, Instant> injected = new ConcurrentHashMap<>();
      List<Future<Settlement>> urgent = new ArrayList<>();
      for (int i = 0; i < urgentEvents; i++) {
        Instant at =
            start.plusMillis((long) (floor * 1000 * (0.1 + 0.7 * i / Math.max(1, urgentEvents))));
        Duration wait = Duration.between(Instant.now(), at);
        if (!wait.isNegative()) {
          Thread.sleep(wait);
        }
        FakeUser victim = victims.get(i);
        // Old and new path alternate, so that both meet the same phases of the bulk run.
        boolean old = i % 2 == 1;
        (old ? oldVictims : newVictims).add(victim.id());
        byte[] body = event(EventType.COMPROMISE, List.of(), new Target.User(victim.id()));
        injected.put(victim.id(), Instant.now());
        urgent.add(threads.submit(() -> runToEnd(paths.pick(old), body, new CountingAudit())));
      }
      Settlement settlement = bulkRun.get();
      Instant end = Instant.now();
      for (Future<Settlement> f : urgent) {
        f.get();
      }
      List<WriteRecord> log = server.writeLog();
      Map<String, Double> revoked = timeToRevoke(log, injected);
      List<Double> urgentSeconds =
          newVictims.stream().map(revoked::get).filter(java.util.Objects::nonNull).toList();
      double completion = Duration.between(start, end).toNanos() / 1e9;
      Map<String, Object> r = writeFigures(log, start, end, budget);
      r.put("members", n);
      r.put("settlement", settlement.getClass().getSimpleName());
      r.put("outcomes", audit.outcomes);
      r.put("completionSeconds", completion);
      r.put("floorSeconds", floor);
      r.put("floorOverCompletion", floor / completion);
      r.put("urgentEvents", urgentEvents);
      r.put("urgentRevoked", urgentSeconds.size());
      r.put("urgentTimeToRevokeP50Seconds", percentile(urgentSeconds, 0.50));
      r.put("urgentTimeToRevokeP99Seconds", percentile(urgentSeconds, 0.99));
      r.put("urgentTimeToRevokeMaxSeconds", percentile(urgentSeconds, 1.0));
      r.put("urgent", compromiseFigures(revoked, oldVictims, newVictims, budget));
      print(r);
      return r;
    }
  }

  /**
   * 1,000 compromised users (events of 100 by id, as the SIEM's queue allows) with one registered
   * device each, all sent at once, twice on fresh tenants: first disable and revoke only (the
   * floor), then with every containment action. Whether the run stays within the tenant's write
   * budget, how many requests are refused, and whether containment delays any revoke: each user's
   * time from the start to its revoke, beside the floor's.
   */
  private Map<String, Object> containment(int n, double budget) throws Exception {
    System.out.printf(
        "%n== containment: %d compromised users, budget %.0f/s: disable and revoke only, then every"
            + " action%n",
        n, budget);
    Map<String, Object> r = new LinkedHashMap<>();
    // Not reported: the first run of a process is slower (JIT, first connections), and it would be
    // the floor's.
    System.out.println("-- warm-up, not reported");
    containmentRun(
        Math.max(100, n / 10),
        budget,
        List.of(
            Action.DISABLE_ACCOUNT,
            Action.REVOKE_SESSIONS,
            Action.RESET_PASSWORD,
            Action.CONFIRM_COMPROMISED,
            Action.DISABLE_DEVICES));
    Map<String, Object> floorRun =
        containmentRun(n, budget, List.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS));
    Map<String, Object> everyRun =
        containmentRun(
            n,
            budget,
            List.of(
                Action.DISABLE_ACCOUNT,
                Action.REVOKE_SESSIONS,
                Action.RESET_PASSWORD,
                Action.CONFIRM_COMPROMISED,
                Action.DISABLE_DEVICES));
    r.put("disableAndRevokeOnly", floorRun);
    r.put("everyAction", everyRun);
    r.put("tokenWaitSeconds", 1 / budget);
    r.put(
        "revokeP99OverFloorSeconds",
        (double) everyRun.get("timeToRevokeP99Seconds")
            - (double) floorRun.get("timeToRevokeP99Seconds"));
    System.out.println(
        "  revokeP99OverFloorSeconds: "
            + String.format(Locale.ROOT, "%.3f", r.get("revokeP99OverFloorSeconds"))
            + " (one token: "
            + String.format(Locale.ROOT, "%.3f", 1 / budget)
            + ")");
    return r;
  }

  private Map<String, Object> containmentRun(int n, double budget, List<Action> actions)
      throws Exception {
    System.out.printf("-- %s%n", actions.stream().map(Action::wireName).toList());
    FakeTenant tenant = new FakeTenant();
    tenant.security().deviceAdministrator(true);
    List<FakeUser> users = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      FakeUser user = tenant.addUser("contained-" + i + "@contoso.com");
      tenant.addDevice(dev.offboarding.testkit.graph.FakeDevice.named("device-" + i), user.id());
      users.add(user);
    }
    try (FakeGraphServer server = server(tenant, budget);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Wiring wiring = worker(server, budget, 1000);
      EventProcessor processor = wiring.processor();
      CountingAudit audit = new CountingAudit();
      Instant start = Instant.now();
      List<Future<Settlement>> runs = new ArrayList<>();
      for (int from = 0; from < n; from += 100) {
        List<Target> targets =
            users.subList(from, Math.min(n, from + 100)).stream()
                .<Target>map(u -> new Target.User(u.id()))
                .toList();
        byte[] body =
            new EventCodec()
                .encode(
                    new OffboardingEvent(
                        UUID.randomUUID().toString(),
                        "/bench",
                        EventType.COMPROMISE,
                        Instant.now(),
                        new EventData(targets, actions, "benchmark", "BENCH-19", "bench", false)));
        runs.add(threads.submit(() -> runToEnd(processor, body, audit)));
      }
      for (Future<Settlement> f : runs) {
        f.get();
      }
      Instant end = Instant.now();
      List<WriteRecord> log = server.writeLog();
      // Directory and device writes spend the tenant's write budget; a confirmation is one
      // Identity Protection request, logged once per user it names, under its own limit.
      List<WriteRecord> budgeted =
          log.stream().filter(w -> w.kind() != WriteRecord.Kind.CONFIRM_COMPROMISED).toList();
      Map<String, Object> r = writeFigures(budgeted, start, end, budget);
      r.put("users", n);
      r.put("outcomes", audit.outcomes);
      r.put("completionSeconds", Duration.between(start, end).toNanos() / 1e9);
      r.put(
          "confirmRequests",
          server.requestLog().stream()
              .filter(q -> q.path().endsWith("/riskyUsers/confirmCompromised") && q.status() < 300)
              .count());
      r.put(
          "usersConfirmed",
          log.stream()
              .filter(w -> w.kind() == WriteRecord.Kind.CONFIRM_COMPROMISED && w.accepted())
              .map(WriteRecord::userId)
              .distinct()
              .count());
      long idRequests =
          server.requestLog().stream()
              .filter(q -> q.path().contains("/identityProtection/"))
              .count();
      long id429 =
          server.requestLog().stream()
              .filter(q -> q.path().contains("/identityProtection/") && q.status() == 429)
              .count();
      r.put("identityProtectionRequests", idRequests);
      r.put("identityProtection429", id429);
      long all = server.requestLog().size();
      long all429 = server.requestLog().stream().filter(q -> q.status() == 429).count();
      r.put("requests", all);
      r.put("requests429", all429);
      r.put("requests429Share", all == 0 ? 0.0 : all429 / (double) all);
      Map<String, Instant> disabled = new LinkedHashMap<>();
      List<Double> gaps = new ArrayList<>();
      List<Double> toRevoke = new ArrayList<>();
      for (WriteRecord w : log) {
        if (w.kind() == WriteRecord.Kind.DISABLE && w.accepted()) {
          disabled.putIfAbsent(w.userId(), w.time());
        } else if (w.kind() == WriteRecord.Kind.REVOKE && w.accepted()) {
          toRevoke.add(Duration.between(start, w.time()).toNanos() / 1e9);
          Instant d = disabled.remove(w.userId());
          if (d != null) {
            gaps.add(Duration.between(d, w.time()).toNanos() / 1e9);
          }
        }
      }
      r.put("timeToRevokeP50Seconds", percentile(toRevoke, 0.50));
      r.put("timeToRevokeP99Seconds", percentile(toRevoke, 0.99));
      r.put("disableToRevokeP50Seconds", percentile(gaps, 0.50));
      r.put("disableToRevokeP99Seconds", percentile(gaps, 0.99));
      print(r);
      return r;
    }
  }

  private Map<String, Object> baseline(int n, double budget, int capSeconds) throws Exception {
    System.out.printf(
        "%n== baseline: one user at a time, SDK default retries, %d members, cap %d s%n",
        n, capSeconds);
    FakeTenant tenant = new FakeTenant();
    String group = tenant.addLargeGroup("Leavers", n, 10, 7).id();
    try (FakeGraphServer server = server(tenant, budget)) {
      // What Get-MgGroupMember | % { Revoke-MgUserSignInSession } does: the SDK with its default
      // middleware (RetryHandler: 3 retries honouring Retry-After), one request at a time.
      GraphServiceClient graph =
          new GraphServiceClient(
              new BaseGraphRequestAdapter(new AnonymousAuthenticationProvider(), server.baseUrl()));
      Instant start = Instant.now();
      Instant deadline = start.plusSeconds(capSeconds);
      long done = 0;
      long failed = 0;
      var members = graph.groups().byGroupId(group).transitiveMembers();
      DirectoryObjectCollectionResponse page = members.get(rc -> rc.queryParameters.top = 999);
      outer:
      while (page != null) {
        for (DirectoryObject o : page.getValue()) {
          if (!(o instanceof User u)) {
            continue;
          }
          if (Instant.now().isAfter(deadline)) {
            break outer;
          }
          try {
            graph.users().byUserId(u.getId()).revokeSignInSessions().post();
            done++;
          } catch (RuntimeException e) {
            failed++;
          }
        }
        String next = page.getOdataNextLink();
        page = next == null ? null : members.withUrl(next).get();
      }
      Instant end = Instant.now();
      double elapsed = Duration.between(start, end).toNanos() / 1e9;
      double rate = (done + failed) / elapsed;
      boolean finished = done + failed >= n;
      Map<String, Object> r = writeFigures(server.writeLog(), start, end, budget);
      r.put("members", n);
      r.put("usersAttempted", done + failed);
      r.put("usersFailed", failed);
      r.put("measuredSeconds", elapsed);
      r.put("usersPerSecond", rate);
      r.put("finished", finished);
      r.put("completionSeconds", finished ? elapsed : n / rate);
      r.put("completionProjected", !finished);
      r.put("floorOverCompletion", (n / budget) / (finished ? elapsed : n / rate));
      print(r);
      return r;
    }
  }

  private Map<String, Object> replicas(
      int replicas, int perReplica, double budget, boolean limitWarnings) throws Exception {
    System.out.printf(
        "%n== replicas: %d workers, each configured with the whole budget %.0f/s, %d members each,"
            + " the tenant %s%n",
        replicas,
        budget,
        perReplica,
        limitWarnings ? "warning from 0.8 of its budget used" : "silent until its first 429");
    FakeTenant tenant = new FakeTenant();
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      groups.add(tenant.addLargeGroup("Leavers " + i, perReplica, 10, 7 + i).id());
    }
    try (FakeGraphServer server = server(tenant, budget, limitWarnings);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Settlement>> runs = new ArrayList<>();
      List<Instant> finished = new ArrayList<>();
      Instant start = Instant.now();
      for (int i = 0; i < replicas; i++) {
        // Separate wiring: its own Graph client and its own governor, as a separate pod would have.
        EventProcessor processor = worker(server, budget, perReplica + 10).processor();
        String group = groups.get(i);
        runs.add(
            threads.submit(
                () -> {
                  Settlement s =
                      runToEnd(
                          processor,
                          event(
                              EventType.LEAVER,
                              List.of(Action.REVOKE_SESSIONS),
                              new Target.Group(group)),
                          new CountingAudit());
                  synchronized (finished) {
                    finished.add(Instant.now());
                  }
                  return s;
                }));
      }
      for (Future<Settlement> f : runs) {
        f.get();
      }
      Instant end = Instant.now();
      Instant firstDone = finished.stream().min(Instant::compareTo).orElse(end);
      Map<String, Object> r = writeFigures(server.writeLog(), start, end, budget);
      Map<String, Object> whileAllRan = writeFigures(server.writeLog(), start, firstDone, budget);
      r.put("replicas", replicas);
      r.put("tenantWarns", limitWarnings);
      r.put("membersPerReplica", perReplica);
      r.put("completionSeconds", Duration.between(start, end).toNanos() / 1e9);
      r.put("floorSeconds", replicas * perReplica / budget);
      r.put("utilisationWhileAllRan", whileAllRan.get("utilisation"));
      // The replicas start together at the whole budget each: their first 429 episode refuses
      // every write they have in flight. From 5 s on is their steady state.
      Map<String, Object> settled =
          writeFigures(server.writeLog(), start.plusSeconds(5), end, budget);
      r.put("throttledShareFrom5s", settled.get("throttledShare"));
      r.put("utilisationFrom5s", settled.get("utilisation"));
      r.put(
          "throttled429InFirst5s",
          (long) r.get("throttled429") - (long) settled.get("throttled429"));
      print(r);
      return r;
    }
  }

  /**
   * Runs an event to its end the way the broker hands it over: each follow-up a delivery leaves
   * (the next chunk of a big event) is delivered next, at once, by the same processor.
   */
  private static Settlement runToEnd(EventProcessor processor, byte[] body, AuditSink audit)
      throws Exception {
    ContinuationCodec codec = new ContinuationCodec();
    List<Continuation> next = new ArrayList<>();
    FollowUps followUps =
        new FollowUps() {
          @Override
          public void send(String eventId, Continuation c, java.time.Instant notBefore) {
            next.add(c);
          }

          @Override
          public void hold(
              dev.offboarding.worker.intake.Inbound.Event event, java.time.Instant dueAt) {
            throw new IllegalStateException("the benchmark's events take effect at once");
          }
        };
    // Delivered as the worker's intake would: the event from the events queue, each follow-up from
    // the worker's own queue.
    MessageClassifier classifier =
        new MessageClassifier(java.util.Set.of("offboarding-events"), "offboarding-internal");
    dev.offboarding.worker.intake.Inbound delivery =
        classifier.classify("offboarding-events", 1, body, p -> null);
    for (long sequence = 1; ; sequence++) {
      next.clear();
      Settlement s =
          processor.process(
              new EventProcessor.Work(delivery, false, audit, followUps, () -> false, () -> {}));
      if (next.isEmpty()) {
        return s;
      }
      delivery =
          classifier.classify(
              "offboarding-internal", sequence, codec.encode(next.getFirst()), p -> null);
    }
  }

  private Map<String, Object> headroom(int n, double budget) throws Exception {
    System.out.printf(
        "%n== headroom: budget raised to %.0f/s, %d members, revoke only%n", budget, n);
    FakeTenant tenant = new FakeTenant();
    String group = tenant.addLargeGroup("Leavers", n, 10, 11).id();
    try (FakeGraphServer server = server(tenant, budget)) {
      EventProcessor processor = worker(server, budget, n + 10).processor();
      CountingAudit audit = new CountingAudit();
      Instant start = Instant.now();
      runToEnd(
          processor,
          event(EventType.LEAVER, List.of(Action.REVOKE_SESSIONS), new Target.Group(group)),
          audit);
      Instant end = Instant.now();
      List<WriteRecord> log = server.writeLog();
      Map<String, Object> r = writeFigures(log, start, end, budget);
      // Sustained: from the first write to the last, which leaves out the two listing passes.
      Instant first = log.stream().map(WriteRecord::time).min(Instant::compareTo).orElse(start);
      Instant last = log.stream().map(WriteRecord::time).max(Instant::compareTo).orElse(end);
      long accepted = log.stream().filter(WriteRecord::accepted).count();
      r.put("members", n);
      r.put("outcomes", audit.outcomes);
      r.put("completionSeconds", Duration.between(start, end).toNanos() / 1e9);
      r.put(
          "sustainedWritesPerSecond",
          accepted / Math.max(1e-9, Duration.between(first, last).toNanos() / 1e9));
      print(r);
      return r;
    }
  }

  // ------------------------------------------------------------------------------ figures

  /** Accepted writes, 429s, utilisation and accepted writes per second over [start, end]. */
  private static Map<String, Object> writeFigures(
      List<WriteRecord> log, Instant start, Instant end, double budget) {
    long accepted = 0;
    long throttled = 0;
    long attempts = 0;
    int seconds = (int) Math.max(1, Math.ceil(Duration.between(start, end).toMillis() / 1000.0));
    long[] perSecond = new long[seconds];
    for (WriteRecord w : log) {
      if (w.time().isBefore(start) || w.time().isAfter(end)) {
        continue;
      }
      attempts++;
      if (w.status() == 429) {
        throttled++;
      }
      if (w.accepted()) {
        accepted++;
        int s = (int) Math.min(seconds - 1, Duration.between(start, w.time()).toMillis() / 1000);
        perSecond[s]++;
      }
    }
    double elapsed = Duration.between(start, end).toNanos() / 1e9;
    Instant first =
        log.stream()
            .map(WriteRecord::time)
            .filter(t -> !t.isBefore(start) && !t.isAfter(end))
            .min(Instant::compareTo)
            .orElse(start);
    Instant last =
        log.stream()
            .map(WriteRecord::time)
            .filter(t -> !t.isBefore(start) && !t.isAfter(end))
            .max(Instant::compareTo)
            .orElse(end);
    double writing = Math.max(1e-9, Duration.between(first, last).toNanos() / 1e9);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("writeAttempts", attempts);
    r.put("writesAccepted", accepted);
    r.put("throttled429", throttled);
    r.put("throttledShare", attempts == 0 ? 0.0 : throttled / (double) attempts);
    r.put("acceptedWritesPerSecond", accepted / elapsed);
    r.put("utilisation", accepted / elapsed / budget);
    // From the first write to the last: leaves out listing the group before the first write.
    r.put("utilisationFromFirstWrite", accepted / writing / budget);
    r.put("acceptedWritesPerSecondOverTime", Arrays.stream(perSecond).boxed().toList());
    return r;
  }

  private static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static void print(Map<String, Object> r) {
    r.forEach(
        (k, v) -> {
          if (k.equals("acceptedWritesPerSecondOverTime")) {
            System.out.println("  " + k + ": " + compact((List<?>) v));
          } else {
            System.out.println(
                "  "
                    + k
                    + ": "
                    + (v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : v));
          }
        });
  }

  /** At most about 30 numbers: per-second counts averaged over equal slices of the run. */
  private static String compact(List<?> series) {
    int slices = Math.min(30, series.size());
    StringBuilder sb = new StringBuilder("[");
    for (int s = 0; s < slices; s++) {
      int from = s * series.size() / slices;
      int to = (s + 1) * series.size() / slices;
      double sum = 0;
      for (int i = from; i < to; i++) {
        sum += ((Number) series.get(i)).doubleValue();
      }
      sb.append(s == 0 ? "" : " ").append(Math.round(sum / Math.max(1, to - from)));
    }
    return sb.append("] (per-second averages over ").append(slices).append(" slices)").toString();
  }

  private static void replicaLines(String title, Map<String, Object> r) {
    System.out.println("  " + title + ":");
    line("  utilisation (whole run)", r.get("utilisation"), ">= 0.90");
    line("  utilisation (while all ran)", r.get("utilisationWhileAllRan"), "");
    line("  429 share (whole run)", r.get("throttledShare"), "<= 0.01");
    line("  429s in the first 5 s", r.get("throttled429InFirst5s"), "");
    line("  429 share from 5 s on", r.get("throttledShareFrom5s"), "");
    line("  utilisation from 5 s on", r.get("utilisationFrom5s"), "");
  }

  @SuppressWarnings("unchecked")
  private void printSummary() {
    System.out.println();
    System.out.println("== summary                                   measured      goal");
    Map<String, Object> bulk = (Map<String, Object>) report.get("bulk");
    Map<String, Object> baseline = (Map<String, Object>) report.get("baseline");
    Map<String, Object> replicas = (Map<String, Object>) report.get("replicas");
    Map<String, Object> silent = (Map<String, Object>) report.get("replicasWithoutWarnings");
    Map<String, Object> headroom = (Map<String, Object>) report.get("headroom");
    Map<String, Object> idle = (Map<String, Object>) report.get("idle");
    if (idle != null || bulk != null) {
      System.out.println("  compromise time to revoke (s), event by id, disable + revoke:");
      System.out.printf(
          Locale.ROOT,
          "    %-12s %-5s %8s %8s %12s %12s%n",
          "",
          "path",
          "p50",
          "p99",
          "floor p50",
          "floor p99");
      if (idle != null) {
        compromiseLines("idle", idle);
      }
      if (bulk != null) {
        compromiseLines("during bulk", (Map<String, Object>) bulk.get("urgent"));
      }
    }
    if (bulk != null) {
      line(
          "bulk completion (s)",
          bulk.get("completionSeconds"),
          "floor " + fmt(bulk.get("floorSeconds")));
      line("bulk utilisation (floor / completion)", bulk.get("floorOverCompletion"), ">= 0.95");
      line("bulk utilisation from the first write", bulk.get("utilisationFromFirstWrite"), "");
      line("bulk 429 share", bulk.get("throttledShare"), "<= 0.01");
      line("urgent time-to-revoke p50 (s)", bulk.get("urgentTimeToRevokeP50Seconds"), "");
      line("urgent time-to-revoke p99 (s)", bulk.get("urgentTimeToRevokeP99Seconds"), "<= 1");
    }
    if (baseline != null) {
      line(
          "baseline completion (s)"
              + (Boolean.TRUE.equals(baseline.get("completionProjected")) ? ", projected" : ""),
          baseline.get("completionSeconds"),
          "");
      line("baseline utilisation (floor / completion)", baseline.get("floorOverCompletion"), "");
      if (baseline.get("slowdownVersusWorker") != null) {
        line("baseline completion / worker completion", baseline.get("slowdownVersusWorker"), "");
      }
    }
    if (silent != null) {
      replicaLines("replicas, tenant silent until 429 (old)", silent);
    }
    if (replicas != null) {
      replicaLines("replicas, tenant warning as Graph does (new)", replicas);
    }
    if (headroom != null) {
      line("headroom sustained writes/s", headroom.get("sustainedWritesPerSecond"), ">= 900");
    }
    Map<String, Object> brake = (Map<String, Object>) report.get("brake");
    if (brake != null) {
      line(
          "brake lease, round trip to the state queue, p50 (s)",
          brake.get("roundTripP50Seconds"),
          "");
      line(
          "brake lease, round trip to the state queue, p99 (s)",
          brake.get("roundTripP99Seconds"),
          "");
      line("brake lease, from the urgent reserve, p99 (s)", brake.get("reserveP99Seconds"), "");
    }
  }

  /**
   * What the mass-action brake adds before an event's first write, against the embedded emulator's
   * state queue over a socket: a lease that goes to the broker (accept the cap's session, read the
   * count, write it back, let go; the bulk cap's way, and the urgent cap's without a reserve), and
   * a lease of one user that the urgent reserve covers. One warm-up lease each first (the session
   * receiver's set-up).
   */
  private Map<String, Object> brake(int leases) throws Exception {
    System.out.printf(
        "%n== brake: %d leases to the state queue, %d from the urgent reserve%n", leases, leases);
    EmulatorConfig config;
    try (java.io.InputStream in =
        EmulatorConfig.class.getResourceAsStream("/servicebus/config.json")) {
      config = EmulatorConfig.fromJson(in);
    }
    try (ServiceBusEmulator emulator = ServiceBusEmulator.start(config, 0)) {
      ServiceBusClientBuilder clients =
          new ServiceBusClientBuilder().connectionString(emulator.connectionString());
      MassActionBrake.Cap bulk = new MassActionBrake.Cap(MassActionCaps.BULK, Integer.MAX_VALUE);
      MassActionBrake.Cap urgent =
          new MassActionBrake.Cap(MassActionCaps.URGENT, Integer.MAX_VALUE);
      List<Double> roundTrips = new ArrayList<>();
      List<Double> fromReserve = new ArrayList<>();
      try (ServiceBusMassActionBrake brake =
          new ServiceBusMassActionBrake(
              clients,
              "offboarding-state",
              Clock.systemUTC(),
              Sleeper.SYSTEM,
              ServiceBusMassActionBrake.DEFAULT_PATIENCE,
              ServiceBusMassActionBrake.DEFAULT_STEP_TIMEOUT,
              cap -> cap.name().equals(MassActionCaps.URGENT) ? leases : 0)) {
        brake.lease(bulk, 1);
        for (int i = 0; i < leases; i++) {
          long t = System.nanoTime();
          brake.lease(bulk, 1);
          roundTrips.add((System.nanoTime() - t) / 1e9);
        }
        // The urgent reserve: one round trip leases it, then each user comes from it.
        brake.lease(urgent, 1);
        for (int i = 0; i < leases - 1; i++) {
          long t = System.nanoTime();
          brake.lease(urgent, 1);
          fromReserve.add((System.nanoTime() - t) / 1e9);
        }
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("leases", leases);
      r.put("roundTripP50Seconds", percentile(roundTrips, 0.50));
      r.put("roundTripP99Seconds", percentile(roundTrips, 0.99));
      r.put("roundTripMaxSeconds", percentile(roundTrips, 1.0));
      r.put("reserveP50Seconds", percentile(fromReserve, 0.50));
      r.put("reserveP99Seconds", percentile(fromReserve, 0.99));
      r.put("reserveMaxSeconds", percentile(fromReserve, 1.0));
      print(r);
      return r;
    }
  }

  /**
   * The old and new path's p50 and p99 beside their floors, and the new path against its goals: p50
   * within 50 ms of the floor's, p99 at most the floor's plus one token wait.
   */
  @SuppressWarnings("unchecked")
  private static void compromiseLines(String phase, Map<String, Object> figures) {
    for (String path : List.of("old", "new")) {
      Map<String, Object> f = (Map<String, Object>) figures.get(path);
      Map<String, Object> floor = (Map<String, Object>) f.get("floor");
      System.out.printf(
          Locale.ROOT,
          "    %-12s %-5s %8s %8s %12s %12s   (%s round trips, %s events)%n",
          phase,
          path,
          fmt(f.get("p50Seconds")),
          fmt(f.get("p99Seconds")),
          fmt(floor.get("p50Seconds")),
          fmt(floor.get("p99Seconds")),
          floor.get("roundTrips"),
          f.get("revoked"));
    }
    Map<String, Object> f = (Map<String, Object>) figures.get("new");
    Map<String, Object> floor = (Map<String, Object>) f.get("floor");
    double overP50 = (double) f.get("p50Seconds") - (double) floor.get("p50Seconds");
    double overP99 = (double) f.get("p99Seconds") - (double) floor.get("p99Seconds");
    System.out.printf(
        Locale.ROOT,
        "    %-12s new p50 - floor p50 = %.3f s (goal <= 0.050); new p99 - floor p99 = %.3f s"
            + " (goal <= one token, %.3f s)%n",
        phase,
        overP50,
        overP99,
        (double) figures.get("tokenWaitSeconds"));
  }

  private static void line(String what, Object value, String goal) {
    System.out.printf(Locale.ROOT, "  %-42s %10s    %s%n", what, fmt(value), goal);
  }

  private static String fmt(Object v) {
    return v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(v);
  }
}
