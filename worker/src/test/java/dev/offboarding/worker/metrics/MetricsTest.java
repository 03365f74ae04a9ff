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
    metrics.targetResult("dev.offboarding.leaver.v1", new TargetAudit("e-1", "u-1", "a@b.c", List.of("user:a@b.c"),
        false, TargetOutcome.SUCCEEDED, null,
        List.of(ActionResult.succeeded(Action.REVOKE_SESSIONS, 2, "r", t0, t0.plusSeconds(2))), false), t0);
    metrics.graphRequest("post", 429);
    metrics.graphThrottled();
    metrics.auditPublished("summary", "topic", 1);
    metrics.settlementFailed("complete");
    metrics.intakePaused(true);

    String text = metrics.scrape();

    for (String name : List.of(Metrics.EVENTS, Metrics.EVENTS_IN_FLIGHT, Metrics.EVENT_RETRIES, Metrics.TARGETS,
        Metrics.TIME_TO_REVOKE + "_bucket", Metrics.TIME_TO_REVOKE + "_count", Metrics.GRAPH_REQUESTS,
        Metrics.GRAPH_THROTTLED, Metrics.GRAPH_RETRIES, Metrics.AUDIT_MESSAGES, Metrics.SETTLEMENT_FAILURES,
        Metrics.INTAKE_PAUSED, Metrics.INTAKE_PAUSES)) {
      assertTrue(text.contains("\n" + name + "{") || text.contains("\n" + name + " "), name + " missing:\n" + text);
    }
    assertTrue(text.contains("status=\"429\""), text);
    assertTrue(!text.contains("u-1") && !text.contains("a@b.c") && !text.contains("e-1"), "an id leaked:\n" + text);
  }

  @Test
  void tagsAnUnknownEventTypeAsInvalidSoTheTagSetStaysClosed() {
    Metrics metrics = new Metrics();

    metrics.eventSettled("dev.evil.<script>", "REJECTED");

    assertTrue(metrics.scrape().contains("type=\"invalid\""));
    assertTrue(!metrics.scrape().contains("dev.evil"));
  }
}
