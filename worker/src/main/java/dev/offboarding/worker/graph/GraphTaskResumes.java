package dev.offboarding.worker.graph;

import com.microsoft.graph.identitygovernance.lifecycleworkflows.workflows.item.tasks.item.taskprocessingresults.item.microsoftgraphidentitygovernanceresume.ResumePostRequestBody;
import com.microsoft.graph.models.identitygovernance.CustomTaskExtensionCallbackData;
import com.microsoft.graph.models.identitygovernance.CustomTaskExtensionOperationStatus;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.http.middleware.options.HeadersInspectionOption;
import dev.offboarding.worker.lifecycle.LifecycleTask;
import dev.offboarding.worker.lifecycle.Resumer;
import dev.offboarding.worker.lifecycle.TaskResumes;
import java.net.URI;
import java.time.Clock;
import java.util.function.DoubleConsumer;

/**
 * Graph's {@code POST .../taskProcessingResults/{r}/resume} through the Graph SDK v6, one attempt
 * per call. The URL is always the configured {@code GRAPH_BASE_URL} with the three ids, each a GUID
 * ({@link LifecycleTask}), percent-encoded as one path segment: nothing else of the event id
 * reaches it. The body is Graph's documented one: {@code data.operationStatus}, {@code source},
 * {@code type}. Who may call it: the apps listed in the custom task extension's {@code
 * callbackConfiguration.authorizedApps}, or an app holding {@code LifecycleWorkflows.ReadWrite.All}
 * (see {@code GraphPermissions#LIFECYCLE_WORKFLOWS_RESUME}).
 */
public final class GraphTaskResumes implements TaskResumes {
  private final GraphServiceClient graph;
  private final URI baseUrl;
  private final Clock clock;
  private final DoubleConsumer limitUse;

  /**
   * @param limitUse told the share of the tenant's budget used when an answer says it
   */
  public GraphTaskResumes(
      GraphServiceClient graph, URI baseUrl, Clock clock, DoubleConsumer limitUse) {
    this.graph = graph;
    this.baseUrl = baseUrl;
    this.clock = clock;
    this.limitUse = limitUse;
  }

  /** The URL of the resume of {@code task}, under the configured Graph root. */
  String url(LifecycleTask task) {
    String root = baseUrl.toString();
    if (root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
    return root
        + "/identityGovernance/lifecycleWorkflows/workflows/"
        + PathEncoding.encode(task.workflowId())
        + "/tasks/"
        + PathEncoding.encode(task.taskId())
        + "/taskProcessingResults/"
        + PathEncoding.encode(task.resultId())
        + "/resume";
  }

  @Override
  public String resume(LifecycleTask task, String operationStatus) {
    CustomTaskExtensionCallbackData data = new CustomTaskExtensionCallbackData();
    data.setOperationStatus(
        switch (operationStatus) {
          case "completed" -> CustomTaskExtensionOperationStatus.Completed;
          case "failed" -> CustomTaskExtensionOperationStatus.Failed;
          default ->
              throw new IllegalArgumentException("operationStatus must be completed or failed");
        });
    ResumePostRequestBody body = new ResumePostRequestBody();
    body.setData(data);
    body.setSource(Resumer.SOURCE);
    body.setType(Resumer.TYPE);
    HeadersInspectionOption inspection = new HeadersInspectionOption(false, true);
    try {
      graph
          .identityGovernance()
          .lifecycleWorkflows()
          .workflows()
          .byWorkflowId(task.workflowId())
          .tasks()
          .byTaskId(task.taskId())
          .taskProcessingResults()
          .byTaskProcessingResultId(task.resultId())
          .microsoftGraphIdentityGovernanceResume()
          .withUrl(url(task))
          .post(body, rc -> rc.options.add(inspection));
    } catch (RuntimeException e) {
      throw GraphErrors.translate(e, clock);
    }
    double use = GraphErrors.limitUse(inspection);
    if (!Double.isNaN(use)) {
      limitUse.accept(use);
    }
    return GraphErrors.requestId(inspection);
  }
}
