package dev.offboarding.worker.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A 100,000-member nested group runs in a JVM with {@code -Xmx256m}. Each member's UPN carries 4 KB
 * of ballast, so the users alone weigh about 400 MB: the run only fits if users stream through
 * planning, execution and audit instead of being collected, and only the ids are kept. The second
 * test shows the ballast is enough: the same event planned into memory does not fit.
 */
class BoundedMemoryTest {

  @Test
  void aHundredThousandMemberGroupStreamsThroughA256MegabyteHeap() throws Exception {
    Process child = start("100000", "4096");

    String output = read(child);

    assertEquals(0, child.exitValue(), output);
    assertTrue(output.contains("users=100000 results=100000 duplicates=0"), output);
  }

  @Test
  void theSameGroupPlannedIntoMemoryDoesNotFit() throws Exception {
    Process child = start("100000", "4096", "materialize");

    String output = read(child);

    assertTrue(output.contains("OutOfMemoryError"), output);
  }

  private static Process start(String... args) throws IOException {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                HugeGroupRun.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static String read(Process child) throws IOException, InterruptedException {
    byte[] out = child.getInputStream().readAllBytes();
    // The bound only keeps a broken child from hanging the build; it is no performance threshold.
    if (!child.waitFor(5, TimeUnit.MINUTES)) {
      child.destroyForcibly();
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
