package dev.offboarding.testkit.servicebus;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hand-made shared access signatures, for tokens no SDK would send: expired, tampered, for another
 * resource.
 */
final class SharedAccessSignatures {
  private SharedAccessSignatures() {}

  /**
   * A token for {@code resource} (e.g. {@code amqp://localhost/q}) signed with {@code key}, valid
   * until {@code expiry}.
   */
  static String sign(String resource, String keyName, String key, Instant expiry) {
    String encodedResource = URLEncoder.encode(resource, StandardCharsets.UTF_8);
    String expirySeconds = Long.toString(expiry.getEpochSecond());
    return "SharedAccessSignature sr="
        + encodedResource
        + "&sig="
        + URLEncoder.encode(
            signature(key, encodedResource + "\n" + expirySeconds), StandardCharsets.UTF_8)
        + "&se="
        + expirySeconds
        + "&skn="
        + keyName;
  }

  /** The same token with its expiry moved, and so a signature that no longer matches. */
  static String withExpiry(String token, Instant expiry) {
    return token.replaceFirst("&se=\\d+", "&se=" + expiry.getEpochSecond());
  }

  /** A connection string that makes the SDK present {@code token} as it is, for every entity. */
  static String connectionString(ServiceBusEmulator emulator, String token) {
    return "Endpoint=sb://localhost:"
        + emulator.port()
        + ";SharedAccessSignature="
        + token
        + ";UseDevelopmentEmulator=true;";
  }

  private static String signature(String key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
