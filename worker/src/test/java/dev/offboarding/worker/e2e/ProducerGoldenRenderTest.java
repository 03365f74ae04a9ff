package dev.offboarding.worker.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offboarding.contracts.DecodeResult;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.SummaryAudit;
import dev.offboarding.contracts.SummaryStatus;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetOutcome;
import dev.offboarding.testkit.graph.FakeSecurityState;
import dev.offboarding.testkit.graph.FakeTenant;
import dev.offboarding.testkit.graph.FakeUser;
import dev.offboarding.testkit.servicebus.EmulatorConfig;
import dev.offboarding.testkit.servicebus.ServiceBusEmulator;
import dev.offboarding.worker.config.Tuning;
import dev.offboarding.worker.config.WorkerConfig;
import dev.offboarding.worker.intake.IntakePolicies;
import dev.offboarding.worker.producers.ProducerTemplates;
import dev.offboarding.worker.producers.ProducerTemplates.Producer;
import dev.offboarding.worker.producers.WorkflowRun;
import dev.offboarding.worker.servicebus.ServiceBusIntake;
import dev.offboarding.worker.testing.WorkerSystem;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The golden render of every producer template: its workflow, run offline on its recorded trigger
 * input, yields one Service Bus message whose body the contract's codec accepts (the code path of
 * {@code validate}) and whose queue's policy allows it; that message, sent as the Service Bus
 * connector would send it to the embedded emulator, is processed by the worker to a final summary.
 * The Sentinel audit-to-incident reader then receives that summary on its own subscription,
 * filtered by the rule its template creates, and comments the result on the incident; the Lifecycle
 * Workflows task the extension waits on is resumed by the worker with {@code completed}.
 */
class ProducerGoldenRenderTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String AUDIT_SUBSCRIPTION = "sentinel-incidents";
  private static final String INCIDENT = "8c6e4b2a-1f3d-4a5b-9c7d-0e1f2a3b4c5d";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The worker closes the Lifecycle Workflows loop itself: the template is used in launch-and-wait
   * mode.
   */
  private static final Map<String, String> RESUME_ON = Map.of("LIFECYCLE_WORKFLOWS_RESUME", "true");

  private static FakeTenant tenant;
  private static WorkerHarness harness;
  private static IntakePolicies policies;

  @BeforeAll
  static void start() {
    tenant = new FakeTenant();
    // The users the recorded samples name: by object id, by UPN built from an account entity, by
    // UPN.
    tenant.addUser(
        FakeUser.builder("adele.vance@contoso.com")
            .id("6b1f2c0e-3c4d-4e5f-8a9b-0c1d2e3f4a51")
            .build());
    tenant.addUser("megan.bowen@contoso.com");
    tenant.addUser(
        FakeUser.builder("lynne.robbins@contoso.com")
            .id("3e5a7c9e-1b2d-4f6a-8c0e-2a4c6e8a0b13")
            .build());
    tenant.addUser("pradeep.gupta@contoso.com");
    tenant.addUser("grady.archie@contoso.com");
    // The task the Lifecycle Workflows sample names, in progress, so that the worker can resume it.
    JsonNode lcw = ProducerTemplates.LIFECYCLE_WORKFLOWS.sample().path("data");
    tenant
        .security()
        .addTaskProcessingResult(
            lcw.path("workflow").path("id").asText(),
            lcw.path("task").path("id").asText(),
            lcw.path("taskProcessingResult").path("id").asText(),
            lcw.path("subject").path("id").asText());
    harness = new WorkerHarness(tenant, emulatorWithTheAuditReadersSubscription());
    harness.startWorker(
        new ServiceBusIntake.Options(
            4, Duration.ofMinutes(5), Duration.ofSeconds(20), Duration.ofSeconds(5)),
        RESUME_ON,
        Tuning.Recovery.defaults());
    policies = WorkerConfig.fromEnvironment(harness.env).intakePolicies();
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  /**
   * The project's entities plus the subscription the audit-to-incident template creates, with its
   * rule.
   */
  private static ServiceBusEmulator emulatorWithTheAuditReadersSubscription() {
    String filter =
        ProducerTemplates.AUDIT_TO_INCIDENT
            .template()
            .path("variables")
            .path("SummaryFilter")
            .asText();
    EmulatorConfig file = EmulatorConfig.fromJson(WorkerSystem.ENTITIES);
    List<EmulatorConfig.Topic> topics = new ArrayList<>();
    for (EmulatorConfig.Topic t : file.topics()) {
      topics.add(
          t.name().equals(WorkerHarness.TOPIC)
              ? t.withSubscription(
                  EmulatorConfig.Subscription.named(AUDIT_SUBSCRIPTION)
                      .withRule(EmulatorConfig.Rule.sql("$Default", filter)))
              : t);
    }
    return ServiceBusEmulator.start(new EmulatorConfig(file.namespace(), file.queues(), topics), 0);
  }

  @Test
  void aSentinelIncidentOffboardsItsAccountsAndItsResultIsCommentedOnTheIncident()
      throws Exception {
    Producer p = ProducerTemplates.SENTINEL_INCIDENT;
    WorkflowRun.Result run = p.run(p.sample(), Map.of());

    Sent sent = sendAsTheConnectorWould(p, run);
    assertEquals("sentinel/" + INCIDENT, sent.event().id());
    assertEquals(
        List.of(
            new Target.User("6b1f2c0e-3c4d-4e5f-8a9b-0c1d2e3f4a51"),
            new Target.User("megan.bowen@contoso.com")),
        sent.event().data().targets(),
        "the mapped object id where the rule gave one, else Name@UPNSuffix; the SYSTEM account skipped");
    assertEquals("4471", sent.event().data().ticket());
    assertEquals("sentinel-playbook:Offboard-IncidentAccounts", sent.event().data().requestedBy());
    assertEquals(
        "Sentinel incident 4471: Sign-ins from an anonymous IP address followed by mass download",
        sent.event().data().reason());
    WorkflowRun.ApiCall comment = run.callsTo("azuresentinel").get(0);
    assertEquals("/Incidents/Comment", comment.path());
    assertEquals(
        ProducerTemplates.WORKSPACE + "/providers/Microsoft.SecurityInsights/Incidents/" + INCIDENT,
        comment.body().path("incidentArmId").asText());
    String message = comment.body().path("message").asText();
    assertTrue(
        message.contains("sentinel/" + INCIDENT)
            && message.contains("2 account(s)")
            && message.contains("neither an Entra object id nor a UPN suffix: SYSTEM."),
        message);

    SummaryAudit summary = awaitFinal(sent.event().id());
    assertEquals(SummaryStatus.COMPLETED, summary.status());
    assertEquals(2, summary.counts().get(TargetOutcome.SUCCEEDED));
    assertFalse(tenant.requireUser("megan.bowen@contoso.com").accountEnabled());

    // The audit reader's subscription holds that event's final summary and nothing else of it.
    List<ServiceBusReceivedMessage> forIncident = new ArrayList<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              forIncident.clear();
              harness.read(WorkerHarness.TOPIC + "/subscriptions/" + AUDIT_SUBSCRIPTION).stream()
                  .filter(m -> sent.event().id().equals(m.getCorrelationId()))
                  .forEach(forIncident::add);
              return !forIncident.isEmpty();
            });
    assertEquals(
        1, forIncident.size(), "only the final summary passes the rule, not the target audits");
    ServiceBusReceivedMessage received = forIncident.get(0);
    assertEquals(SummaryAudit.TYPE, received.getSubject());

    WorkflowRun.Result reader =
        ProducerTemplates.AUDIT_TO_INCIDENT.run(asConnectorTriggerBody(received), Map.of());
    WorkflowRun.ApiCall result = reader.callsTo("azuresentinel").get(0);
    assertEquals(
        ProducerTemplates.WORKSPACE + "/providers/Microsoft.SecurityInsights/Incidents/" + INCIDENT,
        result.body().path("incidentArmId").asText());
    assertEquals(
        "Offboarding event sentinel/"
            + INCIDENT
            + " ended COMPLETED: 2 succeeded, 0 unverified, 0 not found, "
            + "0 forbidden, 0 protected, 0 failed, 0 skipped.",
        result.body().path("message").asText());
  }

  @Test
  void theAuditReadersRecordedSampleIsASummaryItComments() {
    Producer p = ProducerTemplates.AUDIT_TO_INCIDENT;
    JsonNode sample = p.sample();
    SummaryAudit decoded =
        harness
            .auditCodec()
            .decodeSummary(Base64.getDecoder().decode(sample.path("ContentData").asText()));
    assertTrue(decoded.finalSummary());
    WorkflowRun.ApiCall comment = p.run(sample, Map.of()).callsTo("azuresentinel").get(0);
    assertTrue(
        comment
            .body()
            .path("message")
            .asText()
            .startsWith("Offboarding event sentinel/" + INCIDENT + " ended COMPLETED: 2 succeeded"),
        comment.body().toString());
  }

  @Test
  void anAnalystsEntityRunOffboardsThatAccount() throws Exception {
    Producer p = ProducerTemplates.SENTINEL_ENTITY;
    WorkflowRun.Result run = p.run(p.sample(), Map.of());

    Sent sent = sendAsTheConnectorWould(p, run);
    assertEquals(
        "sentinel/" + INCIDENT + "/08584392817263548172635481726CU12",
        sent.event().id(),
        "one id per run: an analyst's second run is not taken for a duplicate");
    assertEquals(
        List.of(new Target.User("megan.bowen@contoso.com")), sent.event().data().targets());
    assertTrue(
        run.callsTo("azuresentinel")
            .get(0)
            .body()
            .path("message")
            .asText()
            .contains(sent.event().id()));
    assertEquals(SummaryStatus.COMPLETED, awaitFinal(sent.event().id()).status());

    ObjectNode noAccount = p.sample().deepCopy();
    ((ObjectNode) noAccount.path("Entity").path("properties")).remove("upnSuffix");
    WorkflowRun.Result refused = p.run(noAccount, Map.of());
    assertTrue(refused.calls().isEmpty(), "nothing sent, nothing commented");
    assertEquals("Failed", refused.terminated());
  }

  @Test
  void aLifecycleWorkflowsTaskSendsOneLeaverEventForItsSubject() throws Exception {
    Producer p = ProducerTemplates.LIFECYCLE_WORKFLOWS;
    WorkflowRun.Result run = p.run(p.sample(), Map.of());

    Sent sent = sendAsTheConnectorWould(p, run);
    assertEquals(
        "lcw/156ce798-1eb6-4e0a-8b63-2c6a1d3f9b20/d4b6c8e0-2f1a-4b3c-9d5e-7f8a0b1c2d3e/"
            + "a9c1e3f5-7b2d-4e6f-8a0b-1c3d5e7f9a2b",
        sent.event().id());
    assertEquals(
        List.of(new Target.User("3e5a7c9e-1b2d-4f6a-8c0e-2a4c6e8a0b13")),
        sent.event().data().targets());
    assertEquals(202, run.responses().get(0).statusCode());
    assertEquals(sent.event().id(), run.responses().get(0).body().path("eventId").asText());
    SummaryAudit summary = awaitFinal(sent.event().id());
    assertEquals(SummaryStatus.COMPLETED, summary.status());
    assertEquals(1, summary.counts().get(TargetOutcome.SUCCEEDED));
    // The task the extension waits on is resumed by the worker, once, with completed.
    await().atMost(WAIT).until(() -> !tenant.security().resumes().isEmpty());
    assertEquals(
        List.of("completed"),
        tenant.security().resumes().stream()
            .filter(r -> r.resultId().equals("a9c1e3f5-7b2d-4e6f-8a0b-1c3d5e7f9a2b"))
            .map(FakeSecurityState.ResumeRecord::operationStatus)
            .toList());

    ObjectNode noTask = p.sample().deepCopy();
    ((ObjectNode) noTask.path("data")).remove("taskProcessingResult");
    WorkflowRun.Result refused = p.run(noTask, Map.of());
    assertTrue(refused.calls().isEmpty());
    assertEquals(400, refused.responses().get(0).statusCode());
  }

  @Test
  void anHrWebhookCallSendsALeaverEventAndAnswersWithItsId() throws Exception {
    Producer p = ProducerTemplates.HR_WEBHOOK;
    WorkflowRun.Result run = p.run(p.sample(), Map.of());

    Sent sent = sendAsTheConnectorWould(p, run);
    assertEquals("hr/WD-TERM-000417", sent.event().id());
    assertEquals(
        List.of(new Target.User("pradeep.gupta@contoso.com")), sent.event().data().targets());
    assertEquals(
        "2026-11-30T17:00:00Z",
        sent.event().data().effectiveAt().toString(),
        "a termination already in effect: the worker acts at once");
    assertEquals(202, run.responses().get(0).statusCode());
    assertEquals(SummaryStatus.COMPLETED, awaitFinal(sent.event().id()).status());

    // An employee number alone becomes an employeeId attribute target.
    ObjectNode byNumber = p.sample().deepCopy();
    ((ObjectNode) byNumber.path("employee")).remove("userName");
    byNumber.put("terminationId", "WD-TERM-000418");
    byNumber.remove("terminationDate");
    OffboardingEvent numbered = decode(p.run(byNumber, Map.of()));
    assertEquals(List.of(new Target.Attribute("employeeId", "701984")), numbered.data().targets());
    assertNull(numbered.data().effectiveAt());
    assertNull(policies.of(WorkerHarness.QUEUE).check(numbered));

    ObjectNode noEmployee = p.sample().deepCopy();
    noEmployee.remove("employee");
    WorkflowRun.Result refused = p.run(noEmployee, Map.of());
    assertTrue(refused.calls().isEmpty());
    assertEquals(400, refused.responses().get(0).statusCode());
  }

  @Test
  void aCippAlertOfThisTenantSendsACompromiseEventAndOneOfAnotherTenantNothing() throws Exception {
    Producer p = ProducerTemplates.SOAR_BRIDGE;
    WorkflowRun.Result run = p.run(p.sample(), Map.of());

    Sent sent = sendAsTheConnectorWould(p, run);
    assertEquals("cipp/5e0c1a2b-3d4e-4f5a-8b6c-7d8e9f0a1b2c", sent.event().id());
    assertEquals(
        List.of(new Target.User("grady.archie@contoso.com")), sent.event().data().targets());
    assertEquals(SummaryStatus.COMPLETED, awaitFinal(sent.event().id()).status());

    ObjectNode otherTenant = p.sample().deepCopy();
    ((ObjectNode) otherTenant.path("tenant")).put("id", "0f0e0d0c-0b0a-4909-8807-060504030201");
    WorkflowRun.Result refused = p.run(otherTenant, Map.of());
    assertTrue(
        refused.calls().isEmpty(),
        "an alert from another of the SOAR's tenants offboards no one here");
    assertEquals(400, refused.responses().get(0).statusCode());
  }

  // ------------------------------------------------------------------ helpers

  private record Sent(OffboardingEvent event, String queue) {}

  /**
   * Checks the run's one send as the worker's intake will see it, then sends the same bytes and
   * properties the Service Bus connector would: ContentData as the body, ContentType, MessageId and
   * Label as the message's content type, message id and subject.
   */
  private static Sent sendAsTheConnectorWould(Producer p, WorkflowRun.Result run) {
    List<WorkflowRun.ApiCall> sends = run.callsTo("servicebus");
    assertEquals(1, sends.size(), p.name() + ": one message sent");
    WorkflowRun.ApiCall send = sends.get(0);
    String queue = p.defaultOf("QueueName");
    assertEquals("post", send.method());
    assertEquals("/" + queue + "/messages", send.path());
    OffboardingEvent event = decode(run);
    assertEquals(event.id(), send.body().path("MessageId").asText());
    // Service Bus refuses a message id over 128 characters; the longest these templates make are
    // lcw/ with three GUIDs (114) and hr/ with a terminationId of at most 100 (103).
    assertTrue(event.id().length() <= 128, event.id());
    assertEquals(event.type().wireName(), send.body().path("Label").asText());
    assertEquals(OffboardingEvent.CONTENT_TYPE, send.body().path("ContentType").asText());
    assertNull(policies.of(queue).check(event), p.name() + ": allowed on " + queue);

    ServiceBusMessage message =
        new ServiceBusMessage(
            BinaryData.fromBytes(
                Base64.getDecoder().decode(send.body().path("ContentData").asText())));
    message.setContentType(send.body().path("ContentType").asText());
    message.setMessageId(send.body().path("MessageId").asText());
    message.setSubject(send.body().path("Label").asText());
    try (ServiceBusSenderClient sender =
        harness.clients().sender().queueName(queue).buildClient()) {
      sender.sendMessage(message);
    }
    return new Sent(event, queue);
  }

  /** The event in the run's one send, decoded by the contract's codec, which must accept it. */
  private static OffboardingEvent decode(WorkflowRun.Result run) {
    byte[] body =
        Base64.getDecoder()
            .decode(run.callsTo("servicebus").get(0).body().path("ContentData").asText());
    DecodeResult result = new EventCodec().decode(body);
    if (result instanceof DecodeResult.Invalid invalid) {
      throw new AssertionError(
          "the contract refuses the rendered event: "
              + invalid.problems()
              + "\n"
              + new String(body, StandardCharsets.UTF_8));
    }
    return assertInstanceOf(DecodeResult.Valid.class, result).event();
  }

  private static SummaryAudit awaitFinal(String eventId) {
    return harness.awaitFinalSummary(eventId, WAIT);
  }

  /**
   * A received message as the Service Bus connector's "when a message is received in a topic
   * subscription" trigger hands it to the workflow: ContentData in base64, the broker properties by
   * their connector names, the application properties under Properties.
   */
  private static JsonNode asConnectorTriggerBody(ServiceBusReceivedMessage m) {
    ObjectNode body = JSON.createObjectNode();
    body.put("ContentData", Base64.getEncoder().encodeToString(m.getBody().toBytes()));
    body.put("ContentType", m.getContentType());
    body.put("MessageId", m.getMessageId());
    body.put("CorrelationId", m.getCorrelationId());
    body.put("Label", m.getSubject());
    body.put("SequenceNumber", m.getSequenceNumber());
    ObjectNode properties = body.putObject("Properties");
    m.getApplicationProperties().forEach((k, v) -> properties.put(k, String.valueOf(v)));
    return body;
  }
}
