package dev.offboarding.testkit.servicebus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ServiceBusCommandTest {

  @Test
  void printsAConnectionStringTheSdkCanSendToAndStopsWhenAsked() throws Exception {
    // Arrange
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CountDownLatch stop = new CountDownLatch(1);
    String[] args = {"--port", "0", "--config", TopicWithSdkTest.PROJECT_CONFIG.toString()};

    // Act
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return ServiceBusCommand.run(
                    args,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    stop);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> out.toString(StandardCharsets.UTF_8).contains("Endpoint="));
    String connectionString = out.toString(StandardCharsets.UTF_8).trim();
    try (ServiceBusSenderClient sender =
        new ServiceBusClientBuilder()
            .connectionString(connectionString)
            .sender()
            .queueName("offboarding-events")
            .buildClient()) {
      sender.sendMessage(new ServiceBusMessage("hello"));
    }
    stop.countDown();

    // Assert
    assertTrue(
        connectionString.matches(
            "Endpoint=sb://localhost:\\d+;SharedAccessKeyName=RootManageSharedAccessKey;"
                + "SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;"),
        connectionString);
    assertEquals(0, exit.get());
  }

  @Test
  void explainsUsageWhenTheConfigIsMissing() throws Exception {
    // Arrange
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    // Act
    int exit =
        ServiceBusCommand.run(
            new String[] {"--port", "0"},
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new CountDownLatch(1));

    // Assert
    assertEquals(2, exit);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--config is required"));
  }

  @Test
  void reportsAnInvalidConfigFile() throws Exception {
    // Arrange
    java.nio.file.Path file = java.nio.file.Files.createTempFile("config", ".json");
    java.nio.file.Files.writeString(file, "{\"UserConfig\": {}}");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    // Act
    int exit =
        ServiceBusCommand.run(
            new String[] {"--config", file.toString()},
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new CountDownLatch(1));

    // Assert
    assertEquals(1, exit);
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("Namespaces is required"), err.toString());
    java.nio.file.Files.delete(file);
  }
}
