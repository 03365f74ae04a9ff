package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.testkit.graph.FakeGraphServer;
import dev.offboarding.testkit.graph.FakeSecurityState;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.lifecycle.LifecycleTask;
import dev.offboarding.worker.tenant.GraphFailure;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The resume adapter through the Graph SDK against the fake tenant, over a real socket. */
class GraphTaskResumesTest {
  private final FakeTenant tenant = new FakeTenant();
  private final FakeUser alice = tenant.addUser("alice@contoso.com");
  private final FakeGraphServer server = FakeGraphServer.start(tenant);
  private final WorkerConfig config =
      WorkerConfig.forGraphOnly(Map.of("GRAPH_BASE_URL", server.baseUrl(), "GRAPH_AUTH", "none"));
  private final GraphServiceClient graph = GraphClients.create(config);
  private final GraphTaskResumes resumes =
      new GraphTaskResumes(graph, config.graphBaseUrl(), Clock.systemUTC(), u -> {});

  @AfterEach
  void tearDown() {
    server.close();
  }

  private LifecycleTask seeded() {
    LifecycleTask task =
        new LifecycleTask(
            UUID.randomUUID().toString(),
            UUID.randomUUID().toString(),
            UUID.randomUUID().toString());
    tenant
        .security()
        .addTaskProcessingResult(task.workflowId(), task.taskId(), task.resultId(), alice.id());
    return task;
  }

  @Test
  void resumesWithTheDocumentedBodyAtTheConfiguredEndpoint() {
    LifecycleTask task = seeded();

    resumes.resume(task, "failed");

    FakeSecurityState.ResumeRecord call = tenant.security().resumes().get(0);
    assertEquals(204, call.status());
    assertEquals("failed", call.operationStatus());
    assertEquals("offboarding-worker", call.source());
    assertEquals("lifecycleEvent", call.type());
    assertEquals(1, tenant.security().acceptedResumes(task.resultId()));
    assertTrue(
        server.requestLog().stream()
            .anyMatch(
                r ->
                    r.method().equals("POST")
                        && r.path()
                            .endsWith(
                                "/identityGovernance/lifecycleWorkflows/workflows/"
                                    + task.workflowId()
                                    + "/tasks/"
                                    + task.taskId()
                                    + "/taskProcessingResults/"
                                    + task.resultId()
                                    + "/resume")),
        server.requestLog()::toString);
  }

  @Test
  void theUrlIsTheConfiguredRootWithTheThreeIdsAsPathSegments() {
    GraphTaskResumes elsewhere =
        new GraphTaskResumes(
            graph, URI.create("https://graph.microsoft.us/v1.0/"), Clock.systemUTC(), u -> {});
    LifecycleTask task =
        new LifecycleTask(
            "6f0d2a1c-3b4e-4f5a-8c7d-9e0f1a2b3c4d",
            "1b2c3d4e-5f60-4718-9a0b-c1d2e3f40516",
            "a7b8c9d0-e1f2-4a3b-8c4d-5e6f70819203");

    assertEquals(
        "https://graph.microsoft.us/v1.0/identityGovernance/lifecycleWorkflows/workflows/"
            + "6f0d2a1c-3b4e-4f5a-8c7d-9e0f1a2b3c4d/tasks/1b2c3d4e-5f60-4718-9a0b-c1d2e3f40516/taskProcessingResults/"
            + "a7b8c9d0-e1f2-4a3b-8c4d-5e6f70819203/resume",
        elsewhere.url(task));
  }

  @Test
  void aResultUnderAnotherTaskIsNotFoundAndASecondResumeIsABadRequest() {
    LifecycleTask task = seeded();
    LifecycleTask wrongTask =
        new LifecycleTask(task.workflowId(), UUID.randomUUID().toString(), task.resultId());

    GraphFailure notFound =
        assertThrows(GraphFailure.class, () -> resumes.resume(wrongTask, "completed"));
    resumes.resume(task, "completed");
    GraphFailure again = assertThrows(GraphFailure.class, () -> resumes.resume(task, "completed"));

    assertEquals(GraphFailure.Kind.NOT_FOUND, notFound.kind());
    assertEquals(400, again.status());
    assertEquals(GraphFailure.Kind.OTHER, again.kind());
    assertEquals(1, tenant.security().acceptedResumes(task.resultId()));
  }
}
