package dev.offboarding.worker.e2e;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The suite against a real Service Bus namespace holding the project's entities, when {@code
 * OFFBOARDING_E2E_SERVICEBUS_CONNECTION_STRING} names one (Graph stays the fake tenant). Skipped,
 * with the reason in the test report, otherwise.
 */
@EnabledIfEnvironmentVariable(
    named = RealNamespaceEndToEndTest.VARIABLE,
    matches = ".*Endpoint=.*",
    disabledReason = "no real namespace: " + RealNamespaceEndToEndTest.VARIABLE + " is not set")
class RealNamespaceEndToEndTest extends ServiceBusSuite {
  static final String VARIABLE = "OFFBOARDING_E2E_SERVICEBUS_CONNECTION_STRING";

  @Override
  String connectionString() {
    return System.getenv(VARIABLE);
  }
}
