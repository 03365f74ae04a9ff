package dev.offboarding.worker.progress;

import dev.offboarding.worker.continuation.Progress;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress of the events in flight: gauges of users remaining (all events together; never an event
 * id as a tag) and, per event, a log line at most every {@code interval} while it runs, with how
 * far it got and at what pace. No thread of its own: lines are written by the threads that report
 * progress. Thread-safe.
 */
public final class ProgressLog implements Progress {
  private static final System.Logger LOG = System.getLogger(ProgressLog.class.getName());

  private final Clock clock;
  private final Duration interval;
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  /** Logs each running event's progress at most once per {@code interval}. */
  public ProgressLog(Clock clock, Duration interval) {
    this.clock = clock;
    this.interval = interval;
  }

  private static final class Running {
    final boolean urgent;
    final int users;
    final Instant started;
    int done;
    Instant lastLine;

    Running(boolean urgent, int users, Instant started) {
      this.urgent = urgent;
      this.users = users;
      this.started = started;
      this.lastLine = started;
    }
  }

  @Override
  public void started(String eventId, boolean urgent, int users) {
    running.put(eventId, new Running(urgent, users, clock.instant()));
  }

  @Override
  public void advanced(String eventId) {
    Running r = running.get(eventId);
    if (r == null) {
      return;
    }
    String line = null;
    synchronized (r) {
      r.done++;
      Instant now = clock.instant();
      if (Duration.between(r.lastLine, now).compareTo(interval) >= 0) {
        r.lastLine = now;
        double seconds = Math.max(0.001, Duration.between(r.started, now).toMillis() / 1000.0);
        line =
            String.format(
                "event %s: %d/%d users done (%.0f%%), %.1f users/s",
                eventId, r.done, r.users, 100.0 * r.done / Math.max(1, r.users), r.done / seconds);
      }
    }
    if (line != null) {
      LOG.log(Level.INFO, line);
    }
  }

  @Override
  public void finished(String eventId) {
    running.remove(eventId);
  }

  /** Users not yet finished, over every event in flight of this kind. */
  public long remaining(boolean urgent) {
    long sum = 0;
    for (Running r : running.values()) {
      if (r.urgent == urgent) {
        synchronized (r) {
          sum += Math.max(0, r.users - r.done);
        }
      }
    }
    return sum;
  }

  /** Events whose writes are running now. */
  public int executing() {
    return running.size();
  }
}
