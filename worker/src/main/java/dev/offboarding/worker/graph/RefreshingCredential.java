package dev.offboarding.worker.graph;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.locks.ReentrantLock;
import reactor.core.publisher.Mono;

/**
 * The Graph token, cached, renewed five minutes before it expires, and renewed at once when Graph
 * refuses it ({@link #refresh}): a token revoked or expired early (a 401) is replaced by a new one,
 * once, instead of failing every write until it would have expired. The forced renewal asks Entra
 * ID with a claims challenge (the same form Graph sends for continuous access evaluation), which
 * makes the identity library skip its own cache. Thread-safe; the token itself is never logged.
 */
final class RefreshingCredential implements TokenCredential {
  /** Renew this long before expiry, as the identity libraries do. */
  static final Duration EARLY_RENEWAL = Duration.ofMinutes(5);

  /**
   * At most one forced renewal this often: when Graph keeps refusing tokens (a permission removed,
   * an app disabled), every write's retry would otherwise ask Entra ID for yet another token.
   */
  static final Duration MIN_FORCED_INTERVAL = Duration.ofSeconds(30);

  private final TokenCredential inner;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private AccessToken cached;
  private String cachedScopes;
  private java.time.Instant lastForced = java.time.Instant.MIN;

  RefreshingCredential(TokenCredential inner, Clock clock) {
    this.inner = inner;
    this.clock = clock;
  }

  @Override
  public Mono<AccessToken> getToken(TokenRequestContext request) {
    return Mono.fromCallable(() -> getTokenSync(request));
  }

  @Override
  public AccessToken getTokenSync(TokenRequestContext request) {
    String scopes = String.join(" ", request.getScopes());
    lock.lock();
    try {
      OffsetDateTime now = OffsetDateTime.now(clock);
      if (cached != null
          && scopes.equals(cachedScopes)
          && request.getClaims() == null
          && cached.getExpiresAt().minus(EARLY_RENEWAL).isAfter(now)) {
        return cached;
      }
      AccessToken fresh = inner.getTokenSync(request);
      cached = fresh;
      cachedScopes = scopes;
      return fresh;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Graph refused {@code refused}: drop it and fetch a new token now. Returns the new one; when
   * another thread already replaced the refused token, returns that replacement without asking
   * again.
   *
   * @param claims the claims challenge from Graph's {@code WWW-Authenticate}, or null
   */
  public AccessToken refresh(String refused, String claims, String... scopes) {
    lock.lock();
    try {
      boolean usable =
          cached != null
              && cached.getExpiresAt().minus(EARLY_RENEWAL).isAfter(OffsetDateTime.now(clock));
      if (usable
          && (!cached.getToken().equals(refused)
              || lastForced.plus(MIN_FORCED_INTERVAL).isAfter(clock.instant()))) {
        // Replaced already by another thread, or renewed moments ago and refused anyway: asking
        // again would bring the same answer.
        return cached;
      }
      lastForced = clock.instant();
      cached = null;
      TokenRequestContext request =
          new TokenRequestContext()
              .addScopes(scopes)
              .setClaims(claims != null ? claims : freshnessClaims());
      AccessToken fresh = inner.getTokenSync(request);
      cached = fresh;
      cachedScopes = String.join(" ", scopes);
      return fresh;
    } finally {
      lock.unlock();
    }
  }

  /** A claims request for a token issued no earlier than now: forces a new token. */
  private String freshnessClaims() {
    return "{\"access_token\":{\"nbf\":{\"essential\":true,\"value\":\""
        + clock.instant().getEpochSecond()
        + "\"}}}";
  }
}
