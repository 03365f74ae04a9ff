package dev.offboarding.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void exportsEveryMetricUnderItsDocumentedPrometheusName() {
    Metrics metrics = new Metrics();
    Instant t0 = Instant.parse("2026-11-27T09:00:00Z");
    metrics.eventSettled("dev.offboarding.leaver.v1", "COMPLETED");
    metrics.eventRetried("transient");
    metrics.targetResult(
        "dev.offboarding.leaver.v1",
        TargetAudit.builder("e-1", TargetOutcome.SUCCEEDED)
            .userId("u-1")
            .userPrincipalName("a@b.c")
            .via(List.of("user:a@b.c"))
            .actions(
                List.of(
                    ActionResult.succeeded(Action.REVOKE_SESSIONS, 2, "r", t0, t0.plusSeconds(2))))
            .build(),
        t0);
    metrics.graphRequest("post", 429);
    metrics.graphThrottled();
    metrics.auditPublished("summary", "topic", 1);
    metrics.settlementFailed("complete");
    metrics.intakePaused(true);

    String text = metrics.scrape();

    for (String name :
        List.of(
            Metrics.EVENTS,
            Metrics.EVENTS_IN_FLIGHT,
            Metrics.EVENT_RETRIES,
            Metrics.TARGETS,
            Metrics.TIME_TO_REVOKE + "_bucket",
            Metrics.TIME_TO_REVOKE + "_count",
            Metrics.GRAPH_REQUESTS,
            Metrics.GRAPH_THROTTLED,
            Metrics.GRAPH_RETRIES,
            Metrics.AUDIT_MESSAGES,
            Metrics.SETTLEMENT_FAILURES,
            Metrics.INTAKE_PAUSED,
            Metrics.INTAKE_PAUSES)) {
      assertTrue(
          text.contains("\n" + name + "{") || text.contains("\n" + name + " "),
          name + " missing:\n" + text);
    }
    assertTrue(text.contains("status=\"429\""), text);
    assertTrue(
        !text.contains("u-1") && !text.contains("a@b.c") && !text.contains("e-1"),
        "an id leaked:\n" + text);
  }

  @Test
  void countsLifecycleWorkflowsResumesByOutcomeFromZero() {
    Metrics metrics = new Metrics();

    for (String outcome : Metrics.LIFECYCLE_RESUME_OUTCOMES) {
      assertTrue(
          metrics
              .scrape()
              .contains(Metrics.LIFECYCLE_RESUMES + "{outcome=\"" + outcome + "\"} 0.0"),
          metrics.scrape());
    }
    metrics.lifecycleResume("refused");
    assertTrue(
        metrics.scrape().contains(Metrics.LIFECYCLE_RESUMES + "{outcome=\"refused\"} 1.0"),
        metrics.scrape());
  }

  @Test
  void countsUsersReEnabledFromZeroAndPolicyViolationsByConfiguredQueueFromZero() {
    Metrics metrics = new Metrics();
    metrics.intakeQueues(List.of("offboarding-events", "offboarding-urgent", "offboarding-ops"));
    assertTrue(metrics.scrape().contains("\n" + Metrics.RESTORES + " 0.0"), metrics.scrape());
    assertTrue(
        metrics.scrape().contains(Metrics.POLICY_VIOLATIONS + "{queue=\"offboarding-ops\"} 0.0"),
        metrics.scrape());
    Instant t0 = Instant.parse("2026-11-27T09:00:00Z");
    TargetAudit enabled =
        TargetAudit.builder("e-1", TargetOutcome.SUCCEEDED)
            .userId("u-1")
            .via(List.of("user:u-1"))
            .actions(List.of(ActionResult.succeeded(Action.ENABLE_ACCOUNT, 1, "r", t0, t0)))
            .build();
    TargetAudit refused =
        TargetAudit.builder("e-1", TargetOutcome.SKIPPED)
            .userId("u-2")
            .via(List.of("user:u-2"))
            .detail("cooldown")
            .actions(
                List.of(ActionResult.skipped(Action.ENABLE_ACCOUNT, "RestoreCooldown", "cooldown")))
            .build();

    metrics.targetResult("dev.offboarding.restore.v1", enabled, t0);
    metrics.targetResult("dev.offboarding.restore.v1", refused, t0);
    metrics.policyViolation("offboarding-urgent");

    org.junit.jupiter.api.Assertions.assertEquals(1.0, metrics.count(Metrics.RESTORES));
    org.junit.jupiter.api.Assertions.assertEquals(
        1.0, metrics.count(Metrics.POLICY_VIOLATIONS, "queue", "offboarding-urgent"));
  }

  @Test
  void tagsAnUnknownEventTypeAsInvalidSoTheTagSetStaysClosed() {
    Metrics metrics = new Metrics();

    metrics.eventSettled("dev.evil.<script>", "REJECTED");

    assertTrue(metrics.scrape().contains("type=\"invalid\""));
    assertTrue(!metrics.scrape().contains("dev.evil"));
  }

  @Test
  void theSignInWatchsSeriesExistAtZeroFromStartWithEveryOutcome() {
    Metrics metrics = new Metrics();
    String text = metrics.scrape();

    assertTrue(text.contains("\n" + Metrics.SIGN_INS_AFTER_REVOKE + " 0.0"), text);
    for (String outcome : Metrics.WATCH_POLL_OUTCOMES) {
      assertTrue(
          text.contains(Metrics.SIGN_IN_WATCH_POLLS + "{outcome=\"" + outcome + "\"} 0.0"),
          outcome + "\n" + text);
    }
    for (String outcome : Metrics.WATCH_WINDOW_OUTCOMES) {
      assertTrue(
          text.contains(Metrics.SIGN_IN_WATCH_WINDOWS + "{outcome=\"" + outcome + "\"} 0.0"),
          outcome + "\n" + text);
    }

    metrics.signInAfterRevoke();
    assertTrue(
        text.contains(Metrics.AUDIT_MESSAGES + "{entity=\"topic\",type=\"access\"} 0.0"), text);
    metrics.eventSettled(dev.offboarding.worker.codec.WatchEntryCodec.FORMAT, "COMPLETED");
    assertTrue(
        metrics
            .scrape()
            .lines()
            .filter(l -> l.startsWith(Metrics.EVENTS + "{"))
            .allMatch(l -> l.endsWith(" 0.0")),
        "a watch entry settled is no event processed");
    metrics.watchPolled("read");
    metrics.watchPolled("anything else");
    metrics.watchWindowClosed("none_seen");

    org.junit.jupiter.api.Assertions.assertEquals(
        1.0, metrics.count(Metrics.SIGN_INS_AFTER_REVOKE));
    org.junit.jupiter.api.Assertions.assertEquals(
        1.0, metrics.count(Metrics.SIGN_IN_WATCH_POLLS, "outcome", "read"));
    org.junit.jupiter.api.Assertions.assertEquals(
        1.0,
        metrics.count(Metrics.SIGN_IN_WATCH_POLLS, "outcome", "failed"),
        "an outcome outside the closed set counts as failed, never as a new label value");
    org.junit.jupiter.api.Assertions.assertEquals(
        1.0, metrics.count(Metrics.SIGN_IN_WATCH_WINDOWS, "outcome", "none_seen"));
  }

  @Test
  void everySeriesOfAClosedLabelSetExistsAtZeroBeforeAnything() {
    String text = new Metrics().scrape();

    for (String type : Metrics.EVENT_TYPES) {
      for (String outcome : Metrics.EVENT_OUTCOMES) {
        assertTrue(
            text.contains(
                Metrics.EVENTS + "{outcome=\"" + outcome + "\",type=\"" + type + "\"} 0.0"),
            type + " " + outcome + ":\n" + text);
      }
    }
    for (String reason : Metrics.CONTINUATION_REASONS) {
      assertTrue(text.contains(Metrics.CONTINUATIONS + "{reason=\"" + reason + "\"} 0.0"), reason);
    }
    for (String settlement : Metrics.SETTLEMENTS) {
      assertTrue(
          text.contains(Metrics.SETTLEMENT_FAILURES + "{settlement=\"" + settlement + "\"} 0.0"),
          settlement);
    }
    for (Action action : Action.values()) {
      for (String result : List.of("verified", "unverified")) {
        assertTrue(
            text.contains(
                Metrics.VERIFICATIONS
                    + "{action=\""
                    + action.wireName()
                    + "\",result=\""
                    + result
                    + "\"} 0.0"),
            action + " " + result);
      }
      assertTrue(
          text.contains(Metrics.GRAPH_RETRIES + "{action=\"" + action.wireName() + "\"} 0.0"),
          action.name());
      for (TargetOutcome outcome : TargetOutcome.values()) {
        assertTrue(
            text.contains(
                Metrics.TARGETS
                    + "{action=\""
                    + action.wireName()
                    + "\",outcome=\""
                    + outcome
                    + "\"} 0.0"),
            action + " " + outcome);
      }
    }
    for (String type : List.of("leaver", "compromise")) {
      assertTrue(
          text.contains(Metrics.TIME_TO_REVOKE + "_bucket{type=\"" + type + "\",le=\"60.0\"} 0"),
          type + ":\n" + text);
    }
    for (String name :
        List.of(
            Metrics.GRAPH_THROTTLED,
            Metrics.GRAPH_LIMIT_WARNINGS,
            Metrics.INTAKE_PAUSES,
            Metrics.RESTORES)) {
      assertTrue(text.contains("\n" + name + " 0.0"), name);
    }
    assertTrue(text.contains(Metrics.EVENT_RETRIES + "{reason=\"transient\"} 0.0"), text);
    assertTrue(
        text.contains(Metrics.GRAPH_REQUESTS + "{method=\"PATCH\",status=\"204\"} 0.0"), text);
  }

  @Test
  void theContinuationReasonsAreTheSettlementsOwn() {
    org.junit.jupiter.api.Assertions.assertEquals(
        java.util.Set.copyOf(Metrics.CONTINUATION_REASONS),
        java.util.Set.of(
            dev.offboarding.worker.audit.Settlement.Complete.BOUND,
                dev.offboarding.worker.audit.Settlement.Complete.TRANSIENT,
            dev.offboarding.worker.audit.Settlement.Complete.SHUTDOWN,
                dev.offboarding.worker.audit.Settlement.Complete.BRAKE));
  }
}
