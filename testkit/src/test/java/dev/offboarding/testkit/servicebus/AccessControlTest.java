package dev.offboarding.testkit.servicebus;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.testkit.servicebus.EmulatorConfig.AccessRight;
import dev.offboarding.testkit.servicebus.EmulatorConfig.SharedAccessKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Put-token checks and claims without a socket: which token is accepted, and what it may then do
 * where.
 */
class AccessControlTest {
  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
  private static final Instant IN_AN_HOUR = NOW.plus(Duration.ofHours(1));
  private static final String HOST = "localhost";
  private static final SharedAccessKey PRODUCER =
      SharedAccessKey.onEntity("events", "producer", "producer-secret", AccessRight.SEND);
  private static final SharedAccessKey OWNER =
      SharedAccessKey.onEntity("audit", "owner", "owner-secret", AccessRight.MANAGE);
  private static final SharedAccessKey READER =
      SharedAccessKey.onNamespace("reader", "reader-secret", AccessRight.LISTEN);

  private final AccessControl access =
      new AccessControl(List.of(PRODUCER, OWNER, READER), Clock.fixed(NOW, ZoneOffset.UTC));
  private final AccessControl.Tokens tokens = new AccessControl.Tokens();

  private String put(String audience, String token) {
    return access.putToken(tokens, AccessControl.SAS_TOKEN_TYPE, audience, token, HOST);
  }

  private static String token(String resource, SharedAccessKey key, Instant expiry) {
    return SharedAccessSignatures.sign(resource, key.name(), key.primaryKey(), expiry);
  }

  @Test
  void acceptsATokenSignedWithAConfiguredKeyForItsAudience() {
    assertNull(
        put("amqp://localhost/events", token("amqp://localhost/events", PRODUCER, IN_AN_HOUR)));
  }

  @Test
  void refusesATokenNamingAKeyNobodyConfigured() {
    String refusal =
        put(
            "amqp://localhost/events",
            SharedAccessSignatures.sign(
                "amqp://localhost/events", "stranger", "producer-secret", IN_AN_HOUR));

    assertTrue(refusal.startsWith("InvalidSignature"), refusal);
  }

  @Test
  void refusesATokenSignedWithAnotherSecret() {
    String refusal =
        put(
            "amqp://localhost/events",
            SharedAccessSignatures.sign(
                "amqp://localhost/events", "producer", "owner-secret", IN_AN_HOUR));

    assertTrue(refusal.startsWith("InvalidSignature"), refusal);
  }

  @Test
  void refusesATokenThatExpiredEvenIfCorrectlySigned() {
    String refusal =
        put(
            "amqp://localhost/events",
            token("amqp://localhost/events", PRODUCER, NOW.minusSeconds(1)));

    assertTrue(refusal.startsWith("ExpiredToken"), refusal);
  }

  @Test
  void refusesATokenWhoseResourceWasChangedAfterSigning() {
    String signed = token("amqp://localhost/events", PRODUCER, IN_AN_HOUR);
    String tampered =
        signed.replace("sr=amqp%3A%2F%2Flocalhost%2Fevents", "sr=amqp%3A%2F%2Flocalhost%2F");

    assertTrue(put("amqp://localhost/events", tampered).startsWith("InvalidSignature"));
  }

  @Test
  void refusesATokenPutForAnAudienceItsResourceDoesNotCover() {
    String refusal =
        put("amqp://localhost/audit", token("amqp://localhost/events", PRODUCER, IN_AN_HOUR));

    assertTrue(refusal.startsWith("InvalidAudience"), refusal);
  }

  @Test
  void refusesAJsonWebTokenOnceKeysAreConfigured() {
    assertNotNull(
        access.putToken(
            tokens, AccessControl.JWT_TOKEN_TYPE, "amqp://localhost/events", "eyJ0.e30.sig", HOST));
  }

  @Test
  void aSendKeyMaySendToItsEntityButNotListenThere() {
    put("amqp://localhost/events", token("amqp://localhost/events", PRODUCER, IN_AN_HOUR));

    assertNull(access.refusal(tokens, "events", AccessRight.SEND, HOST));
    String refusal = access.refusal(tokens, "events", AccessRight.LISTEN, HOST);
    assertTrue(
        refusal.startsWith(
            "Unauthorized access. 'Listen' claim(s) are required to perform this operation."
                + " Resource: 'sb://localhost/events'. TrackingId:"),
        refusal);
  }

