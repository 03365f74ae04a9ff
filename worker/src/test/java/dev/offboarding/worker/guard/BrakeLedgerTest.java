package dev.offboarding.worker.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.worker.codec.BrakeLedgerCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BrakeLedgerTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:20Z");

  /** Where a lease granted at {@link #T0} is booked: the end of its minute. */
  private static final Instant BOOKED = Instant.parse("2026-12-01T10:01:00Z");

  @Test
  void grantsWhatTheWindowHasRoomForAndSaysWhenRoomComesBackForTheRest() {
    BrakeLedger.Grant first = BrakeLedger.EMPTY.grant(T0, 100, 60);

    BrakeLedger.Grant second = first.ledger().grant(T0.plusSeconds(120), 100, 60);

    assertEquals(MassActionBrake.Lease.all(60), first.lease());
    assertNull(first.fullUntil());
    assertEquals(40, second.lease().granted());
    assertEquals(
        BOOKED.plus(MassActionBrake.WINDOW),
        second.lease().roomAt(),
        "room for the 20 left comes back when the first lease leaves the window");
    assertEquals(BOOKED.plus(MassActionBrake.WINDOW), second.fullUntil());
    assertEquals(100, second.ledger().used(T0.plusSeconds(120)));
  }

  @Test
  void grantsNothingWhileTheCapIsFullAndAgainOnceTheWindowHasRolledPastTheLeases() {
    BrakeLedger full = BrakeLedger.EMPTY.grant(T0, 50, 50).ledger();

    BrakeLedger.Grant during =
        full.grant(BOOKED.plus(MassActionBrake.WINDOW).minusSeconds(1), 50, 10);
    BrakeLedger.Grant after = full.grant(BOOKED.plus(MassActionBrake.WINDOW), 50, 10);

    assertEquals(0, during.lease().granted());
    assertEquals(BOOKED.plus(MassActionBrake.WINDOW), during.lease().roomAt());
    assertEquals(MassActionBrake.Lease.all(10), after.lease());
    assertEquals(1, after.ledger().leases().size(), "the lease that left the window is dropped");
  }

  @Test
  void waitsForRoomForTheWholeRestWhenSeveralLeasesMustLeaveTheWindow() {
    BrakeLedger ledger =
        BrakeLedger.EMPTY
            .grant(T0, 30, 10)
            .ledger()
            .grant(T0.plus(Duration.ofMinutes(10)), 30, 10)
            .ledger()
            .grant(T0.plus(Duration.ofMinutes(20)), 30, 10)
            .ledger();

    BrakeLedger.Grant grant = ledger.grant(T0.plus(Duration.ofMinutes(30)), 30, 15);

    assertEquals(0, grant.lease().granted());
    assertEquals(
        BOOKED.plus(Duration.ofMinutes(10)).plus(MassActionBrake.WINDOW),
        grant.lease().roomAt(),
        "15 users need the first two leases gone");
    assertEquals(
        BOOKED.plus(MassActionBrake.WINDOW),
        grant.fullUntil(),
        "one user needs only the first gone");
  }

  @Test
  void countsALeaseBookedFurtherAheadThanAnyClockCouldBeAsBookedNow() {
    BrakeLedger farAhead =
        BrakeLedgerCodec.decode(
            ("{\"format\":\""
                    + BrakeLedgerCodec.FORMAT
                    + "\",\"leases\":[["
                    + T0.plus(Duration.ofDays(365)).getEpochSecond()
                    + ",10]]}")
                .getBytes(StandardCharsets.UTF_8));

    BrakeLedger.Grant grant = farAhead.grant(T0, 10, 1);

    assertEquals(0, grant.lease().granted());
    assertEquals(
        BOOKED.plus(MassActionBrake.WINDOW), grant.lease().roomAt(), "held one window, not a year");
  }

  @Test
  void aCapLoweredBelowWhatIsBookedWaitsUntilEnoughLeavesTheWindow() {
    BrakeLedger ledger = BrakeLedger.EMPTY.grant(T0, 100, 80).ledger();

    BrakeLedger.Grant grant = ledger.grant(T0.plusSeconds(60), 50, 10);

    assertEquals(0, grant.lease().granted());
    assertEquals(BOOKED.plus(MassActionBrake.WINDOW), grant.lease().roomAt());
  }

  @Test
  void readsBackWhatItWrites() {
    BrakeLedger ledger =
        BrakeLedger.EMPTY.grant(T0, 100, 7).ledger().grant(T0.plusSeconds(300), 100, 3).ledger();

    BrakeLedger read = BrakeLedgerCodec.decode(BrakeLedgerCodec.encode(ledger));

    assertEquals(ledger, read);
    assertTrue(
        new String(BrakeLedgerCodec.encode(ledger), StandardCharsets.UTF_8)
            .startsWith("{\"format\":\"" + BrakeLedgerCodec.FORMAT));
    assertEquals(
        BrakeLedger.EMPTY,
        BrakeLedgerCodec.decode(null),
        "a session never written is an empty count");
  }

  @Test
  void refusesAStateItDidNotWriteWithoutQuotingIt() {
    for (String state :
        new String[] {
          "not json",
          "[]",
          "{\"format\":\"other\",\"leases\":[]}",
          "{\"format\":\"" + BrakeLedgerCodec.FORMAT + "\",\"leases\":[[1,0]]}",
          "{\"format\":\"" + BrakeLedgerCodec.FORMAT + "\",\"leases\":[[1,\"5\"]]}",
          "{\"format\":\"" + BrakeLedgerCodec.FORMAT + "\",\"leases\":[[-1,5]]}",
          "{\"format\":\"" + BrakeLedgerCodec.FORMAT + "\",\"leases\":[[1.5,5]]}",
          "{\"format\":\"" + BrakeLedgerCodec.FORMAT + "\",\"leases\":[],\"reset\":true}"
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> BrakeLedgerCodec.decode(state.getBytes(StandardCharsets.UTF_8)),
              state);
      assertTrue(!e.getMessage().contains(state), e.getMessage());
    }
  }

  @Test
  void booksAReserveAtTheEndOfItsLifeAndTakesBackWhatItDidNotUse() {
    Instant end = T0.plus(BrakeLedger.MAX_BOOKED_AHEAD);

    BrakeLedger.Grant grant = BrakeLedger.EMPTY.grant(T0, 10, 2, 5, end);
    BrakeLedger givenBack = grant.ledger().release(grant.booked(), 4);

    assertEquals(MassActionBrake.Lease.all(2), grant.lease());
    assertEquals(5, grant.extra());
    assertEquals(Instant.parse("2026-12-01T10:11:00Z").getEpochSecond(), grant.booked());
    assertEquals(7, grant.ledger().used(T0));
    assertEquals(3, givenBack.used(T0));
    assertEquals(
        BrakeLedger.EMPTY, givenBack.release(grant.booked(), 3), "nothing is left of that booking");
  }

  @Test
  void grantsWhatIsWantedBeforeAnyReserveAndSaysWhenRoomComesBackForWhatIsWantedOnly() {
    BrakeLedger ledger = BrakeLedger.EMPTY.grant(T0, 10, 7).ledger();

    BrakeLedger.Grant grant = ledger.grant(T0, 10, 3, 5, T0);
    BrakeLedger.Grant short1 = ledger.grant(T0, 10, 4, 5, T0);

    assertEquals(MassActionBrake.Lease.all(3), grant.lease());
    assertEquals(0, grant.extra());
    assertEquals(3, short1.lease().granted());
    assertEquals(BOOKED.plus(MassActionBrake.WINDOW), short1.lease().roomAt());
  }

  @Test
  void refusesToBookInThePastOrFurtherAheadThanAReserveLives() {
    assertThrows(
        IllegalArgumentException.class,
        () -> BrakeLedger.EMPTY.grant(T0, 10, 1, 0, T0.minusSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            BrakeLedger.EMPTY.grant(
                T0, 10, 1, 0, T0.plus(BrakeLedger.MAX_BOOKED_AHEAD).plusSeconds(1)));
  }

  @Test
  void aFullLedgerHoldsTheWholeCapForOneWindow() {
    BrakeLedger full = BrakeLedger.full(T0, 200);

    assertEquals(0, full.grant(T0, 200, 1).lease().granted());
    assertEquals(1, full.grant(BOOKED.plus(MassActionBrake.WINDOW), 200, 1).lease().granted());
  }
}
