package dev.offboarding.worker.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.worker.continuation.Continuation;
import dev.offboarding.worker.testing.Events;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContinuationCodecTest {
  static final String USER = "40000000-0000-4000-8000-000000000001";
  final ContinuationCodec codec = new ContinuationCodec();
  final byte[] event = new EventCodec().encode(Events.leaver(new Target.User(USER)));

  Continuation sample() {
    return new Continuation(
        event,
        "4711@offboarding-events",
        "offboarding-events",
        3,
        Instant.parse("2026-11-27T09:00:00Z"),
        Map.of(TargetOutcome.SUCCEEDED, 40, TargetOutcome.FAILED, 1),
        Map.of("device", 2),
        45,
        "40000000-0000-4000-8000-000000000040",
        List.of(
            new Continuation.Pending(USER, 2, Set.of(Action.DISABLE_ACCOUNT)),
            new Continuation.Pending("40000000-0000-4000-8000-000000000002", 0, Set.of())));
  }

  @Test
  void readsBackWhatItWrote() {
    Continuation written = sample();

    Continuation read = codec.decode(codec.encode(written));

    assertEquals(written.origin(), read.origin());
    assertEquals(written.queue(), read.queue());
    assertEquals(written.step(), read.step());
    assertEquals(written.startedAt(), read.startedAt());
    assertEquals(written.counts(), read.counts());
    assertEquals(written.skippedMembers(), read.skippedMembers());
    assertEquals(written.usersResolved(), read.usersResolved());
    assertEquals(written.cursor(), read.cursor());
    assertEquals(written.pending(), read.pending());
    assertArrayEquals(
        new EventCodec()
            .encode(
                ((dev.offboarding.contracts.DecodeResult.Valid)
                        new EventCodec().decode(read.event()))
                    .event()),
        event,
        "the embedded event survives unchanged");
  }

  @Test
  void writesAnObjectIdIn22CharactersAndReadsItBack() {
    String compact = ContinuationCodec.compactId(USER);

    assertEquals(22, compact.length());
    assertEquals(USER, ContinuationCodec.fullId(compact));
  }

  @Test
  void refusesAFollowUpWithoutTheQueueItsEventArrivedOn() {
    String body =
        new String(codec.encode(sample()), StandardCharsets.UTF_8)
            .replace("\"queue\":\"offboarding-events\",", "");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> codec.decode(body.getBytes(StandardCharsets.UTF_8)));

    assertTrue(e.getMessage().contains("queue"), e.getMessage());
  }

  @Test
  void keepsAFollowUpOfTheLargestChunkWellUnderTheMessageLimit() {
    List<Continuation.Pending> pending = new ArrayList<>();
    for (int i = 0; i < Continuation.MAX_PENDING; i++) {
      pending.add(
          new Continuation.Pending(
              String.format("40000000-0000-4000-8000-%012d", i),
              13,
              Set.of(Action.DISABLE_ACCOUNT, Action.REVOKE_SESSIONS)));
    }
    Continuation big =
        new Continuation(
            event,
            "9223372036854775807@offboarding-events",
            "offboarding-events",
            99_999,
            Instant.now(),
            Map.of(),
            Map.of(),
            100_000,
            null,
            pending);

    int size = codec.encode(big).length;

    assertTrue(
        size + event.length < ContinuationCodec.MAX_BYTES - 4096,
        "follow-up of " + size + " bytes");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"continuation\":\"dev.offboarding.continuation.v2\"}",
        "{\"continuation\":\"dev.offboarding.continuation.v1\",\"extra\":1}",
        "[1,2]",
      })
  void refusesWhatIsNotAFollowUpOfThisFormat(String body) {
    assertThrows(
        IllegalArgumentException.class, () -> codec.decode(body.getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "rounds", "done", "cursor", "origin", "step", "counts"})
  void refusesAFollowUpWithABadMember(String member) throws Exception {
    ObjectMapper json = new ObjectMapper();
    var root =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(codec.encode(sample()));
    var pending = root.withArray("pending");
    String id = ContinuationCodec.compactId(USER);
    switch (member) {
      case "id" -> pending.set(0, json.getNodeFactory().textNode("alice@contoso.com.1"));
      case "rounds" -> pending.set(0, json.getNodeFactory().textNode(id + ".-1"));
      case "done" -> pending.set(0, json.getNodeFactory().textNode(id + ".1.X"));
      case "cursor" -> root.put("cursor", "' or 1 eq 1");
      case "origin" -> root.put("origin", "a\nb");
      case "step" -> root.put("step", 0);
      default -> root.putObject("counts").put("HACKED", 1);
    }

    assertThrows(IllegalArgumentException.class, () -> codec.decode(json.writeValueAsBytes(root)));
  }
}
