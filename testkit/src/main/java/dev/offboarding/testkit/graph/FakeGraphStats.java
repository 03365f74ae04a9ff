package dev.offboarding.testkit.graph;

import java.util.Map;

/**
 * Counters of a {@link FakeGraphServer} at one moment.
 *
 * @param responsesByStatus top-level HTTP responses by status ({@code $batch} counts once)
 * @param batchItemsByStatus inner {@code $batch} responses by status
 * @param throttled 429 answers, top-level and inner
 * @param writesAccepted writes applied (2xx)
 * @param connectionsReset connections closed without a response by fault injection
 */
public record FakeGraphStats(
    Map<Integer, Long> responsesByStatus,
    Map<Integer, Long> batchItemsByStatus,
    long throttled,
    long writesAccepted,
    long connectionsReset) {

  public FakeGraphStats {
    responsesByStatus = Map.copyOf(responsesByStatus);
    batchItemsByStatus = Map.copyOf(batchItemsByStatus);
  }

  /** Top-level responses with this status. */
  public long responses(int status) {
    return responsesByStatus.getOrDefault(status, 0L);
  }

  /** Inner batch responses with this status. */
  public long batchItems(int status) {
    return batchItemsByStatus.getOrDefault(status, 0L);
  }
}
