package dev.offboarding.worker.testing;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Builds events for tests: fixed ones for domain tests, fresh ones for tests against a running
 * worker.
 */
public final class Events {
  private Events() {}

  public static OffboardingEvent leaver(Target... targets) {
    return event(EventType.LEAVER, List.of(), false, targets);
  }

  public static OffboardingEvent event(
      EventType type, List<Action> actions, boolean dryRun, Target... targets) {
    return new OffboardingEvent(
        "evt-1",
        "/hr/test",
        type,
        Instant.parse("2026-11-27T09:00:00Z"),
        new EventData(List.of(targets), actions, "test", "T-1", "tests", dryRun));
  }

  /**
   * A new event (random id, now) from {@code source}, with no actions: what a test sends to a
   * running worker.
   */
  public static OffboardingEvent fresh(
      String source,
      String reason,
      String ticket,
      String requestedBy,
      EventType type,
      Target... targets) {
    return new OffboardingEvent(
        UUID.randomUUID().toString(),
        source,
        type,
        Instant.now(),
        new EventData(List.of(targets), List.of(), reason, ticket, requestedBy, false));
  }
}
