package dev.offboarding.worker.e2e;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.worker.WorkerService;
import dev.offboarding.worker.metrics.Metrics;
import dev.offboarding.worker.servicebus.EventMessages;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Not a test: prints and writes (to {@code target/intake-benchmark.txt}) how many one-user leaver
 * events per second the worker settles through the embedded emulator and the fake tenant, in one
 * JVM. Run with {@code java -cp <test classpath> dev.offboarding.worker.e2e.IntakeBenchmark
 * [events] [concurrency]}.
 */
public final class IntakeBenchmark {
  private IntakeBenchmark() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    FakeTenant tenant = new FakeTenant();
    List<OffboardingEvent> batch = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      FakeUser user = tenant.addUser("bench-" + i + "@contoso.com");
      batch.add(WorkerHarness.event(EventType.LEAVER, new Target.User(user.id())));
    }
    try (WorkerHarness harness = new WorkerHarness(tenant, o -> o.unlimitedWrites())) {
      try (ServiceBusSenderClient sender =
          harness.clients().sender().queueName(WorkerHarness.QUEUE).buildClient()) {
        EventCodec codec = new EventCodec();
        ServiceBusMessageBatch b = sender.createMessageBatch();
        for (OffboardingEvent e : batch) {
          ServiceBusMessage m = EventMessages.of(codec.encode(e), e);
          if (!b.tryAddMessage(m)) {
            sender.sendMessages(b);
            b = sender.createMessageBatch();
            b.tryAddMessage(m);
          }
        }
        sender.sendMessages(b);
      }
      long start = System.nanoTime();
      WorkerService worker =
          harness.startWorker(
              new ServiceBusIntake.Options(
                  concurrency,
                  Duration.ofMinutes(5),
                  Duration.ofSeconds(20),
                  Duration.ofSeconds(5)));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofMinutes(30))
          .pollInterval(Duration.ofMillis(10))
          .until(
              () ->
                  worker.metrics().count(Metrics.EVENTS, "type", "leaver", "outcome", "COMPLETED")
                      >= events);
      double seconds = (System.nanoTime() - start) / 1e9;
      String line =
          String.format(
              "%d one-user leaver events (2 Graph writes, 1 target + 1 summary audit each), "
                  + "concurrency %d, pre-loaded queue: settled in %.2f s = %.1f events/s (processors: %d)%n",
              events,
              concurrency,
              seconds,
              events / seconds,
              Runtime.getRuntime().availableProcessors());
      System.out.print(line);
      Files.writeString(
          Path.of("target", "intake-benchmark.txt"),
          line,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
    System.exit(0);
  }
}
