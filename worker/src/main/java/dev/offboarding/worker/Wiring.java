package dev.offboarding.worker;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.domain.EventProcessor;
import dev.offboarding.worker.domain.Executor;
import dev.offboarding.worker.domain.Planner;
import dev.offboarding.worker.domain.Protection;
import dev.offboarding.worker.domain.RetryPolicy;
import dev.offboarding.worker.domain.Sleeper;
import dev.offboarding.worker.domain.WriteBudget;
import dev.offboarding.worker.graph.GraphAccountWrites;
import dev.offboarding.worker.graph.GraphClients;
import dev.offboarding.worker.graph.GraphDirectory;
import java.time.Clock;

/**
 * The composition root: builds the worker's parts from configuration, by constructor. Tests reuse
 * these methods with the testkit's fake tenant and emulator.
 */
public final class Wiring {
  /** Users processed concurrently within one event. */
  public static final int USER_CONCURRENCY = 16;

  private final WorkerConfig config;
  private final Clock clock;
  private final Sleeper sleeper;
  private final GraphServiceClient graph;
  private final GraphDirectory directory;
  private final Planner planner;

  public Wiring(WorkerConfig config, Clock clock, Sleeper sleeper) {
    this.config = config;
    this.clock = clock;
    this.sleeper = sleeper;
    this.graph = GraphClients.create(config);
    this.directory = new GraphDirectory(graph, config.graphBaseUrl(), RetryPolicy.defaults(), sleeper, clock);
    this.planner = new Planner(directory, new Protection(config.protectedUsers(), config.protectedGroups()),
        config.maxTargetsPerEvent());
  }

  public static Wiring system(WorkerConfig config) {
    return new Wiring(config, Clock.systemUTC(), Sleeper.SYSTEM);
  }

  public WorkerConfig config() {
    return config;
  }

  public GraphDirectory directory() {
    return directory;
  }

  public Planner planner() {
    return planner;
  }

  public Executor executor(WriteBudget budget) {
    return new Executor(new GraphAccountWrites(graph, clock), budget, RetryPolicy.defaults(), sleeper, clock,
        USER_CONCURRENCY);
  }

  public EventProcessor processor(WriteBudget budget) {
    return new EventProcessor(new EventCodec(), planner, executor(budget), clock);
  }
}
