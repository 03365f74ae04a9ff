package dev.offboarding.worker.local;

import java.nio.file.Path;

/**
 * The shared {@link dev.offboarding.worker.testing.WorkerProcesses}, by the name this package's
 * tests use.
 */
final class WorkerProcesses extends dev.offboarding.worker.testing.WorkerProcesses {
  WorkerProcesses(Path logs) {
    super(logs);
  }
}
