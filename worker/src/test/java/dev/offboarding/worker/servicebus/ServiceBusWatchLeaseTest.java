package dev.offboarding.worker.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import dev.offboarding.testkit.ManualClock;
import dev.offboarding.worker.codec.SignInRequestsCodec;
import dev.offboarding.worker.tenant.Sleeper;
import dev.offboarding.worker.watch.WatchLease;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sign-in watch's lease as the session lock and state of session {@value
 * ServiceBusWatchLease#SESSION} on the embedded emulator's state queue, through the official SDK: a
 * poll waits while another replica holds the session, counts the requests of the poll before it,
 * and is unavailable when the session stays held.
 */
class ServiceBusWatchLeaseTest {
  private final StateQueueFixture stateQueue = new StateQueueFixture();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:20Z"));

  @AfterEach
  void tearDown() throws Exception {
    stateQueue.close();
  }

  /** One replica's lease: its own client builder, so its own AMQP connection. */
  private ServiceBusWatchLease replica(Duration patience) {
    ServiceBusWatchLease lease =
        new ServiceBusWatchLease(
            stateQueue.clients(),
            StateQueueFixture.QUEUE,
            clock,
            Sleeper.SYSTEM,
            patience,
            Duration.ofSeconds(10));
    return stateQueue.closing(lease);
  }

  private int requestsStored() {
    return SignInRequestsCodec.decode(stateQueue.state(ServiceBusWatchLease.SESSION))
        .times()
        .size();
  }

  private static WatchLease.Poll<Void> sending(int requests) {
    return gate -> {
      for (int i = 0; i < requests; i++) {
        gate.pass();
        gate.sent();
      }
      return null;
    };
  }

  @Test
  void aPollWaitsWhileAnotherReplicaHoldsTheSessionAndCountsWhatThePollBeforeItSent()
      throws Exception {
    replica(Duration.ofSeconds(10)).hold(sending(2));
    ServiceBusReceiverClient held = stateQueue.hold(ServiceBusWatchLease.SESSION);
    ServiceBusWatchLease second = replica(Duration.ofSeconds(10));

    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Void> waiting = threads.submit(() -> second.hold(sending(1)));
      // The other replica's turn ends a little later.
      org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(300)).until(() -> true);
      held.close();
      waiting.get();
    }

    assertEquals(3, requestsStored(), "two requests of the first poll, one of the second");
  }

  @Test
  void isUnavailableWhenTheSessionStaysHeld() {
    stateQueue.closing(stateQueue.hold(ServiceBusWatchLease.SESSION));
    ServiceBusWatchLease impatient = replica(Duration.ZERO);

    WatchLease.Unavailable unavailable =
        assertThrows(WatchLease.Unavailable.class, () -> impatient.hold(sending(1)));

    assertNotNull(unavailable.getCause());
    assertTrue(unavailable.getMessage().contains("could not be had"), unavailable.getMessage());
  }
}
