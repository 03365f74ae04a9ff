package dev.offboarding.worker.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.offboarding.contracts.Provenance;
import dev.offboarding.worker.watch.SignInRequests;
import dev.offboarding.worker.watch.WatchEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The wire form of the sign-in watch's entries and of its lease's state: what is written reads
 * back, nothing else reads.
 */
class WatchEntryCodecTest {
  final WatchEntryCodec codec = new WatchEntryCodec();
  static final Instant REVOKED = Instant.parse("2026-03-01T10:00:00.500Z");
  final WatchEntry entry =
      new WatchEntry(
          "12@offboarding-urgent",
          "evt-1",
          "0.1",
          7,
          new Provenance(
              "/siem/sentinel", "soc@contoso.com", null, "compromised", "offboarding-urgent"),
          List.of(
              new WatchEntry.Watched(
                  "40000000-0000-4000-8000-000000000001",
                  REVOKED,
                  REVOKED.plusSeconds(5400),
                  Set.of("a0000000-0000-4000-8000-000000000001"))));

  @Test
  void readsBackWhatItWrites() {
    assertEquals(entry, codec.decode(codec.encode(entry)));
  }

  @Test
  void refusesUnknownMembersWrongTypesAndWindowsBeyondTheLongestToken() {
    String good = new String(codec.encode(entry), StandardCharsets.UTF_8);
    for (String bad :
        List.of(
            good.replace("\"poll\":7", "\"poll\":7,\"extra\":1"),
            good.replace("\"poll\":7", "\"poll\":\"7\""),
            good.replace("\"part\":\"0.1\"", "\"part\":\"x\""),
            good.replace("2026-03-01T11:30:00.500Z", "2026-03-03T11:30:00.500Z"),
            good.replace("dev.offboarding.watch.v1", "dev.offboarding.watch.v2"),
            good.replace("\"queue\":\"offboarding-urgent\"", "\"queue\":\"\""),
            "[]",
            "not json")) {
      assertThrows(
          IllegalArgumentException.class,
          () -> codec.decode(bad.getBytes(StandardCharsets.UTF_8)),
          bad);
    }
  }

  @Test
  void readsTheLeasesStateAndTakesNoneForAnEmptySession() {
    SignInRequests r = SignInRequests.EMPTY.with(REVOKED).with(REVOKED.plusSeconds(1));

    assertEquals(r, SignInRequestsCodec.decode(SignInRequestsCodec.encode(r)));
    assertEquals(SignInRequests.EMPTY, SignInRequestsCodec.decode(null));
    assertThrows(
        IllegalArgumentException.class, () -> SignInRequestsCodec.decode("{\"x\":1}".getBytes()));
  }
}
