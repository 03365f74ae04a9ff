package dev.offboarding.testkit.graph;

import dev.offboarding.testkit.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Starts servers for a test and closes them after it. */
abstract class FakeGraphTestSupport {

  static final String START = "2026-11-27T09:00:00Z";

  protected final ManualClock clock = ManualClock.startingAt(START);
  private final List<FakeGraphServer> servers = new ArrayList<>();

  /**
   * A server over the tenant with the test clock and unshuffled batches unless the builder says
   * otherwise.
   */
  protected FakeGraphServer serve(FakeTenant tenant, FakeGraphOptions.Builder options) {
    FakeGraphServer server = FakeGraphServer.start(tenant, options.clock(clock).build());
    servers.add(server);
    return server;
  }

  protected FakeGraphServer serve(FakeTenant tenant) {
    return serve(tenant, FakeGraphOptions.builder());
  }

  protected static GraphClient client(FakeGraphServer server) {
    return new GraphClient(server.baseUrl());
  }

  /** The bundled example tenant. */
  protected static FakeTenant exampleTenant() {
    try (InputStream in =
        FakeGraphCommand.class.getResourceAsStream(FakeGraphCommand.EXAMPLE_SEED)) {
      return FakeTenant.fromJson(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Percent-encodes a path segment strictly (what the Graph SDK's URI template does). */
  protected static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Percent-encodes a query value. */
  protected static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @AfterEach
  void closeServers() {
    servers.forEach(FakeGraphServer::close);
  }
}
