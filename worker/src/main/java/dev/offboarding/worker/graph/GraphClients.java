package dev.offboarding.worker.graph;

import com.azure.core.credential.TokenCredential;
import com.microsoft.graph.core.requests.BaseGraphRequestAdapter;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.authentication.AnonymousAuthenticationProvider;
import com.microsoft.kiota.authentication.AuthenticationProvider;
import com.microsoft.kiota.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.identity.AzureCredentials;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * Builds the Graph SDK client from configuration. The SDK's own retry handler is switched off:
 * retries are the worker's policy, so that every attempt passes the write budget and is counted.
 */
public final class GraphClients {
  private GraphClients() {}

  /**
   * The Graph client {@code config} describes (base URL, credential), without extra interceptors.
   */
  public static GraphServiceClient create(WorkerConfig config) {
    return create(config, new Interceptor[0]);
  }

  /**
   * Like {@link #create(WorkerConfig)}, with network interceptors that see every HTTP attempt, e.g.
   * to count Graph requests by status.
   */
  public static GraphServiceClient create(WorkerConfig config, Interceptor... networkInterceptors) {
    return create(config, null, networkInterceptors);
  }

  /**
   * Like {@link #create(WorkerConfig, Interceptor...)}; with {@code GRAPH_AUTH=azure}, tokens come
   * from {@code credential}, or from the one the process's environment names ({@link
   * AzureCredentials#forGraph}) when it is null. Either way they are cached and replaced once when
   * Graph answers 401 ({@link RefreshingCredential}).
   */
  public static GraphServiceClient create(
      WorkerConfig config, TokenCredential credential, Interceptor... networkInterceptors) {
    URI base = config.graphBaseUrl();
    String scope = scope(base);
    RefreshingCredential tokens = null;
    AuthenticationProvider auth;
    switch (config.graphAuth()) {
      case NONE -> {
        if (!WorkerConfig.isLoopback(base.getHost())) {
          throw new IllegalStateException("GRAPH_AUTH=none is only allowed for loopback URLs");
        }
        auth = new AnonymousAuthenticationProvider();
      }
      // The credential the environment names: client secret or certificate, workload or managed
      // identity, or a
      // developer's sign-in (AzureCredentials).
      case AZURE -> {
        tokens =
            new RefreshingCredential(
                credential != null ? credential : AzureCredentials.forGraph(System.getenv()),
                Clock.systemUTC());
        auth =
            new AzureIdentityAuthenticationProvider(tokens, new String[] {base.getHost()}, scope);
      }
      default -> throw new IllegalStateException("unknown GRAPH_AUTH");
    }
    OkHttpClient.Builder http =
        GraphClientFactory.create(
                new RequestOption[] {
                  new RetryHandlerOption((delay, attempt, request, response) -> false, 0, 0)
                })
            .connectTimeout(Duration.ofSeconds(10))
            .readTimeout(Duration.ofSeconds(30))
            .callTimeout(Duration.ofSeconds(60));
    if (tokens != null) {
      http.addInterceptor(new TokenRefreshInterceptor(tokens, scope));
    }
    for (Interceptor interceptor : networkInterceptors) {
      http.addNetworkInterceptor(interceptor);
    }
    return new GraphServiceClient(new BaseGraphRequestAdapter(auth, base.toString(), http.build()));
  }

  /**
   * The scope a Graph token is asked for: the Graph root's {@code /.default}, the app's granted
   * roles.
   */
  public static String scope(URI graphBaseUrl) {
    return graphBaseUrl.getScheme() + "://" + graphBaseUrl.getAuthority() + "/.default";
  }
}
