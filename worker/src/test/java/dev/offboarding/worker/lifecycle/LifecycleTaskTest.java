package dev.offboarding.worker.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LifecycleTaskTest {
  static final String W = "6f0d2a1c-3b4e-4f5a-8c7d-9e0f1a2b3c4d";
  static final String T = "1b2c3d4e-5f60-4718-9a0b-c1d2e3f40516";
  static final String R = "a7b8c9d0-e1f2-4a3b-8c4d-5e6f70819203";

  @Test
  void readsTheThreeGuidsOfExactlyLcwWorkflowTaskResult() {
    LifecycleTask.Named named =
        assertInstanceOf(
            LifecycleTask.Named.class, LifecycleTask.parse("lcw/" + W + "/" + T + "/" + R));

    assertEquals(new LifecycleTask(W, T, R), named.task());
    assertEquals("lcw/" + W + "/" + T + "/" + R, named.task().eventId());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0b7c7a4e-3f0e-4c1e-9a53-4c1f2f0d9a11",
        "sentinel/42",
        "lcwx/a",
        "hr/lcw/a",
        "lcw"
      })
  void anIdThatClaimsNoTaskIsAnOrdinaryEvent(String id) {
    assertInstanceOf(LifecycleTask.NotATask.class, LifecycleTask.parse(id));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "lcw/" + W + "/" + T + "/not-a-guid",
        "lcw/" + W + "/" + T,
        "lcw/" + W + "/" + T + "/" + R + "/extra",
        "lcw/" + W + "/" + T + "/" + R + "/",
        "lcw/" + W + "//" + T + "/" + R,
        "lcw/" + W + "%2F" + T + "/" + R,
        "lcw/" + W + "/" + T + "/..%2F" + R,
        "lcw%2F" + W + "/" + T + "/" + R,
        "lcw%2f" + W + "/" + T + "/" + R,
        "LCW/" + W + "/" + T + "/" + R,
        "lcw\\" + W + "/" + T + "/" + R,
        "lcw/" + W + "\\" + T + "/" + R,
        "lcw/{" + W + "}/" + T + "/" + R,
        "lcw/" + W + "/" + T + "/" + R + "?x=1",
        "lcw/" + W + "/" + T + "/" + R + "#x",
        "lcw/ " + W + "/" + T + "/" + R
      })
  void anIdThatClaimsATaskButIsNotExactlyThreeGuidsIsMalformed(String id) {
    LifecycleTask.Malformed malformed =
        assertInstanceOf(LifecycleTask.Malformed.class, LifecycleTask.parse(id));

    assertTrue(malformed.why().contains("Lifecycle Workflows"), malformed.why());
    assertTrue(
        !malformed.why().contains(W) && !malformed.why().contains(R),
        "the reason quotes nothing of the id");
  }
}
