package dev.offboarding.worker.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.testkit.ManualClock;
import dev.offboarding.worker.scheduling.CancellationMarkers;
import dev.offboarding.worker.scheduling.KnownMarkers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A marker is read strictly, and one no worker could have written is not kept. */
class CancellationMarkerCodecTest {
  private final ManualClock clock = ManualClock.startingAt("2026-12-02T09:00:00Z");
  private final CancellationMarkerCodec codec = new CancellationMarkerCodec();

  private CancellationMarkers.Marker marker(String eventId, Duration lifetime) {
    return new CancellationMarkers.Marker(
        eventId,
        "cancel-1",
        "hr-ops@contoso.com",
        "contract extended",
        clock.instant().plus(lifetime),
        null);
  }

  @Test
  void readsBackWhatItWrites() {
    CancellationMarkers.Marker written = marker("evt-1", Duration.ofDays(1));

    assertEquals(written, codec.decode(codec.encode(written)));
  }

  @Test
  void readsBackTheQueueTheCancelCameFromAndRefusesOneThatIsNoEntityName() {
    CancellationMarkers.Marker written =
        new CancellationMarkers.Marker(
            "evt-1",
            "cancel-1",
            "hr-ops@contoso.com",
            "contract extended",
            clock.instant().plus(Duration.ofDays(1)),
            null,
            "offboarding-events");
    String notAQueue =
        new String(codec.encode(written), StandardCharsets.UTF_8)
            .replace("\"offboarding-events\"", "\"../elsewhere\"");

    assertEquals(written, codec.decode(codec.encode(written)));
    assertEquals("offboarding-events", codec.decode(codec.encode(written)).queue());
    assertThrows(
        IllegalArgumentException.class,
        () -> codec.decode(notAQueue.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void refusesAnEventIdTheContractWouldNot() {
    String withControl =
        new String(codec.encode(marker("evt-1", Duration.ofDays(1))), StandardCharsets.UTF_8)
            .replace("\"evt-1\"", "\"evt\\u0007-1\"");
    String tooLong =
        new String(codec.encode(marker("evt-1", Duration.ofDays(1))), StandardCharsets.UTF_8)
            .replace("\"evt-1\"", "\"" + "e".repeat(257) + "\"");

    assertThrows(
        IllegalArgumentException.class,
        () -> codec.decode(withControl.getBytes(StandardCharsets.UTF_8)));
    assertThrows(
        IllegalArgumentException.class,
        () -> codec.decode(tooLong.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aMarkerClaimingToLiveLongerThanAnyWorkerWritesIsNotKept() {
    KnownMarkers known = new KnownMarkers(clock);

    KnownMarkers.Added forever = known.add(marker("evt-forever", Duration.ofDays(3650)));
    KnownMarkers.Added day = known.add(marker("evt-day", Duration.ofDays(1)));

    assertEquals(KnownMarkers.Added.REFUSED, forever);
    assertTrue(known.of("evt-forever").isEmpty());
    assertEquals(KnownMarkers.Added.KEPT, day);
    assertEquals(1, known.of("evt-day").size());
    clock.advance(Duration.ofDays(1));
    assertTrue(known.of("evt-day").isEmpty(), "expired at its until");
  }
}
