package dev.offboarding.worker.graph;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.identity.CredentialUnavailableException;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.ResponseHeaders;
import dev.offboarding.worker.identity.NoAzureCredentialException;
import dev.offboarding.worker.tenant.GraphFailure;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** Translates what the Graph SDK throws into the domain's {@link GraphFailure}, in one place. */
final class GraphErrors {
  private GraphErrors() {}

  static GraphFailure translate(RuntimeException e, Clock clock) {
    if (e instanceof ApiException api && api.getResponseStatusCode() > 0) {
      int status = api.getResponseStatusCode();
      ResponseHeaders headers = api.getResponseHeaders();
      String requestId = first(headers, "request-id");
      Duration retryAfter = RetryAfter.parse(first(headers, "retry-after"), clock).orElse(null);
      String code = null;
      String message = null;
      if (api instanceof ODataError odata && odata.getError() != null) {
        code = odata.getError().getCode();
        message = odata.getError().getMessage();
      }
      if (code == null) {
        code = "Http" + status;
      }
      if (message == null) {
        message = "Graph answered HTTP " + status;
      }
      GraphFailure.Kind kind = kindOf(status);
      return new GraphFailure(
          kind,
          status,
          code,
          "HTTP " + status + " " + code + ": " + message,
          requestId,
          retryAfter,
          e);
    }
    if (hasCause(e, ClientAuthenticationException.class)
        || hasCause(e, CredentialUnavailableException.class)) {
      // Entra ID did not issue a token (its own 5xx or 429, a network blip, a credential not yet
      // available). Nothing is wrong with the user: retry, and let a long run of these open the
      // outage breaker. The identity library's message is not repeated: it can quote configuration;
      // the worker's own advice when no credential is there names variables only.
      NoAzureCredentialException none = cause(e, NoAzureCredentialException.class);
      return new GraphFailure(
          GraphFailure.Kind.UNAVAILABLE,
          0,
          "TokenAcquisitionFailed",
          none != null
              ? "no Graph token could be acquired: " + none.getMessage()
              : "no Graph token could be acquired (" + rootType(e) + ")",
          null,
          null,
          e);
    }
    if (hasCause(e, IOException.class)) {
      String what = hasCause(e, InterruptedIOException.class) ? "timed out" : "connection failed";
      return new GraphFailure(
          GraphFailure.Kind.UNAVAILABLE,
          0,
          "ConnectionError",
          "Graph request " + what + ": " + rootMessage(e),
          null,
          null,
          e);
    }
    return new GraphFailure(
        GraphFailure.Kind.OTHER,
        0,
        "ClientError",
        "Graph request failed: " + rootMessage(e),
        null,
        null,
        e);
  }

  /**
   * The failure taxonomy for an HTTP status, written down in docs/design.md (Failures). 401 reaches
   * here only after the token was replaced and the request sent again ({@link
   * TokenRefreshInterceptor}): the credential is at fault, not the user, so it is transient like an
   * outage.
   */
  static GraphFailure.Kind kindOf(int status) {
    return switch (status) {
      case 404 -> GraphFailure.Kind.NOT_FOUND;
      case 403 -> GraphFailure.Kind.FORBIDDEN;
      case 429 -> GraphFailure.Kind.THROTTLED;
      case 401, 408 -> GraphFailure.Kind.UNAVAILABLE;
      default -> status >= 500 ? GraphFailure.Kind.UNAVAILABLE : GraphFailure.Kind.OTHER;
    };
  }

  private static String rootType(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName();
  }

  private static String first(ResponseHeaders headers, String name) {
    if (headers == null) {
      return null;
    }
    for (var entry : headers.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name)) {
        Set<String> values = entry.getValue();
        return values == null || values.isEmpty() ? null : values.iterator().next();
      }
    }
    return null;
  }

  private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  static String requestId(
      com.microsoft.kiota.http.middleware.options.HeadersInspectionOption inspection) {
    return first(inspection.getResponseHeaders(), "request-id");
  }

  /**
   * Graph's {@code x-ms-throttle-limit-percentage} on an answer: the share of a throttling limit
   * used, sent only above 0.8 (1.0 = throttling starts, 1.8 = 80 % refused). NaN when absent or not
   * a number in that documented range, so a garbled header never moves the pace.
   */
  static double limitUse(
      com.microsoft.kiota.http.middleware.options.HeadersInspectionOption inspection) {
    String value = first(inspection.getResponseHeaders(), "x-ms-throttle-limit-percentage");
    if (value == null || value.length() > 16) {
      return Double.NaN;
    }
    try {
      double use = Double.parseDouble(value.strip());
      return use >= 0.8 && use <= 1.8 ? use : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
