package dev.offboarding.worker.cli;

import dev.offboarding.worker.Main;
import dev.offboarding.worker.Wiring;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.config.WorkerConfig;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code run}: validates the whole configuration (a {@code ConfigException} naming every bad
 * variable becomes exit code 2 in {@link Main}), starts the {@link WorkerService} and serves until
 * {@code stop} completes (SIGTERM in production), then shuts down within the intake's drain bound.
 */
public final class RunCommand {
  private RunCommand() {}

  /**
   * Runs the worker until {@code stop} completes.
   *
   * @return 0 after a clean stop, 1 when Service Bus or the HTTP port could not be reached at start
   */
  public static int run(Map<String, String> env, PrintStream out, PrintStream err, CompletableFuture<?> stop) {
    WorkerConfig config = WorkerConfig.fromEnvironment(env);
    Wiring wiring = Wiring.system(config);
    WorkerService service = wiring.service(wiring.writeBudget());
    try {
      service.start();
    } catch (RuntimeException e) {
      err.println("cannot start: " + e.getMessage());
      return Main.FAILED;
    }
    out.println("offboarding-worker: receiving from " + config.queue()
        + (config.urgentQueue() != null ? " and " + config.urgentQueue() + " (urgent)" : "")
        + ", auditing to " + config.auditTopic() + ", writing at most " + config.writesPerSecond()
        + " Graph writes/s, HTTP on port " + service.httpPort());
    try {
      stop.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // A failed stop signal is still a stop signal.
    } finally {
      service.close();
      out.println("offboarding-worker: stopped");
    }
    return Main.OK;
  }
}
