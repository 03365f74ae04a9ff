package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.testkit.graph.FakeGraphOptions;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeGroup;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.graph.Faults;
import dev.offboarding.testkit.graph.WriteRecord;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.continuation.DeliveryBounds;
import dev.offboarding.worker.continuation.FollowUps;
import dev.offboarding.worker.execute.Executor;
import dev.offboarding.worker.execute.WriteBudget;
import dev.offboarding.worker.identity.AzureCredential;
import dev.offboarding.worker.identity.AzureCredentials;
import dev.offboarding.worker.identity.NoAzureCredentialException;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.plan.Planner;
import dev.offboarding.worker.process.EventProcessor;
import dev.offboarding.worker.protection.Protection;
import dev.offboarding.worker.resilience.OutageBreaker;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import dev.offboarding.worker.testing.Inbounds;
import dev.offboarding.worker.verify.Verifier;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import okhttp3.Interceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The failure taxonomy ({@link GraphErrors#kindOf}), walked row by row against the fake tenant over
 * a socket, through the processor built from the parts {@code Wiring} uses. Each row is a one-user
 * leaver event (revoke only, so the injected fault meets the revoke) and asserts both the user's
 * result and the settlement. A write failure never abandons or dead-letters the event.
 *
 * <pre>
 * injected                              kind         the user's result                          settlement
 * on the revoke (Faults.forceStatus, connectionResets with Scope.WRITES)
 * 400 Request_BadRequest                OTHER        FAILED, Graph's code                       Complete(null)
 * 403 Authorization_RequestDenied       FORBIDDEN    FORBIDDEN, Graph's code                    Complete(null)
 * 404 Request_ResourceNotFound          NOT_FOUND    NOT_FOUND, Graph's code                    Complete(null)
 * 409 (a 4xx without a row of its own)  OTHER        FAILED, Graph's code                       Complete(null)
 * 401 persisting (GRAPH_AUTH=none)      UNAVAILABLE  none yet: handed to a follow-up            Complete("transient")
 * 408, 500, 502, 503, 504 persisting    UNAVAILABLE  none yet: handed to a follow-up            Complete("transient")
 * 429 persisting                        THROTTLED    none yet: handed to a follow-up            Complete("transient")
 * connection reset persisting           UNAVAILABLE  none yet: handed to a follow-up            Complete("transient")
 * each transient row twice, then OK     (retried)    SUCCEEDED                                  Complete(null)
 * 503 through every round               UNAVAILABLE  FAILED RetriesExhausted, in the last round Complete(null)
 * on the token (GRAPH_AUTH=azure, a test TokenCredential)
 * none for the writes (ClientAuthenticationException)
 *                                       UNAVAILABLE  none yet: handed to a follow-up            Complete("transient")
 * none for planning                     UNAVAILABLE  nothing written, the event waits           Abandon
 * 401 once on a revoke or a disable     (token replaced with claims, request sent again once)
 *                                                    SUCCEEDED in 1 attempt                     Complete(null)
 * on a planning read (Faults.forceReadStatus)
 * 403 on a group target                 FORBIDDEN    that target FORBIDDEN, the others go on    Complete(null)
 * 400 on a group target                 OTHER        that target FAILED, the others go on       Complete(null)
 * 503 on a group target                 UNAVAILABLE  nothing written, the event waits           Abandon
 * </pre>
 */
class FailureTaxonomyTest {
  /** Each transient row is injected this often when it is to succeed after retries. */
  private static final int LIMITED = 2;

  /** Attempts per write: more than {@link #LIMITED}, so a limited fault is outlasted. */
  private static final int ATTEMPTS = 4;

  final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T09:00:00Z"));

  /** Waiting moves the shared clock; nothing sleeps for real. */
  final Sleeper sleeper = clock::advance;

  final FakeTenant tenant = new FakeTenant();
  final FakeUser alice = tenant.addUser("alice@contoso.com");
  final FakeUser bob = tenant.addUser("bob@contoso.com");
  final RecordingAudit audit = new RecordingAudit();
  final RecordingFollowUps followUps = new RecordingFollowUps();
  final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  FakeGraphServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  // ----------------------------------------------------------------------------- the rows

  static Stream<Arguments> finalStatuses() {
    return Stream.of(
        Arguments.of(400, TargetOutcome.FAILED, "Request_BadRequest"),
        Arguments.of(403, TargetOutcome.FORBIDDEN, "Authorization_RequestDenied"),
        Arguments.of(404, TargetOutcome.NOT_FOUND, "Request_ResourceNotFound"),
        Arguments.of(409, TargetOutcome.FAILED, "Request_MultipleObjectsWithSameKeyValue"));
  }

  @ParameterizedTest(name = "{0} on a revoke is final: {1} {2}")
  @MethodSource("finalStatuses")
  void givesAUserAFinalResultWithGraphsErrorCodeForAFinalStatus(
      int status, TargetOutcome outcome, String code) throws Exception {
    EventProcessor processor = processor(graphWithoutAuth());
    server.faults().forceStatus(alice.id(), status);

    Settlement settlement = processor.process(work(revoke(alice)));

    assertEquals(new Settlement.Complete(), settlement);
    TargetAudit result = audit.resultOf(alice.id());
    assertEquals(outcome, result.outcome());
    assertEquals(code, result.actions().get(0).errorCode());
    assertEquals(1, result.actions().get(0).attempts(), "a final status is never retried");
    assertEquals(List.of(), followUps.sent);
    assertEquals(1, audit.summaries.size());
  }

  /** The transient rows, each a way to inject it for every write until cleared, or a few times. */
  static Stream<Arguments> transientFaults() {
    Stream<Arguments> statuses =
        Stream.of(401, 408, 429, 500, 502, 503, 504)
            .map(
                status ->
                    Arguments.of(
                        String.valueOf(status),
                        (Injection)
                            (faults, user, times) -> faults.forceStatus(user.id(), status, times)));
    Stream<Arguments> reset =
        Stream.of(
            Arguments.of(
                "connection reset",
                (Injection)
                    (faults, user, times) ->
                        faults.connectionResets(times < 0 ? 1_000 : times, Faults.Scope.WRITES)));
    return Stream.concat(statuses, reset);
  }

  @FunctionalInterface
  interface Injection {
    /**
     * Injects the fault on the user's writes, {@code times} times, or until cleared when negative.
     */
    void inject(Faults faults, FakeUser user, int times);
  }

  @ParameterizedTest(name = "{0} persisting on a revoke: the user continues in a follow-up")
  @MethodSource("transientFaults")
  void handsAUserToAFollowUpWithoutAFinalResultWhileATransientFailurePersists(
      String row, Injection fault) throws Exception {
    EventProcessor processor = processor(graphWithoutAuth());
    fault.inject(server.faults(), alice, -1);

    Settlement settlement = processor.process(work(revoke(alice)));

    assertEquals(new Settlement.Complete(Settlement.Complete.TRANSIENT), settlement);
    assertNull(audit.resultOrNull(alice.id()), "no final result while the failure is transient");
    Continuation next = followUps.only();
    assertEquals(
        List.of(alice.id()), next.pending().stream().map(Continuation.Pending::userId).toList());
    assertEquals(1, next.pending().get(0).rounds());
    assertEquals(1, audit.summaries.size(), "the summary says the event continues");
    assertTrue(
        followUps.notBefore.get(0).isAfter(clock.instant()),
        "the follow-up waits before its round");
  }

  @Test
  void givesAUserOneFinalFailedResultWhenATransientFailureOutlastsEveryRound() throws Exception {
    EventProcessor processor = processor(graphWithoutAuth());
    server.faults().forceStatus(alice.id(), 503);
    ContinuationCodec codec = new ContinuationCodec();
    int rounds = DeliveryBounds.defaults().maxRounds();

    List<Settlement> settlements = new ArrayList<>();
    settlements.add(processor.process(work(revoke(alice))));
    while (settlements
            .get(settlements.size() - 1)
            .equals(new Settlement.Complete(Settlement.Complete.TRANSIENT))
        && settlements.size() <= rounds) {
      Continuation next = followUps.sent.get(followUps.sent.size() - 1);
      settlements.add(
          processor.process(
              new EventProcessor.Work(
                  Inbounds.of(codec.encode(next), "1"),
                  true,
                  audit,
                  followUps,
                  () -> false,
                  () -> {})));
    }

    assertEquals(rounds, settlements.size(), "one delivery per round: " + settlements);
    assertEquals(new Settlement.Complete(), settlements.get(rounds - 1));
    TargetAudit result = audit.resultOf(alice.id());
    assertEquals(TargetOutcome.FAILED, result.outcome());
    assertEquals(Executor.RETRIES_EXHAUSTED, result.actions().get(0).errorCode());
    assertEquals(rounds - 1, followUps.sent.size());
    assertTrue(server.writeLog().stream().allMatch(w -> w.status() == 503));
  }

  @ParameterizedTest(name = "{0} twice on a revoke, then OK: retried and SUCCEEDED")
  @MethodSource("transientFaults")
  void retriesATransientFailureInjectedAFewTimesAndSucceeds(String row, Injection fault)
      throws Exception {
    EventProcessor processor = processor(graphWithoutAuth());
    fault.inject(server.faults(), alice, LIMITED);

    Settlement settlement = processor.process(work(revoke(alice)));

    assertEquals(new Settlement.Complete(), settlement);
    TargetAudit result = audit.resultOf(alice.id());
    assertEquals(TargetOutcome.SUCCEEDED, result.outcome());
    assertTrue(
        result.actions().get(0).attempts() > 1 || row.equals("connection reset"),
        "the failure was answered and retried: " + result.actions().get(0).attempts());
    assertEquals(List.of(), followUps.sent);
    assertTrue(tenant.requireUser(alice.id()).signInSessionsValidFromDateTime() != null);
  }

  // ------------------------------------------------------------------------------ tokens

  @Test
  void letsTheEventWaitWithNothingWrittenWhenNoTokenCanBeAcquiredForPlanning() throws Exception {
    CountingCredential tokens = new CountingCredential();
    tokens.failing = true;
    EventProcessor processor = processor(graphWithAzureAuth(tokens));

    // By UPN: planning reads it (a user given by id is written without a read first).
    Settlement settlement =
        processor.process(
            work(
                event(
                    List.of(Action.REVOKE_SESSIONS), new Target.User(alice.userPrincipalName()))));

    assertInstanceOf(Settlement.Abandon.class, settlement);
    assertEquals(List.of(), server.writeLog());
    assertEquals(List.of(), audit.targets);
    assertEquals(List.of(), followUps.sent);
  }

  @Test
  void letsTheEventWaitWithNothingWrittenWhenNoAzureCredentialIsThere() throws Exception {
    // What makes the one-shot commands stop at once is, for the running worker, a transient
    // failure:
    // the credential may yet appear (a token file mounted late, someone signing in), and no user is
    // given a final outcome for it.
    AzureCredential nothingThere =
        AzureCredentials.forGraph(Map.of("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential"));
    EventProcessor processor = processor(graphWithAzureAuth(nothingThere));

    Settlement settlement =
        processor.process(
            work(
                event(
                    List.of(Action.REVOKE_SESSIONS), new Target.User(alice.userPrincipalName()))));

    assertInstanceOf(Settlement.Abandon.class, settlement);
    assertEquals(List.of(), server.writeLog());
    assertEquals(List.of(), audit.targets);
    assertEquals(List.of(), followUps.sent);
  }

  @Test
  void translatesAMissingCredentialIntoATransientFailureThatSaysWhatToSet() {
    AzureCredential nothingThere =
        AzureCredentials.forGraph(Map.of("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential"));
    NoAzureCredentialException none =
        org.junit.jupiter.api.Assertions.assertThrows(
            NoAzureCredentialException.class,
            () ->
                nothingThere.getTokenSync(
                    new TokenRequestContext().addScopes("https://graph.microsoft.com/.default")));

    // As the Graph SDK hands it over: wrapped by the request that needed the token.
    GraphFailure failure =
        GraphErrors.translate(new IllegalStateException("request failed", none), clock);

    assertEquals(GraphFailure.Kind.UNAVAILABLE, failure.kind());
    assertTrue(failure.isTransient());
    assertEquals("TokenAcquisitionFailed", failure.errorCode());
    assertTrue(
        failure
            .getMessage()
            .startsWith("no Graph token could be acquired: no Azure credential found"),
        failure.getMessage());
    assertTrue(failure.getMessage().contains("AZURE_FEDERATED_TOKEN_FILE"), failure.getMessage());
  }

  @Test
  void treatsATokenThatCannotBeAcquiredForTheWritesAsTransientAndContinuesTheUser()
      throws Exception {
    CountingCredential tokens = new CountingCredential();
    // Tokens inside the early-renewal window are fetched for every request; the first heartbeat
    // comes after planning, so from then on Entra ID refuses: the writes find no token.
    tokens.lifetime = Duration.ofMinutes(1);
    EventProcessor processor = processor(graphWithAzureAuth(tokens));
    EventProcessor.Work work =
        new EventProcessor.Work(
            Inbounds.of(new EventCodec().encode(revoke(alice)), "1"),
            false,
            audit,
            followUps,
            () -> false,
            () -> tokens.failing = true);

    Settlement settlement = processor.process(work);

    assertEquals(new Settlement.Complete(Settlement.Complete.TRANSIENT), settlement);
    assertNull(audit.resultOrNull(alice.id()), "no final result for a credential failure");
    assertEquals(
        List.of(alice.id()),
        followUps.only().pending().stream().map(Continuation.Pending::userId).toList());
    assertEquals(List.of(), server.writeLog(), "nothing is sent without a token");
    assertTrue(
        tokens.refused.get() >= ATTEMPTS,
        "every attempt asked for a token: " + tokens.refused.get());
  }

  @Test
  void replacesARefusedTokenWithClaimsAndSendsTheRevokeAgainSoTheUserSucceeds() throws Exception {
    CountingCredential tokens = new CountingCredential();
    EventProcessor processor = processor(graphWithAzureAuth(tokens));
    server.faults().forceStatus(alice.id(), 401, 1);

    Settlement settlement = processor.process(work(revoke(alice)));

    assertEquals(new Settlement.Complete(), settlement);
    TargetAudit result = audit.resultOf(alice.id());
    assertEquals(TargetOutcome.SUCCEEDED, result.outcome());
    assertEquals(1, result.actions().get(0).attempts(), "the resend is part of the same attempt");
    assertEquals(2, tokens.requests.size(), "asked once, then again after the 401");
    assertNull(tokens.requests.get(0).getClaims());
    assertNotNull(
        tokens.requests.get(1).getClaims(), "the renewal skips the identity library's cache");
    List<WriteRecord> revokes = server.writeLog();
    assertEquals(List.of(401, 200), revokes.stream().map(WriteRecord::status).toList());
    List<String> sentWith = authorizations.stream().filter(a -> a.startsWith("POST ")).toList();
    assertEquals(List.of("POST Bearer token-1", "POST Bearer token-2"), sentWith);
    assertEquals(List.of(), followUps.sent);
  }

  @Test
  void replacesARefusedTokenAndSendsADisableAgainWithItsBody() throws Exception {
    CountingCredential tokens = new CountingCredential();
    EventProcessor processor = processor(graphWithAzureAuth(tokens));
    server.faults().forceStatus(alice.id(), 401, 1);

    Settlement settlement =
        processor.process(
            work(event(List.of(Action.DISABLE_ACCOUNT), new Target.User(alice.id()))));

    assertEquals(new Settlement.Complete(), settlement);
    assertEquals(TargetOutcome.SUCCEEDED, audit.resultOf(alice.id()).outcome());
    assertEquals(List.of(401, 204), server.writeLog().stream().map(WriteRecord::status).toList());
    assertEquals(
        List.of(WriteRecord.Kind.DISABLE, WriteRecord.Kind.DISABLE),
        server.writeLog().stream().map(WriteRecord::kind).toList(),
        "the PATCH is sent again whole");
    assertFalse(tenant.requireUser(alice.id()).accountEnabled());
  }

  // ------------------------------------------------------------------------------- reads

  @Test
  void failsAForbiddenGroupTargetWithGraphsCodeWhileAUserTargetOfTheSameEventCompletes()
      throws Exception {
    FakeGroup secret = tenant.addGroup("Secret", bob);
    EventProcessor processor = processor(graphWithoutAuth());
    server.faults().forceReadStatus(secret.id(), 403);

    Settlement settlement =
        processor.process(
            work(event(List.of(), new Target.Group(secret.id()), new Target.User(alice.id()))));

    assertEquals(new Settlement.Complete(), settlement);
    TargetAudit group = audit.resultOfTarget("group:" + secret.id());
    assertEquals(TargetOutcome.FORBIDDEN, group.outcome());
    assertEquals("Authorization_RequestDenied", group.actions().get(0).errorCode());
    assertEquals(TargetOutcome.SUCCEEDED, audit.resultOf(alice.id()).outcome());
    assertFalse(server.writeLog().stream().anyMatch(w -> w.userId().equals(bob.id())));
  }

  @Test
  void failsAGroupTargetAnswering400AndCompletesTheEvent() throws Exception {
    FakeGroup odd = tenant.addGroup("Odd", bob);
    EventProcessor processor = processor(graphWithoutAuth());
    server.faults().forceReadStatus(odd.id(), 400);

    Settlement settlement =
        processor.process(
            work(event(List.of(), new Target.Group(odd.id()), new Target.User(alice.id()))));

    assertEquals(new Settlement.Complete(), settlement);
    TargetAudit group = audit.resultOfTarget("group:" + odd.id());
    assertEquals(TargetOutcome.FAILED, group.outcome());
    assertEquals("Request_BadRequest", group.actions().get(0).errorCode());
    assertEquals(TargetOutcome.SUCCEEDED, audit.resultOf(alice.id()).outcome());
  }

  @Test
  void letsTheEventWaitWithNothingWrittenWhenAPlanningReadAnswers503() throws Exception {
    FakeGroup busy = tenant.addGroup("Busy", bob);
    EventProcessor processor = processor(graphWithoutAuth());
    server.faults().forceReadStatus(busy.id(), 503);

    Settlement settlement =
        processor.process(
            work(event(List.of(), new Target.User(alice.id()), new Target.Group(busy.id()))));

    assertInstanceOf(Settlement.Abandon.class, settlement);
    assertEquals(List.of(), server.writeLog());
    assertEquals(List.of(), audit.targets);
    assertEquals(List.of(), audit.summaries);
    assertEquals(List.of(), followUps.sent);
  }

  // ----------------------------------------------------------------------------- helpers

  private GraphServiceClient graphWithoutAuth() {
    server = FakeGraphServer.start(tenant, FakeGraphOptions.builder().clock(clock).build());
    return GraphClients.create(
        WorkerConfig.forGraphOnly(Map.of("GRAPH_BASE_URL", server.baseUrl(), "GRAPH_AUTH", "none")),
        recordAuthorization());
  }

  /**
   * Azure authentication against the fake tenant over plain http: Kiota sends tokens over http only
   * to localhost, [::1], ::1 and 127.0.0.1, and the fake tenant listens on 127.0.0.1.
   */
  private GraphServiceClient graphWithAzureAuth(TokenCredential credential) {
    server = FakeGraphServer.start(tenant, FakeGraphOptions.builder().clock(clock).build());
    assertTrue(URI.create(server.baseUrl()).getHost().equals("127.0.0.1"), server.baseUrl());
    return GraphClients.create(
        WorkerConfig.forGraphOnly(
            Map.of("GRAPH_BASE_URL", server.baseUrl(), "GRAPH_AUTH", "azure")),
        credential,
        recordAuthorization());
  }

  private Interceptor recordAuthorization() {
    return chain -> {
      authorizations.add(chain.request().method() + " " + chain.request().header("Authorization"));
      return chain.proceed(chain.request());
    };
  }

  /** The processor as {@code Wiring} builds it, with small retry waits that only move the clock. */
  private EventProcessor processor(GraphServiceClient graph) {
    RetryPolicy retries = new RetryPolicy(ATTEMPTS, Duration.ofMillis(10), Duration.ofMillis(100));
    GraphDirectory directory =
        new GraphDirectory(graph, URI.create(server.baseUrl()), retries, sleeper, clock);
    Planner planner =
        new Planner(
            directory,
            new Protection(
                java.util.Set.of(), java.util.Set.of(), clock, Protection.DEFAULT_MAX_STALENESS),
            1_000);
    Executor executor =
        new Executor(
            new GraphAccountWrites(graph, clock),
            WriteBudget.UNLIMITED,
            retries,
            OutageBreaker.create(clock),
            new Verifier(directory, sleeper, clock),
            sleeper,
            clock,
            4);
    return EventProcessor.builder(planner, executor, clock).build();
  }

  private EventProcessor.Work work(OffboardingEvent event) {
    return new EventProcessor.Work(
        Inbounds.of(new EventCodec().encode(event), "1"),
        false,
        audit,
        followUps,
        () -> false,
        () -> {});
  }

  private static OffboardingEvent revoke(FakeUser user) {
    return event(List.of(Action.REVOKE_SESSIONS), new Target.User(user.id()));
  }

  private static OffboardingEvent event(List<Action> actions, Target... targets) {
    return new OffboardingEvent(
        "evt-taxonomy",
        "/tests",
        EventType.LEAVER,
        null,
        new EventData(List.of(targets), actions, "failure taxonomy", null, null, false));
  }

  /** Records what the processor published. */
  static final class RecordingAudit implements AuditSink {
    final List<TargetAudit> targets = Collections.synchronizedList(new ArrayList<>());
    final List<SummaryAudit> summaries = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void targets(List<TargetAudit> results) {
      targets.addAll(results);
    }

    @Override
    public void summary(SummaryAudit summary) {
      summaries.add(summary);
    }

    TargetAudit resultOrNull(String userId) {
      List<TargetAudit> mine = targets.stream().filter(t -> userId.equals(t.userId())).toList();
      assertTrue(mine.size() <= 1, "at most one final result per user: " + mine);
      return mine.isEmpty() ? null : mine.get(0);
    }

    TargetAudit resultOf(String userId) {
      TargetAudit result = resultOrNull(userId);
      assertNotNull(result, "no result for " + userId + " in " + targets);
      return result;
    }

    TargetAudit resultOfTarget(String via) {
      List<TargetAudit> mine =
          targets.stream().filter(t -> t.userId() == null && t.via().contains(via)).toList();
      assertEquals(1, mine.size(), "one result for target " + via + " in " + targets);
      return mine.get(0);
    }
  }

  /** Records each follow-up instead of enqueueing it. */
  static final class RecordingFollowUps implements FollowUps {
    final List<Continuation> sent = Collections.synchronizedList(new ArrayList<>());
    final List<Instant> notBefore = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void send(String eventId, Continuation next, Instant at) {
      sent.add(next);
      notBefore.add(at);
    }

    @Override
    public void hold(Inbound.Event event, Instant dueAt) {
      throw new AssertionError("no event here takes effect later");
    }

    Continuation only() {
      assertEquals(1, sent.size(), "one follow-up");
      return sent.get(0);
    }
  }

  /**
   * Hands out token-1, token-2, ... and records every request for one; while {@code failing},
   * refuses as Entra ID does ({@link ClientAuthenticationException}).
   */
  static final class CountingCredential implements TokenCredential {
    final List<TokenRequestContext> requests = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger issued = new AtomicInteger();
    volatile boolean failing;
    volatile Duration lifetime = Duration.ofHours(1);

    @Override
    public reactor.core.publisher.Mono<AccessToken> getToken(TokenRequestContext request) {
      return reactor.core.publisher.Mono.fromCallable(() -> getTokenSync(request));
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
      if (failing) {
        refused.incrementAndGet();
        throw new ClientAuthenticationException(
            "AADSTS7000215: Invalid client secret provided.", null);
      }
      requests.add(request);
      return new AccessToken(
          "token-" + issued.incrementAndGet(), OffsetDateTime.now(ZoneOffset.UTC).plus(lifetime));
    }
  }
}
