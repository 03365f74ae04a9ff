package dev.offboarding.worker;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import dev.offboarding.worker.config.ConfigException;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.identity.AzureCredential;
import dev.offboarding.worker.identity.AzureCredentials;
import dev.offboarding.worker.identity.AzureTokenException;
import dev.offboarding.worker.identity.NoAzureCredentialException;
import java.util.List;
import java.util.Map;

/**
 * Builds the Service Bus client builder from configuration: a connection string (SAS, or an
 * emulator's), or a namespace with the Azure credential the environment names ({@link
 * AzureCredentials#forServiceBus}). Processor and senders built from one builder share one AMQP
 * connection. A connection string the SDK refuses is a {@link ConfigException} that never quotes
 * it.
 */
public final class ServiceBusClients {
  /** The scope of a Service Bus data-plane token. */
  public static final String SCOPE = "https://servicebus.azure.net/.default";

  private ServiceBusClients() {}

  /**
   * The builder {@code config} names: its connection string, else its namespace with the Azure
   * credential the environment names.
   *
   * @throws ConfigException when the SDK refuses the connection string (never quoted)
   */
  public static ServiceBusClientBuilder builder(WorkerConfig config) {
    ServiceBusClientBuilder builder = new ServiceBusClientBuilder();
    if (config.serviceBusConnectionString() != null) {
      try {
        return builder.connectionString(config.serviceBusConnectionString());
      } catch (RuntimeException e) {
        // Configuration validates the string first; should the SDK still refuse it, its message may
        // quote the offending part, key included, so only the exception's type is reported.
        throw new ConfigException(
            List.of(
                "SERVICEBUS_CONNECTION_STRING is refused by the Service Bus SDK ("
                    + e.getClass().getSimpleName()
                    + ")"));
      }
    }
    if (config.serviceBusNamespace() != null) {
      return builder
          .fullyQualifiedNamespace(config.serviceBusNamespace())
          .credential(AzureCredentials.forServiceBus(System.getenv()));
    }
    throw new IllegalStateException(
        "SERVICEBUS_CONNECTION_STRING or SERVICEBUS_NAMESPACE must be set");
  }

  /**
   * The builder for a one-shot command ({@code send}, {@code cancel}, {@code dlq}, {@code
   * scheduled}): like {@link #builder}, but with {@code SERVICEBUS_NAMESPACE} the credential {@code
   * env} names must give a first token now, so that a command without one stops within seconds
   * saying what to set, instead of after the SDK's connection retries.
   *
   * @throws NoAzureCredentialException when no Azure credential is there
   * @throws AzureTokenException when the credential gave no token
   */
  public static ServiceBusClientBuilder forCommand(WorkerConfig config, Map<String, String> env) {
    if (config.serviceBusConnectionString() != null || config.serviceBusNamespace() == null) {
      return builder(config);
    }
    AzureCredential credential = AzureCredentials.forServiceBus(env);
    credential.firstToken(SCOPE);
    return new ServiceBusClientBuilder()
        .fullyQualifiedNamespace(config.serviceBusNamespace())
        .credential(credential);
  }
}
