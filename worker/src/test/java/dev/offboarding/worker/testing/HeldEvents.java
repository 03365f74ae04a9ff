package dev.offboarding.worker.testing;

import dev.offboarding.worker.scheduling.ScheduledEvents;
import java.util.ArrayList;
import java.util.List;

/** The broker's scheduled messages, in memory: tests add what a worker held and read it back. */
public final class HeldEvents implements ScheduledEvents {
  /** The held messages, in the order they were added. */
  public final List<Held> held = new ArrayList<>();

  @Override
  public List<Held> find(String eventId) {
    return held.stream().filter(h -> h.eventId().equals(eventId)).toList();
  }

  @Override
  public void cancel(Held h) {
    held.remove(h);
  }
}
