package dev.offboarding.worker.protection;

import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.DirectoryRoles;
import dev.offboarding.worker.tenant.DirectoryUser;
import dev.offboarding.worker.tenant.GraphFailure;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who holds a privileged directory role: the users an event may write to only when it names them (a
 * user target), never when a group or an attribute reaches them.
 *
 * <p>A role counts as privileged when
 *
 * <ul>
 *   <li>it is one of the built-in roles Microsoft labels PRIVILEGED ({@link #MICROSOFT_PRIVILEGED},
 *       by template id, as "Microsoft Entra built-in roles" listed them on 2026-01-20). Graph marks
 *       them with {@code isPrivileged} on {@code unifiedRoleDefinition} in its beta version only;
 *       v1.0, which the worker reads, has no such property, so the list is kept here;
 *   <li>it is a custom role ({@code isBuiltIn} false): v1.0 cannot tell whether its permissions are
 *       privileged, and tenants make custom roles to administer, so it counts;
 *   <li>an assignment names a role definition the tenant does not list: unknown counts.
 * </ul>
 *
 * <p>Holders are read from active assignments and from eligibilities (Privileged Identity
 * Management), at every scope (an administrator of one administrative unit is an administrator). A
 * user holds a role directly, or as a transitive member of a group that holds it (a role-assignable
 * group); service principals are not users and are left out. Stateless and safe for concurrent use.
 */
public final class PrivilegedRoles {

  /**
   * The built-in roles Microsoft labels PRIVILEGED, by template id (learn.microsoft.com, "Microsoft
   * Entra built-in roles", 2026-01-20).
   */
  public static final Map<String, String> MICROSOFT_PRIVILEGED =
      Map.ofEntries(
          Map.entry("db506228-d27e-4b7d-95e5-295956d6615f", "Agent ID Administrator"),
          Map.entry("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator"),
          Map.entry("cf1c38e5-3621-4004-a7cb-879624dced7c", "Application Developer"),
          Map.entry("ecb2c6bf-0ab6-418e-bd87-7986f8d63bbe", "Attribute Provisioning Administrator"),
          Map.entry("422218e4-db15-4ef9-bbe0-8afb41546d79", "Attribute Provisioning Reader"),
          Map.entry("c4e39bd9-1100-46d3-8c65-fb160da0071f", "Authentication Administrator"),
          Map.entry(
              "25a516ed-2fa0-40ea-a2d0-12923a21473a", "Authentication Extensibility Administrator"),
          Map.entry("aaf43236-0c0d-4d5f-883a-6955382ac081", "B2C IEF Keyset Administrator"),
          Map.entry("158c047a-c907-4556-b7ef-446551a6b5f7", "Cloud Application Administrator"),
          Map.entry("7698a772-787b-4ac8-901f-60d6b08affd2", "Cloud Device Administrator"),
          Map.entry("b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", "Conditional Access Administrator"),
          Map.entry("9360feb5-f418-4baa-8175-e2a00bac4301", "Directory Writers"),
          Map.entry("8329153b-31d0-4727-b945-745eb3bc5f31", "Domain Name Administrator"),
          Map.entry(
              "be2f45a1-457d-42af-a067-6ec1fa63bc45", "External Identity Provider Administrator"),
          Map.entry("62e90394-69f5-4237-9190-012177145e10", "Global Administrator"),
          Map.entry("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"),
          Map.entry("729827e3-9c14-49f7-bb1b-9608f156bbb8", "Helpdesk Administrator"),
          Map.entry("8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2", "Hybrid Identity Administrator"),
          Map.entry("3a2c62db-5318-420d-8d74-23affee5d9d5", "Intune Administrator"),
          Map.entry("59d46f88-662b-457b-bceb-5c3809e5908f", "Lifecycle Workflows Administrator"),
          Map.entry("4ba39ca4-527c-499a-b93d-d9b492c50246", "Partner Tier1 Support"),
          Map.entry("e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8", "Partner Tier2 Support"),
          Map.entry("966707d0-3269-4727-9be2-8c3a10f19b9d", "Password Administrator"),
          Map.entry(
              "7be44c8a-adaf-4e2a-84d6-ab2649e08a13", "Privileged Authentication Administrator"),
          Map.entry("e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator"),
          Map.entry("194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator"),
          Map.entry("5f2222b1-57c3-48ba-8ad5-d4759f1fde6f", "Security Operator"),
          Map.entry("5d6b6bb7-de71-4623-b4af-96380a352509", "Security Reader"),
          Map.entry("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator"));

  /**
   * What one read found.
   *
   * @param userIds the object ids (lower case) of every user holding a privileged role
   * @param privilegedRoles how many of the tenant's role definitions count as privileged
   * @param eligibilityRead false when the tenant is not licensed for Privileged Identity
   *     Management, so that only active assignments were read
   */
  public record Holders(Set<String> userIds, int privilegedRoles, boolean eligibilityRead) {
    public Holders {
      userIds = Set.copyOf(userIds);
    }
  }

  private final DirectoryRoles roles;

  /** Reads role assignments through {@code roles}. */
  public PrivilegedRoles(DirectoryRoles roles) {
    this.roles = Objects.requireNonNull(roles);
  }

  /** True when this definition counts as privileged (see the class comment). */
  public static boolean privileged(DirectoryRoles.Definition role) {
    return !role.builtIn()
        || MICROSOFT_PRIVILEGED.containsKey(lower(role.templateId()))
        || MICROSOFT_PRIVILEGED.containsKey(lower(role.id()));
  }

  /**
   * Reads every holder of a privileged role now: the role definitions, the active assignments, the
   * eligibilities, and the transitive members of every group among the holders.
   *
   * @throws GraphFailure when any of it cannot be read (a group holder that is gone included):
   *     nothing is ever treated as "holds no role" because it could not be read
   */
  public Holders read(Directory directory) {
    Map<String, Boolean> privilegedById = new HashMap<>();
    for (DirectoryRoles.Definition role : roles.definitions()) {
      privilegedById.put(lower(role.id()), privileged(role));
    }
    Set<String> users = new HashSet<>();
    Set<String> groups = new HashSet<>();
    java.util.function.Consumer<DirectoryRoles.Holder> collect =
        holder -> {
          // A role the tenant does not list is unknown, and unknown counts.
          if (!privilegedById.getOrDefault(lower(holder.roleDefinitionId()), true)) {
            return;
          }
          switch (holder.kind()) {
            case "group" -> groups.add(lower(holder.principalId()));
            case "servicePrincipal" -> {}
            // A user, or a principal the directory did not describe (deleted since): its id
            // protects
            // no one else, so it is kept rather than guessed about.
            default -> users.add(lower(holder.principalId()));
          }
        };
    roles.activeAssignments(collect);
    boolean eligibilityRead = roles.eligibleAssignments(collect);
    for (String group : groups) {
      directory.transitiveMembers(
          group,
          new Directory.MemberVisitor() {
            @Override
            public boolean user(DirectoryUser user) {
              users.add(lower(user.id()));
              return true;
            }

            @Override
            public void other(String kind) {}
          });
    }
    int privilegedRoles =
        (int) privilegedById.values().stream().filter(Boolean::booleanValue).count();
    return new Holders(users, privilegedRoles, eligibilityRead);
  }

  private static String lower(String id) {
    return id == null ? "" : id.toLowerCase(Locale.ROOT);
  }
}
