package dev.offboarding.worker.graph;

import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.http.middleware.options.HeadersInspectionOption;
import dev.offboarding.worker.execute.AccountWrites;
import java.time.Clock;
import java.util.function.DoubleConsumer;

/**
 * The writes, through the Graph SDK v6, one attempt per call, always by object id. Graph's early
 * throttling warning on an accepted write ({@code x-ms-throttle-limit-percentage}) goes to the
 * listener before the call returns, so the write budget hears it before it hears the acceptance.
 */
public final class GraphAccountWrites implements AccountWrites {
  private final GraphServiceClient graph;
  private final Clock clock;
  private final DoubleConsumer limitUse;

  /** Writes through {@code graph}; the budget share Graph's answers report goes nowhere. */
  public GraphAccountWrites(GraphServiceClient graph, Clock clock) {
    this(graph, clock, use -> {});
  }

  /**
   * @param limitUse told the share of the tenant's budget used when an answer says it
   */
  public GraphAccountWrites(GraphServiceClient graph, Clock clock, DoubleConsumer limitUse) {
    this.graph = graph;
    this.clock = clock;
    this.limitUse = limitUse;
  }

  @Override
  public String disableAccount(String userId) {
    return setAccountEnabled(userId, false);
  }

  @Override
  public String enableAccount(String userId) {
    return setAccountEnabled(userId, true);
  }

  private String setAccountEnabled(String userId, boolean enabled) {
    HeadersInspectionOption inspection = new HeadersInspectionOption(false, true);
    User change = new User();
    change.setAccountEnabled(enabled);
    try {
      graph.users().byUserId(userId).patch(change, rc -> rc.options.add(inspection));
    } catch (RuntimeException e) {
      throw GraphErrors.translate(e, clock);
    }
    return accepted(inspection);
  }

  @Override
  public String revokeSignInSessions(String userId) {
    HeadersInspectionOption inspection = new HeadersInspectionOption(false, true);
    try {
      // Documented as 200 {"value": true}; has also answered 204 (the SDK then returns null).
      // Either is success: the value is always true and carries no information.
      graph.users().byUserId(userId).revokeSignInSessions().post(rc -> rc.options.add(inspection));
    } catch (RuntimeException e) {
      throw GraphErrors.translate(e, clock);
    }
    return accepted(inspection);
  }

  private String accepted(HeadersInspectionOption inspection) {
    double use = GraphErrors.limitUse(inspection);
    if (!Double.isNaN(use)) {
      limitUse.accept(use);
    }
    return GraphErrors.requestId(inspection);
  }
}
