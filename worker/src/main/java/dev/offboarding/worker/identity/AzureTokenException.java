package dev.offboarding.worker.identity;

/**
 * The Azure credential is there but gave no first token: Entra ID refused it (its {@code AADSTS}
 * code is in the message) or could not be reached. The message is one line naming the credential
 * and why, never a value; the identity library's exception is the cause.
 */
public final class AzureTokenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  AzureTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
