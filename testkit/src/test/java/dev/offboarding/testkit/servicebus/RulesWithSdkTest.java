package dev.offboarding.testkit.servicebus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusRuleManagerClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.administration.models.CorrelationRuleFilter;
import com.azure.messaging.servicebus.administration.models.CreateRuleOptions;
import com.azure.messaging.servicebus.administration.models.RuleProperties;
import com.azure.messaging.servicebus.administration.models.SqlRuleFilter;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Subscription;
import dev.offboarding.testkit.servicebus.EmulatorConfig.Topic;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A subscription's rules managed at run time through the Java SDK's rule manager. */
class RulesWithSdkTest {
  private static final String TOPIC = "orders";
  private static final String SUBSCRIPTION = TOPIC + "/subscriptions/managed";

  private SdkFixture fixture;

  @BeforeEach
  void startEmulator() {
    fixture =
        new SdkFixture(
            EmulatorConfig.builder()
                .topic(Topic.named(TOPIC).withSubscription(Subscription.named("managed")))
                .build());
  }

  @AfterEach
  void stopEmulator() {
    fixture.close();
  }

  private static ServiceBusMessage order(String tier) {
    ServiceBusMessage message = new ServiceBusMessage(tier).setSubject("order");
    message.getApplicationProperties().put("tier", tier);
    return message;
  }

  @Test
  void rulesCanBeListedReplacedAndRoutingFollowsThem() {
    // Arrange
    ServiceBusRuleManagerClient rules =
        fixture.track(
            fixture
                .builder()
                .ruleManager()
                .topicName(TOPIC)
                .subscriptionName("managed")
                .buildClient());
    List<String> initial = rules.listRules().stream().map(RuleProperties::getName).toList();

    // Act
    rules.deleteRule("$Default");
    rules.createRule("gold", new CreateRuleOptions(new SqlRuleFilter("tier = 'gold'")));
    CorrelationRuleFilter returns = new CorrelationRuleFilter().setLabel("return");
    rules.createRule("returns", new CreateRuleOptions(returns));
    ServiceBusSenderClient sender =
        fixture.track(fixture.builder().sender().topicName(TOPIC).buildClient());
    sender.sendMessage(order("silver"));
    sender.sendMessage(order("gold"));
    sender.sendMessage(new ServiceBusMessage("return").setSubject("return"));

    // Assert
    assertEquals(List.of("$Default"), initial);
    assertEquals(
        List.of("gold", "returns"),
        rules.listRules().stream().map(RuleProperties::getName).toList());
    assertEquals(
        "tier = 'gold'",
        ((SqlRuleFilter) rules.listRules().stream().toList().get(0).getFilter())
            .getSqlExpression());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> fixture.emulator.activeMessageCount(SUBSCRIPTION) == 2);
    assertEquals(
        List.of("gold", "return"),
        fixture.emulator.peekMessages(SUBSCRIPTION).stream()
            .map(m -> new String(m.body()))
            .toList());
    assertThrows(
        ServiceBusException.class,
        () -> rules.createRule("gold", new CreateRuleOptions(new SqlRuleFilter("1=1"))));
  }
}
