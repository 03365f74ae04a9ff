package dev.offboarding.worker.cli;

import dev.offboarding.worker.Wiring;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.http.HttpEndpoints;
import dev.offboarding.worker.metrics.Metrics;
import java.io.PrintStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * {@code run}: validates the whole configuration (a {@code ConfigException} naming every bad
 * variable becomes exit code 2 in {@link Main}; so does a configuration that protects no
 * break-glass account without {@code ALLOW_UNPROTECTED=true}), runs the {@link Preflight}, starts
 * the {@link WorkerService} and serves until {@code stop} completes (SIGTERM in production), then
 * shuts down within the intake's drain bound. While the preflight fails (a missing Graph
 * permission, an unreadable protected group, a missing entity), it takes no event: it serves {@code
 * /health/live} and {@code /metrics}, answers {@code /health/ready} with 503 and the reason, logs
 * why, and runs the preflight again every {@link #RECHECK}.
 */
public final class RunCommand {
  /**
   * How often a failed preflight is run again (a permission granted meanwhile shows in a new
   * token).
   */
  static final Duration RECHECK = Duration.ofMinutes(1);

  private static final Logger LOG = System.getLogger(RunCommand.class.getName());

  private RunCommand() {}

  /**
   * Runs the worker until {@code stop} completes.
   *
   * @return 0 after a clean stop, 1 when Service Bus or the HTTP port could not be reached at start
   */
  public static int run(
      Map<String, String> env, PrintStream out, PrintStream err, CompletableFuture<?> stop) {
    return run(env, out, err, stop, new Preflight(env), RECHECK);
  }

  static int run(
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      CompletableFuture<?> stop,
      Preflight preflight,
      Duration recheck) {
    WorkerConfig config = WorkerConfig.fromEnvironment(env);
    Wiring wiring = Wiring.system(config);
    WorkerService service = wiring.service(wiring.writeBudget());
    Metrics metrics = service.metrics();
    AtomicReference<BooleanSupplier> ready = new AtomicReference<>(() -> false);
    metrics.gauge(
        Metrics.READY,
        "1 while /health/ready answers 200",
        () -> ready.get().getAsBoolean() ? 1 : 0);

    if (!passPreflight(config, preflight, recheck, metrics, stop, out)) {
      out.println("offboarding-worker: stopped");
      return ExitCode.OK;
    }
    try {
      service.start();
    } catch (RuntimeException e) {
      err.println("cannot start: " + e.getMessage());
      return ExitCode.FAILED;
    }
    ready.set(service::ready);
    out.println(
        "offboarding-worker: receiving from "
            + config.queue()
            + ", "
            + config.urgentQueue()
            + " (urgent) and "
            + config.opsQueue()
            + " (operators)"
            + ", auditing to "
            + config.auditTopic()
            + ", writing at most "
            + config.writesPerSecond()
            + " Graph writes/s, HTTP on port "
            + service.httpPort());
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
    return ExitCode.OK;
  }

  /**
   * Runs the preflight until it passes (true) or {@code stop} completes first (false). While it
   * fails, a not-ready HTTP face serves the reason.
   */
  private static boolean passPreflight(
      WorkerConfig config,
      Preflight preflight,
      Duration recheck,
      Metrics metrics,
      CompletableFuture<?> stop,
      PrintStream out) {
    Preflight.Report report = preflight.run(config);
    if (report.passed()) {
      LOG.log(Level.INFO, "preflight passed: " + report.checks().size() + " checks");
      return true;
    }
    AtomicReference<String> reason = new AtomicReference<>();
    HttpEndpoints refusing = null;
    try {
      while (!report.passed()) {
        reason.set("preflight failed: " + report.failureSummary());
        for (Preflight.Check failed : report.failures()) {
          LOG.log(
              Level.WARNING,
              "not ready, preflight failed: " + failed.name() + ": " + failed.detail());
        }
        if (refusing == null) {
          refusing =
              HttpEndpoints.start(config.httpPort(), () -> false, reason::get, metrics::scrape);
          out.println(
              "offboarding-worker: not ready ("
                  + report.failures().size()
                  + " preflight check(s) failed; see the log and /health/ready), HTTP on port "
                  + refusing.port());
        }
        try {
          stop.get(recheck.toMillis(), TimeUnit.MILLISECONDS);
          return false;
        } catch (TimeoutException e) {
          report = preflight.run(config);
        } catch (ExecutionException e) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      LOG.log(Level.INFO, "preflight passed on a later attempt; starting intake");
      return true;
    } finally {
      if (refusing != null) {
        refusing.close();
      }
    }
  }
}
