package dev.offboarding.worker.metrics;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * An OkHttp interceptor that counts every HTTP request the Graph client sends, by method and
 * status; a request that got no response counts as {@code error}. Sits at the network end of the
 * chain so each attempt is counted once. Thread-safe.
 */
public final class GraphRequestMetrics implements Interceptor {
  private final Metrics metrics;

  /** Counts each Graph request by method and status in {@code metrics}. */
  public GraphRequestMetrics(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    String method = chain.request().method();
    Response response;
    try {
      response = chain.proceed(chain.request());
    } catch (IOException | RuntimeException e) {
      metrics.graphRequest(method, 0);
      throw e;
    }
    metrics.graphRequest(method, response.code());
    return response;
  }
}
