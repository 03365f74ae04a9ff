package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.offboarding.testkit.ManualClock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class RefreshingCredentialTest {
  static final String SCOPE = "https://graph.microsoft.com/.default";
  final ManualClock clock = ManualClock.startingAt("2026-11-27T09:00:00Z");
  final List<TokenRequestContext> asked = new ArrayList<>();

  /** Hands out token-1, token-2, ..., each valid for an hour by the test's clock. */
  final TokenCredential issuer =
      new TokenCredential() {
        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
          return Mono.just(getTokenSync(request));
        }

        @Override
        public AccessToken getTokenSync(TokenRequestContext request) {
          asked.add(request);
          return new AccessToken("token-" + asked.size(), OffsetDateTime.now(clock).plusHours(1));
        }
      };

  final RefreshingCredential credential = new RefreshingCredential(issuer, clock);

  private AccessToken token() {
    return credential.getTokenSync(new TokenRequestContext().addScopes(SCOPE));
  }

  @Test
  void keepsATokenUntilFiveMinutesBeforeItExpires() {
    assertEquals("token-1", token().getToken());
    clock.advance(Duration.ofMinutes(54));
    assertEquals("token-1", token().getToken());

    clock.advance(Duration.ofMinutes(2));

    assertEquals("token-2", token().getToken());
  }

  @Test
  void replacesARefusedTokenAskingWithAClaimsChallengeSoNoCacheAnswers() {
    String refused = token().getToken();

    AccessToken fresh = credential.refresh(refused, null, SCOPE);

    assertEquals("token-2", fresh.getToken());
    assertNull(asked.get(0).getClaims());
    assertNotNull(
        asked.get(1).getClaims(), "a forced renewal must bypass the identity library's cache");
    assertEquals("token-2", token().getToken(), "later requests use the new token");
  }

  @Test
  void asksOnceWhenSeveralRequestsHadTheSameTokenRefused() {
    String refused = token().getToken();

    credential.refresh(refused, null, SCOPE);
    AccessToken second = credential.refresh(refused, null, SCOPE);

    assertEquals("token-2", second.getToken());
    assertEquals(2, asked.size());
  }

  @Test
  void doesNotAskAgainWithinThirtySecondsWhenGraphKeepsRefusingNewTokens() {
    credential.refresh(token().getToken(), null, SCOPE);

    clock.advance(Duration.ofSeconds(10));
    AccessToken again = credential.refresh("token-2", null, SCOPE);
    assertEquals("token-2", again.getToken());
    assertEquals(2, asked.size());

    clock.advance(Duration.ofSeconds(21));
    assertEquals("token-3", credential.refresh("token-2", null, SCOPE).getToken());
  }

  @Test
  void usesGraphsOwnClaimsChallengeWhenItSentOne() {
    String claims = "{\"access_token\":{\"nbf\":{\"essential\":true,\"value\":\"1700000000\"}}}";

    credential.refresh(token().getToken(), claims, SCOPE);

    assertEquals(claims, asked.get(1).getClaims());
  }
}
