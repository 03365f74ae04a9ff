package dev.offboarding.worker.graph;

import com.azure.core.credential.AccessToken;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Answers Graph's 401 the way its documentation asks: the token is replaced (with Graph's claims
 * challenge when it sent one) and the request is sent again, once. A second 401 goes back to the
 * caller, where it is a transient failure (the credential, not the user, is at fault), so no user
 * gets a final outcome because a token expired early.
 */
final class TokenRefreshInterceptor implements Interceptor {
  private static final Pattern CLAIMS = Pattern.compile("claims=\"([^\"]+)\"");

  private final RefreshingCredential credential;
  private final String[] scopes;

  TokenRefreshInterceptor(RefreshingCredential credential, String... scopes) {
    this.credential = credential;
    this.scopes = scopes.clone();
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    Response response = chain.proceed(request);
    if (response.code() != 401) {
      return response;
    }
    String authorization = request.header("Authorization");
    String refused =
        authorization != null && authorization.startsWith("Bearer ")
            ? authorization.substring("Bearer ".length())
            : "";
    String claims = claimsChallenge(response.header("WWW-Authenticate"));
    AccessToken fresh;
    try {
      fresh = credential.refresh(refused, claims, scopes);
    } catch (RuntimeException e) {
      // The 401 stands; the token failure is reported through it rather than as a second error.
      return response;
    }
    response.close();
    return chain.proceed(
        request.newBuilder().header("Authorization", "Bearer " + fresh.getToken()).build());
  }

  /** The decoded claims of a CAE challenge ({@code claims="<base64>"}), or null. */
  static String claimsChallenge(String header) {
    if (header == null) {
      return null;
    }
    Matcher m = CLAIMS.matcher(header);
    if (!m.find()) {
      return null;
    }
    try {
      return new String(
          java.util.Base64.getDecoder().decode(m.group(1)),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