  @Test
  void anEntityKeyGrantsNothingOnAnotherEntityEvenWithAValidToken() {
    put("amqp://localhost/audit", token("amqp://localhost/audit", PRODUCER, IN_AN_HOUR));

    assertNotNull(access.refusal(tokens, "audit", AccessRight.SEND, HOST));
  }

  @Test
  void manageImpliesSendAndListenOnTheTopicAndItsSubscriptions() {
    put("amqp://localhost/audit", token("amqp://localhost/audit", OWNER, IN_AN_HOUR));
    put(
        "amqp://localhost/audit/subscriptions/all",
        token("amqp://localhost/audit/subscriptions/all", OWNER, IN_AN_HOUR));

    assertNull(access.refusal(tokens, "audit", AccessRight.SEND, HOST));
    assertNull(access.refusal(tokens, "audit/subscriptions/all", AccessRight.LISTEN, HOST));
    assertNull(
        access.refusal(
            tokens, "Audit/Subscriptions/All/$DeadLetterQueue", AccessRight.LISTEN, HOST));
  }

  @Test
  void aNamespaceTokenCoversEveryEntityButANarrowTokenOnlyItsOwn() {
    put("amqp://localhost/events", token("amqp://localhost/events", READER, IN_AN_HOUR));

    assertNull(access.refusal(tokens, "events/$deadletterqueue", AccessRight.LISTEN, HOST));
    assertNotNull(access.refusal(tokens, "audit/subscriptions/all", AccessRight.LISTEN, HOST));

    put("amqp://localhost/audit/subscriptions/all", token("sb://localhost/", READER, IN_AN_HOUR));
    assertNull(access.refusal(tokens, "audit/subscriptions/all", AccessRight.LISTEN, HOST));
  }

  @Test
  void aLinkWithoutAnyTokenHasNoClaims() {
    assertNotNull(access.refusal(tokens, "events", AccessRight.SEND, HOST));
  }

  @Test
  void anAcceptedTokenCarriesNoClaimsOnceItExpires() {
    Instant soon = NOW.plusSeconds(30);
    put("amqp://localhost/events", token("amqp://localhost/events", PRODUCER, soon));
    AccessControl later = new AccessControl(List.of(PRODUCER), Clock.fixed(soon, ZoneOffset.UTC));

    assertNull(access.refusal(tokens, "events", AccessRight.SEND, HOST));
    assertNotNull(later.refusal(tokens, "events", AccessRight.SEND, HOST));
  }

  @Test
  void theBuiltInRootKeyManagesTheNamespaceWithItsWellKnownKey() {
    put(
        "amqp://localhost/events",
        SharedAccessSignatures.sign(
            "amqp://localhost/events",
            ServiceBusEmulator.SHARED_ACCESS_KEY_NAME,
            ServiceBusEmulator.SHARED_ACCESS_KEY,
            IN_AN_HOUR));

    assertNull(access.refusal(tokens, "events", AccessRight.LISTEN, HOST));
    assertNull(access.refusal(tokens, "events", AccessRight.SEND, HOST));
  }

  @Test
  void deniedSendOverridesEveryKeyUntilGivenBack() {
    put("amqp://localhost/events", token("amqp://localhost/events", PRODUCER, IN_AN_HOUR));

    access.denySend("events", true);
    String denied = access.refusal(tokens, "events", AccessRight.SEND, HOST);
    access.denySend("events", false);

    assertTrue(denied.contains("'Send' claim(s) are required"), denied);
    assertNull(access.refusal(tokens, "events", AccessRight.SEND, HOST));
  }

  @Test
  void withoutConfiguredKeysAnyWellFormedTokenMayDoAnythingButADeniedSend() {
    AccessControl open = new AccessControl(List.of(), Clock.fixed(NOW, ZoneOffset.UTC));
    AccessControl.Tokens none = new AccessControl.Tokens();

    String accepted =
        open.putToken(
            none,
            AccessControl.SAS_TOKEN_TYPE,
            "amqp://localhost/events",
            SharedAccessSignatures.sign(
                "amqp://localhost/events", "anyone", "anything", NOW.minusSeconds(60)),
            HOST);
    open.denySend("audit", true);

    assertNull(accepted);
    assertNull(open.refusal(none, "events", AccessRight.SEND, HOST));
    assertNull(open.refusal(none, "audit/subscriptions/all", AccessRight.LISTEN, HOST));
    assertNotNull(open.refusal(none, "audit", AccessRight.SEND, HOST));
  }
}
