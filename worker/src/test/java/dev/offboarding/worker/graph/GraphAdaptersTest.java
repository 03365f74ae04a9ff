package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.testkit.graph.FakeDevice;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeOrgContact;
import dev.offboarding.testkit.graph.FakeServicePrincipal;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.execute.WriteBudget;
import dev.offboarding.worker.plan.PlanResult;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.plan.StreamingPlan;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.DirectoryUser;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import dev.offboarding.worker.testing.Executions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Graph adapters, driven through the real Graph SDK over a socket against the fake tenant. */
class GraphAdaptersTest {
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T09:00:00Z"));
  final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

  /** Waiting moves the shared clock, so the fake tenant's budget refills without real sleeps. */
  final Sleeper sleeper =
      d -> {
        waits.add(d);
        clock.advance(d);
      };

  final FakeTenant tenant = new FakeTenant();
  FakeGraphServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  GraphServiceClient start(FakeGraphOptions.Builder options) {
    server = FakeGraphServer.start(tenant, options.clock(clock).build());
    WorkerConfig config =
        WorkerConfig.forGraphOnly(Map.of("GRAPH_BASE_URL", server.baseUrl(), "GRAPH_AUTH", "none"));
    return GraphClients.create(config);
  }

  GraphDirectory directory(GraphServiceClient graph, int pageSize) {
    return new GraphDirectory(
        graph,
        java.net.URI.create(server.baseUrl()),
        RetryPolicy.defaults(),
        sleeper,
        clock,
        pageSize);
  }

  Executor executor(GraphServiceClient graph) {
    return executor(graph, 4);
  }

  Executor executor(GraphServiceClient graph, int concurrency) {
    return new Executor(
        new GraphAccountWrites(graph, clock),
        WriteBudget.UNLIMITED,
        RetryPolicy.defaults(),
        dev.offboarding.worker.execute.OutageGuard.NONE,
        null,
        sleeper,
        clock,
        concurrency);
  }

  static OffboardingEvent event(EventType type, List<Action> actions, Target... targets) {
    return new OffboardingEvent(
        "evt-graph",
        "/tests",
        type,
        null,
        new EventData(List.of(targets), actions, "adapter test", null, null, false));
  }

  List<TargetAudit> plannedAndRun(
      GraphServiceClient graph, Protection protection, OffboardingEvent event)
      throws InterruptedException {
    Planner planner = new Planner(directory(graph, 999), protection, 10_000);
    StreamingPlan plan = assertInstanceOf(PlanResult.Streamed.class, planner.prepare(event)).plan();
    return Executions.all(executor(graph), plan, false);
  }

