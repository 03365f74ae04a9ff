package dev.offboarding.worker.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image Jib writes with {@code -Pimage} (worker/target/jib-image.tar, an OCI image
 * layout): non-root, the container JVM flags, the health port, OCI labels, and the worker's main
 * class. CI builds it on an empty base ({@code -Dimage.base=scratch}) because base images cannot be
 * pulled there; everything this test reads is the worker's own configuration. Skipped when the tar
 * was not built, except under CI, where it must be.
 */
class ImageIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path tar = Path.of("target", "jib-image.tar");

  /**
   * The image's container configuration; skips the test when the tar was not built (fails under
   * CI).
   */
  private JsonNode imageConfig() throws IOException {
    if (!Files.exists(tar)) {
      assertFalse(
          "true".equals(System.getenv("CI")),
          "CI builds the image: ./mvnw -Pimage ... (" + tar + " missing)");
      assumeTrue(
          false,
          "no image tar: build with ./mvnw -Pimage -Dimage.base=scratch -pl worker -am package");
    }
    Map<String, byte[]> entries = readTar(tar);
    JsonNode index = JSON.readTree(entries.get("index.json"));
    JsonNode manifest = JSON.readTree(blob(entries, index.at("/manifests/0/digest").asText()));
    return JSON.readTree(blob(entries, manifest.at("/config/digest").asText())).get("config");
  }

  @Test
  void theImageRunsTheWorkerAsNonRootWithContainerFlagsLabelsAndItsPort() throws IOException {
    JsonNode config = imageConfig();

    assertEquals("65532:65532", config.get("User").asText(), "distroless' nonroot user");
    List<String> entrypoint =
        StreamSupport.stream(config.get("Entrypoint").spliterator(), false)
            .map(JsonNode::asText)
            .toList();
    assertTrue(entrypoint.contains("-XX:MaxRAMPercentage=60"), entrypoint.toString());
    assertTrue(entrypoint.contains("-XX:+ExitOnOutOfMemoryError"), entrypoint.toString());
    // Netty's sun.misc.Unsafe probe, which JDK 24+ warns about; a property, so JDK 21 starts too.
    assertTrue(entrypoint.contains("-Dio.netty.noUnsafe=true"), entrypoint.toString());
    assertEquals("dev.offboarding.worker.Main", entrypoint.get(entrypoint.size() - 1));
    assertEquals("run", config.at("/Cmd/0").asText());
    assertTrue(config.get("ExposedPorts").has("8080/tcp"));
    JsonNode labels = config.get("Labels");
    for (String label :
        new String[] {
          "org.opencontainers.image.source",
          "org.opencontainers.image.version",
          "org.opencontainers.image.licenses",
          "org.opencontainers.image.revision",
          "org.opencontainers.image.title"
        }) {
      assertTrue(labels.hasNonNull(label) && !labels.get(label).asText().isBlank(), label);
    }
    assertTrue(
        StreamSupport.stream(config.get("Env").spliterator(), false)
            .anyMatch(e -> e.asText().equals("LOG_FORMAT=json")));
  }

  /**
   * The image's JVM flags, given to the JVM running this test (JDK 25 here; the base image's is 21,
   * and every flag is one JDK 21 accepts): the worker starts with them and the JDK prints no
   * warning. The command is a dry run with no credential, which ends in a second with one line.
   */
  @Test
  void theImagesJvmFlagsStartTheWorkerWithoutAJdkWarning(@TempDir Path dir) throws Exception {
    List<String> entrypoint =
        StreamSupport.stream(imageConfig().get("Entrypoint").spliterator(), false)
            .map(JsonNode::asText)
            .toList();
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(entrypoint.subList(1, entrypoint.indexOf("-cp")));
    command.addAll(
        List.of(
            "-cp",
            Path.of("target", "offboarding-worker.jar").toString(),
            "dev.offboarding.worker.Main",
            "dry-run",
            Path.of(
                    "..",
                    "contracts",
                    "src",
                    "main",
                    "resources",
                    "dev",
                    "offboarding",
                    "contracts",
                    "samples",
                    "leaver-one-user.json")
                .toString()));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("output.txt").toFile());
    pb.environment().clear();
    pb.environment().put("PATH", Files.createDirectories(dir.resolve("bin")).toString());
    pb.environment().put("HOME", Files.createDirectories(dir.resolve("home")).toString());
    Process worker = pb.start();

    boolean finished = worker.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      worker.destroyForcibly().waitFor();
    }

    String output = Files.readString(dir.resolve("output.txt"));
    assertTrue(finished, output);
    assertEquals(2, worker.exitValue(), command + "\n" + output);
    assertTrue(output.startsWith("no Azure credential found for Graph"), output);
    assertFalse(output.contains("WARNING"), output);
  }

  private static byte[] blob(Map<String, byte[]> entries, String digest) {
    byte[] b = entries.get("blobs/sha256/" + digest.substring("sha256:".length()));
    assertTrue(b != null, "blob " + digest);
    return b;
  }

  /** The small JSON entries of a ustar archive (layers are skipped). */
  private static Map<String, byte[]> readTar(Path file) throws IOException {
    Map<String, byte[]> entries = new HashMap<>();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        String name = new String(header, 0, 100, StandardCharsets.US_ASCII).replaceAll("\0.*", "");
        String prefix =
            new String(header, 345, 155, StandardCharsets.US_ASCII).replaceAll("\0.*", "");
        long size =
            Long.parseLong(
                new String(header, 124, 12, StandardCharsets.US_ASCII)
                        .replaceAll("[\0 ]", "")
                        .trim()
                        .isEmpty()
                    ? "0"
                    : new String(header, 124, 12, StandardCharsets.US_ASCII)
                        .replaceAll("[\0 ]", ""),
                8);
        String path = (prefix.isEmpty() ? "" : prefix + "/") + name;
        long padded = (size + 511) / 512 * 512;
        if (size <= 1 << 20) {
          byte[] data = in.readNBytes((int) size);
          in.skipNBytes(padded - size);
          entries.put(path.startsWith("./") ? path.substring(2) : path, data);
        } else {
          in.skipNBytes(padded);
        }
      }
    }
    return entries;
  }
}
