package dev.offboarding.worker.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.identity.CredentialUnavailableException;
import dev.offboarding.worker.config.ConfigException;
import dev.offboarding.worker.identity.AzureCredentials.Source;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class AzureCredentialsTest {
  static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";
  static final String CLIENT = "00000000-0000-4000-8000-00000000c11e";
  static final String TENANT = "00000000-0000-4000-8000-0000000007e7";
  static final String SECRET = "s3cr3t-never-printed";

  /**
   * An environment with no credential in it whatever machine the test runs on: the environment
   * credential alone, unconfigured.
   */
  static final Map<String, String> NOTHING_THERE =
      Map.of(AzureCredentials.TOKEN_CREDENTIALS, "EnvironmentCredential");

  @Test
  void choosesTheCredentialTheEnvironmentNamesInDefaultAzureCredentialsOrder() {
    assertEquals(
        Source.CLIENT_SECRET,
        AzureCredentials.source(
            Map.of(
                "AZURE_CLIENT_ID",
                CLIENT,
                "AZURE_TENANT_ID",
                TENANT,
                "AZURE_CLIENT_SECRET",
                SECRET,
                "AZURE_FEDERATED_TOKEN_FILE",
                "/var/run/token")));
    assertEquals(
        Source.CLIENT_CERTIFICATE,
        AzureCredentials.source(
            Map.of(
                "AZURE_CLIENT_ID",
                CLIENT,
                "AZURE_TENANT_ID",
                TENANT,
                "AZURE_CLIENT_CERTIFICATE_PATH",
                "/etc/worker.pem")));
    assertEquals(
        Source.WORKLOAD_IDENTITY,
        AzureCredentials.source(
            Map.of(
                "AZURE_CLIENT_ID",
                CLIENT,
                "AZURE_TENANT_ID",
                TENANT,
                "AZURE_FEDERATED_TOKEN_FILE",
                "/var/run/token")));
    assertEquals(
        Source.MANAGED_IDENTITY,
        AzureCredentials.source(Map.of("IDENTITY_ENDPOINT", "http://localhost:42356/msi/token")));
    assertEquals(
        Source.NAMED_BY_VARIABLE,
        AzureCredentials.source(
            Map.of(
                "AZURE_TOKEN_CREDENTIALS",
                "dev",
                "AZURE_CLIENT_ID",
                CLIENT,
                "AZURE_TENANT_ID",
                TENANT,
                "AZURE_CLIENT_SECRET",
                SECRET)));
  }

  @Test
  void asksTheMetadataEndpointOfAVirtualMachineOnlyWhenTheVariableSaysSo() {
    assertEquals(Source.DEVELOPER_SIGN_IN, AzureCredentials.source(Map.of()));
    // A client id alone names a user-assigned identity, but nothing says the endpoint is there.
    assertEquals(
        Source.DEVELOPER_SIGN_IN, AzureCredentials.source(Map.of("AZURE_CLIENT_ID", CLIENT)));
    assertEquals(
        Source.NAMED_BY_VARIABLE,
        AzureCredentials.source(
            Map.of(
                "AZURE_TOKEN_CREDENTIALS",
                "ManagedIdentityCredential",
                "AZURE_CLIENT_ID",
                CLIENT)));
    assertEquals(
        "AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential",
        AzureCredentials.description(
            Map.of("AZURE_TOKEN_CREDENTIALS", "ManagedIdentityCredential")));
  }

  @Test
  void namesHalfACredentialWithoutQuotingTheSecret() {
    List<String> problems =
        AzureCredentials.problems(Map.of("AZURE_CLIENT_ID", CLIENT, "AZURE_CLIENT_SECRET", SECRET));

    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains("AZURE_CLIENT_SECRET is set but AZURE_TENANT_ID is not"),
        problems.get(0));
    assertFalse(problems.toString().contains(SECRET), problems.toString());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                AzureCredentials.forGraph(
                    Map.of("AZURE_CLIENT_ID", CLIENT, "AZURE_CLIENT_SECRET", SECRET)));
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @Test
  void refusesAnUnknownChoiceOfCredentialAndAnAuthorityOverPlainHttp() {
    assertEquals(
        List.of(),
        AzureCredentials.problems(Map.of("AZURE_TOKEN_CREDENTIALS", "azureclicredential")));

    List<String> problems =
        AzureCredentials.problems(
            Map.of(
                "AZURE_TOKEN_CREDENTIALS",
                "keyvault",
                "AZURE_AUTHORITY_HOST",
                "http://login.example"));

    assertEquals(2, problems.size(), problems.toString());
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.startsWith(
                        "AZURE_TOKEN_CREDENTIALS must be prod, dev or one" + " credential's name")),
        problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith("AZURE_AUTHORITY_HOST must be an https URL")),
        problems.toString());
  }

  @Test
  void saysWhatToSetWhenNoCredentialIsThereAndKeepsTheLibrarysAccountAsTheCause() {
    AzureCredential credential = AzureCredentials.forGraph(NOTHING_THERE);

    NoAzureCredentialException e =
        assertThrows(NoAzureCredentialException.class, () -> credential.firstToken(GRAPH_SCOPE));

    String advice = e.getMessage();
    assertTrue(
        advice.startsWith(
            "no Azure credential found for Graph (GRAPH_AUTH=azure) with"
                + " AZURE_TOKEN_CREDENTIALS=EnvironmentCredential: "),
        advice);
    for (String named :
        List.of(
            "AZURE_CLIENT_ID",
            "AZURE_TENANT_ID",
            "AZURE_CLIENT_SECRET",
            "AZURE_CLIENT_CERTIFICATE_PATH",
            "AZURE_FEDERATED_TOKEN_FILE",
            "AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential",
            "az login",
            "GRAPH_AUTH=none with a loopback GRAPH_BASE_URL")) {
      assertTrue(advice.contains(named), named + " missing from: " + advice);
    }
    assertEquals(1, advice.lines().count(), advice);
    assertInstanceOf(CredentialUnavailableException.class, e.getCause());
    assertFalse(e.getCause() instanceof NoAzureCredentialException);
  }

  @Test
  void namesTheConnectionStringAsTheWayWithoutACredentialForServiceBus() {
    NoAzureCredentialException e =
        assertThrows(
            NoAzureCredentialException.class,
            () ->
                AzureCredentials.forServiceBus(NOTHING_THERE)
                    .firstToken("https://servicebus.azure.net/.default"));

    assertTrue(
        e.getMessage()
            .startsWith("no Azure credential found for Service Bus (SERVICEBUS_NAMESPACE)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("SERVICEBUS_CONNECTION_STRING"), e.getMessage());
  }

  @Test
  void keepsAMissingCredentialTransientForTheRunningWorker() {
    // Not the first token of a command: a request of the running worker, which retries it.
    CredentialUnavailableException e =
        assertThrows(
            CredentialUnavailableException.class,
            () ->
                AzureCredentials.forGraph(NOTHING_THERE)
                    .getTokenSync(
                        new com.azure.core.credential.TokenRequestContext()
                            .addScopes(GRAPH_SCOPE)));

    assertInstanceOf(NoAzureCredentialException.class, e);
  }

  @Test
  void silencesTheIdentityLibrarysLoggersWhileTheFirstTokenIsTriedAndRestoresThem() {
    Logger identity = Logger.getLogger("com.azure.identity");
    Level before = identity.getLevel();
    List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    capture.setLevel(Level.ALL);
    identity.addHandler(capture);
    identity.setLevel(Level.ALL);
    try {
      AzureCredential credential = AzureCredentials.forGraph(NOTHING_THERE);
      // Told everything, the library reports the credentials it tried...
      assertThrows(
          NoAzureCredentialException.class,
          () ->
              credential.getTokenSync(
                  new com.azure.core.credential.TokenRequestContext().addScopes(GRAPH_SCOPE)));
      assertFalse(records.isEmpty(), "the library logs nothing at ALL: nothing to silence");
      records.clear();

      // ...but not while a command tries its first token.
      assertThrows(NoAzureCredentialException.class, () -> credential.firstToken(GRAPH_SCOPE));

      assertEquals(List.of(), records.stream().map(LogRecord::getMessage).toList());
      assertEquals(Level.ALL, identity.getLevel(), "the level is restored");
    } finally {
      identity.removeHandler(capture);
      identity.setLevel(before);
    }
  }
}
