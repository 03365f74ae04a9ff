package dev.offboarding.contracts;

import java.util.regex.Pattern;

/**
 * RFC 3986 URI-references, as CloudEvents requires of {@code source}. {@link java.net.URI} follows
 * the older RFC 2396 and is not what schema validators apply, so the check is this pattern (also
 * the schema's) and a scan that every {@code %} starts a percent-encoding. The pattern uses only
 * starred character classes, which the JDK matches without recursion however long the input.
 */
final class UriReference {
  /** Also the {@code pattern} of {@code source} in the event schema. */
  static final Pattern PATTERN =
      Pattern.compile(
          "^(?:[A-Za-z][A-Za-z0-9+.\\-]*:(?://[A-Za-z0-9\\-._~%!$&'()*+,;=:@\\[\\]]*(?:/[A-Za-z0-9\\-._~%!$&'()*+,;=:@/]*)?"
              + "|[A-Za-z0-9\\-._~%!$&'()*+,;=:@/]*)"
              + "|//[A-Za-z0-9\\-._~%!$&'()*+,;=:@\\[\\]]*(?:/[A-Za-z0-9\\-._~%!$&'()*+,;=:@/]*)?"
              + "|[A-Za-z0-9\\-._~%!$&'()*+,;=@]*(?:/[A-Za-z0-9\\-._~%!$&'()*+,;=:@/]*)?)"
              + "(?:\\?[A-Za-z0-9\\-._~%!$&'()*+,;=:@/?]*)?(?:#[A-Za-z0-9\\-._~%!$&'()*+,;=:@/?]*)?$");

  private UriReference() {}

  static boolean isValid(String s) {
    return PATTERN.matcher(s).matches() && percentEncodingsComplete(s);
  }

  private static boolean percentEncodingsComplete(String s) {
    for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
      if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
