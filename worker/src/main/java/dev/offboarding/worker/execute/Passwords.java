package dev.offboarding.worker.execute;

import java.security.SecureRandom;

/**
 * Random passwords for a reset: {@value #LENGTH} characters from a {@link SecureRandom}, with at
 * least one of each of the four classes Entra ID's complexity rule counts (lower case, upper case,
 * digits, symbols), so every password meets it whatever the draw. The password lives in a {@code
 * char[]} the caller wipes after use; nothing here keeps, logs or prints one. Thread-safe.
 */
final class Passwords {
  /** Well above the 32 characters asked for, and far inside Entra ID's 256. */
  public static final int LENGTH = 40;

  private static final char[] LOWER = "abcdefghijkmnopqrstuvwxyz".toCharArray();
  private static final char[] UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ".toCharArray();
  private static final char[] DIGITS = "23456789".toCharArray();

  /**
   * Symbols Entra ID accepts, without quotes, spaces or backslashes that a JSON or shell copy might
   * mangle.
   */
  private static final char[] SYMBOLS = "@#$%^&*-_!+=[]{}|:,.?/~()<>".toCharArray();

  private static final char[][] CLASSES = {LOWER, UPPER, DIGITS, SYMBOLS};

  private final SecureRandom random;

  /** Passwords drawn from the platform's default {@link SecureRandom}. */
  Passwords() {
    this(new SecureRandom());
  }

  Passwords(SecureRandom random) {
    this.random = random;
  }

  /** A new password; the caller wipes it ({@code Arrays.fill(p, '\0')}) once it is sent. */
  public char[] next() {
    char[] password = new char[LENGTH];
    for (int i = 0; i < CLASSES.length; i++) {
      password[i] = pick(CLASSES[i]);
    }
    for (int i = CLASSES.length; i < LENGTH; i++) {
      password[i] = pick(CLASSES[random.nextInt(CLASSES.length)]);
    }
    // Shuffle so that the guaranteed classes are not always at the front.
    for (int i = LENGTH - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      char c = password[i];
      password[i] = password[j];
      password[j] = c;
    }
    return password;
  }

  private char pick(char[] from) {
    return from[random.nextInt(from.length)];
  }
}
