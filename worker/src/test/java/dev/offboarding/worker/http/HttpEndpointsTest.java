package dev.offboarding.worker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {
  private final AtomicBoolean ready = new AtomicBoolean();
  private final HttpEndpoints endpoints =
      HttpEndpoints.start(0, ready::get, () -> "# HELP x\nx 1\n");
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void tearDown() {
    endpoints.close();
  }

  private HttpResponse<String> call(String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void isLiveWhileTheProcessRuns() throws Exception {
    assertEquals(200, call("GET", "/health/live").statusCode());
  }

  @Test
  void isReadyOnlyWhenTheWorkerSaysSo() throws Exception {
    assertEquals(503, call("GET", "/health/ready").statusCode());

    ready.set(true);

    assertEquals(200, call("GET", "/health/ready").statusCode());
  }

  @Test
  void servesMetricsInThePrometheusTextFormat() throws Exception {
    HttpResponse<String> response = call("GET", "/metrics");

    assertEquals(200, response.statusCode());
    assertTrue(
        response
            .headers()
            .firstValue("Content-Type")
            .orElse("")
            .startsWith("text/plain; version=0.0.4"));
    assertEquals("# HELP x\nx 1\n", response.body());
  }

  @Test
  void answersUnknownPathsWith404AndOtherMethodsWith405() throws Exception {
    assertEquals(404, call("GET", "/").statusCode());
    assertEquals(404, call("GET", "/health/live/extra").statusCode());
    assertEquals(405, call("POST", "/metrics").statusCode());
  }
}
