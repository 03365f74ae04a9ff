package dev.offboarding.worker.cli;

import com.azure.core.credential.TokenCredential;
import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Problem;
import dev.offboarding.worker.Wiring;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.graph.GraphClients;
import dev.offboarding.worker.identity.AzureCredential;
import dev.offboarding.worker.identity.AzureCredentials;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.plan.PlanResult;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * {@code dry-run [--json] FILE}: plans an event against Graph and prints it; never writes. Every
 * user target is read, so a user that does not exist is reported not resolved. With {@code
 * GRAPH_AUTH=azure} a token is acquired first: without a credential the command says what to set
 * and exits 2 within seconds, before any request.
 */
public final class DryRun {
  private DryRun() {}

  /**
   * {@code dry-run [--json] FILE}: reads the tenant and prints what the event would do; writes
   * nothing.
   *
   * @return an {@link ExitCode}
   */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    boolean json = args.length == 2 && args[0].equals("--json");
    if (!(args.length == 1 && !args[0].startsWith("--")) && !json) {
      err.println("usage: dry-run [--json] FILE");
      return ExitCode.REJECTED;
    }
    String file = args[args.length - 1];
    Optional<EventFile> read = EventFile.read(file, err);
    if (read.isEmpty()) {
      return ExitCode.REJECTED;
    }
    DecodeResult decoded = read.get().result();
    try {
      if (decoded instanceof DecodeResult.Invalid invalid) {
        String detail =
            String.join("; ", invalid.problems().stream().map(Problem::toString).toList());
        if (json) {
          DryRunReport.rejectedJson(invalid.eventId(), "InvalidEvent", detail, out);
        } else {
          err.println("rejected: invalid event: " + detail);
        }
        return ExitCode.REJECTED;
      }
      OffboardingEvent event = ((DecodeResult.Valid) decoded).event();
      if (!event.type().actsOnTargets()) {
        err.println(
            "rejected: "
                + event.type().wireName()
                + " event "
                + event.id()
                + " touches no user; nothing to plan");
        return ExitCode.REJECTED;
      }
      WorkerConfig config = WorkerConfig.forGraphOnly(env);
      TokenCredential credential = null;
      if (config.graphAuth() == WorkerConfig.GraphAuth.AZURE) {
        AzureCredential azure = AzureCredentials.forGraph(env);
        // One token before anything is read: without a credential the command stops here, at once,
        // saying what to set (Main prints it), rather than in the middle of planning after every
        // retry.
        azure.firstToken(GraphClients.scope(config.graphBaseUrl()));
        credential = azure;
      }
      Wiring wiring =
          new Wiring(config, Clock.systemUTC(), Sleeper.SYSTEM, new Metrics(), credential);
      // Every user target is read, ids included: a real run learns of a missing id from its
      // write's 404, a dry run writes nothing, so only the read can tell it.
      PlanResult result = wiring.planner().readingEveryUserTarget().plan(event);
      if (result instanceof PlanResult.Rejected rejected) {
        if (json) {
          DryRunReport.rejectedJson(event.id(), rejected.code(), rejected.detail(), out);
        } else {
          err.println("rejected: " + rejected.code() + ": " + rejected.detail());
        }
        return ExitCode.REJECTED;
      }
      PlanResult.Ready ready = (PlanResult.Ready) result;
      var preview = ContainmentPreview.of(ready.plan(), wiring.containmentReads());
      if (json) {
        DryRunReport.json(ready.plan(), preview, out);
      } else {
        DryRunReport.text(ready.plan(), preview, out);
      }
      return ExitCode.OK;
    } catch (GraphFailure e) {
      err.println(e.getMessage());
      return ExitCode.FAILED;
    } catch (IOException e) {
      err.println("cannot write the report: " + e.getMessage());
      return ExitCode.FAILED;
    }
  }
}
