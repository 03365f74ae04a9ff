package dev.offboarding.contracts;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * RFC 3339 date-times, strictly. {@link Instant#parse} is looser (it takes {@code 09:00Z} without
 * seconds, and years past 9999), so the shape is checked with the same pattern the schemas carry,
 * which also knows the calendar (no 30 February, 29 February in leap years only: a validator that
 * does not assert {@code format}, such as Python's jsonschema without its optional checkers, still
 * refuses impossible dates), and the result is parsed by {@link OffsetDateTime}. Leap seconds are
 * not accepted: {@link Instant} cannot hold them. Offsets stop short of Java's ±18:00 limit.
 */
final class Rfc3339 {
  /** Also the {@code pattern} of every date-time in the schemas. */
  static final Pattern DATE_TIME =
      Pattern.compile(
          "^(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
              + "|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)"
              + "[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
              + "(?:\\.[0-9]{1,9})?(?:[Zz]|[+-](?:0[0-9]|1[0-7]):[0-5][0-9])$");

  private static final int MAX_LENGTH = 35;
  private static final Instant FIRST = Instant.parse("0000-01-01T00:00:00Z");
  private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private Rfc3339() {}

  /** The instant, or null when {@code text} is not an RFC 3339 date-time. */
  static Instant parse(String text) {
    if (text.length() > MAX_LENGTH || !DATE_TIME.matcher(text).matches()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(
              text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** RFC 3339 in UTC, e.g. {@code 2026-11-27T09:00:00Z}; fractions only when there are any. */
  static String format(Instant instant) {
    if (instant.isBefore(FIRST) || instant.isAfter(LAST)) {
      throw new IllegalArgumentException(
          "instant outside the years 0000..9999 cannot be written as RFC 3339");
    }
    return DateTimeFormatter.ISO_INSTANT.format(instant.atOffset(ZoneOffset.UTC));
  }
}
