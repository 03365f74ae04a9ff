package dev.offboarding.testkit.graph;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code fake-graph} command: serves a fake tenant until the process is stopped.
 *
 * <pre>
 * fake-graph [--port P] [--bind ADDR] [--tenant FILE | --generate N [--seed S]]
 *            [--writes-per-150s N] [--latency-ms N] [--jitter-ms N] [--page-size N]
 *            [--revoke-response 200|204] [--retry-after seconds|fractional|http-date]
 * </pre>
 *
 * <p>Without {@code --tenant} or {@code --generate} it serves the bundled example seed. It prints
 * the base URL alone on standard output (for scripts), a summary on standard error, and closes the
 * server from a shutdown hook on Ctrl-C.
 */
public final class FakeGraphCommand {

  /** The bundled example seed, a resource of this jar. */
  public static final String EXAMPLE_SEED = "/fake-graph/example-tenant.json";

  private static final String USAGE =
      """
      usage: fake-graph [--port P] [--bind ADDR] [--tenant FILE | --generate N [--seed S]]
                        [--writes-per-150s N] [--latency-ms N] [--jitter-ms N] [--page-size N]
                        [--revoke-response 200|204] [--retry-after seconds|fractional|http-date]
        --port               port to listen on (default 0: any free port, printed)
        --bind               address to bind (default 127.0.0.1; 0.0.0.0 in a container)
        --tenant             JSON seed file (format: testkit/README.md)
        --generate           generate a tenant of N users instead (--seed, default 42)
        --writes-per-150s    tenant write budget (default 3000; 0 = unlimited)
        --latency-ms         fixed delay per request (default 0)
        --jitter-ms          extra random delay per request, 0..N (default 0)
        --page-size          default page size (default 100)
        --revoke-response    200 (Graph today, the default) or 204
        --retry-after        Retry-After form on 429/503 (default seconds)""";

  private FakeGraphCommand() {}

  /** What the command line asked for. */
  record Config(FakeGraphOptions options, Path tenantFile, Integer generate, long seed) {}

  /** Runs the command until the process is stopped; returns 2 on a usage error. */
  public static int run(String[] args) throws InterruptedException {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    Config config;
    FakeTenant tenant;
    try {
      config = parse(args);
      if (config == null) {
        out.println(USAGE);
        return 0;
      }
      tenant = tenant(config);
    } catch (IllegalArgumentException e) {
      err.println("fake-graph: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    FakeGraphServer server = FakeGraphServer.start(tenant, config.options());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "fake-graph-shutdown"));
    err.println(
        "fake-graph: serving "
            + tenant.summary()
            + ", write budget "
            + (config.options().writeBudgetEnabled()
                ? config.options().writesPerWindow() + " per 150 s"
                : "unlimited")
            + "; Ctrl-C to stop");
    out.println(server.baseUrl());
    out.flush();
    stopped.await();
    return 0;
  }

  /** Parses the arguments; null means help was asked for. */
  static Config parse(String[] args) {
    FakeGraphOptions.Builder options = FakeGraphOptions.builder().port(0);
    Path tenantFile = null;
    Integer generate = null;
    long seed = 42;
    int writes = FakeGraphOptions.GRAPH_WRITES_PER_WINDOW;
    long latencyMs = 0;
    long jitterMs = 0;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--port" -> options.port(integer(flag, value, 0, 65535));
        case "--bind" -> options.bindAddress(value);
        case "--tenant" -> tenantFile = Path.of(value);
        case "--generate" -> generate = integer(flag, value, 30, 10_000_000);
        case "--seed" -> seed = longValue(flag, value);
        case "--writes-per-150s" -> writes = integer(flag, value, 0, Integer.MAX_VALUE);
        case "--latency-ms" -> latencyMs = integer(flag, value, 0, 600_000);
        case "--jitter-ms" -> jitterMs = integer(flag, value, 0, 600_000);
        case "--page-size" -> options.pageSize(integer(flag, value, 1, 999));
        case "--revoke-response" ->
            options.revokeResponse(
                switch (value) {
                  case "200" -> FakeGraphOptions.RevokeResponse.OK_WITH_VALUE;
                  case "204" -> FakeGraphOptions.RevokeResponse.NO_CONTENT;
                  default ->
                      throw new IllegalArgumentException("--revoke-response must be 200 or 204");
                });
        case "--retry-after" ->
            options.retryAfterFormat(
                switch (value.toLowerCase(Locale.ROOT)) {
                  case "seconds" -> FakeGraphOptions.RetryAfterFormat.SECONDS;
                  case "fractional" -> FakeGraphOptions.RetryAfterFormat.FRACTIONAL_SECONDS;
                  case "http-date" -> FakeGraphOptions.RetryAfterFormat.HTTP_DATE;
                  default ->
                      throw new IllegalArgumentException(
                          "--retry-after must be seconds, fractional or http-date");
                });
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (tenantFile != null && generate != null) {
      throw new IllegalArgumentException("--tenant and --generate are mutually exclusive");
    }
    if (writes == 0) {
      options.unlimitedWrites();
    } else {
      options.writeBudget(writes, FakeGraphOptions.GRAPH_WRITE_WINDOW);
    }
    options.latency(Duration.ofMillis(latencyMs), Duration.ofMillis(jitterMs)).seed(seed);
    return new Config(options.build(), tenantFile, generate, seed);
  }

  /** The tenant the configuration names. */
  static FakeTenant tenant(Config config) {
    if (config.tenantFile() != null) {
      return FakeTenant.fromJson(config.tenantFile());
    }
    if (config.generate() != null) {
      return FakeTenant.generate(config.generate(), config.seed());
    }
    try (InputStream in = FakeGraphCommand.class.getResourceAsStream(EXAMPLE_SEED)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + EXAMPLE_SEED);
      }
      return FakeTenant.fromJson(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int integer(String flag, String value, int min, int max) {
    long parsed = longValue(flag, value);
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          flag + " must be between " + min + " and " + max + ": " + value);
    }
    return (int) parsed;
  }

  private static long longValue(String flag, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a number: " + value);
    }
  }
}
