package dev.offboarding.contracts;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a user's access ends after a revoke, a disable or a password reset: the {@code access} of a
 * target result.
 *
 * <p>Graph's revoke stops new tokens; it does not recall access tokens already issued. Resources
 * that evaluate continuous access (Exchange Online, SharePoint Online, Teams, Graph) honour the
 * revoke within about {@link #CAE_LATENCY} for clients that are CAE-aware; everything else keeps
 * working until the access token it holds expires, at most the tenant's longest access-token
 * lifetime after the revoke.
 *
 * @param revokedAt when Graph accepted the first of the user's revoke, disable or password reset
 * @param caeResourcesBy {@code revokedAt} plus the CAE latency: by then CAE-aware resources refuse
 * @param allResourcesBy {@code revokedAt} plus the longest access-token lifetime: by then every
 *     access token issued before the revoke has expired
 * @param note what the window does not cover, e.g. for a guest (revocation does not reach the home
 *     tenant's sessions); null when nothing needs saying. Printable, at most {@link
 *     #MAX_NOTE_LENGTH}
 */
public record AccessWindow(
    Instant revokedAt, Instant caeResourcesBy, Instant allResourcesBy, String note) {

  /** The propagation delay of CAE critical events Microsoft documents: up to 15 minutes. */
  public static final Duration CAE_LATENCY = Duration.ofMinutes(15);

  /**
   * Entra's default access-token lifetime is a random 60 to 90 minutes: the longest is the default
   * here.
   */
  public static final Duration DEFAULT_MAX_ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(90);

  /** The longest access token any setting yields: CAE sessions get tokens of up to 28 hours. */
  public static final Duration LONGEST_ACCESS_TOKEN_LIFETIME = Duration.ofHours(28);

  /** The longest {@link #note()}. */
  public static final int MAX_NOTE_LENGTH = 512;

  /** The note of a guest's result. */
  public static final String GUEST_NOTE =
      "guest account: revocation does not reach sessions in the user's home tenant, and CAE does not cover guests";

  public AccessWindow {
    Objects.requireNonNull(revokedAt, "revokedAt");
    Objects.requireNonNull(caeResourcesBy, "caeResourcesBy");
    Objects.requireNonNull(allResourcesBy, "allResourcesBy");
    if (caeResourcesBy.isBefore(revokedAt) || allResourcesBy.isBefore(revokedAt)) {
      throw new IllegalArgumentException(
          "caeResourcesBy and allResourcesBy must not be before revokedAt");
    }
    if (note != null && !Text.isPrintable(note, MAX_NOTE_LENGTH)) {
      throw new IllegalArgumentException(
          "note must be non-blank, at most "
              + MAX_NOTE_LENGTH
              + " characters, without control characters");
    }
  }

  /**
   * The window of a revoke Graph accepted at {@code revokedAt}.
   *
   * @param maxAccessTokenLifetime the tenant's longest access-token lifetime (the worker's {@code
   *     ACCESS_TOKEN_MAX_LIFETIME}); positive, at most {@link #LONGEST_ACCESS_TOKEN_LIFETIME}
   * @param note see {@link #note()}; null for none
   */
  public static AccessWindow from(Instant revokedAt, Duration maxAccessTokenLifetime, String note) {
    Objects.requireNonNull(revokedAt, "revokedAt");
    Objects.requireNonNull(maxAccessTokenLifetime, "maxAccessTokenLifetime");
    if (maxAccessTokenLifetime.isNegative()
        || maxAccessTokenLifetime.isZero()
        || maxAccessTokenLifetime.compareTo(LONGEST_ACCESS_TOKEN_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          "maxAccessTokenLifetime must be positive and at most 28 hours");
    }
    return new AccessWindow(
        revokedAt, revokedAt.plus(CAE_LATENCY), revokedAt.plus(maxAccessTokenLifetime), note);
  }

  /** The window of a member user's revoke, with the default lifetime and no note. */
  public static AccessWindow from(Instant revokedAt) {
    return from(revokedAt, DEFAULT_MAX_ACCESS_TOKEN_LIFETIME, null);
  }

  /** The window of a revoke of a user, with {@link #GUEST_NOTE} for a guest. */
  public static AccessWindow forUser(
      Instant revokedAt, Duration maxAccessTokenLifetime, boolean guest) {
    return from(revokedAt, maxAccessTokenLifetime, guest ? GUEST_NOTE : null);
  }
}
