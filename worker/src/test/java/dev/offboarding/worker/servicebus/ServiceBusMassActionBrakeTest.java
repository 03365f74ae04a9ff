package dev.offboarding.worker.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.worker.codec.BrakeLedgerCodec;
import dev.offboarding.worker.guard.BrakeLedger;
import dev.offboarding.worker.guard.MassActionBrake;
import dev.offboarding.worker.tenant.Sleeper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The brake's count as session state on the state queue of the embedded emulator, through the
 * official SDK's session receiver: shared by replicas, kept across restarts, rolling with the
 * clock.
 */
class ServiceBusMassActionBrakeTest {
  private static final MassActionBrake.Cap BULK = new MassActionBrake.Cap("bulk", 100);
  private static final MassActionBrake.Cap URGENT = new MassActionBrake.Cap("urgent", 5);

  private final StateQueueFixture stateQueue = new StateQueueFixture();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:20Z"));

  @AfterEach
  void tearDown() throws Exception {
    stateQueue.close();
  }

  /** One replica's brake: its own client builder, so its own AMQP connection. */
  private ServiceBusMassActionBrake replica() {
    ServiceBusMassActionBrake brake =
        new ServiceBusMassActionBrake(
            stateQueue.clients(),
            StateQueueFixture.QUEUE,
            clock,
            Sleeper.SYSTEM,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            cap -> 0);
    stateQueue.closing(brake);
    return brake;
  }

