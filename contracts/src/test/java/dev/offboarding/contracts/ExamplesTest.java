package dev.offboarding.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Other modules load examples and samples by the names listed here; the lists must be complete. */
class ExamplesTest {
  private final EventCodec codec = new EventCodec();

  private static List<String> filesIn(String resourceDirectory)
      throws IOException, URISyntaxException {
    return filesIn(resourceDirectory, null);
  }

  private static List<String> filesIn(String resourceDirectory, String exclude)
      throws IOException, URISyntaxException {
    Path dir = Path.of(ExamplesTest.class.getResource("/" + resourceDirectory).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> resourceDirectory + p.getFileName())
          .filter(name -> exclude == null || !name.endsWith(exclude))
          .sorted()
          .toList();
    }
  }

  @Test
  void listsEveryValidAndInvalidExampleOnTheClasspath() throws Exception {
    assertEquals(
        filesIn("dev/offboarding/contracts/examples/valid/"),
        Examples.valid().stream().sorted().toList());
    assertEquals(
        filesIn("dev/offboarding/contracts/examples/invalid/", "expected-problems.json"),
        Examples.invalid().stream().sorted().toList());
    assertEquals(
        filesIn("dev/offboarding/contracts/examples/audit/"),
        Stream.of(
                Examples.auditTargets(),
                Examples.auditSummaries(),
                Examples.auditAccesses(),
                Examples.auditResumes())
            .flatMap(List::stream)
            .sorted()
            .toList());
    assertEquals(
        filesIn("dev/offboarding/contracts/examples/audit-invalid/", "expected-problems.json"),
        Examples.invalidAudits().stream().sorted().toList());
  }

  @Test
  void listsEverySampleAndEverySchema() throws Exception {
    assertEquals(
        filesIn("dev/offboarding/contracts/samples/"),
        SampleEvents.all().stream().sorted().toList());
    assertEquals(
        filesIn("dev/offboarding/contracts/schema/"), Schemas.all().stream().sorted().toList());
  }

  @Test
  void theValidSamplesDecodeToWhatTheirNamesSay() {
    OffboardingEvent oneUser = decodeValid(SampleEvents.LEAVER_ONE_USER);
    OffboardingEvent group = decodeValid(SampleEvents.LEAVER_GROUP);
    OffboardingEvent compromise = decodeValid(SampleEvents.COMPROMISE_REVOKE_ONLY);

    assertEquals(EventType.LEAVER, oneUser.type());
    assertEquals(List.of(new Target.User("alice@contoso.com")), oneUser.data().targets());
    assertInstanceOf(Target.Group.class, group.data().targets().get(0));
    assertEquals(EventType.COMPROMISE, compromise.type());
    assertEquals(List.of(Action.REVOKE_SESSIONS), compromise.effectiveActions());
  }

  @Test
  void theMalformedSampleIsRejectedButCanBeCorrelated() {
    DecodeResult.Invalid invalid =
        assertInstanceOf(
            DecodeResult.Invalid.class, codec.decode(SampleEvents.load(SampleEvents.MALFORMED)));

    assertNotNull(invalid.eventId());
    assertEquals(
        List.of(
            "$.data.targets[0].user",
            "$.data.targets[1].group",
            "$.data.actions[1]",
            "$.data.reason"),
        invalid.problems().stream().map(Problem::path).toList());
  }

  @Test
  void everySampleAgreesWithTheSchema() {
    SchemaValidation schema = SchemaValidation.of(Schemas.EVENT);

    for (String sample : SampleEvents.all()) {
      boolean codecAccepts = codec.decode(SampleEvents.load(sample)) instanceof DecodeResult.Valid;
      assertEquals(codecAccepts, schema.accepts(SampleEvents.load(sample)), sample);
      assertEquals(!sample.equals(SampleEvents.MALFORMED), codecAccepts, sample);
    }
  }

  @Test
  void everyValidExampleRoundTripsThroughEncodeAndDecode() {
    for (String example : Examples.valid()) {
      OffboardingEvent event = decodeValid(example);

      DecodeResult again = codec.decode(codec.encode(event));

      assertEquals(new DecodeResult.Valid(event), again, example);
    }
  }

  @Test
  void failsClearlyForAResourceThatDoesNotExist() {
    IllegalArgumentException thrown =
        assertThrows(
            IllegalArgumentException.class,
            () -> Examples.load("dev/offboarding/contracts/nope.json"));

    assertEquals(
        "no such contracts resource: dev/offboarding/contracts/nope.json", thrown.getMessage());
  }

  private OffboardingEvent decodeValid(String resource) {
    DecodeResult result = codec.decode(Examples.load(resource));
    return assertInstanceOf(DecodeResult.Valid.class, result, () -> resource + ": " + result)
        .event();
  }
}
