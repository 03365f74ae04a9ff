package dev.offboarding.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Decoding is total: whatever arrives on the queue, the codec answers with a result. */
class EventCodecRobustnessTest {
  private final EventCodec codec = new EventCodec();

  /** Decodes and checks the answer is well formed; an exception fails the test by itself. */
  private DecodeResult decodeSafely(byte[] input) {
    DecodeResult result = codec.decode(input);
    assertNotNull(result);
    if (result instanceof DecodeResult.Invalid invalid) {
      assertFalse(invalid.problems().isEmpty());
      assertTrue(invalid.problems().size() <= EventCodec.MAX_PROBLEMS);
      for (Problem p : invalid.problems()) {
        assertTrue(p.path().startsWith("$"), p.path());
        assertTrue(p.path().length() + p.message().length() < 1_000, p::toString);
        assertTrue(p.toString().chars().noneMatch(Character::isISOControl), p::toString);
      }
    }
    return result;
  }

  @Test
  void neverThrowsOnRandomBytes() {
    Random random = new Random(20261127);

    for (int i = 0; i < 2_000; i++) {
      byte[] junk = new byte[random.nextInt(512)];
      random.nextBytes(junk);

      assertInstanceOf(DecodeResult.Invalid.class, decodeSafely(junk));
    }
  }

  @Test
  void neverThrowsOnMutationsOfAValidEvent() {
    byte[] valid = EventJson.bytes(EventJson.validLeaver());
    Random random = new Random(42);

    for (int i = 0; i < 5_000; i++) {
      byte[] mutated = valid.clone();
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
      }

      decodeSafely(mutated);
    }
  }

  @Test
  void neverThrowsOnNullOrEmptyInput() {
    assertInstanceOf(DecodeResult.Invalid.class, decodeSafely(null));
    assertInstanceOf(DecodeResult.Invalid.class, decodeSafely(new byte[0]));
  }

  @Test
  void rejectsDeeplyNestedJsonWithoutExhaustingTheStack() {
    String deepArrays = "[".repeat(100_000) + "]".repeat(100_000);
    String deepInData = "{\"data\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}";

    List<Problem> arrays = ((DecodeResult.Invalid) decodeSafely(utf8(deepArrays))).problems();
    List<Problem> objects = ((DecodeResult.Invalid) decodeSafely(utf8(deepInData))).problems();

    assertEquals("$", arrays.get(0).path());
    assertEquals("$", objects.get(0).path());
  }

  @Test
  void rejectsHugeStringsWithoutEchoingThem() {
    String huge = "x".repeat(EventCodec.MAX_BYTES - 1_000);
    String event = new String(EventJson.bytes(EventJson.validLeaver()), StandardCharsets.UTF_8);

    // source has no length limit in the contract (CloudEvents sets none); a long one is valid.
    for (String field : List.of("id", "type", "time", "specversion", "datacontenttype")) {
      String withHuge =
          event.replaceFirst("\"" + field + "\":\"[^\"]*\"", "\"" + field + "\":\"" + huge + "\"");

      DecodeResult.Invalid invalid =
          assertInstanceOf(DecodeResult.Invalid.class, decodeSafely(utf8(withHuge)), field);

      assertEquals(List.of("$." + field), invalid.problems().stream().map(Problem::path).toList());
    }
  }

  @Test
  void rejectsAHugeUpnAndAHugePropertyName() {
    String upn = "a".repeat(200_000) + "@" + "b.".repeat(10_000) + "com";
    String event = new String(EventJson.bytes(EventJson.validLeaver()), StandardCharsets.UTF_8);

    DecodeResult.Invalid hugeUpn =
        (DecodeResult.Invalid) decodeSafely(utf8(event.replace("alice@contoso.com", upn)));
    DecodeResult.Invalid hugeName =
        (DecodeResult.Invalid)
            decodeSafely(utf8(event.replace("\"ticket\"", "\"" + "t".repeat(40_000) + "\"")));

    assertEquals("$.data.targets[0].user", hugeUpn.problems().get(0).path());
    assertTrue(hugeName.problems().get(0).path().startsWith("$.data['ttt"), hugeName::describe);
  }

  @Test
  void rejectsHugeNumbersAndDeepValuesInExtensions() {
    String event = new String(EventJson.bytes(EventJson.validLeaver()), StandardCharsets.UTF_8);

    decodeSafely(utf8(event.replace("{\"specversion\"", "{\"big\":1e999999999,\"specversion\"")));
    decodeSafely(
        utf8(
            event.replace(
                "{\"specversion\"", "{\"big\":" + "9".repeat(5_000) + ",\"specversion\"")));
    decodeSafely(
        utf8(
            event.replace(
                "{\"specversion\"",
                "{\"deep\":" + "[".repeat(30) + "]".repeat(30) + ",\"specversion\"")));
  }

  @Test
  void rejectsInvalidSurrogatesAndOverlongUtf8() {
    byte[] overlongSlash = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
    byte[] loneSurrogate = utf8("{\"id\":\"\\ud800\",\"type\":\"\\udfff\"}");

    assertInstanceOf(DecodeResult.Invalid.class, decodeSafely(overlongSlash));
    assertInstanceOf(DecodeResult.Invalid.class, decodeSafely(loneSurrogate));
  }

  @Test
  void decodesTheSameEventConcurrentlyFromOneInstance() throws Exception {
    byte[] valid = Examples.load(Examples.valid().get(0));
    byte[] invalid = Examples.load(Examples.invalid().get(0));
    DecodeResult expectedValid = codec.decode(valid);
    DecodeResult expectedInvalid = codec.decode(invalid);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Boolean>> work = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        work.add(
            () ->
                codec.decode(valid).equals(expectedValid)
                    && codec.decode(invalid).equals(expectedInvalid));
      }

      List<Future<Boolean>> results = pool.invokeAll(work);

      for (Future<Boolean> result : results) {
        assertTrue(result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
