package dev.offboarding.testkit.servicebus;

import dev.offboarding.testkit.servicebus.EmulatorConfig.AccessRight;
import dev.offboarding.testkit.servicebus.EmulatorConfig.SharedAccessKey;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Shared access signature checks and claims, as Service Bus applies them to SAS authorization
 * rules.
 *
 * <p>A connection's {@code $cbs} put-token is checked here (key name, HMAC-SHA256 signature,
 * expiry, audience) and, when accepted, kept in that connection's {@link Tokens} under its
 * audience. A link attach or a {@code $management} operation then needs a token on the same
 * connection whose audience covers the address and whose key grants the right on the address's
 * queue or topic.
 *
 * <p>Without configured keys nothing is checked, as in the official emulator: any well-formed token
 * is accepted and carries every right. Either way {@link #denySend} takes the Send right on an
 * entity from every key. Confined to the emulator's loop thread.
 */
final class AccessControl {
  static final String SAS_TOKEN_TYPE = "servicebus.windows.net:sastoken";
  static final String JWT_TOKEN_TYPE = "jwt";
  static final String UNAUTHORIZED = "amqp:unauthorized-access";

  private static final String PREFIX = "SharedAccessSignature ";
  private static final SharedAccessKey ROOT =
      SharedAccessKey.onNamespace(
          ServiceBusEmulator.SHARED_ACCESS_KEY_NAME,
          ServiceBusEmulator.SHARED_ACCESS_KEY,
          AccessRight.MANAGE);

  private final Map<String, SharedAccessKey> keys = new HashMap<>();
  private final boolean checking;
  private final Clock clock;

  /** Queues and topics (lower case) whose Send right no key carries. */
  private final Set<String> sendDenied = new HashSet<>();

  AccessControl(List<SharedAccessKey> configured, Clock clock) {
    this.checking = !configured.isEmpty();
    this.clock = clock;
    keys.put(key(ROOT.name()), ROOT);
    configured.forEach(k -> keys.put(key(k.name()), k));
  }

  /** Whether tokens are checked at all: only when the configuration names keys. */
  boolean checking() {
    return checking;
  }

  /** Takes the Send right on {@code entity} from every key ({@code false} gives it back). */
  void denySend(String entity, boolean denied) {
    if (denied) {
      sendDenied.add(key(rootEntity(entity)));
    } else {
      sendDenied.remove(key(rootEntity(entity)));
    }
  }

  /**
   * Checks a put-token and, when keys are configured and it is accepted, keeps it in {@code tokens}
   * (without keys there is nothing to keep: every caller may do anything).
   *
   * @param host the namespace host the client connected to, for the description
   * @return null when accepted, otherwise why not: a 401 description
   */
  String putToken(Tokens tokens, String type, String audience, String token, String host) {
    String scope = path(audience);
    if (!checking) {
      if (SAS_TOKEN_TYPE.equals(type)
          && (!token.startsWith(PREFIX) || !token.contains("sig=") || !token.contains("se="))) {
        return "The token is not a shared access signature.";
      }
      return null;
    }
    if (!SAS_TOKEN_TYPE.equals(type)) {
      return tracked(
          "InvalidToken: the emulator checks shared access signatures only, and keys are configured.",
          host,
          scope);
    }
    Map<String, String> fields = fields(token);
    String rawResource = fields.get("sr");
    String signature = fields.get("sig");
    String expiry = fields.get("se");
    String keyName = fields.get("skn");
    if (rawResource == null || signature == null || expiry == null || keyName == null) {
      return tracked(
          "InvalidToken: a shared access signature needs sr, sig, se and skn.", host, scope);
    }
    long expirySeconds;
    try {
      expirySeconds = Long.parseLong(decode(expiry));
    } catch (IllegalArgumentException e) {
      return tracked("InvalidToken: se is no number of seconds.", host, scope);
    }
    SharedAccessKey key = keys.get(key(decode(keyName)));
    // A '+' of the base64 signature left unescaped would decode to a space.
    String sig = decode(signature).replace(' ', '+');
    if (key == null || !signedWith(key, rawResource, decode(expiry), sig)) {
      // The service does not say whether the name or the signature was wrong, and neither does the
      // emulator.
      return tracked("InvalidSignature: The token has an invalid signature.", host, scope);
    }
    Instant expires = Instant.ofEpochSecond(expirySeconds);
    Instant now = clock.instant();
    if (!expires.isAfter(now)) {
      return tracked(
          "ExpiredToken: The token is expired. Expiration time: '"
              + expires
              + "', Current time: '"
              + now.truncatedTo(ChronoUnit.SECONDS)
              + "'.",
          host,
          scope);
    }
    if (!covers(path(decode(rawResource)), scope)) {
      return tracked(
          "InvalidAudience: The token audience is invalid. The token is for '"
              + decode(rawResource)
              + "'.",
          host,
          scope);
    }
    // A key of another entity signs a valid token too; it carries no right here, which the attach
    // then says.
    tokens.put(scope, new Token(scope, key, expires));
    return null;
  }

  /**
   * Why the holder of {@code tokens} may not do what {@code right} allows at {@code address} (an
   * entity path such as {@code q}, {@code q/$deadletterqueue} or {@code t/subscriptions/s}), in the
   * service's words; null when it may.
   */
  String refusal(Tokens tokens, String address, AccessRight right, String host) {
    String scope = path(address);
    String entity = rootEntity(scope);
    boolean allowed =
        !(right == AccessRight.SEND && sendDenied.contains(key(entity)))
            && (!checking
                || tokens.all().stream()
                    .anyMatch(
                        t ->
                            t.expires().isAfter(clock.instant())
                                && covers(t.scope(), scope)
                                && t.key().grants(right, entity)));
    if (allowed) {
      return null;
    }
    return tracked(
        "Unauthorized access. '"
            + right.serviceName()
            + "' claim(s) are required to perform this"
            + " operation. Resource: 'sb://"
            + host
            + "/"
            + address
            + "'.",
        host,
        scope);
  }

  /**
   * The service's suffix to every error description, which support asks for; the ids here mean
   * nothing.
   */
  private String tracked(String description, String host, String scope) {
    return description
        + " TrackingId:"
        + UUID.randomUUID()
        + "_G0, SystemTracker:"
        + host
        + ":"
        + scope
        + ", Timestamp:"
        + clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static boolean signedWith(
      SharedAccessKey key, String rawResource, String expiry, String signature) {
    byte[] presented;
    try {
      presented = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    // SDKs sign the resource exactly as they put it in the token; accept the canonical encoding as
    // well, in case one
    // spells its escapes differently in the two places.
    String canonical = URLEncoder.encode(decode(rawResource), StandardCharsets.UTF_8);
    return MessageDigest.isEqual(presented, hmac(key.primaryKey(), rawResource + "\n" + expiry))
        || MessageDigest.isEqual(presented, hmac(key.primaryKey(), canonical + "\n" + expiry));
  }

  private static byte[] hmac(String key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      // The SDKs use the key's UTF-8 bytes as they are, not base64-decoded.
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }

  /**
   * The {@code name=value} fields after {@code SharedAccessSignature }, values as they appear
   * (still encoded).
   */
  private static Map<String, String> fields(String token) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (!token.startsWith(PREFIX)) {
      return fields;
    }
    for (String part : token.substring(PREFIX.length()).split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        fields.putIfAbsent(part.substring(0, eq).trim(), part.substring(eq + 1));
      }
    }
    return fields;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /**
   * The entity path of a resource or audience URI, lower case, without scheme, host and outer
   * slashes: {@code amqp://localhost/Q/$DeadLetterQueue} and {@code
   * sb://localhost:5672/q/$deadletterqueue/} both give {@code q/$deadletterqueue}; the namespace
   * itself gives the empty path. Hosts are not compared: the emulator answers to any name.
   */
  static String path(String resource) {
    String p = resource == null ? "" : resource.trim();
    int scheme = p.indexOf("://");
    if (scheme >= 0) {
      p = p.substring(scheme + 3);
      int slash = p.indexOf('/');
      p = slash < 0 ? "" : p.substring(slash);
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a token for {@code scope} also holds for {@code path}: the same path or one below it.
   */
  static boolean covers(String scope, String path) {
    return scope.isEmpty() || path.equals(scope) || path.startsWith(scope + "/");
  }

  /** The queue or topic an entity path belongs to: its first segment. */
  private static String rootEntity(String path) {
    String p = path(path);
    int slash = p.indexOf('/');
    return slash < 0 ? p : p.substring(0, slash);
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * An accepted token: the audience it was put for, the key that signed it, and when it expires.
   */
  record Token(String scope, SharedAccessKey key, Instant expires) {}

  /**
   * The tokens one connection has put, by audience; a newer token for the same audience replaces
   * the older.
   */
  static final class Tokens {
    private final Map<String, Token> byScope = new HashMap<>();

    void put(String scope, Token token) {
      byScope.put(scope, token);
    }

    List<Token> all() {
      return List.copyOf(byScope.values());
    }
  }
}
