package dev.offboarding.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads this module's classpath resources by their full names. */
final class Resources {
  static final String BASE = "dev/offboarding/contracts/";

  private Resources() {}

  static byte[] load(String name) {
    try (InputStream in = Resources.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no such contracts resource: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read contracts resource " + name, e);
    }
  }
}
