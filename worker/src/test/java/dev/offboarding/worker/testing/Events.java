package dev.offboarding.worker.testing;

import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import java.time.Instant;
import java.util.List;

/** Builds events for domain tests. */
public final class Events {
  private Events() {}

  public static OffboardingEvent leaver(Target... targets) {
    return event(EventType.LEAVER, List.of(), false, targets);
  }

  public static OffboardingEvent event(EventType type, List<Action> actions, boolean dryRun, Target... targets) {
    return new OffboardingEvent("evt-1", "/hr/test", type, Instant.parse("2026-11-27T09:00:00Z"),
        new EventData(List.of(targets), actions, "test", "T-1", "tests", dryRun));
  }
}
