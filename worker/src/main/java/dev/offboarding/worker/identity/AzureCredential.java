package dev.offboarding.worker.identity;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.CredentialUnavailableException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * The credential {@link AzureCredentials} chose, saying where it comes from and, when it can give
 * no token, what to set instead. A credential that is not there ({@link
 * CredentialUnavailableException} from the identity library: nothing configured, no developer
 * signed in) becomes a {@link NoAzureCredentialException} whose message is the advice; the
 * library's own account of what it tried stays its cause and is logged at DEBUG only. Anything else
 * (Entra ID refusing a secret, a network failure) passes through unchanged, so a running worker
 * treats it as the transient failure it is. Thread-safe; never logs a token or a secret.
 */
public final class AzureCredential implements TokenCredential {
  private static final Logger LOG = System.getLogger(AzureCredential.class.getName());
  private static final Pattern ENTRA_ERROR = Pattern.compile("AADSTS\\d{5,}");

  private final AzureCredentials.Source source;
  private final String description;
  private final AzureCredentials.Purpose purpose;
  private final TokenCredential inner;

  AzureCredential(
      AzureCredentials.Source source,
      String description,
      AzureCredentials.Purpose purpose,
      TokenCredential inner) {
    this.source = source;
    this.description = description;
    this.purpose = purpose;
    this.inner = inner;
  }

  /** Where this credential comes from. */
  public AzureCredentials.Source source() {
    return source;
  }

  /** Which credential this is and the variables it reads (never their values), for messages. */
  public String description() {
    return description;
  }

  /**
   * A first token for {@code scope}, for a command that should stop at once when there is none.
   * While it is tried, the loggers of the identity library, MSAL and azure-core's HTTP pipeline are
   * silenced: their account of every retry and every credential tried is not the operator's
   * message; the failure is ({@link #explain}), and the library's own account is logged at DEBUG.
   *
   * @throws NoAzureCredentialException when no credential is there
   * @throws AzureTokenException when the credential gave no token (refused, or Entra ID
   *     unreachable)
   */
  public AccessToken firstToken(String scope) {
    try {
      return SdkLoggers.silencedWhile(
          () -> getTokenSync(new TokenRequestContext().addScopes(scope)));
    } catch (NoAzureCredentialException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "no token from " + description(), e);
      throw new AzureTokenException(explain(e), e);
    }
  }

  @Override
  public AccessToken getTokenSync(TokenRequestContext request) {
    try {
      return inner.getTokenSync(request);
    } catch (CredentialUnavailableException e) {
      throw unavailable(e);
    }
  }

  @Override
  public Mono<AccessToken> getToken(TokenRequestContext request) {
    return inner
        .getToken(request)
        .onErrorMap(CredentialUnavailableException.class, this::unavailable);
  }

  /**
   * Why {@code failure}, thrown while acquiring a token from this credential, gave none, in one
   * line for an operator: which credential, and Entra ID's error code when it refused, or that it
   * could not be reached. The identity library's message is not repeated: it can quote
   * configuration.
   */
  String explain(Throwable failure) {
    String code = null;
    Throwable unreachable = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      Matcher m = t.getMessage() == null ? null : ENTRA_ERROR.matcher(t.getMessage());
      code = code == null && m != null && m.find() ? m.group() : code;
      unreachable = t instanceof IOException ? t : unreachable;
    }
    String why =
        code != null
            ? "Entra ID refused it (" + code + ")"
            : unreachable != null
                ? "Entra ID could not be reached (" + unreachable.getClass().getSimpleName() + ")"
                : failure.getClass().getSimpleName();
    return "no token for " + purpose.what() + " from " + description() + ": " + why;
  }

  private NoAzureCredentialException unavailable(CredentialUnavailableException e) {
    if (e instanceof NoAzureCredentialException already) {
      return already;
    }
    LOG.log(Level.DEBUG, "the identity library's account of the credentials it tried", e);
    String advice =
        switch (source) {
          case DEVELOPER_SIGN_IN -> "no Azure credential found for " + purpose.what() + ": ";
          case NAMED_BY_VARIABLE ->
              "no Azure credential found for " + purpose.what() + " with " + description() + ": ";
          default ->
              "the Azure credential for "
                  + purpose.what()
                  + ", "
                  + description()
                  + ", is not available: ";
        };
    return new NoAzureCredentialException(
        advice + AzureCredentials.HOW_TO_SET_ONE + "; " + purpose.withoutCredential(), e);
  }

  @Override
  public String toString() {
    return "AzureCredential[" + description() + "]";
  }
}
