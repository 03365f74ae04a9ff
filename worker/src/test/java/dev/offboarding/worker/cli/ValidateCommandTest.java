package dev.offboarding.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.worker.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return Main.run(
        args,
        Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  Path file(String json) throws Exception {
    Path f = Files.createTempFile(dir, "event", ".json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void acceptsAValidEventWithExitCodeZero() throws Exception {
    Path f =
        file(
            """
        {"specversion":"1.0","id":"e-1","source":"/hr/workday","type":"dev.offboarding.leaver.v1",
         "data":{"targets":[{"user":"o'brien#1$x+y@contoso.com"}],"reason":"Leaver"}}
        """);

    int code = run("validate", f.toString());

    assertEquals(0, code, err.toString());
    assertTrue(out.toString().contains("valid dev.offboarding.leaver.v1 event e-1"));
  }

  @Test
  void printsEveryProblemWithItsPathAndExitsTwo() throws Exception {
    Path f =
        file(
            """
        {"specversion":"1.0","id":"e-2","source":"/siem","type":"dev.offboarding.quit.v1",
         "data":{"targets":[{"user":"not a upn"},{"group":"42"}],"actions":["wipeDevice"],"reason":"x","extra":1}}
        """);

    int code = run("validate", f.toString());

    assertEquals(2, code);
    String printed = err.toString();
    for (String path :
        new String[] {
          "$.type",
          "$.data.targets[0].user",
          "$.data.targets[1].group",
          "$.data.actions[0]",
          "$.data.extra"
        }) {
      assertTrue(printed.contains(path), path + " missing from:\n" + printed);
    }
  }

  @Test
  void rejectsAFileThatIsNotJson() throws Exception {
    assertEquals(2, run("validate", file("leaver: alice").toString()));
  }

  @Test
  void explainsUsageAndAMissingFile() {
    assertEquals(2, run("validate"));
    assertEquals(2, run("validate", dir.resolve("missing.json").toString()));
    assertTrue(err.toString().contains("cannot read"));
    assertEquals(2, run("frobnicate"));
  }
}
