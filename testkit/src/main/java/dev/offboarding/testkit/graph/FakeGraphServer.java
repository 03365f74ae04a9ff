package dev.offboarding.testkit.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fake Microsoft Graph v1.0 endpoint over a {@link FakeTenant}: real HTTP on a real socket, so
 * the official Graph Java SDK (or any client) runs against it unmodified at {@link #baseUrl()}.
 *
 * <pre>{@code
 * FakeTenant tenant = FakeTenant.generate(1_000, 42);
 * try (FakeGraphServer graph = FakeGraphServer.start(tenant, FakeGraphOptions.defaults())) {
 *   var adapter = new BaseGraphRequestAdapter(new AnonymousAuthenticationProvider(), graph.baseUrl());
 *   var client = new GraphServiceClient(adapter);
 *   graph.faults().serviceUnavailable(2, Duration.ofSeconds(1));
 *   ...
 *   assertThat(graph.writeLog()).hasSize(...);
 * }
 * }</pre>
 *
 * <p>Serves {@code GET /users/{id|upn}}, {@code GET /users?$filter=<attr> eq '<v>'}, {@code GET
 * /groups[/{id}[/members|/transitiveMembers[/<cast>]]]}, {@code GET /roleManagement/directory/}
 * {@code roleDefinitions}, {@code roleAssignments} and {@code roleEligibilityScheduleInstances},
 * {@code PATCH /users/{id}} ({@code accountEnabled}), {@code POST /users/{id}/revokeSignInSessions}
 * and {@code POST /$batch}; every write passes a tenant-wide token bucket (Graph's 3,000 writes per
 * 150 s unless configured) and answers 429 with {@code Retry-After} when it is empty. Anything else
 * gets a Graph-shaped 400, 404 or 405.
 *
 * <p>Threading: each request runs on its own virtual thread, so injected latency never holds up
 * other requests; the tenant may be read and changed by tests while the server runs. Lifecycle:
 * {@link #start} binds and serves at once; {@link #close()} stops within moments, drops requests in
 * flight and never throws.
 */
public final class FakeGraphServer implements AutoCloseable {

  private static final String VERSION_PREFIX = "/v1.0";

  private final FakeTenant tenant;
  private final FakeGraphOptions options;
  private final Faults faults = new Faults();
  private final ServerRecorder recorder;
  private final GraphRouter router;
  private final ObjectMapper json = new ObjectMapper();
  private final Random jitter;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpServer server;
  private final String baseUrl;

  private FakeGraphServer(FakeTenant tenant, FakeGraphOptions options) throws IOException {
    this.tenant = Objects.requireNonNull(tenant, "tenant");
    this.options = Objects.requireNonNull(options, "options");
    this.recorder = new ServerRecorder(options.writeLogCapacity());
    this.router = new GraphRouter(tenant, options, faults, recorder, json);
    this.jitter = new Random(options.seed());
    InetAddress address = InetAddress.getByName(options.bindAddress());
    this.server = HttpServer.create(new InetSocketAddress(address, options.port()), 1024);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
    String host = address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    this.baseUrl = "http://" + host + ":" + server.getAddress().getPort() + VERSION_PREFIX;
  }

  /** Starts serving the tenant with Graph's defaults on an ephemeral loopback port. */
  public static FakeGraphServer start(FakeTenant tenant) {
    return start(tenant, FakeGraphOptions.defaults());
  }

  /** Starts serving the tenant; fails if the address cannot be bound. */
  public static FakeGraphServer start(FakeTenant tenant, FakeGraphOptions options) {
    try {
      return new FakeGraphServer(tenant, options);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the fake Graph server on " + options.bindAddress() + ":" + options.port(),
          e);
    }
  }

  /** The Graph root for clients, e.g. {@code http://127.0.0.1:50123/v1.0} (no trailing slash). */
  public String baseUrl() {
    return baseUrl;
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The directory this server serves; changes to it are visible to the next request. */
  public FakeTenant tenant() {
    return tenant;
  }

  /** The options it was started with. */
  public FakeGraphOptions options() {
    return options;
  }

  /** Fault injection, effective for the next requests. */
  public Faults faults() {
    return faults;
  }

  /**
   * Every write received so far (up to {@link FakeGraphOptions#writeLogCapacity()} most recent),
   * applied or not, in the order they were answered.
   */
  public List<WriteRecord> writeLog() {
    return recorder.writeLog();
  }

  /**
   * Every request answered so far, reads and writes (up to {@link
   * FakeGraphOptions#writeLogCapacity()} most recent), in the order they were answered; a reset
   * connection is not a request answered.
   */
  public List<RequestRecord> requestLog() {
    return recorder.requestLog();
  }

  /** Forgets the recorded requests (counters are kept). */
  public void clearRequestLog() {
    recorder.clearRequestLog();
  }

  /** Forgets the recorded writes (counters are kept). */
  public void clearWriteLog() {
    recorder.clearWriteLog();
  }

  /** Counters: responses by status, batch items by status, 429s, writes accepted, resets. */
  public FakeGraphStats stats() {
    return recorder.stats();
  }

  /** Stops listening and drops requests in flight; never throws. */
  @Override
  public void close() {
    try {
      server.stop(0);
    } catch (RuntimeException ignored) {
      // closing is best effort
    }
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "FakeGraphServer[" + baseUrl + ", " + tenant + "]";
  }

  // ------------------------------------------------------------------------------ HTTP

  private void handle(HttpExchange exchange) {
    try {
      serve(exchange);
    } catch (IOException | RuntimeException e) {
      // the client went away or the server is closing; nothing left to answer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      exchange.close();
    }
  }

  private void serve(HttpExchange exchange) throws IOException, InterruptedException {
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    boolean writeLike = !method.equals("GET") && !method.equals("HEAD");
    if (faults.takeReset(writeLike)) {
      recorder.recordReset();
      // Closing before any response header makes the server drop the connection: a reset.
      return;
    }
    byte[] body = exchange.getRequestBody().readAllBytes();
    Duration delay = latency().plus(faults.takeSlow());
    if (!delay.isZero()) {
      Thread.sleep(delay);
    }
    Map<String, String> headers = new HashMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!values.isEmpty()) {
                headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
              }
            });
    URI uri = exchange.getRequestURI();
    String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath();
    String host = headers.get("host");
    String requestBase =
        host == null || host.isBlank() ? baseUrl : "http://" + host + VERSION_PREFIX;
    String clientRequestId =
        headers.getOrDefault("client-request-id", UUID.randomUUID().toString());
    boolean versioned = rawPath.equals(VERSION_PREFIX) || rawPath.startsWith(VERSION_PREFIX + "/");
    GraphRequest request =
        new GraphRequest(
            method,
            versioned ? rawPath.substring(VERSION_PREFIX.length()) : rawPath,
            uri.getRawQuery(),
            headers,
            body,
            false,
            UUID.randomUUID().toString(),
            clientRequestId,
            requestBase);
    GraphResponse response;
    Optional<Optional<Duration>> unavailable = faults.takeUnavailableRequest();
    if (unavailable.isPresent()) {
      response = router.unavailable(request, unavailable.get());
    } else if (!versioned) {
      response = router.wrongVersion(request, rawPath);
    } else {
      response = router.handle(request);
    }
    send(exchange, request, response);
  }

  private Duration latency() {
    Duration fixed = options.latency();
    long jitterNanos = options.jitter().toNanos();
    if (jitterNanos <= 0) {
      return fixed;
    }
    return fixed.plusNanos((long) (jitter.nextDouble() * jitterNanos));
  }

  private void send(HttpExchange exchange, GraphRequest request, GraphResponse response)
      throws IOException {
    recorder.recordResponse(response.status());
    recorder.recordRequest(
        new RequestRecord(
            java.time.Instant.now(),
            request.method(),
            request.rawPath(),
            request.rawQuery(),
            response.status()));
    Headers out = exchange.getResponseHeaders();
    out.set("request-id", request.requestId());
    out.set("client-request-id", request.clientRequestId());
    response.headers().forEach(out::set);
    byte[] bytes = response.body() == null ? new byte[0] : json.writeValueAsBytes(response.body());
    if (bytes.length > 0) {
      if (!out.containsKey("Content-Type")) {
        out.set("Content-Type", GraphRouter.JSON_CONTENT_TYPE);
      }
      out.set("OData-Version", "4.0");
    }
    boolean noBody = bytes.length == 0 || request.method().equals("HEAD");
    exchange.sendResponseHeaders(response.status(), noBody ? -1 : bytes.length);
    if (!noBody) {
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(bytes);
      }
    }
  }
}
