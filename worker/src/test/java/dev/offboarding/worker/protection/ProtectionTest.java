package dev.offboarding.worker.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.testkit.ManualClock;
import dev.offboarding.worker.tenant.DirectoryUser;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.testing.FakeDirectory;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProtectionTest {
  static final String GLASS = "30000000-0000-4000-8000-000000000001";
  static final String ALICE = "30000000-0000-4000-8000-000000000002";
  static final String GROUP = "30000000-0000-4000-8000-0000000000aa";

  final FakeDirectory directory = new FakeDirectory();
  final ManualClock clock = ManualClock.startingAt("2026-11-27T09:00:00Z");

  @Test
  void keepsAProtectedUpnProtectedWhenTheDirectoryListsTheAccountUnderAnotherName() {
    directory.addUser(GLASS, "glass@contoso.com");
    Protection protection =
        new Protection(Set.of("GLASS@contoso.com"), Set.of(), clock, Duration.ofSeconds(60));
    protection.refresh(directory);

    // The account was renamed after the set was loaded, or a listing withholds its UPN.
    String reason = protection.checker(directory).reason(new DirectoryUser(GLASS, null, "Member"));

    assertEquals("listed in PROTECTED_USERS", reason);
  }

  @Test
  void failsClosedWhenAProtectedUpnResolvesToNobody() {
    Protection protection =
        new Protection(Set.of("gone@contoso.com"), Set.of(), clock, Duration.ofSeconds(60));

    GraphFailure failure = assertThrows(GraphFailure.class, () -> protection.checker(directory));

    assertTrue(failure.isTransient(), "the event must wait, not fail");
    assertEquals(Protection.UNAVAILABLE_CODE, failure.errorCode());
    assertFalse(protection.ready());
    assertTrue(protection.problem().contains("PROTECTED_USERS"), protection.problem());
  }

  @Test
  void failsClosedAndSaysWhichGroupWhenAProtectedGroupCannotBeRead() {
    Protection protection = new Protection(Set.of(), Set.of(GROUP), clock, Duration.ofSeconds(60));

    assertThrows(GraphFailure.class, () -> protection.refresh(directory));

    assertFalse(protection.ready());
    assertTrue(protection.problem().contains(GROUP), protection.problem());
    assertEquals(-1, protection.ageSeconds());
  }

  @Test
  void servesTheLoadedSetWithoutReadingUntilItIsOlderThanTheBound() {
    directory.addUser(GLASS, "glass@contoso.com");
    directory.addGroup(GROUP, GLASS);
    Protection protection = new Protection(Set.of(), Set.of(GROUP), clock, Duration.ofSeconds(60));
    protection.refresh(directory);
    int listings = directory.memberListings.get();

    clock.advance(Duration.ofSeconds(60));
    protection.checker(directory);

    assertEquals(listings, directory.memberListings.get(), "a fresh set was read again");
    assertTrue(protection.ready());
    assertEquals(60.0, protection.ageSeconds());
  }

  @Test
  void protectsAnAccountAddedToAProtectedGroupNoLaterThanTheBound() {
    directory.addUser(GLASS, "glass@contoso.com");
    directory.addUser(ALICE, "alice@contoso.com");
    directory.addGroup(GROUP, GLASS);
    Protection protection = new Protection(Set.of(), Set.of(GROUP), clock, Duration.ofSeconds(60));
    protection.refresh(directory);
    directory.addGroup(GROUP, GLASS, ALICE);

    clock.advance(Duration.ofSeconds(61));
    Protection.Checker checker = protection.checker(directory);

    assertEquals(
        "member of a protected group", checker.reason(directory.user(ALICE).orElseThrow()));
  }

  @Test
  void becomesNotReadyOnceTheSetIsOlderThanTheBoundAndCannotBeRefreshed() {
    directory.addUser(GLASS, "glass@contoso.com");
    directory.addGroup(GROUP, GLASS);
    Protection protection = new Protection(Set.of(), Set.of(GROUP), clock, Duration.ofSeconds(60));
    protection.refresh(directory);
    directory.failGroupsWith =
        new GraphFailure(
            GraphFailure.Kind.FORBIDDEN,
            403,
            "Authorization_RequestDenied",
            "denied",
            null,
            null,
            null);

    clock.advance(Duration.ofSeconds(30));
    assertThrows(GraphFailure.class, () -> protection.refresh(directory));
    assertFalse(protection.ready(), "a failed refresh is reported at once");
    assertTrue(
        protection.checker(directory).reason(directory.user(GLASS).orElseThrow()) != null,
        "the last good set, still within the bound, keeps protecting");

    clock.advance(Duration.ofSeconds(31));
    assertThrows(GraphFailure.class, () -> protection.checker(directory));
  }

  @Test
  void isAlwaysReadyWhenNothingIsProtected() {
    Protection protection = Protection.none();

    assertTrue(protection.ready());
    assertNull(protection.problem());
    assertNull(
        protection
            .checker(directory)
            .reason(new DirectoryUser(ALICE, "alice@contoso.com", "Member")));
  }
}
