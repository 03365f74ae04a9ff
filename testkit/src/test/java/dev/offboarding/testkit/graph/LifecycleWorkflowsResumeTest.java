package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LifecycleWorkflowsResumeTest extends FakeGraphTestSupport {
  private static final String WORKFLOW = "156ce798-1eb6-4e0a-8515-e79f54d04390";
  private static final String TASK = "d3ae3bb7-3de1-4ef3-84f2-9d3a4da1c8e1";
  private static final String RESULT = "a2c3ee4a-0fa7-4c7b-9b5f-2a1a7e3a9d11";
  private static final String PATH =
      "/identityGovernance/lifecycleWorkflows/workflows/"
          + WORKFLOW
          + "/tasks/"
          + TASK
          + "/taskProcessingResults/"
          + RESULT
          + "/microsoft.graph.identityGovernance.resume";

  private static String body(String status) {
    return "{\"data\":{\"operationStatus\":\""
        + status
        + "\"},\"source\":\"offboarding-worker\","
        + "\"type\":\"lifecycleEvent\"}";
  }

  private FakeTenant tenantWithOneResult() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    tenant.security().addTaskProcessingResult(WORKFLOW, TASK, RESULT, alice.id());
    return tenant;
  }

  @Test
  void resumesAResultOnceAndRecordsEveryCall() {
    FakeTenant tenant = tenantWithOneResult();
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply first = graph.post(PATH, body("completed"));
    GraphClient.Reply again =
        graph.post(
            PATH.replace("microsoft.graph.identityGovernance.resume", "resume"), body("failed"));

    assertEquals(204, first.status());
    assertEquals(400, again.status());
    assertEquals(
        "completed",
        tenant.security().taskProcessingResult(RESULT).orElseThrow().processingStatus());
    assertEquals(1, tenant.security().acceptedResumes(RESULT));
    assertEquals(2, tenant.security().resumes().size());
    assertEquals("failed", tenant.security().resumes().get(1).operationStatus());
  }

  @Test
  void answers404ForAResultItDoesNotHaveOrUnderAnotherTask() {
    FakeTenant tenant = tenantWithOneResult();
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply unknown =
        graph.post(PATH.replace(RESULT, "a2c3ee4a-0fa7-4c7b-9b5f-2a1a7e3a9d12"), body("completed"));
    GraphClient.Reply otherTask =
        graph.post(PATH.replace(TASK, "d3ae3bb7-3de1-4ef3-84f2-9d3a4da1c8e2"), body("completed"));

    assertEquals(404, unknown.status());
    assertEquals(404, otherTask.status());
    assertEquals(0, tenant.security().acceptedResumes(RESULT));
  }

  @Test
  void refusesABodyWithoutAKnownOperationStatusOrItsSourceAndType() {
    FakeTenant tenant = tenantWithOneResult();
    GraphClient graph = client(serve(tenant));

    assertEquals(400, graph.post(PATH, body("done")).status());
    assertEquals(400, graph.post(PATH, "{\"data\":{\"operationStatus\":\"completed\"}}").status());
    assertEquals(400, graph.post(PATH, "{}").status());
    assertEquals(
        "inProgress",
        tenant.security().taskProcessingResult(RESULT).orElseThrow().processingStatus());
  }

  @Test
  void aForcedStatusOnTheResultAnswersItsResumeAndLeavesItInProgress() {
    FakeTenant tenant = tenantWithOneResult();
    FakeGraphServer server = serve(tenant);
    server.faults().forceStatus(RESULT, 503, 1);
    GraphClient graph = client(server);

    GraphClient.Reply failed = graph.post(PATH, body("completed"));
    GraphClient.Reply retried = graph.post(PATH, body("completed"));

    assertEquals(503, failed.status());
    assertEquals(204, retried.status());
    assertEquals(1, tenant.security().acceptedResumes(RESULT));
  }

  @Test
  void readsTaskProcessingResultsFromASeed() {
    String seed =
        "{\"users\":[{\"userPrincipalName\":\"alice@contoso.com\"}],\"taskProcessingResults\":[{\"workflowId\":\""
            + WORKFLOW
            + "\",\"taskId\":\""
            + TASK
            + "\",\"id\":\""
            + RESULT
            + "\",\"subject\":\"alice@contoso.com\"}]}";

    FakeTenant tenant =
        FakeTenant.fromJson(new ByteArrayInputStream(seed.getBytes(StandardCharsets.UTF_8)));

    assertEquals(
        "inProgress",
        tenant.security().taskProcessingResult(RESULT).orElseThrow().processingStatus());
  }
}