  Set<String> writtenUsers() {
    Set<String> ids = new HashSet<>();
    for (WriteRecord w : server.writeLog()) {
      ids.add(w.userId());
    }
    return ids;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "o'brien#1$x+y@contoso.com",
        "$adele@contoso.com",
        "$o'hara@contoso.com",
        "zoë.åström@contoso.com",
        "a&b%c@contoso.com",
        "plain@contoso.com"
      })
  void findsUsersByUpnsThatNeedEncoding(String upn) {
    FakeUser user = tenant.addUser(upn);
    GraphDirectory directory = directory(start(FakeGraphOptions.builder()), 999);

    DirectoryUser found = directory.user(upn).orElseThrow();

    assertEquals(user.id(), found.id());
    assertEquals(upn, found.userPrincipalName());
    assertTrue(directory.user("missing-" + upn).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 100})
  void followsEveryPageOfANestedGroupAndCountsMembersThatAreNotUsers(int pageSize) {
    List<FakeUser> inner =
        IntStream.range(0, 40).mapToObj(i -> tenant.addUser("inner" + i + "@contoso.com")).toList();
    List<FakeUser> outer =
        IntStream.range(0, 23).mapToObj(i -> tenant.addUser("outer" + i + "@contoso.com")).toList();
    FakeGroup innerGroup = tenant.addGroup("inner", inner.toArray(FakeUser[]::new));
    tenant.addMembers(
        innerGroup.id(),
        tenant.addDevice(FakeDevice.named("laptop")),
        tenant.addContact(FakeOrgContact.named("Vendor", "v@example.com")));
    FakeGroup outerGroup = tenant.addGroup("outer", outer.toArray(FakeUser[]::new));
    tenant.addMembers(
        outerGroup.id(),
        innerGroup,
        inner.get(0),
        tenant.addServicePrincipal(FakeServicePrincipal.named("robot")));
    GraphDirectory directory = directory(start(FakeGraphOptions.builder()), pageSize);
    Set<String> seen = new HashSet<>();
    Map<String, Integer> others = new java.util.TreeMap<>();

    directory.transitiveMembers(
        outerGroup.id(),
        new Directory.MemberVisitor() {
          @Override
          public boolean user(DirectoryUser user) {
            assertTrue(seen.add(user.id()), "listed twice: " + user.id());
            return true;
          }

          @Override
          public void other(String kind) {
            others.merge(kind, 1, Integer::sum);
          }
        });

    assertEquals(63, seen.size());
    assertEquals(Map.of("device", 1, "group", 1, "orgContact", 1, "servicePrincipal", 1), others);
  }

  @Test
  void reportsAMissingGroupAsNotFound() {
    GraphDirectory directory = directory(start(FakeGraphOptions.builder()), 999);

    GraphFailure failure =
        assertThrows(
            GraphFailure.class,
            () ->
                directory.transitiveMembers(
                    "00000000-0000-4000-8000-0000000000aa",
                    new Directory.MemberVisitor() {
                      @Override
                      public boolean user(DirectoryUser user) {
                        return true;
                      }

                      @Override
                      public void other(String kind) {}
                    }));

    assertEquals(GraphFailure.Kind.NOT_FOUND, failure.kind());
    assertEquals("Request_ResourceNotFound", failure.errorCode());
  }

  @Test
  void selectsUsersByAnAttributeValueContainingQuotes() {
    FakeUser match =
        tenant.addUser(FakeUser.builder("m@contoso.com").department("R&D 'Labs'").build());
    tenant.addUser(FakeUser.builder("n@contoso.com").department("R&D").build());
    GraphDirectory directory = directory(start(FakeGraphOptions.builder()), 999);
    List<String> ids = new ArrayList<>();

    directory.usersWhere(
        "department",
        "R&D 'Labs'",
        new Directory.MemberVisitor() {
          @Override
          public boolean user(DirectoryUser user) {
            ids.add(user.id());
            return true;
          }

          @Override
          public void other(String kind) {}
        });

    assertEquals(List.of(match.id()), ids);
  }

  @ParameterizedTest
  @EnumSource(FakeGraphOptions.RevokeResponse.class)
  void disablesThenRevokesAndAcceptsEitherSuccessAnswerOfRevoke(
      FakeGraphOptions.RevokeResponse answer) throws Exception {
    FakeUser alice = tenant.addUser("alice@contoso.com");
    GraphServiceClient graph = start(FakeGraphOptions.builder().revokeResponse(answer));

    List<TargetAudit> results =
        plannedAndRun(
            graph,
            Protection.none(),
            event(EventType.LEAVER, List.of(), new Target.User("alice@contoso.com")));

    assertEquals(TargetOutcome.SUCCEEDED, results.getFirst().outcome());
    assertEquals(
        List.of(WriteRecord.Kind.DISABLE, WriteRecord.Kind.REVOKE),
        server.writeLog().stream().map(WriteRecord::kind).toList());
    assertEquals(false, tenant.requireUser(alice.id()).accountEnabled());
    assertEquals(
        server.writeLog().get(1).requestId(), results.getFirst().actions().get(1).requestId());
  }

  @Test
  void reportsForbiddenAndNotFoundWithoutRetrying() throws Exception {
    FakeUser admin =
        tenant.addUser(FakeUser.builder("admin@contoso.com").writesForbidden(true).build());
    FakeUser leaver = tenant.addUser("leaver@contoso.com");
    GraphServiceClient graph = start(FakeGraphOptions.builder());
    Planner planner = new Planner(directory(graph, 999), Protection.none(), 100);
    StreamingPlan plan =
        assertInstanceOf(
                PlanResult.Streamed.class,
                planner.prepare(
                    event(
                        EventType.LEAVER,
                        List.of(),
                        new Target.User(admin.id()),
                        new Target.User(leaver.id()))))
            .plan();
    tenant.delete(leaver.id());

    Map<String, TargetAudit> results =
        Executions.all(executor(graph), plan, false).stream()
            .collect(java.util.stream.Collectors.toMap(TargetAudit::userId, r -> r));

    assertEquals(TargetOutcome.FORBIDDEN, results.get(admin.id()).outcome());
    assertEquals(
        "Authorization_RequestDenied", results.get(admin.id()).actions().get(0).errorCode());
    assertEquals(TargetOutcome.NOT_FOUND, results.get(leaver.id()).outcome());
    assertEquals("Request_ResourceNotFound", results.get(leaver.id()).actions().get(0).errorCode());
    assertEquals(List.of(), waits);
  }

  @ParameterizedTest
  @EnumSource(FakeGraphOptions.RetryAfterFormat.class)
  void waitsWhatEachThrottledAnswerAsksInEveryRetryAfterForm(
      FakeGraphOptions.RetryAfterFormat format) throws Exception {
    List<FakeUser> users =
        IntStream.range(0, 3).mapToObj(i -> tenant.addUser("t" + i + "@contoso.com")).toList();
    GraphServiceClient graph =
        start(
            FakeGraphOptions.builder()
                .writeBudget(1, Duration.ofSeconds(10), 1)
                .retryAfterFormat(format));

    Planner planner = new Planner(directory(graph, 999), Protection.none(), 100);
    StreamingPlan plan =
        assertInstanceOf(
                PlanResult.Streamed.class,
                planner.prepare(
                    event(
                        EventType.COMPROMISE,
                        List.of(Action.REVOKE_SESSIONS),
                        users.stream()
                            .map(u -> (Target) new Target.User(u.id()))
                            .toArray(Target[]::new))))
            .plan();

    // One user at a time, so the sequence is exact: a write, then each next one is throttled once.
    List<TargetAudit> results = Executions.all(executor(graph, 1), plan, false);

    assertTrue(
        results.stream().allMatch(r -> r.outcome() == TargetOutcome.SUCCEEDED), results.toString());
    assertEquals(
        List.of(1, 2, 2), results.stream().map(r -> r.actions().getFirst().attempts()).toList());
    assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(10)), waits);
    assertEquals(
        List.of(200, 429, 200, 429, 200),
        server.writeLog().stream().map(WriteRecord::status).toList());
  }

  @Test
  void ridesOutABurstOf503s() throws Exception {
    tenant.addUser("burst@contoso.com");
    GraphServiceClient graph = start(FakeGraphOptions.builder());
    Planner planner = new Planner(directory(graph, 999), Protection.none(), 100);
    StreamingPlan plan =
        assertInstanceOf(
                PlanResult.Streamed.class,
                planner.prepare(
                    event(
                        EventType.LEAVER,
                        List.of(Action.REVOKE_SESSIONS),
                        new Target.User("burst@contoso.com"))))
            .plan();
    server.faults().serviceUnavailable(3);

    TargetAudit result = Executions.all(executor(graph), plan, false).getFirst();

    assertEquals(TargetOutcome.SUCCEEDED, result.outcome());
    assertEquals(4, result.actions().getFirst().attempts());
    assertEquals(3, waits.size());
  }

  @Test
  void survivesConnectionsResetWithoutAnAnswer() throws Exception {
    tenant.addUser("reset@contoso.com");
    GraphServiceClient graph = start(FakeGraphOptions.builder());
    Planner planner = new Planner(directory(graph, 999), Protection.none(), 100);
    StreamingPlan plan =
        assertInstanceOf(
                PlanResult.Streamed.class,
                planner.prepare(
                    event(
                        EventType.LEAVER,
                        List.of(Action.REVOKE_SESSIONS),
                        new Target.User("reset@contoso.com"))))
            .plan();
    server.faults().connectionResets(2);

    TargetAudit result = Executions.all(executor(graph), plan, false).getFirst();

    // OkHttp may itself retry a reset connection once; either way the write lands exactly once.
    assertEquals(TargetOutcome.SUCCEEDED, result.outcome());
    assertEquals(1, server.writeLog().stream().filter(WriteRecord::accepted).count());
  }

  @Test
  void neverWritesToProtectedUsersOrMembersOfProtectedGroups() throws Exception {
    FakeUser glass = tenant.addUser("glass@contoso.com");
    FakeUser named = tenant.addUser("ceo@contoso.com");
    FakeUser leaver = tenant.addUser("leaver@contoso.com");
    FakeGroup breakGlass = tenant.addGroup("break-glass", glass);
    FakeGroup everyone = tenant.addGroup("everyone", named, leaver);
    tenant.addMembers(everyone.id(), breakGlass);
    GraphServiceClient graph = start(FakeGraphOptions.builder());

    List<TargetAudit> results =
        plannedAndRun(
            graph,
            new Protection(Set.of("CEO@contoso.com"), Set.of(breakGlass.id())),
            event(
                EventType.COMPROMISE,
                List.of(),
                new Target.Group(everyone.id()),
                new Target.User(glass.id())));

    assertEquals(Set.of(leaver.id()), writtenUsers());
    assertEquals(2, results.stream().filter(r -> r.outcome() == TargetOutcome.PROTECTED).count());
  }

  @Test
  void rejectsAnEventOverTheBlastRadiusBeforeAnyWrite() {
    FakeGroup big = tenant.addLargeGroup("big", 50, 4, 7);
    GraphServiceClient graph = start(FakeGraphOptions.builder());
    Planner planner = new Planner(directory(graph, 10), Protection.none(), 49);

    PlanResult result =
        planner.plan(event(EventType.LEAVER, List.of(), new Target.Group(big.id())));

    assertEquals("BlastRadiusExceeded", assertInstanceOf(PlanResult.Rejected.class, result).code());
    assertEquals(List.of(), server.writeLog());
  }
}
