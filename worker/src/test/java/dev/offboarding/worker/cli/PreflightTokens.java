package dev.offboarding.worker.cli;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/** Unsigned JWTs shaped like Entra app-only access tokens, for the preflight's token hook. */
public final class PreflightTokens {
  private PreflightTokens() {}

  public static String withRoles(List<String> roles) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims =
        "{\"aud\":\"https://graph.microsoft.com\",\"iss\":\"https://sts.windows.net/tenant/\","
            + "\"appid\":\"00000000-0000-4000-8000-00000000a11d\",\"roles\":["
            + roles.stream().map(r -> "\"" + r + "\"").collect(Collectors.joining(","))
            + "]}";
    return header
        + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8))
        + ".c2lnbmF0dXJl";
  }

  public static final List<String> ALL =
      List.of(
          "User.RevokeSessions.All",
          "User.EnableDisableAccount.All",
          "User.Read.All",
          "GroupMember.Read.All",
          "RoleManagement.Read.Directory");
}
