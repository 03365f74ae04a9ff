package dev.offboarding.worker.budget;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TenantWriteGovernorTest {
  final ManualTicker ticker = new ManualTicker();

  TenantWriteGovernor lone(double writesPerSecond) {
    return new TenantWriteGovernor(
        GovernorSettings.forBudget(writesPerSecond), ticker, ticker.advancingWaiter());
  }

  @Test
  void pacesWritesAtTheConfiguredBudget() throws Exception {
    TenantWriteGovernor governor = lone(10);
    long start = ticker.nanoTime();

    for (int i = 0; i < 101; i++) {
      governor.acquire(false);
    }

    // The first write goes at once, each of the next hundred a tenth of a second after the last.
    assertEquals(Duration.ofSeconds(10).toMillis(), ticker.since(start).toMillis());
  }

  @Test
  void holdsEveryWriteBackForTheRetryAfterOfA429() throws Exception {
    TenantWriteGovernor governor = lone(10);
    governor.acquire(false);
    long throttledAt = ticker.nanoTime();

    governor.onThrottled(Duration.ofMillis(2_128));
    governor.acquire(true);

    assertTrue(
        ticker.since(throttledAt).compareTo(Duration.ofMillis(2_128)) >= 0,
        "waited " + ticker.since(throttledAt));
  }

  @Test
  void holdsWritesBackForNoLongerThanTheMaximumPauseWhateverTheRetryAfter() throws Exception {
    TenantWriteGovernor governor = lone(10);
    governor.acquire(false);
    long throttledAt = ticker.nanoTime();

    governor.onThrottled(Duration.ofDays(1));
    governor.acquire(true);

    // The pause, then one token at the lowered pace.
    Duration waited = ticker.since(throttledAt);
    assertTrue(waited.compareTo(GovernorSettings.MAX_RETRY_AFTER_PAUSE) >= 0, "waited " + waited);
    assertTrue(
        waited.compareTo(GovernorSettings.MAX_RETRY_AFTER_PAUSE.plusSeconds(1)) <= 0,
        "waited " + waited);
  }

  @Test
  void takesARetryAfterBeyondWhatNanosecondsHoldAsTheMaximumPause() throws Exception {
    TenantWriteGovernor governor = lone(10);
    governor.acquire(false);
    long throttledAt = ticker.nanoTime();

    governor.onThrottled(Duration.ofSeconds(Long.MAX_VALUE / 2));
    governor.acquire(true);

    Duration waited = ticker.since(throttledAt);
    assertTrue(waited.compareTo(GovernorSettings.MAX_RETRY_AFTER_PAUSE) >= 0, "waited " + waited);
    assertTrue(
        waited.compareTo(GovernorSettings.MAX_RETRY_AFTER_PAUSE.plusSeconds(1)) <= 0,
        "waited " + waited);
  }

  @Test
  void treatsANegativeRetryAfterAsNoPause() throws Exception {
    TenantWriteGovernor governor = lone(10);

    governor.onThrottled(Duration.ofSeconds(-30));

    assertFalse(governor.paused());
  }

  @Test
  void lowersThePaceOnA429AndRegainsItFromCleanAnswers() throws Exception {
    TenantWriteGovernor governor = lone(20);

    governor.onThrottled(Duration.ofSeconds(1));
    double lowered = governor.rate();
    ticker.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 5_000 && governor.rate() < 20; i++) {
      governor.acquire(false);
      governor.onAccepted();
    }

    assertTrue(lowered < 20, "lowered to " + lowered);
    assertEquals(20, governor.rate(), 1e-9);
  }

  @Test
  void countsThe429sOfWritesAlreadyInFlightAsOneEpisode() {
    TenantWriteGovernor governor = lone(20);

    governor.onThrottled(Duration.ofSeconds(1));
    double once = governor.rate();
    governor.onThrottled(Duration.ofSeconds(1));
    governor.onThrottled(Duration.ofSeconds(1));

    assertEquals(once, governor.rate(), 1e-9);
    assertEquals(3, governor.throttles());
  }

  @Test
  void easesThePaceOnGraphsEarlyWarningAtMostOncePerInterval() {
    TenantWriteGovernor governor = lone(20);

    governor.onLimitUse(0.85);
    double soft = governor.rate();
    governor.onLimitUse(0.95);
    double sameInterval = governor.rate();
    ticker.advance(Duration.ofNanos(PriorityTokenBucket.EASE_INTERVAL_NANOS));
    governor.onLimitUse(0.95);
    double hard = governor.rate();

    assertEquals(20 * 0.95, soft, 1e-9);
    assertEquals(soft, sameInterval, 1e-9);
    assertEquals(soft * 0.85, hard, 1e-9);
    assertEquals(0, governor.throttles());
  }

  @Test
  void doesNotClimbWhileWarningsComeAndClimbsAgainAfterThem() throws Exception {
    TenantWriteGovernor governor = lone(20);
    governor.onLimitUse(0.9);
    double eased = governor.rate();

    for (int i = 0; i < 20; i++) {
      governor.acquire(false);
      governor.onLimitUse(0.82);
      governor.onAccepted();
    }
    double whileWarned = governor.rate();
    ticker.advance(Duration.ofNanos(PriorityTokenBucket.WARNING_HOLD_NANOS));
    for (int i = 0; i < 5_000 && governor.rate() < 20; i++) {
      governor.acquire(false);
      governor.onAccepted();
    }

    assertTrue(
        whileWarned <= eased, "climbed to " + whileWarned + " from " + eased + " while warned");
    assertEquals(20, governor.rate(), 1e-9);
  }

  @Test
  void ignoresAWarningBelowWhatGraphSendsOrNotANumber() {
    TenantWriteGovernor governor = lone(20);

    governor.onLimitUse(0.5);
    governor.onLimitUse(Double.NaN);

    assertEquals(20, governor.rate(), 1e-9);
  }

  @Test
  void neverLowersThePaceBelowItsFloor() {
    TenantWriteGovernor governor = lone(20);

    for (int i = 0; i < 100; i++) {
      governor.onThrottled(Duration.ofSeconds(1));
      ticker.advance(Duration.ofSeconds(2));
    }

    assertEquals(GovernorSettings.forBudget(20).minRate(), governor.rate(), 1e-9);
  }

  @Test
  void servesAnUrgentWriteBeforeBulkWritesThatQueuedEarlier() throws Exception {
    // Real waiting threads, hand-driven time: nothing is granted until the test moves the clock.
    TenantWriteGovernor governor =
        new TenantWriteGovernor(GovernorSettings.forBudget(10), ticker, Waiter.CONDITION);
    // The bucket emptied: its one bulk token, and the reserve only urgent writes may take.
    governor.acquire(false);
    for (int i = 0; i < PriorityTokenBucket.URGENT_RESERVE; i++) {
      governor.acquire(true);
    }
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 1; i <= 3; i++) {
        String name = "bulk-" + i;
        int queued = i;
        threads.submit(
            () -> {
              governor.acquire(false);
              order.add(name);
              return null;
            });
        await().until(() -> governor.waiting(false) == queued);
      }
      threads.submit(
          () -> {
            governor.acquire(true);
            order.add("urgent");
            return null;
          });
      await().until(() -> governor.waiting(true) == 1);

      // One token (100 ms at 10/s) is enough for the urgent write; the first bulk one waits until
      // the reserve is whole again behind it, then each takes the next token.
      ticker.advance(Duration.ofMillis(100));
      await().until(() -> order.size() == 1);
      ticker.advance(Duration.ofMillis(100 * (1 + (long) PriorityTokenBucket.URGENT_RESERVE)));
      await().until(() -> order.size() == 2);
      for (int granted = 3; granted <= 4; granted++) {
        ticker.advance(Duration.ofMillis(100));
        int expected = granted;
        await().until(() -> order.size() == expected);
      }
    }

    assertEquals(List.of("urgent", "bulk-1", "bulk-2", "bulk-3"), order);
  }

  @Test
  void anUrgentWriteFindsTheReserveWhileBulkWritesKeepTheBudgetBusy() throws Exception {
    TenantWriteGovernor governor = lone(100);
    for (int i = 0; i < 500; i++) {
      governor.acquire(false);
    }
    long busy = ticker.nanoTime();

    governor.acquire(true);
    long urgentDone = ticker.nanoTime();
    for (int i = 0; i < 100; i++) {
      governor.acquire(false);
    }

    // Bulk alone paces at the budget; an urgent write then goes at once, taking the reserve, and
    // the pace over all of it stays the budget's: 101 writes in 1.01 s.
    assertEquals(0, urgentDone - busy);
    assertEquals(Duration.ofMillis(1_010).toMillis(), ticker.since(busy).toMillis());
  }

  @Test
  void aQueuedWriteThatIsInterruptedLeavesTheQueue() throws Exception {
    TenantWriteGovernor governor =
        new TenantWriteGovernor(GovernorSettings.forBudget(10), ticker, Waiter.CONDITION);
    governor.acquire(false);
    Thread waiting =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    governor.acquire(false);
                  } catch (InterruptedException expected) {
                    Thread.currentThread().interrupt();
                  }
                });
    await().until(() -> governor.waiting(false) == 1);

    waiting.interrupt();

    await().until(() -> governor.waiting(false) == 0);
  }

  @Test
  void passesOnTheTokenOfAWriteWhoseThreadIsInterruptedBeforeItSeesItsGrant() throws Exception {
    // Condition.await throws InterruptedException only once it holds the lock again, and another
    // thread may grant the ticket in between. This waiter plays that race: a marked thread wakes
    // from the signal of its grant and throws. Time stands still, so only signals wake anyone.
    Set<Thread> interruptedOnWake = ConcurrentHashMap.newKeySet();
    Waiter racing =
        (condition, nanos) -> {
          condition.await();
          if (interruptedOnWake.contains(Thread.currentThread())) {
            throw new InterruptedException();
          }
        };
    TenantWriteGovernor governor =
        new TenantWriteGovernor(GovernorSettings.forBudget(10), ticker, racing);
    governor.acquire(false);
    AtomicReference<Throwable> firstFailed = new AtomicReference<>();
    Thread first =
        Thread.ofVirtual()
            .unstarted(
                () -> {
                  try {
                    governor.acquire(false);
                  } catch (InterruptedException e) {
                    firstFailed.set(e);
                  }
                });
    interruptedOnWake.add(first);
    first.start();
    await().until(() -> governor.waiting(false) == 1);
    AtomicBoolean secondGranted = new AtomicBoolean();
    Thread second =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    governor.acquire(false);
                    secondGranted.set(true);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    await().until(() -> governor.waiting(false) == 2);

    // One token is due; the next writer to arrive grants it to the first in line.
    ticker.advance(Duration.ofMillis(100));
    Thread third =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    governor.acquire(false);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });

    await().until(() -> firstFailed.get() instanceof InterruptedException);
    await().until(secondGranted::get);
    assertEquals(1, governor.waiting(false));
    third.interrupt();
    second.join();
  }
}
