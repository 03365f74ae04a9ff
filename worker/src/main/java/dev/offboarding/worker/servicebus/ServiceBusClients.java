package dev.offboarding.worker.servicebus;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import dev.offboarding.worker.config.WorkerConfig;

/**
 * Builds the Service Bus client builder from configuration: a connection string (SAS, or an
 * emulator's), or a namespace with {@code DefaultAzureCredential}. Processor and senders built from
 * one builder share one AMQP connection.
 */
public final class ServiceBusClients {
  private ServiceBusClients() {}

  public static ServiceBusClientBuilder builder(WorkerConfig config) {
    ServiceBusClientBuilder builder = new ServiceBusClientBuilder();
    if (config.serviceBusConnectionString() != null) {
      return builder.connectionString(config.serviceBusConnectionString());
    }
    if (config.serviceBusNamespace() != null) {
      return builder.fullyQualifiedNamespace(config.serviceBusNamespace())
          .credential(new DefaultAzureCredentialBuilder().build());
    }
    throw new IllegalStateException("SERVICEBUS_CONNECTION_STRING or SERVICEBUS_NAMESPACE must be set");
  }
}
