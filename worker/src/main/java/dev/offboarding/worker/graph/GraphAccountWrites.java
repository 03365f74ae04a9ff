package dev.offboarding.worker.graph;

import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.http.middleware.options.HeadersInspectionOption;
import dev.offboarding.worker.domain.AccountWrites;
import java.time.Clock;

/** The writes, through the Graph SDK v6, one attempt per call, always by object id. */
public final class GraphAccountWrites implements AccountWrites {
  private final GraphServiceClient graph;
  private final Clock clock;

  public GraphAccountWrites(GraphServiceClient graph, Clock clock) {
    this.graph = graph;
    this.clock = clock;
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
    return GraphErrors.requestId(inspection);
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
    return GraphErrors.requestId(inspection);
  }
}
