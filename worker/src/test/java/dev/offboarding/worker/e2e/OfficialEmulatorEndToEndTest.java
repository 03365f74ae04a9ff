package dev.offboarding.worker.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.azure.ServiceBusEmulatorContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;
import org.testcontainers.utility.MountableFile;

/**
 * The suite against Microsoft's official Service Bus emulator (with its SQL Server), started by
 * Testcontainers from deploy/servicebus/config.json. Skipped, with the reason in the test report,
 * where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class OfficialEmulatorEndToEndTest extends ServiceBusSuite {
  static final String EMULATOR_IMAGE =
      "mcr.microsoft.com/azure-messaging/servicebus-emulator:1.1.2";
  static final String SQL_IMAGE = "mcr.microsoft.com/mssql/server:2022-CU14-ubuntu-22.04";

  static Network network;
  static MSSQLServerContainer sql;
  static ServiceBusEmulatorContainer emulator;

  @BeforeAll
  static void startEmulator() {
    network = Network.newNetwork();
    sql = new MSSQLServerContainer(SQL_IMAGE).acceptLicense().withNetwork(network);
    emulator =
        new ServiceBusEmulatorContainer(EMULATOR_IMAGE)
            .acceptLicense()
            .withConfig(
                MountableFile.forHostPath(Path.of("..", "deploy", "servicebus", "config.json")))
            .withNetwork(network)
            .withMsSqlServerContainer(sql);
    emulator.start();
  }

  @AfterAll
  static void stopEmulator() {
    if (emulator != null) {
      emulator.stop();
    }
    if (sql != null) {
      sql.stop();
    }
    if (network != null) {
      network.close();
    }
  }

  @Override
  String connectionString() {
    return emulator.getConnectionString();
  }
}
