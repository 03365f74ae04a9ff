package dev.offboarding.testkit.graph;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A small JSON client over {@link HttpClient} for the fake server's tests; paths are sent as given.
 */
final class GraphClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final String baseUrl;

  GraphClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A reply: status, headers and the parsed JSON body (missing node when empty). */
  record Reply(int status, HttpHeaders headers, JsonNode body) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    String errorCode() {
      return body.path("error").path("code").asText(null);
    }

    String errorMessage() {
      return body.path("error").path("message").asText(null);
    }
  }

  /** A GET with extra headers given as name, value pairs. */
  Reply get(String pathOrUrl, String... headerPairs) {
    HttpRequest.Builder b = request(pathOrUrl);
    for (int i = 0; i + 1 < headerPairs.length; i += 2) {
      b.header(headerPairs[i], headerPairs[i + 1]);
    }
    return send(b.GET().build());
  }

  Reply patch(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  Reply post(String path, String json) {
    HttpRequest.Builder b = request(path);
    if (json == null) {
      b.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }
    return send(b.build());
  }

  Reply send(String method, String path) {
    return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  Reply batch(String json) {
    return post("/$batch", json);
  }

  CompletableFuture<Reply> getAsync(String path) {
    return http.sendAsync(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(GraphClient::reply);
  }

  HttpRequest.Builder request(String pathOrUrl) {
    String url = pathOrUrl.startsWith("http") ? pathOrUrl : baseUrl + pathOrUrl;
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("client-request-id", "test-client-request");
  }

  private Reply send(HttpRequest request) {
    try {
      return reply(http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Reply reply(HttpResponse<byte[]> response) {
    try {
      JsonNode body =
          response.body().length == 0 ? MissingNode.getInstance() : JSON.readTree(response.body());
      return new Reply(response.statusCode(), response.headers(), body);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + new String(response.body(), UTF_8), e);
    }
  }
}
