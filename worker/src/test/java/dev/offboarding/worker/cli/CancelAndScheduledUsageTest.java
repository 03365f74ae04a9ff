package dev.offboarding.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.worker.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code cancel}, {@code approve} and {@code scheduled} refuse before they reach Service Bus.
 */
class CancelAndScheduledUsageTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return Main.run(args, Map.of(), new PrintStream(out, true), new PrintStream(err, true));
  }

  @Test
  void cancelNeedsAReasonAndARequesterAndSendsNothingWithoutThem() {
    assertEquals(ExitCode.REJECTED, run("cancel", "evt-1"));
    assertEquals(ExitCode.REJECTED, run("cancel", "--reason", "r", "evt-1"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains(CancelCommand.USAGE));
  }

  @Test
  void cancelRefusesAnEventIdTheContractRefusesWithoutEchoingControlCharacters() {
    int code = run("cancel", "--reason", "r", "--requested-by", "ops", "evt\n1");

    assertEquals(ExitCode.REJECTED, code);
    String said = err.toString(StandardCharsets.UTF_8);
    assertTrue(said.startsWith("not sent:"), said);
    assertFalse(said.contains("evt\n1"), said);
  }

  @Test
  void approveNeedsARequesterAndAnEventIdAndSendsNothingWithoutThem() {
    assertEquals(ExitCode.REJECTED, run("approve", "evt-1"));
    assertEquals(ExitCode.REJECTED, run("approve", "--requested-by", "lead@contoso.com"));
    assertEquals(ExitCode.REJECTED, run("approve", "--requested-by", "lead@contoso.com", "--user"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains(ApproveCommand.USAGE));
  }

  @Test
  void approveRefusesAUserThatIsNeitherAnIdNorAUpnBeforeReachingServiceBus() {
    int code =
        run("approve", "--requested-by", "lead@contoso.com", "--user", "not a user", "evt-1");

    assertEquals(ExitCode.REJECTED, code);
    assertTrue(
        err.toString(StandardCharsets.UTF_8).startsWith("not sent:"),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void scheduledTakesOnlyListAndABoundedMax() {
    assertEquals(ExitCode.REJECTED, run("scheduled"));
    assertEquals(ExitCode.REJECTED, run("scheduled", "list", "--max", "0"));
    assertEquals(ExitCode.REJECTED, run("scheduled", "list", "--max", "20000"));
  }

  @Test
  void summarisesTargetsWithTheFirstUsersAndTheCountsOfTheRest() {
    OffboardingEvent event =
        new OffboardingEvent(
            "e",
            "/t",
            EventType.LEAVER,
            Instant.now(),
            new EventData(
                List.of(
                    new Target.User("a@contoso.com"),
                    new Target.User("b@contoso.com"),
                    new Target.User("c@contoso.com"),
                    new Target.User("d@contoso.com"),
                    new Target.Group("84b18857-3c01-48be-b707-492019c57142"),
                    new Target.Attribute("department", "HP")),
                List.of(),
                "r",
                null,
                null,
                false));

    assertEquals(
        "4 user(s) (a@contoso.com, b@contoso.com, c@contoso.com, ...), 1 group(s), 1 attribute selector(s)",
        ScheduledCommand.targets(event));
  }
}
