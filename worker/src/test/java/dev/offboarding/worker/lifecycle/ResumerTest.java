package dev.offboarding.worker.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.ResumeAudit;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.worker.audit.AuditSink;
import dev.offboarding.worker.audit.Settlement;
import dev.offboarding.worker.execute.WriteBudget;
import dev.offboarding.worker.intake.Inbound;
import dev.offboarding.worker.resilience.RetryPolicy;
import dev.offboarding.worker.tenant.GraphFailure;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resume's retries, throttling and audit, with hand-written fakes at its ports. */
class ResumerTest {
  final List<String> calls = new ArrayList<>();
  final Deque<GraphFailure> failures = new ArrayDeque<>();
  final List<ResumeAudit> audits = new ArrayList<>();
  final List<Duration> throttled = new ArrayList<>();
  final List<Duration> slept = new ArrayList<>();
  final List<String> counted = new ArrayList<>();
  int budgetAcquired;

  final TaskResumes graph =
      (task, status) -> {
        calls.add(task.resultId() + ":" + status);
        GraphFailure next = failures.poll();
        if (next != null) {
          throw next;
        }
        return "req-" + calls.size();
      };
  final WriteBudget budget =
      new WriteBudget() {
        @Override
        public void acquire(boolean urgent) {
          budgetAcquired++;
        }

        @Override
        public void onThrottled(Duration retryAfter) {
          throttled.add(retryAfter);
        }

        @Override
        public void onAccepted() {}
      };
  final AuditSink audit =
      new AuditSink() {
        @Override
        public void targets(List<TargetAudit> results) {}

        @Override
        public void summary(SummaryAudit summary) {}

        @Override
        public void resume(ResumeAudit a) {
          audits.add(a);
        }
      };
  final Resumer resumer =
      new Resumer(
          graph,
          budget,
          new RetryPolicy(3, Duration.ofMillis(5), Duration.ofSeconds(30)),
          slept::add,
          counted::add);

  static Inbound.Resume pending(String operationStatus) {
    OffboardingEvent e =
        LifecycleWorkflowsTest.event(
            LifecycleWorkflowsTest.TASK_ID, EventType.LEAVER, new Target.User("alice@contoso.com"));
    PendingResume r =
        new PendingResume(
            new EventCodec().encode(e),
            "3@offboarding-events",
            "offboarding-events",
            operationStatus,
            SummaryStatus.COMPLETED);
    LifecycleTask task = ((LifecycleTask.Named) LifecycleTask.parse(e.id())).task();
    return new Inbound.Resume(r, e, task, "offboarding-internal", r.origin());
  }

  static GraphFailure failure(
      GraphFailure.Kind kind, int status, String code, Duration retryAfter) {
    return new GraphFailure(
        kind, status, code, "HTTP " + status + " " + code, "rid-" + status, retryAfter, null);
  }

  @Test
  void aThrottledResumeWaitsForRetryAfterThroughTheBudgetAndIsAuditedOnceAccepted()
      throws Exception {
    failures.add(
        failure(GraphFailure.Kind.THROTTLED, 429, "TooManyRequests", Duration.ofSeconds(7)));

    Settlement s = resumer.resume(pending("completed"), audit, false);

    assertInstanceOf(Settlement.Complete.class, s);
    assertEquals(2, calls.size());
    assertEquals(2, budgetAcquired, "every attempt passes the write budget");
    assertEquals(List.of(Duration.ofSeconds(7)), throttled);
    assertEquals(List.of(Duration.ofSeconds(7)), slept);
    ResumeAudit a = audits.get(0);
    assertEquals(ResumeAudit.Outcome.RESUMED, a.outcome());
    assertEquals(2, a.attempts());
    assertEquals("req-2", a.requestId());
    assertEquals("offboarding-events", a.provenance().queue());
    assertEquals(List.of("resumed"), counted);
  }

  @Test
  void aClientErrorIsAuditedAndNeverRetried() throws Exception {
    failures.add(failure(GraphFailure.Kind.OTHER, 400, "BadRequest", null));

    Settlement s = resumer.resume(pending("failed"), audit, true);

    assertInstanceOf(Settlement.Complete.class, s);
    assertEquals(1, calls.size());
    ResumeAudit a = audits.get(0);
    assertEquals(ResumeAudit.Outcome.REFUSED, a.outcome());
    assertEquals(400, a.httpStatus());
    assertEquals("BadRequest", a.errorCode());
    assertEquals("failed", a.operationStatus());
    assertTrue(a.redelivery());
    assertEquals(List.of("refused"), counted);
  }

  @Test
  void aNotFoundAndAForbiddenAreRefusalsToo() throws Exception {
    failures.add(failure(GraphFailure.Kind.NOT_FOUND, 404, "ResourceNotFound", null));
    resumer.resume(pending("completed"), audit, false);
    failures.add(failure(GraphFailure.Kind.FORBIDDEN, 403, "Authorization_RequestDenied", null));
    resumer.resume(pending("completed"), audit, false);

    assertEquals(List.of(404, 403), audits.stream().map(ResumeAudit::httpStatus).toList());
    assertEquals(2, calls.size());
  }

  @Test
  void anOutageLongerThanTheRetriesLeavesThePendingResumeForAnotherDeliveryWithNoAudit()
      throws Exception {
    for (int i = 0; i < 5; i++) {
      failures.add(failure(GraphFailure.Kind.UNAVAILABLE, 503, "ServiceUnavailable", null));
    }

    Settlement s = resumer.resume(pending("completed"), audit, false);

    assertInstanceOf(Settlement.Abandon.class, s);
    assertEquals(3, calls.size());
    assertTrue(audits.isEmpty());
    assertEquals(List.of("abandoned"), counted);
  }

  @Test
  void anAuditThatIsNotPublishedLeavesThePendingResume() throws Exception {
    AuditSink failing =
        new AuditSink() {
          @Override
          public void targets(List<TargetAudit> results) {}

          @Override
          public void summary(SummaryAudit summary) {}

          @Override
          public void resume(ResumeAudit a) {
            throw new AuditSink.AuditException("topic unavailable", null);
          }
        };

    assertInstanceOf(
        Settlement.Abandon.class, resumer.resume(pending("completed"), failing, false));
  }
}
