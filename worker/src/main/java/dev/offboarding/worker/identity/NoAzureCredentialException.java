package dev.offboarding.worker.identity;

import com.azure.identity.CredentialUnavailableException;

/**
 * No Azure credential gave a token because none is there to give one: nothing configured in the
 * environment and no developer signed in, or the credential the environment names is unavailable.
 * The message is the worker's own advice (which variables to set, or {@code az login}), naming
 * variables and never quoting a value; the identity library's own account is the cause.
 *
 * <p>It is a {@link CredentialUnavailableException}, so wherever a token failure is transient (a
 * running worker's Graph requests) it stays transient; the one-shot commands stop on it at once.
 */
public final class NoAzureCredentialException extends CredentialUnavailableException {
  private static final long serialVersionUID = 1L;

  NoAzureCredentialException(String advice, Throwable cause) {
    super(advice, cause);
  }
}
