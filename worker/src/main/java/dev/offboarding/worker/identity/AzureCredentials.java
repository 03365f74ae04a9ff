package dev.offboarding.worker.identity;

import com.azure.core.credential.TokenCredential;
import com.azure.core.util.ConfigurationBuilder;
import com.azure.core.util.ConfigurationSource;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.offboarding.worker.config.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses the Azure credential from the environment, without a network call, in the order {@code
 * DefaultAzureCredential} looks for one, and builds exactly that credential:
 *
 * <ol>
 *   <li>{@code AZURE_TOKEN_CREDENTIALS}, when set, names the credential or chain itself ({@code
 *       prod}, {@code dev} or one credential's name, as the identity library reads it);
 *   <li>{@code AZURE_CLIENT_ID} and {@code AZURE_TENANT_ID} with {@code AZURE_CLIENT_SECRET} or
 *       {@code AZURE_CLIENT_CERTIFICATE_PATH}: an app registration's secret or certificate;
 *   <li>the same two with {@code AZURE_FEDERATED_TOKEN_FILE}: workload identity (what the
 *       Kubernetes manifests give the pod);
 *   <li>{@code IDENTITY_ENDPOINT} or {@code MSI_ENDPOINT}: the managed identity of App Service,
 *       Container Apps, Functions or Arc;
 *   <li>otherwise a developer's sign-in: the Azure CLI ({@code az login}), the Azure Developer CLI,
 *       Azure PowerShell, the IDEs.
 * </ol>
 *
 * <p>The managed identity of a virtual machine (the instance metadata endpoint, IMDS) is used only
 * when {@code AZURE_TOKEN_CREDENTIALS} asks for it. {@code DefaultAzureCredential} probes that
 * endpoint on every machine, and wherever something answers on its address (a proxy, a sandbox's
 * firewall) it takes the answer for a managed identity and retries it for about two minutes before
 * giving up: a command without a credential would hang instead of saying what to set.
 */
public final class AzureCredentials {
  /**
   * The identity library's own variable: which credential or chain {@code DefaultAzureCredential}
   * uses.
   */
  public static final String TOKEN_CREDENTIALS = "AZURE_TOKEN_CREDENTIALS";

  static final String CLIENT_ID = "AZURE_CLIENT_ID";
  static final String TENANT_ID = "AZURE_TENANT_ID";
  static final String CLIENT_SECRET = "AZURE_CLIENT_SECRET";
  static final String CLIENT_CERTIFICATE_PATH = "AZURE_CLIENT_CERTIFICATE_PATH";
  static final String FEDERATED_TOKEN_FILE = "AZURE_FEDERATED_TOKEN_FILE";
  static final String AUTHORITY_HOST = "AZURE_AUTHORITY_HOST";

  /**
   * The values {@value #TOKEN_CREDENTIALS} accepts (the identity library's list, compared in lower
   * case).
   */
  static final List<String> TOKEN_CREDENTIALS_VALUES =
      List.of(
          "prod",
          "dev",
          "EnvironmentCredential",
          "WorkloadIdentityCredential",
          "ManagedIdentityCredential",
          "AzureCliCredential",
          "AzureDeveloperCliCredential",
          "AzurePowerShellCredential",
          "IntelliJCredential",
          "VisualStudioCodeCredential");

  /** Where the credential comes from, in the order it is looked for. */
  public enum Source {
    NAMED_BY_VARIABLE("the credential " + TOKEN_CREDENTIALS + " names"),
    CLIENT_SECRET(
        "client secret ("
            + CLIENT_ID
            + ", "
            + TENANT_ID
            + ", "
            + AzureCredentials.CLIENT_SECRET
            + ")"),
    CLIENT_CERTIFICATE(
        "client certificate ("
            + CLIENT_ID
            + ", "
            + TENANT_ID
            + ", "
            + CLIENT_CERTIFICATE_PATH
            + ")"),
    WORKLOAD_IDENTITY(
        "workload identity (" + CLIENT_ID + ", " + TENANT_ID + ", " + FEDERATED_TOKEN_FILE + ")"),
    MANAGED_IDENTITY("managed identity (IDENTITY_ENDPOINT or MSI_ENDPOINT)"),
    DEVELOPER_SIGN_IN("a developer's sign-in (az login, azd auth login, Connect-AzAccount)");

    private final String description;

    Source(String description) {
      this.description = description;
    }

    /** What the credential is and which variables it reads; never a value. */
    public String description() {
      return description;
    }
  }

  /** What the credential is for: named in the advice, with the way to do without one. */
  public enum Purpose {
    GRAPH(
        "Graph (GRAPH_AUTH=azure)",
        "against a local fake tenant, GRAPH_AUTH=none with a loopback GRAPH_BASE_URL needs no credential"),
    SERVICE_BUS(
        "Service Bus (SERVICEBUS_NAMESPACE)",
        "or give SERVICEBUS_CONNECTION_STRING instead of SERVICEBUS_NAMESPACE");

    private final String what;
    private final String withoutCredential;

    Purpose(String what, String withoutCredential) {
      this.what = what;
      this.withoutCredential = withoutCredential;
    }

    String what() {
      return what;
    }

    String withoutCredential() {
      return withoutCredential;
    }
  }

  /**
   * Every way to give the worker a credential, in one line: the heart of each "no credential"
   * message.
   */
  static final String HOW_TO_SET_ONE =
      "set "
          + CLIENT_ID
          + " and "
          + TENANT_ID
          + " with "
          + CLIENT_SECRET
          + " or "
          + CLIENT_CERTIFICATE_PATH
          + " (an app registration's secret or certificate), or with "
          + FEDERATED_TOKEN_FILE
          + " (workload identity); on an Azure VM with a managed identity, set "
          + TOKEN_CREDENTIALS
          + "=ManagedIdentityCredential; or sign in with az login (or azd auth login, "
          + "Connect-AzAccount)";

  private AzureCredentials() {}

  /** The credential Graph requests are signed with under {@code GRAPH_AUTH=azure}. */
  public static AzureCredential forGraph(Map<String, String> env) {
    return create(env, Purpose.GRAPH);
  }

  /** The credential the Service Bus clients connect with under {@code SERVICEBUS_NAMESPACE}. */
  public static AzureCredential forServiceBus(Map<String, String> env) {
    return create(env, Purpose.SERVICE_BUS);
  }

  /**
   * @throws ConfigException when {@link #problems} finds any: the identity library would refuse the
   *     variable, or pass half a credential over
   */
  private static AzureCredential create(Map<String, String> env, Purpose purpose) {
    List<String> problems = problems(env);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    Source source = source(env);
    String named = source == Source.NAMED_BY_VARIABLE ? get(env, TOKEN_CREDENTIALS) : null;
    return new AzureCredential(
        source, description(env), purpose, defaultAzureCredential(env, chainOf(source, named)));
  }

  /**
   * Which credential {@code env} names and the variables it reads (never their values), for
   * messages.
   */
  public static String description(Map<String, String> env) {
    Source source = source(env);
    return source == Source.NAMED_BY_VARIABLE
        ? TOKEN_CREDENTIALS + "=" + get(env, TOKEN_CREDENTIALS)
        : source.description();
  }

  /** Where {@code env} says the credential comes from; reads variables only. */
  public static Source source(Map<String, String> env) {
    if (get(env, TOKEN_CREDENTIALS) != null) {
      return Source.NAMED_BY_VARIABLE;
    }
    boolean application = get(env, CLIENT_ID) != null && get(env, TENANT_ID) != null;
    if (application && get(env, CLIENT_SECRET) != null) {
      return Source.CLIENT_SECRET;
    }
    if (application && get(env, CLIENT_CERTIFICATE_PATH) != null) {
      return Source.CLIENT_CERTIFICATE;
    }
    if (application && get(env, FEDERATED_TOKEN_FILE) != null) {
      return Source.WORKLOAD_IDENTITY;
    }
    if (get(env, "IDENTITY_ENDPOINT") != null || get(env, "MSI_ENDPOINT") != null) {
      return Source.MANAGED_IDENTITY;
    }
    return Source.DEVELOPER_SIGN_IN;
  }

  /**
   * What is wrong with the credential variables themselves, one line each, naming variables and
   * quoting no secret: an unknown {@value #TOKEN_CREDENTIALS}, or half a credential (a secret,
   * certificate or token file without the client and tenant it belongs to), which the identity
   * library would pass over in silence and end in "no credential found". Empty when they are fine.
   */
  public static List<String> problems(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    String authority = get(env, AUTHORITY_HOST);
    if (authority != null && !authority.toLowerCase(Locale.ROOT).startsWith("https://")) {
      problems.add(
          AUTHORITY_HOST
              + " must be an https URL (Entra ID's sign-in endpoint), got '"
              + authority.replaceAll("\\p{Cntrl}", "?")
              + "'");
    }
    String named = get(env, TOKEN_CREDENTIALS);
    if (named != null) {
      if (TOKEN_CREDENTIALS_VALUES.stream().noneMatch(v -> v.equalsIgnoreCase(named))) {
        problems.add(
            TOKEN_CREDENTIALS
                + " must be prod, dev or one credential's name ("
                + String.join(
                    ", ", TOKEN_CREDENTIALS_VALUES.subList(2, TOKEN_CREDENTIALS_VALUES.size()))
                + "), got '"
                + named.replaceAll("\\p{Cntrl}", "?")
                + "'");
      }
      return problems;
    }
    for (String part : List.of(CLIENT_SECRET, CLIENT_CERTIFICATE_PATH, FEDERATED_TOKEN_FILE)) {
      if (get(env, part) == null) {
        continue;
      }
      for (String needed : List.of(CLIENT_ID, TENANT_ID)) {
        if (get(env, needed) == null) {
          problems.add(
              part
                  + " is set but "
                  + needed
                  + " is not: the credential needs both "
                  + CLIENT_ID
                  + " and "
                  + TENANT_ID);
        }
      }
    }
    return problems;
  }

  /**
   * The {@value #TOKEN_CREDENTIALS} value that makes {@code DefaultAzureCredential} build exactly
   * {@code source}.
   */
  private static String chainOf(Source source, String named) {
    return switch (source) {
      case NAMED_BY_VARIABLE -> named;
      case CLIENT_SECRET, CLIENT_CERTIFICATE -> "EnvironmentCredential";
      case WORKLOAD_IDENTITY -> "WorkloadIdentityCredential";
      case MANAGED_IDENTITY -> "ManagedIdentityCredential";
      case DEVELOPER_SIGN_IN -> "dev";
    };
  }

  /**
   * {@code DefaultAzureCredential} reading its variables from {@code env} rather than the process's
   * environment, with {@value #TOKEN_CREDENTIALS} set to {@code chain}: the library builds the one
   * credential (or the developer chain) just as it would have, skipping every other.
   */
  private static TokenCredential defaultAzureCredential(Map<String, String> env, String chain) {
    Map<String, String> variables = new HashMap<>();
    env.forEach(
        (name, value) -> {
          if (name != null && value != null) {
            variables.put(name, value);
          }
        });
    variables.put(TOKEN_CREDENTIALS, chain);
    Map<String, String> frozen = Map.copyOf(variables);
    ConfigurationSource none = path -> Map.of();
    ConfigurationSource environment = path -> path == null || path.isEmpty() ? frozen : Map.of();
    try {
      // The builder logs what it refuses before throwing it; the refusal is said once, below.
      return SdkLoggers.silencedWhile(
          () ->
              new DefaultAzureCredentialBuilder()
                  .configuration(new ConfigurationBuilder(none, none, environment).build())
                  .build());
    } catch (IllegalArgumentException | IllegalStateException e) {
      // Its message may quote a variable's value; the variables are named instead.
      throw new ConfigException(
          List.of(
              "the identity library refuses the AZURE_* variables ("
                  + e.getClass().getSimpleName()
                  + "); check "
                  + AUTHORITY_HOST
                  + ", "
                  + CLIENT_ID
                  + " and "
                  + TENANT_ID));
    }
  }

  private static String get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
