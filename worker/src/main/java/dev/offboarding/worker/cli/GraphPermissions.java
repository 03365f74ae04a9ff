package dev.offboarding.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Graph application permissions the worker's actions need, and the app roles an access token
 * grants (its {@code roles} claim). Only role names ever leave this class: the token itself, its
 * signature and its other claims are never printed or logged.
 */
public final class GraphPermissions {
  /**
   * One permission the worker needs, what for, and the broader permissions that also grant it
   * (Graph's documented higher-privileged alternatives).
   */
  public record Required(String name, String purpose, List<String> alsoGrantedBy) {
    public Required {
      alsoGrantedBy = List.copyOf(alsoGrantedBy);
    }

    /** True when one of {@code roles} grants this permission. */
    public boolean grantedBy(Set<String> roles) {
      return roles.contains(name) || alsoGrantedBy.stream().anyMatch(roles::contains);
    }
  }

  /**
   * Every permission of the worker's actions, least privileged first: revokeSessions,
   * disableAccount (which needs two), group expansion (targets and PROTECTED_GROUPS) and the
   * directory roles (who holds a privileged one, actively or eligibly).
   */
  public static final List<Required> REQUIRED =
      List.of(
          new Required("User.RevokeSessions.All", "revokeSessions", List.of()),
          new Required("User.EnableDisableAccount.All", "disableAccount, enableAccount", List.of()),
          new Required(
              "User.Read.All",
              "disableAccount, user targets",
              List.of("User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All")),
          new Required(
              "GroupMember.Read.All",
              "group targets, PROTECTED_GROUPS",
              List.of(
                  "Group.Read.All",
                  "Group.ReadWrite.All",
                  "Directory.Read.All",
                  "Directory.ReadWrite.All")),
          // Role assignments and PIM eligibilities both: Directory.Read.All covers the first only.
          new Required(
              "RoleManagement.Read.Directory",
              "privileged role holders: never reached through groups or" + " attributes",
              List.of("RoleManagement.Read.All", "RoleManagement.ReadWrite.Directory")));

  /**
   * The permissions of the containment actions, asked for per event: a worker whose events never
   * ask for them runs without. Least privileged first; what a token cannot show is in {@link
   * #UNCHECKABLE_ROLES}.
   */
  public static final List<Required> CONTAINMENT =
      List.of(
          new Required(
              "User-PasswordProfile.ReadWrite.All",
              "resetPassword",
              List.of("User.ReadWrite.All", "Directory.ReadWrite.All")),
          new Required(
              "IdentityRiskyUser.ReadWrite.All",
              "confirmCompromised (and an Entra ID P2 licence)",
              List.of()),
          new Required(
              "Device.ReadWrite.All",
              "disableDevices, enableDevices",
              List.of("Directory.ReadWrite.All")),
          new Required(
              "Domain.Read.All",
              "resetPassword: recognising users of a federated domain before the write",
              List.of("Domain.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All")));

  /**
   * Directory roles the containment actions need besides their permissions. A role assigned to the
   * app does not appear in its access token's roles claim, so check says it cannot check them
   * rather than guess. Each entry: the action, a colon, the role.
   */
  public static final List<String> UNCHECKABLE_ROLES =
      List.of(
          "resetPassword: a directory role allowed to reset passwords (User Administrator; resetting a privileged"
              + " administrator's password needs Privileged Authentication Administrator)",
          "disableDevices: Cloud Device Administrator (or Global Administrator) to change a device's accountEnabled");

  /**
   * The resume of a Lifecycle Workflows task ({@code LIFECYCLE_WORKFLOWS_RESUME}). Graph's resume
   * page lists {@code LifecycleWorkflows.ReadWrite.All} as its least-privileged application
   * permission, and says that the app named as {@code resourceId} in the extension's {@code
   * azureAdTokenAuthentication} may resume without an application permission or role; the
   * extension's {@code callbackConfiguration.authorizedApps} is documented as the apps allowed to
   * resume its task processing results. A token cannot show whether the app is listed there, so
   * {@code check} says what to configure rather than requiring this permission, and the grant
   * script does not grant it.
   */
  public static final Required LIFECYCLE_WORKFLOWS_RESUME =
      new Required(
          "LifecycleWorkflows.ReadWrite.All",
          "resuming Lifecycle Workflows tasks of extensions whose callbackConfiguration.authorizedApps does not list"
              + " this app",
          List.of());

  private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,120}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private GraphPermissions() {}

  /**
   * Reads the app roles of a JWT access token. The signature is not verified: the token came from
   * the identity platform over TLS (or from a test), and only the caller's own permissions are
   * read.
   *
   * @return the role names, empty when the token has no {@code roles} claim; empty Optional when
   *     the token is not a readable JWT
   */
  public static Optional<Set<String>> roles(String token) {
    if (token == null) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode claims =
          JSON.readTree(
              new String(Base64.getUrlDecoder().decode(pad(parts[1])), StandardCharsets.UTF_8));
      Set<String> roles = new LinkedHashSet<>();
      JsonNode node = claims == null ? null : claims.get("roles");
      if (node != null && node.isArray()) {
        for (JsonNode role : node) {
          // A name outside Graph's alphabet is ignored rather than echoed to the terminal.
          if (role.isTextual() && ROLE_NAME.matcher(role.asText()).matches()) {
            roles.add(role.asText());
          }
        }
      }
      return Optional.of(roles);
    } catch (IllegalArgumentException | IOException e) {
      return Optional.empty();
    }
  }

  /** The required permissions that none of {@code roles} grants, in {@link #REQUIRED} order. */
  public static List<Required> missing(Set<String> roles) {
    return REQUIRED.stream().filter(r -> !r.grantedBy(roles)).toList();
  }

  private static String pad(String base64) {
    String s = base64.replace('+', '-').replace('/', '_');
    return switch (s.length() % 4) {
      case 2 -> s + "==";
      case 3 -> s + "=";
      default -> s;
    };
  }
}
