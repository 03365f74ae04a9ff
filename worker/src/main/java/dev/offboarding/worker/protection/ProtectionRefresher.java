package dev.offboarding.worker.protection;

import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Keeps the {@link Protection} set warm: refreshes it every third of its staleness bound on a
 * virtual thread of its own, so events find it fresh and never read protected groups themselves. A
 * failed refresh is logged once per change of problem and tried again at the next tick. Lifecycle:
 * {@link #start()} loads once at once (its outcome is logged), then keeps going until {@link
 * #close()}, which never throws.
 */
public final class ProtectionRefresher implements AutoCloseable {
  private static final Logger LOG = System.getLogger(ProtectionRefresher.class.getName());

  private final Protection protection;
  private final Directory directory;
  private final Sleeper sleeper;
  private final Duration every;
  private volatile boolean closed;
  private Thread thread;
  private String lastProblem;

  /** Refreshes {@code protection} from {@code directory}; {@code start} begins. */
  public ProtectionRefresher(Protection protection, Directory directory, Sleeper sleeper) {
    this.protection = protection;
    this.directory = directory;
    this.sleeper = sleeper;
    this.every = protection.maxStaleness().dividedBy(3);
  }

  /**
   * Loads the set now, then refreshes it in the background. Returns whether the first load
   * succeeded.
   */
  public boolean start() {
    if (protection.empty()) {
      return true;
    }
    boolean ok = refreshOnce();
    thread = Thread.ofVirtual().name("protection-refresher").start(this::loop);
    return ok;
  }

  private void loop() {
    while (!closed) {
      try {
        sleeper.sleep(every);
      } catch (InterruptedException e) {
        return;
      }
      if (!closed) {
        refreshOnce();
      }
    }
  }

  private boolean refreshOnce() {
    try {
      protection.refresh(directory);
      if (lastProblem != null) {
        LOG.log(Level.INFO, "protected set loaded again; events may proceed");
        lastProblem = null;
      }
      return true;
    } catch (GraphFailure e) {
      if (!e.getMessage().equals(lastProblem)) {
        LOG.log(
            Level.ERROR,
            "protected set could not be loaded; events wait until it can (not ready): "
                + e.getMessage());
        lastProblem = e.getMessage();
      }
      return false;
    } catch (RuntimeException e) {
      LOG.log(
          Level.ERROR,
          "protected set refresh failed unexpectedly; events wait until it succeeds",
          e);
      lastProblem = String.valueOf(e);
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
