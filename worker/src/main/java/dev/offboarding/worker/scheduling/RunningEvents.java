package dev.offboarding.worker.scheduling;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The events this process is executing now, by event id, so that a cancel event processed here can
 * ask a running one to start no further user at once. In-process only: a cancel taken by another
 * replica, or one that arrives while the event waits between two chunks, reaches it through the
 * {@link CancellationMarkers cancellation marker} it leaves in the broker instead. Thread-safe.
 */
public final class RunningEvents {
  private final ConcurrentHashMap<String, Set<Run>> running = new ConcurrentHashMap<>();

  /** One execution of an event, registered until closed. */
  public final class Run implements AutoCloseable {
    private final String eventId;
    private final String intakeQueue;
    private volatile String cancelledBecause;

    private Run(String eventId, String intakeQueue) {
      this.eventId = eventId;
      this.intakeQueue = intakeQueue;
    }

    /** True once a cancel event asked this execution to stop. */
    public boolean cancelled() {
      return cancelledBecause != null;
    }

    /** Who cancelled it and why, or null. */
    public String cancelledBecause() {
      return cancelledBecause;
    }

    @Override
    public void close() {
      running.computeIfPresent(
          eventId,
          (id, runs) -> {
            runs.remove(this);
            return runs.isEmpty() ? null : runs;
          });
    }
  }

  /** Registers an execution of event {@code eventId}; close it when the delivery ends. */
  public Run start(String eventId) {
    return start(eventId, null);
  }

  /**
   * Registers an execution of event {@code eventId}, which arrived on {@code intakeQueue} (a cancel
   * reaches it only if it may reach that queue); close it when the delivery ends.
   */
  public Run start(String eventId, String intakeQueue) {
    Run run = new Run(Objects.requireNonNull(eventId, "eventId"), intakeQueue);
    running.compute(
        eventId,
        (id, runs) -> {
          Set<Run> all = runs == null ? ConcurrentHashMap.newKeySet() : runs;
          all.add(run);
          return all;
        });
    return run;
  }

  /**
   * Asks every execution of event {@code eventId} in this process to start no further user.
   *
   * @param why who asked and why, for the audit
   * @return true when the event was running here
   */
  public boolean cancel(String eventId, String why) {
    return cancel(eventId, why, queue -> true);
  }

  /**
   * Asks every execution of event {@code eventId} in this process whose intake queue the cancel
   * {@code reaches} to start no further user.
   *
   * @return true when such an execution was running here
   */
  public boolean cancel(String eventId, String why, Predicate<String> reaches) {
    Set<Run> runs = running.get(eventId);
    if (runs == null || runs.isEmpty()) {
      return false;
    }
    boolean any = false;
    for (Run r : runs) {
      if (reaches.test(r.intakeQueue)) {
        r.cancelledBecause = why;
        any = true;
      }
    }
    return any;
  }
}
