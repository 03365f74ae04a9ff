package dev.offboarding.testkit.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offboarding.testkit.servicebus.EmulatorConfig.AccessRight;
import dev.offboarding.testkit.servicebus.EmulatorConfig.EntityProperties;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Queue;
import dev.offboarding.testkit.servicebus.EmulatorConfig.SharedAccessKey;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Subscription;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Topic;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EmulatorConfigTest {

  private static EmulatorConfig parse(String json) {
    return EmulatorConfig.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static String namespace(String queues, String topics) {
    return """
        {"UserConfig": {"Namespaces": [{"Name": "sbemulatorns", "Queues": [%s], "Topics": [%s]}],
         "Logging": {"Type": "File"}}}"""
        .formatted(queues, topics);
  }

  @Test
  void readsTheProjectConfigWithItsQueuesTopicAndFilters() {
    // Act
    EmulatorConfig config = EmulatorConfig.fromJson(TopicWithSdkTest.PROJECT_CONFIG);

    // Assert
    assertEquals("sbemulatorns", config.namespace());
    Queue events = config.queues().get(0);
    assertEquals("offboarding-events", events.name());
    assertEquals(Duration.ofMinutes(1), events.properties().lockDuration());
    assertEquals(10, events.properties().maxDeliveryCount());
    assertTrue(events.properties().requiresDuplicateDetection());
    assertEquals("offboarding-urgent", config.queues().get(1).name());
    assertEquals(events.properties(), config.queues().get(1).properties());
    assertEquals("offboarding-replies", config.queues().get(2).name());
    assertEquals("offboarding-internal", config.queues().get(3).name());
    assertEquals(events.properties(), config.queues().get(3).properties());
    assertEquals("offboarding-ops", config.queues().get(4).name());
    assertEquals(events.properties(), config.queues().get(4).properties());
    assertEquals("offboarding-state", config.queues().get(5).name());
    assertTrue(
        config.queues().get(5).properties().requiresSession(),
        "brake counters live in session state");
    Topic audit = config.topics().get(0);
    assertEquals("offboarding-audit", audit.name());
    assertEquals(3, audit.subscriptions().size());
    Subscription all = audit.subscriptions().get(0);
    assertTrue(all.rules().isEmpty());
    assertEquals(
        "dev.offboarding.audit.summary.v1",
        audit.subscriptions().get(1).rules().get(0).correlationFilter().label());
    assertEquals(
        "status = 'REJECTED'", audit.subscriptions().get(2).rules().get(0).sqlExpression());
  }

  @Test
  void appliesTheOfficialEmulatorDefaultsToMissingProperties() {
    // Act
    EmulatorConfig config = parse(namespace("{\"Name\": \"q\"}", ""));

    // Assert
    assertEquals(EntityProperties.DEFAULTS, config.queues().get(0).properties());
    assertEquals(3, EntityProperties.DEFAULTS.maxDeliveryCount());
  }

  @Test
  void readsIsoDurationsIncludingDays() {
    // Act
    EmulatorConfig config =
        parse(
            namespace(
                "{\"Name\": \"q\", \"Properties\": {\"LockDuration\": \"PT2S\", \"DefaultMessageTimeToLive\": \"P1DT2H\"}}",
                ""));

    // Assert
    assertEquals(Duration.ofSeconds(2), config.queues().get(0).properties().lockDuration());
    assertEquals(
        Duration.ofHours(26), config.queues().get(0).properties().defaultMessageTimeToLive());
  }

  @Test
  void readsACorrelationFilterWithEveryField() {
    // Arrange
    String topic =
        """
        {"Name": "t", "Subscriptions": [{"Name": "s", "Rules": [{"Name": "r", "Properties": {
          "FilterType": "Correlation", "CorrelationFilter": {"ContentType": "application/json",
          "CorrelationId": "c", "Label": "l", "MessageId": "m", "ReplyTo": "rt", "ReplyToSessionId": "rs",
          "SessionId": "s", "To": "to", "Properties": {"status": "REJECTED", "count": 3, "dry": false}}}}]}]}""";

    // Act
    EmulatorConfig.CorrelationFilter filter =
        parse(namespace("", topic))
            .topics()
            .get(0)
            .subscriptions()
            .get(0)
            .rules()
            .get(0)
            .correlationFilter();

    // Assert
    assertEquals(
        new EmulatorConfig.CorrelationFilter(
            "c",
            "m",
            "to",
            "rt",
            "l",
            "s",
            "rs",
            "application/json",
            Map.of("status", "REJECTED", "count", 3L, "dry", false)),
        filter);
  }

  @Test
  void readsRequiresSession() {
    EmulatorConfig config =
        parse(namespace("{\"Name\": \"q\", \"Properties\": {\"RequiresSession\": true}}", ""));

    assertTrue(config.queues().get(0).properties().requiresSession());
  }

  @Test
  void refusesFeaturesTheEmbeddedEmulatorDoesNotImplement() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            parse(namespace("{\"Name\": \"q\", \"Properties\": {\"ForwardTo\": \"other\"}}", "")));
    IllegalArgumentException action =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse(
                    namespace(
                        "",
                        """
        {"Name": "t", "Subscriptions": [{"Name": "s", "Rules": [{"Name": "r", "Properties": {
          "FilterType": "Sql", "SqlFilter": {"SqlExpression": "1=1"},
          "Action": {"SqlExpression": "SET sys.To = 'x'"}}}]}]}""")));
    assertTrue(action.getMessage().contains("Action"), action.getMessage());
  }

  @Test
  void namesTheFieldOfAMalformedValue() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse(
                    namespace(
                        "{\"Name\": \"q\", \"Properties\": {\"LockDuration\": \"1 minute\"}}",
                        "")));

    assertTrue(
        error.getMessage().contains("Queues[0].Properties.LockDuration"), error.getMessage());
  }

  @Test
  void refusesABadSqlFilterAtLoadTime() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse(
                    namespace(
                        "",
                        """
        {"Name": "t", "Subscriptions": [{"Name": "s", "Rules": [{"Name": "r", "Properties": {
          "FilterType": "Sql", "SqlFilter": {"SqlExpression": "status = "}}}]}]}""")));

    assertTrue(error.getMessage().contains("Subscriptions[0].Rules[0]"), error.getMessage());
  }

  @Test
  void refusesTwoEntitiesWithTheSameName() {
    assertThrows(
        IllegalArgumentException.class,
        () -> EmulatorConfig.builder().queue("Orders").topic(Topic.named("orders")).build());
  }

  @Test
  void buildsTheSameConfigInCode() {
    // Act
    EmulatorConfig config =
        EmulatorConfig.builder()
            .queue(
                Queue.named("q")
                    .withProperties(
                        EntityProperties.DEFAULTS.withLockDuration(Duration.ofSeconds(2))))
            .topic(
                Topic.named("t")
                    .withSubscription(Subscription.named("all"))
                    .withSubscription(
                        Subscription.named("rejected")
                            .withRule(EmulatorConfig.Rule.sql("r", "status = 'REJECTED'"))))
            .build();

    // Assert
    assertEquals(Duration.ofSeconds(2), config.queues().get(0).properties().lockDuration());
    assertFalse(config.topics().get(0).requiresDuplicateDetection());
    assertNull(config.topics().get(0).subscriptions().get(1).rules().get(0).correlationFilter());
  }

  @Test
  void readsSharedAccessKeysOfTheNamespaceAQueueAndATopic() {
    // Arrange
    String json =
        """
        {"UserConfig": {"Namespaces": [{"Name": "sbemulatorns",
          "AuthorizationRules": [{"Name": "auditor", "PrimaryKey": "a-secret", "Rights": ["Listen"]}],
          "Queues": [{"Name": "events", "AuthorizationRules": [
            {"Name": "hr-producer", "PrimaryKey": "p-secret", "Rights": ["Send"]}]}],
          "Topics": [{"Name": "audit", "AuthorizationRules": [
            {"Name": "audit-owner", "PrimaryKey": "o-secret", "Rights": ["manage"]}]}]}]}}""";

    // Act
    EmulatorConfig config = parse(json);

    // Assert
    assertEquals(
        List.of(
            new SharedAccessKey("auditor", "a-secret", Set.of(AccessRight.LISTEN), null),
            new SharedAccessKey("hr-producer", "p-secret", Set.of(AccessRight.SEND), "events"),
            new SharedAccessKey("audit-owner", "o-secret", Set.of(AccessRight.MANAGE), "audit")),
        config.sharedAccessKeys());
    SharedAccessKey owner = config.sharedAccessKey("AUDIT-OWNER").orElseThrow();
    assertTrue(
        owner.grants(AccessRight.SEND, "audit") && owner.grants(AccessRight.LISTEN, "Audit"));
    assertFalse(owner.grants(AccessRight.LISTEN, "events"));
  }

  @Test
  void theProjectConfigNamesNoKeysSoTheOfficialEmulatorReadsItUnchanged() {
    assertTrue(
        EmulatorConfig.fromJson(TopicWithSdkTest.PROJECT_CONFIG).sharedAccessKeys().isEmpty());
  }

  @Test
  void refusesAKeyOnASubscriptionAsServiceBusDoes() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse(
                    namespace(
                        "",
                        """
        {"Name": "t", "Subscriptions": [{"Name": "s", "AuthorizationRules": [
          {"Name": "k", "PrimaryKey": "x", "Rights": ["Listen"]}]}]}""")));

    assertTrue(
        error.getMessage().contains("Subscriptions[0].AuthorizationRules"), error.getMessage());
  }

  @Test
  void namesTheRuleWithAnUnknownRight() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse(
                    namespace(
                        """
        {"Name": "q", "AuthorizationRules": [{"Name": "k", "PrimaryKey": "x", "Rights": ["Read"]}]}""",
                        "")));

    assertTrue(error.getMessage().contains("Queues[0].AuthorizationRules[0]"), error.getMessage());
    assertTrue(error.getMessage().contains("Manage, Send or Listen"), error.getMessage());
  }

  @Test
  void refusesKeysThatClashWithTheRootKeyOrEachOtherOrNameNoEntity() {
    EmulatorConfig config = EmulatorConfig.builder().queue("q").build();

    assertThrows(
        IllegalArgumentException.class,
        () ->
            config.withSharedAccessKey(
                SharedAccessKey.onNamespace(
                    ServiceBusEmulator.SHARED_ACCESS_KEY_NAME, "other", AccessRight.LISTEN)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            config
                .withSharedAccessKey(SharedAccessKey.onNamespace("k", "x", AccessRight.LISTEN))
                .withSharedAccessKey(SharedAccessKey.onEntity("q", "K", "y", AccessRight.SEND)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            config.withSharedAccessKey(
                SharedAccessKey.onEntity("no-such-queue", "k", "x", AccessRight.SEND)));
    assertThrows(
        IllegalArgumentException.class,
        () -> config.withSharedAccessKey(SharedAccessKey.onNamespace("k", "x")));
  }

  @Test
  void leavesTheSecretOutOfAKeysTextForm() {
    String text =
        SharedAccessKey.onEntity("q", "hr-producer", "p-secret", AccessRight.SEND).toString();

    assertTrue(text.contains("hr-producer") && !text.contains("p-secret"), text);
  }
}
