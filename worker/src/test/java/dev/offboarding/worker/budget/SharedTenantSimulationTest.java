package dev.offboarding.worker.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replicas of the governor against one tenant budget, in simulated time (1 ms steps): each replica
 * always has bulk work queued; the tenant is the fake tenant's rule, a token bucket of one second's
 * budget that answers 429 with a Retry-After rounded up to whole seconds, and (when warnings are
 * on, as Graph does) tells on each accepted write how much of its budget is used once that is above
 * 0.8. Deterministic; no thread, no clock.
 */
class SharedTenantSimulationTest {
  static final long MS = 1_000_000L;
  static final double BUDGET = 20;
  static final long LATENCY = 100 * MS;
  static final long DURATION = 600_000 * MS;

  /**
   * @param acceptedAfterStop writes accepted once every replica but the first stopped taking work
   */
  record Outcome(long accepted, long throttled, long sentWhilePaused, long acceptedAfterStop) {
    double throttledShare() {
      return throttled / (double) (accepted + throttled);
    }
  }

  /** The tenant: the same arithmetic as the fake tenant's write budget. */
  static final class Tenant {
    final double rate;
    final double capacity;
    double tokens;
    long last;

    Tenant(double rate, double capacity) {
      this.rate = rate;
      this.capacity = capacity;
      this.tokens = capacity;
    }

    /** The share of the budget used, as {@code x-ms-throttle-limit-percentage} says it. */
    double use() {
      return 1 - tokens / capacity;
    }

    /** 0 when accepted, else the Retry-After in nanoseconds. */
    long write(long now) {
      tokens = Math.min(capacity, tokens + (now - last) * rate / 1e9);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      long wait = (long) Math.ceil((1 - tokens) / rate * 1e9);
      return Math.max(1, (wait + 999_999_999L) / 1_000_000_000L) * 1_000_000_000L;
    }
  }

  /**
   * @param use the budget used as the answer tells it, 0 when it tells nothing
   */
  record Answer(long at, int replica, long retryAfter, double use) {}

  Outcome simulate(int replicas, boolean warnings) {
    return simulate(replicas, DURATION, warnings);
  }

  /**
   * From {@code stopOthersAt} on, only the first replica has work: the others finished theirs. With
   * {@code warnings}, accepted writes carry the tenant's early warning above 0.8 used.
   */
  Outcome simulate(int replicas, long stopOthersAt, boolean warnings) {
    Tenant tenant = new Tenant(BUDGET, BUDGET);
    List<PriorityTokenBucket> governors = new ArrayList<>();
    long[] pausedUntil = new long[replicas];
    for (int r = 0; r < replicas; r++) {
      // Every replica is configured with the whole budget: it learns its share from 429s alone.
      PriorityTokenBucket g = new PriorityTokenBucket(GovernorSettings.forBudget(BUDGET), 0);
      for (int i = 0; i < 64; i++) {
        g.enqueue(new PriorityTokenBucket.Ticket(false));
      }
      governors.add(g);
    }
    PriorityQueue<Answer> inFlight = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
    long[] sentWhilePaused = {0};
    long[] afterStop = {0};
    java.util.Random random = new java.util.Random(42);
    List<Integer> order = new ArrayList<>();
    for (int r = 0; r < replicas; r++) {
      order.add(r);
    }
    for (long now = 0; now < DURATION; now += MS) {
      while (!inFlight.isEmpty() && inFlight.peek().at() <= now) {
        Answer a = inFlight.poll();
        PriorityTokenBucket g = governors.get(a.replica());
        if (a.retryAfter() == 0) {
          if (a.use() > 0) {
            g.limitUse(now, a.use());
          }
          g.accepted(now);
        } else {
          g.throttled(now, a.retryAfter());
          pausedUntil[a.replica()] = Math.max(pausedUntil[a.replica()], now + a.retryAfter());
        }
      }
      // Replicas take turns in a random order, as their requests would race to the tenant.
      java.util.Collections.shuffle(order, random);
      for (int replica : order) {
        long t = now;
        governors
            .get(replica)
            .pump(
                now,
                ticket -> {
                  long latency = LATENCY + (long) (random.nextDouble() * LATENCY);
                  if (t < pausedUntil[replica]) {
                    sentWhilePaused[0]++;
                  }
                  // The worker keeps a write waiting for every user in flight.
                  if (replica == 0 || t < stopOthersAt) {
                    governors.get(replica).enqueue(new PriorityTokenBucket.Ticket(false));
                  }
                  long retryAfter = tenant.write(t + latency / 2);
                  if (t >= stopOthersAt && retryAfter == 0) {
                    afterStop[0]++;
                  }
                  double use =
                      warnings && retryAfter == 0 && tenant.use() > PriorityTokenBucket.WARN_FROM
                          ? tenant.use()
                          : 0;
                  inFlight.add(new Answer(t + latency, replica, retryAfter, use));
                });
      }
    }
    // Answers still on their way at the end are not counted.
    long accepted =
        governors.stream().mapToLong(PriorityTokenBucket::granted).sum() - inFlight.size();
    long throttled = governors.stream().mapToLong(PriorityTokenBucket::throttles).sum();
    return new Outcome(accepted - throttled, throttled, sentWhilePaused[0], afterStop[0]);
  }

  @ParameterizedTest(name = "warnings {0}")
  @ValueSource(booleans = {false, true})
  void aLoneWorkerUsesTheWholeBudgetWithoutA429(boolean warnings) {
    Outcome outcome = simulate(1, warnings);

    assertEquals(0, outcome.throttled());
    assertTrue(outcome.accepted() >= 0.99 * BUDGET * DURATION / 1e9, outcome.toString());
  }

  @Test
  void threeReplicasShareTheBudgetAndNeverWriteDuringARetryAfter() {
    Outcome outcome = simulate(3, false);

    double utilisation = outcome.accepted() / (BUDGET * DURATION / 1e9);
    assertEquals(0, outcome.sentWhilePaused());
    assertTrue(utilisation >= 0.9 && utilisation <= 1.01, "utilisation " + utilisation);
    assertTrue(outcome.throttledShare() <= 0.01, "429 share " + outcome.throttledShare());
  }

  @Test
  void withGraphsEarlyWarningThreeReplicasShareTheBudgetWithATenthOfThe429s() {
    Outcome without = simulate(3, false);

    Outcome with = simulate(3, true);

    double utilisation = with.accepted() / (BUDGET * DURATION / 1e9);
    assertTrue(utilisation >= 0.9 && utilisation <= 1.01, "utilisation " + utilisation);
    assertTrue(
        with.throttledShare() <= without.throttledShare() / 10,
        "429 share "
            + with.throttledShare()
            + " against "
            + without.throttledShare()
            + " without warnings");
  }

  @ParameterizedTest(name = "warnings {0}")
  @ValueSource(booleans = {false, true})
  void aReplicaLeftAloneTakesUpTheSharesOfThoseThatFinished(boolean warnings) {
    long stop = DURATION * 2 / 3;

    Outcome outcome = simulate(3, stop, warnings);

    double utilisationAfter = outcome.acceptedAfterStop() / (BUDGET * (DURATION - stop) / 1e9);
    assertTrue(utilisationAfter >= 0.9, "utilisation once alone " + utilisationAfter);
    assertTrue(outcome.throttledShare() <= 0.01, "429 share " + outcome.throttledShare());
  }
}
