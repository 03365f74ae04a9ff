package dev.offboarding.worker.servicebus;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import dev.offboarding.worker.config.ConfigException;
import dev.offboarding.worker.config.WorkerConfig;
import java.util.List;

/**
 * Builds the Service Bus client builder from configuration: a connection string (SAS, or an
 * emulator's), or a namespace with {@code DefaultAzureCredential}. Processor and senders built from
 * one builder share one AMQP connection. A connection string the SDK refuses is a {@link
 * ConfigException} that never quotes it.
 */
public final class ServiceBusClients {
  private ServiceBusClients() {}

  public static ServiceBusClientBuilder builder(WorkerConfig config) {
    ServiceBusClientBuilder builder = new ServiceBusClientBuilder();
    if (config.serviceBusConnectionString() != null) {
      try {
        return builder.connectionString(config.serviceBusConnectionString());
      } catch (RuntimeException e) {
        // Configuration validates the string first; should the SDK still refuse it, its message may
        // quote the offending part, key included, so only the exception's type is reported.
        throw new ConfigException(List.of("SERVICEBUS_CONNECTION_STRING is refused by the Service Bus SDK ("
            + e.getClass().getSimpleName() + ")"));
      }
    }
    if (config.serviceBusNamespace() != null) {
      return builder.fullyQualifiedNamespace(config.serviceBusNamespace())
          .credential(new DefaultAzureCredentialBuilder().build());
    }
    throw new IllegalStateException("SERVICEBUS_CONNECTION_STRING or SERVICEBUS_NAMESPACE must be set");
  }
}
