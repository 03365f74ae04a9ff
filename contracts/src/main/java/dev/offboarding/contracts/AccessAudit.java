package dev.offboarding.contracts;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code data} of a {@code dev.offboarding.audit.access.v1} message: what the sign-in watch saw
 * of one user of one event after the revoke.
 *
 * <p>The watch reads the sign-in log (v1.0: interactive sign-ins only) for successful sign-ins
 * after {@code revokedAt}, until {@code allResourcesBy}. It publishes {@link Outcome#SIGN_IN_SEEN}
 * the moment it sees one, or {@link Outcome#NONE_SEEN} when the window closes quietly. The log
 * records token issuance: an access token issued before the revoke and used afterwards writes no
 * sign-in, so NONE_SEEN is not proof that nothing was accessed.
 *
 * @param eventId the event's id (the message's correlation id); printable, at most 256 characters
 * @param userId the user's object id
 * @param revokedAt when the user's access window opened (see {@link AccessWindow#revokedAt()})
 * @param allResourcesBy when it closes (see {@link AccessWindow#allResourcesBy()}); not before
 *     {@code revokedAt}
 * @param outcome what the watch saw
 * @param signIns for SIGN_IN_SEEN the sign-ins seen (at least one, at most {@link #MAX_SIGN_INS},
 *     oldest first); empty for NONE_SEEN
 * @param provenance who asked for the event, and from which queue
 */
public record AccessAudit(
    String eventId,
    String userId,
    Instant revokedAt,
    Instant allResourcesBy,
    Outcome outcome,
    List<SignIn> signIns,
    Provenance provenance) {

  public static final String TYPE = "dev.offboarding.audit.access.v1";

  /** The most sign-ins one message lists; the watch publishes more in further messages. */
  public static final int MAX_SIGN_INS = 50;

  /** What the watch saw. */
  public enum Outcome {
    /** At least one successful sign-in after the revoke. */
    SIGN_IN_SEEN,
    /** The window closed without a successful sign-in in the log. */
    NONE_SEEN
  }

  public AccessAudit {
    if (!Text.isPrintable(eventId, 256)) {
      throw new IllegalArgumentException(
          "eventId must be non-blank, at most 256 characters, without control characters");
    }
    if (!Target.isGuid(userId)) {
      throw new IllegalArgumentException("userId must be an object id (GUID)");
    }
    Objects.requireNonNull(revokedAt, "revokedAt");
    Objects.requireNonNull(allResourcesBy, "allResourcesBy");
    if (allResourcesBy.isBefore(revokedAt)) {
      throw new IllegalArgumentException("allResourcesBy must not be before revokedAt");
    }
    Objects.requireNonNull(outcome, "outcome");
    signIns =
        Objects.requireNonNull(signIns, "signIns").stream()
            .map(s -> Objects.requireNonNull(s, "signIns holds a null"))
            .sorted(Comparator.comparing(SignIn::createdDateTime).thenComparing(SignIn::id))
            .toList();
    if ((outcome == Outcome.SIGN_IN_SEEN) == signIns.isEmpty()) {
      throw new IllegalArgumentException("SIGN_IN_SEEN lists the sign-ins seen, NONE_SEEN none");
    }
    if (signIns.size() > MAX_SIGN_INS) {
      throw new IllegalArgumentException("at most " + MAX_SIGN_INS + " sign-ins per message");
    }
    if (signIns.stream().map(SignIn::id).distinct().count() != signIns.size()) {
      throw new IllegalArgumentException("a sign-in is listed once");
    }
    if (signIns.stream().anyMatch(s -> s.createdDateTime().isBefore(revokedAt))) {
      throw new IllegalArgumentException("a sign-in seen is not before revokedAt");
    }
    Objects.requireNonNull(provenance, "provenance");
  }

  /** A sign-in seen in the window. */
  public static AccessAudit seen(
      String eventId,
      String userId,
      AccessWindow window,
      List<SignIn> signIns,
      Provenance provenance) {
    return new AccessAudit(
        eventId,
        userId,
        window.revokedAt(),
        window.allResourcesBy(),
        Outcome.SIGN_IN_SEEN,
        signIns,
        provenance);
  }

  /** A window that closed quietly. */
  public static AccessAudit noneSeen(
      String eventId, String userId, AccessWindow window, Provenance provenance) {
    return new AccessAudit(
        eventId,
        userId,
        window.revokedAt(),
        window.allResourcesBy(),
        Outcome.NONE_SEEN,
        List.of(),
        provenance);
  }

  /**
   * One successful sign-in from the log, reduced to what a reader of the audit needs (nothing else
   * the log holds about the user is repeated).
   *
   * @param id the sign-in's id in the log (a GUID)
   * @param createdDateTime when it happened
   * @param appDisplayName the application's name, printable, at most 256 characters; or null
   * @param appId the application's id (a GUID); or null
   * @param resourceDisplayName the resource signed in to, printable, at most 256 characters; or
   *     null
   * @param ipAddress the client's IPv4 or IPv6 address as the log gives it; or null
   * @param isInteractive whether the sign-in was interactive
   */
  public record SignIn(
      String id,
      Instant createdDateTime,
      String appDisplayName,
      String appId,
      String resourceDisplayName,
      String ipAddress,
      boolean isInteractive) {

    /** The longest display name kept. */
    public static final int MAX_NAME_LENGTH = 256;

    /** The longest IP address (an IPv6 address with an embedded IPv4 one is 45 characters). */
    public static final int MAX_IP_LENGTH = 45;

    /**
     * Dotted IPv4, or IPv6 as colon-separated hex groups (three to eight, :: allowed) with an
     * optional trailing dotted IPv4. A shape check, not a full address grammar: bounded, and enough
     * to keep anything else out of the audit. The schema carries it verbatim.
     */
    static final Pattern IP_ADDRESS =
        Pattern.compile(
            "^(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}"
                + "|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
                + "|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,6}:[0-9]{1,3}(?:\\.[0-9]{1,3}){3})$");

    public SignIn {
      if (!Target.isGuid(id)) {
        throw new IllegalArgumentException("a sign-in's id must be a GUID");
      }
      Objects.requireNonNull(createdDateTime, "createdDateTime");
      checkName(appDisplayName, "appDisplayName");
      checkName(resourceDisplayName, "resourceDisplayName");
      if (appId != null && !Target.isGuid(appId)) {
        throw new IllegalArgumentException("appId must be a GUID");
      }
      if (ipAddress != null && !isIpAddress(ipAddress)) {
        throw new IllegalArgumentException("ipAddress must be an IPv4 or IPv6 address");
      }
    }

    static boolean isIpAddress(String s) {
      return s.length() <= MAX_IP_LENGTH
          && s.chars().allMatch(c -> c == '.' || c == ':' || Character.digit(c, 16) >= 0 && c < 128)
          && IP_ADDRESS.matcher(s).matches();
    }

    private static void checkName(String value, String name) {
      if (value != null && !Text.isPrintable(value, MAX_NAME_LENGTH)) {
        throw new IllegalArgumentException(
            name
                + " must be non-blank, at most "
                + MAX_NAME_LENGTH
                + " characters, without control characters");
      }
    }
  }
}
