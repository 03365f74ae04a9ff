package dev.offboarding.worker.graph;

import java.nio.charset.StandardCharsets;

/** Percent-encodes text for one URL path segment: everything but RFC 3986 unreserved characters. */
final class PathEncoding {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PathEncoding() {}

  static String encode(String text) {
    StringBuilder out = new StringBuilder(text.length() * 3);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
