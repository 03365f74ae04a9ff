package dev.offboarding.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.worker.config.ConfigException;
import dev.offboarding.worker.config.WorkerConfig;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceBusClientsTest {

  @Test
  void reportsAConnectionStringTheSdkRefusesAsConfigurationWithoutQuotingIt() {
    // Built past validation on purpose: whatever the SDK still refuses must not surface its
    // message,
    // which quotes the offending pair.
    WorkerConfig config =
        new WorkerConfig(
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey SECRETVALUE",
            null,
            "offboarding-events",
            "offboarding-urgent",
            "offboarding-ops",
            "offboarding-internal",
            "offboarding-state",
            "offboarding-audit",
            Set.of(),
            URI.create(WorkerConfig.DEFAULT_GRAPH_BASE_URL),
            WorkerConfig.GraphAuth.AZURE,
            20,
            Set.of(),
            Set.of(),
            1000,
            8080,
            java.time.Duration.ofMinutes(5),
            2000,
            java.time.Duration.ofMinutes(1),
            true,
            WorkerConfig.DEFAULT_MAX_SCHEDULE_AHEAD,
            false,
            dev.offboarding.worker.intake.IntakePolicies.unrestricted(),
            500,
            java.time.Duration.ofHours(24),
            java.time.Duration.ofHours(24),
            false);

    ConfigException e =
        assertThrows(ConfigException.class, () -> ServiceBusClients.builder(config));

    assertTrue(e.getMessage().contains("SERVICEBUS_CONNECTION_STRING"), e.getMessage());
    assertFalse(e.getMessage().contains("SECRETVALUE"), e.getMessage());
    assertTrue(
        e.getCause() == null, "the SDK's exception, and its message, stay out of the report");
  }
}
