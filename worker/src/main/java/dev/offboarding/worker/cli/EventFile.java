package dev.offboarding.worker.cli;

import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An event file as the commands read it: size-bounded, decoded by the contract codec.
 *
 * @param body the bytes read, as they are sent on
 * @param result what the codec made of them
 */
public record EventFile(byte[] body, DecodeResult result) {

  /**
   * Reads a file, at most one byte over the contract's size limit (enough for the codec to report
   * the size problem without reading a huge file into memory), and decodes it. Empty, after saying
   * why on {@code err}, when the file cannot be read.
   */
  public static Optional<EventFile> read(String file, PrintStream err) {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      byte[] body = in.readNBytes(EventCodec.MAX_BYTES + 1);
      return Optional.of(new EventFile(body, new EventCodec().decode(body)));
    } catch (IOException | RuntimeException e) {
      err.println("cannot read " + file + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /** Prints every problem of an invalid event, one per line with its JSON path. */
  public static void printProblems(
      String file, String what, DecodeResult.Invalid invalid, PrintStream err) {
    err.println(file + ": " + what + ", " + invalid.problems().size() + " problem(s):");
    for (Problem p : invalid.problems()) {
      err.println("  " + p.path() + ": " + p.message());
    }
  }
}