  @Test
  void replicasLeasingAtOnceShareOneCountAndNeverGrantMoreThanTheCap() throws Exception {
    List<ServiceBusMassActionBrake> replicas = List.of(replica(), replica());
    List<Future<MassActionBrake.Lease>> leases = new ArrayList<>();

    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 12; i++) {
        ServiceBusMassActionBrake brake = replicas.get(i % 2);
        leases.add(threads.submit(() -> brake.lease(BULK, 10)));
      }
    }

    int granted = 0;
    for (Future<MassActionBrake.Lease> lease : leases) {
      granted += lease.get().granted();
    }
    assertEquals(100, granted, "twelve leases of 10 against a cap of 100");
    assertEquals(
        100, BrakeLedgerCodec.decode(stateQueue.state("brake-bulk")).used(clock.instant()));
  }

  @Test
  void aRestartedWorkerReadsTheCountItsPredecessorLeft() {
    ServiceBusMassActionBrake first = replica();
    assertEquals(100, first.lease(BULK, 100).granted());
    first.close();

    MassActionBrake.Lease afterRestart = replica().lease(BULK, 1);

    assertEquals(0, afterRestart.granted());
    assertEquals(Instant.parse("2026-12-01T11:01:00Z"), afterRestart.roomAt());
  }

  @Test
  void theWindowRollsWithTheClockAndTheCapsAreSeparateSessions() {
    ServiceBusMassActionBrake brake = replica();
    brake.lease(BULK, 100);

    MassActionBrake.Lease urgent = brake.lease(URGENT, 3);
    MassActionBrake.Lease bulkBraked = brake.lease(BULK, 10);
    long urgentUsed =
        BrakeLedgerCodec.decode(stateQueue.state("brake-urgent")).used(clock.instant());
    clock.set(Instant.parse("2026-12-01T11:01:00Z"));
    MassActionBrake.Lease bulkLater = replica().lease(BULK, 10);

    assertEquals(
        MassActionBrake.Lease.all(3), urgent, "the bulk cap being full does not hold urgent work");
    assertEquals(3, urgentUsed);
    assertEquals(0, bulkBraked.granted());
    assertEquals(MassActionBrake.Lease.all(10), bulkLater);
  }

  @Test
  void aCountThatCannotBeReadHoldsTheWholeCapForOneWindow() {
    stateQueue.setState("brake-urgent", "{\"leases\":\"reset\"}".getBytes(StandardCharsets.UTF_8));

    MassActionBrake.Lease lease = replica().lease(URGENT, 1);

    assertEquals(0, lease.granted());
    assertEquals(Instant.parse("2026-12-01T11:01:00Z"), lease.roomAt());
    assertEquals(
        BrakeLedger.full(clock.instant(), URGENT.usersPerHour()),
        BrakeLedgerCodec.decode(stateQueue.state("brake-urgent")),
        "the unreadable state is replaced");
  }

  @Test
  void waitsForTheSessionWhileAnotherReplicaHoldsItAndLeasesOnceItIsLetGo() throws Exception {
    ServiceBusReceiverClient held = stateQueue.hold("brake-bulk");
    ServiceBusMassActionBrake brake = replica();

    MassActionBrake.Lease lease;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<MassActionBrake.Lease> waiting = threads.submit(() -> brake.lease(BULK, 7));
      // The other replica's turn ends a little later.
      org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(300)).until(() -> true);
      held.close();
      lease = waiting.get();
    }

    assertEquals(MassActionBrake.Lease.all(7), lease);
  }

  @Test
  void isUnavailableWhenTheSessionStaysHeldOrTheQueueIsMissing() {
    stateQueue.closing(stateQueue.hold("brake-bulk"));
    ServiceBusMassActionBrake impatient =
        new ServiceBusMassActionBrake(
            stateQueue.clients(),
            StateQueueFixture.QUEUE,
            clock,
            Sleeper.SYSTEM,
            Duration.ZERO,
            Duration.ofSeconds(5),
            cap -> 0);
    stateQueue.closing(impatient);
    ServiceBusMassActionBrake nowhere =
        new ServiceBusMassActionBrake(
            stateQueue.clients(),
            "no-such-queue",
            clock,
            Sleeper.SYSTEM,
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            cap -> 0);
    stateQueue.closing(nowhere);

    MassActionBrake.Unavailable held =
        assertThrows(MassActionBrake.Unavailable.class, () -> impatient.lease(BULK, 1));
    MassActionBrake.Unavailable missing =
        assertThrows(MassActionBrake.Unavailable.class, () -> nowhere.lease(BULK, 1));

    assertNotNull(held.getCause());
    assertTrue(missing.getMessage().contains("no-such-queue"), missing.getMessage());
  }

  @Test
  void answersFromMemoryWhileTheCapIsKnownFullAndAsksTheBrokerOnceItMayHaveRoom() {
    ServiceBusMassActionBrake brake = replica();
    brake.lease(BULK, 100);
    stateQueue.emulator.close();

    MassActionBrake.Lease whileFull = brake.lease(BULK, 5);

    assertEquals(0, whileFull.granted(), "no round trip: nothing but time frees room");
    assertEquals(Instant.parse("2026-12-01T11:01:00Z"), whileFull.roomAt());
    clock.set(Instant.parse("2026-12-01T11:01:00Z"));
    assertThrows(
        MassActionBrake.Unavailable.class, () -> brake.lease(BULK, 5), "the broker is asked again");
  }

  /**
   * A replica that keeps {@code ahead} urgent users leased ahead; patient, since the test reads the
   * counts through sessions of its own meanwhile.
   */
  private ServiceBusMassActionBrake replicaWithReserve(int ahead) {
    ServiceBusMassActionBrake brake =
        new ServiceBusMassActionBrake(
            stateQueue.clients(),
            StateQueueFixture.QUEUE,
            clock,
            Sleeper.SYSTEM,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            cap -> cap.name().equals("urgent") ? ahead : 0);
    stateQueue.closing(brake);
    return brake;
  }

  private long urgentUsed() {
    return BrakeLedgerCodec.decode(stateQueue.state("brake-urgent")).used(clock.instant());
  }

  @Test
  void leasesTheReserveAheadBookedAtTheEndOfItsLifeAndUrgentWorkItCoversTakesNoRoundTrip() {
    MassActionBrake.Cap urgent = new MassActionBrake.Cap("urgent", 200);
    ServiceBusMassActionBrake brake = replicaWithReserve(5);
    brake.lease(urgent, 1);
    BrakeLedger afterFirst = BrakeLedgerCodec.decode(stateQueue.state("brake-urgent"));
    // Another receiver holds the session until the lease returns: a round trip would have to wait.
    ServiceBusReceiverClient held = stateQueue.hold("brake-urgent");

    MassActionBrake.Lease covered = brake.lease(urgent, 3);
    held.close();

    assertEquals(6, afterFirst.used(clock.instant()), "the event's user and five ahead");
    assertEquals(
        Instant.parse("2026-12-01T10:11:00Z").getEpochSecond(),
        afterFirst.leases().firstKey(),
        "booked at the end of the reserve's life, so each user is first written before it is booked");
    assertEquals(MassActionBrake.Lease.all(3), covered);
  }

  @Test
  void topsTheReserveUpOnceUsedAndGivesBackWhatItHoldsOnClose() {
    MassActionBrake.Cap urgent = new MassActionBrake.Cap("urgent", 200);
    ServiceBusMassActionBrake brake = replicaWithReserve(5);
    brake.lease(urgent, 1);

    brake.lease(urgent, 5);

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> urgentUsed() == 11);
    brake.close();
    assertEquals(
        6, urgentUsed(), "the six users leased for work stay counted; the reserve is given back");
  }

  @Test
  void warmingUpLeasesTheUrgentReserveAheadAndWritesNoOtherCount() {
    MassActionBrake.Cap urgent = new MassActionBrake.Cap("urgent", 200);
    ServiceBusMassActionBrake brake = replicaWithReserve(5);

    brake.warmUp(List.of(BULK, urgent));

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> urgentUsed() == 5);
    assertNull(stateQueue.state("brake-bulk"), "the bulk count is only read");
  }

  @Test
  void noStateAtAllIsAnEmptyCount() {
    MassActionBrake.Lease lease = replica().lease(URGENT, 5);

    assertEquals(MassActionBrake.Lease.all(5), lease);
    assertNull(lease.roomAt());
  }
}
