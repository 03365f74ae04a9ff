package dev.offboarding.worker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The worker's HTTP face, on the JDK's own server: {@code GET /health/live} (200 while the process
 * runs), {@code GET /health/ready} (200 only when {@code ready} says so, else 503) and {@code GET
 * /metrics} (Prometheus text format). Anything else is 404; methods other than GET and HEAD are
 * 405. Lifecycle: {@link #start} binds and serves; {@link #close()} stops at once and never throws.
 */
public final class HttpEndpoints implements AutoCloseable {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService threads;

  private HttpEndpoints(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /**
   * Serves on all interfaces at {@code port} (0 for an ephemeral one).
   *
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static HttpEndpoints start(int port, BooleanSupplier ready, Supplier<String> metrics) {
    return start(port, ready, () -> "", metrics);
  }

  /**
   * Like {@link #start(int, BooleanSupplier, Supplier)}; while not ready, {@code /health/ready}
   * also says why ({@code notReadyReason}, one line, never a secret), for operators and probes'
   * logs.
   */
  public static HttpEndpoints start(
      int port, BooleanSupplier ready, Supplier<String> notReadyReason, Supplier<String> metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on HTTP_PORT " + port, e);
    }
    server.createContext(
        "/health/live", exchange -> respond(exchange, 200, "text/plain", "live\n"));
    server.createContext(
        "/health/ready",
        exchange -> {
          boolean ok = ready.getAsBoolean();
          String reason = ok ? "" : notReadyReason.get();
          respond(
              exchange,
              ok ? 200 : 503,
              "text/plain",
              ok
                  ? "ready\n"
                  : reason == null || reason.isBlank()
                      ? "not ready\n"
                      : "not ready: " + reason + "\n");
        });
    server.createContext(
        "/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, metrics.get()));
    server.createContext("/", exchange -> respond(exchange, 404, "text/plain", "not found\n"));
    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(threads);
    server.start();
    return new HttpEndpoints(server, threads);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (status != 404 && !path.equals(exchange.getHttpContext().getPath())) {
        status = 404;
        contentType = "text/plain";
        body = "not found\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    try {
      server.stop(0);
    } catch (RuntimeException e) {
      // Stopping a server that failed half-way: nothing more to release.
    }
    threads.shutdownNow();
  }
}
