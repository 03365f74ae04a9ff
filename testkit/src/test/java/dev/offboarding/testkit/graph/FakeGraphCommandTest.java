package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FakeGraphCommandTest {

  @Test
  void parsesEveryOption() {
    FakeGraphCommand.Config config =
        FakeGraphCommand.parse(
            new String[] {
              "--port",
              "18080",
              "--generate",
              "500",
              "--seed",
              "9",
              "--writes-per-150s",
              "600",
              "--latency-ms",
              "20",
              "--jitter-ms",
              "5",
              "--bind",
              "0.0.0.0",
              "--page-size",
              "50",
              "--revoke-response",
              "204",
              "--retry-after",
              "http-date"
            });

    FakeGraphOptions options = config.options();
    assertEquals(18080, options.port());
    assertEquals(500, config.generate());
    assertEquals(9, config.seed());
    assertEquals(600, options.writesPerWindow());
    assertEquals(Duration.ofSeconds(150), options.writeWindow());
    assertEquals(Duration.ofMillis(20), options.latency());
    assertEquals(Duration.ofMillis(5), options.jitter());
    assertEquals("0.0.0.0", options.bindAddress());
    assertEquals(50, options.pageSize());
    assertEquals(FakeGraphOptions.RevokeResponse.NO_CONTENT, options.revokeResponse());
    assertEquals(FakeGraphOptions.RetryAfterFormat.HTTP_DATE, options.retryAfterFormat());
  }

  @Test
  void defaultsToGraphsBudgetAnEphemeralPortAndTheBundledTenant() {
    FakeGraphCommand.Config config = FakeGraphCommand.parse(new String[0]);

    assertEquals(0, config.options().port());
    assertEquals(3_000, config.options().writesPerWindow());
    assertNull(config.tenantFile());
    assertEquals(7, FakeGraphCommand.tenant(config).userCount());
  }

  @Test
  void treatsAZeroBudgetAsUnlimited() {
    assertFalse(
        FakeGraphCommand.parse(new String[] {"--writes-per-150s", "0"})
            .options()
            .writeBudgetEnabled());
  }

  @Test
  void rejectsConflictingUnknownOrMalformedOptions() {
    assertThrows(
        IllegalArgumentException.class,
        () -> FakeGraphCommand.parse(new String[] {"--tenant", "t.json", "--generate", "100"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> FakeGraphCommand.parse(new String[] {"--colour", "red"}));
    assertThrows(
        IllegalArgumentException.class, () -> FakeGraphCommand.parse(new String[] {"--port"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> FakeGraphCommand.parse(new String[] {"--port", "http"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> FakeGraphCommand.parse(new String[] {"--retry-after", "soon"}));
  }

  @Test
  void answersAUsageErrorWithExitCodeTwo() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code =
        FakeGraphCommand.run(
            new String[] {"--bogus", "1"},
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --bogus"));
  }

  @Test
  void isRegisteredInTheTestkitCommandLine() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    dev.offboarding.testkit.TestkitMainAccess.run(
        new String[0], new PrintStream(err, true, StandardCharsets.UTF_8));

    assertTrue(err.toString(StandardCharsets.UTF_8).contains("fake-graph"));
  }
}
