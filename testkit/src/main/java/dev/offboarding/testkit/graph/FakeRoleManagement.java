package dev.offboarding.testkit.graph;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The tenant's directory roles ({@link FakeTenant#roles()}): role definitions (the built-in ones of
 * {@link FakeRoleDefinition#BUILT_IN}, and custom roles a test adds), the roles principals hold
 * actively, and those they are eligible for through Privileged Identity Management. What {@code
 * /roleManagement/directory/...} serves.
 *
 * <p>Principals are users, groups (Entra allows only role-assignable groups; the fake does not
 * check) and service principals that exist in the tenant. A principal deleted later keeps its
 * assignments here, and they list with no {@code principal} when expanded. Thread-safe.
 */
public final class FakeRoleManagement {

  private final FakeTenant tenant;
  private final ConcurrentSkipListMap<String, FakeRoleDefinition> definitions =
      new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<String, FakeRoleAssignment> assignments =
      new ConcurrentSkipListMap<>();
  private volatile boolean pimLicensed = true;

  FakeRoleManagement(FakeTenant tenant) {
    this.tenant = tenant;
    FakeRoleDefinition.BUILT_IN.forEach(d -> definitions.put(d.id(), d));
  }

  /** Every role definition, built-in and custom, ordered by id. */
  public List<FakeRoleDefinition> definitions() {
    return List.copyOf(definitions.values());
  }

  /** The role definition with this id or display name (ignoring case). */
  public Optional<FakeRoleDefinition> definition(String idOrDisplayName) {
    if (idOrDisplayName == null) {
      return Optional.empty();
    }
    FakeRoleDefinition byId = definitions.get(idOrDisplayName.toLowerCase(Locale.ROOT));
    if (byId != null) {
      return Optional.of(byId);
    }
    return definitions.values().stream()
        .filter(d -> d.displayName().equalsIgnoreCase(idOrDisplayName))
        .findFirst();
  }

  /** Adds a tenant's own role ({@code isBuiltIn} false) with a random id and template id. */
  public FakeRoleDefinition addCustomRole(String displayName, String... allowedResourceActions) {
    if (definition(displayName).isPresent()) {
      throw new IllegalArgumentException("a role with this name exists: " + displayName);
    }
    FakeRoleDefinition role =
        new FakeRoleDefinition(
            DirectoryObject.newId(),
            DirectoryObject.newId(),
            displayName,
            "Custom role " + displayName,
            false,
            List.of(allowedResourceActions));
    definitions.put(role.id(), role);
    return role;
  }

  /**
   * Gives a principal a role actively, tenant-wide.
   *
   * @param role the role's id or display name
   * @param principalIdOrUpn a user (by id or UPN), group or service principal of the tenant
   */
  public FakeRoleAssignment assign(String role, String principalIdOrUpn) {
    FakeRoleDefinition definition = requireRole(role);
    String principal = requirePrincipal(principalIdOrUpn);
    FakeRoleAssignment assignment =
        new FakeRoleAssignment(
            assignmentId(definition.id(), principal, "-1"),
            principal,
            definition.id(),
            false,
            null,
            null,
            null);
    return put(assignment);
  }

  /** Makes a principal eligible for a role from {@code start}, permanently. */
  public FakeRoleAssignment makeEligible(String role, String principalIdOrUpn, Instant start) {
    return makeEligible(role, principalIdOrUpn, start, null);
  }

  /**
   * Makes a principal eligible for a role (Privileged Identity Management) between {@code start}
   * and {@code end} (null: no end); listed as an instance only meanwhile.
   */
  public FakeRoleAssignment makeEligible(
      String role, String principalIdOrUpn, Instant start, Instant end) {
    FakeRoleDefinition definition = requireRole(role);
    String principal = requirePrincipal(principalIdOrUpn);
    FakeRoleAssignment eligibility =
        new FakeRoleAssignment(
            assignmentId(definition.id(), principal, "-1-e"),
            principal,
            definition.id(),
            true,
            start,
            end,
            DirectoryObject.newId());
    return put(eligibility);
  }

  /** Removes an assignment or eligibility by its id; true when there was one. */
  public boolean remove(String assignmentId) {
    return assignments.remove(assignmentId) != null;
  }

  /** Active assignments, ordered by id. */
  public List<FakeRoleAssignment> activeAssignments() {
    return assignments.values().stream().filter(a -> !a.eligible()).toList();
  }

  /** Eligibilities, whether in force or not, ordered by id. */
  public List<FakeRoleAssignment> eligibilities() {
    return assignments.values().stream().filter(FakeRoleAssignment::eligible).toList();
  }

  /**
   * Whether the tenant is licensed for Privileged Identity Management (Entra ID P2 or ID
   * Governance). Without it Graph refuses the eligibility APIs with 400 {@code
   * AadPremiumLicenseRequired}; active assignments still list.
   */
  public void setPimLicensed(boolean licensed) {
    this.pimLicensed = licensed;
  }

  public boolean pimLicensed() {
    return pimLicensed;
  }

  private FakeRoleAssignment put(FakeRoleAssignment assignment) {
    if (assignments.putIfAbsent(assignment.id(), assignment) != null) {
      throw new IllegalArgumentException(
          "the principal holds this role already: " + assignment.id());
    }
    return assignment;
  }

  private FakeRoleDefinition requireRole(String role) {
    return definition(role)
        .orElseThrow(() -> new IllegalArgumentException("no such role definition: " + role));
  }

  private String requirePrincipal(String principalIdOrUpn) {
    Optional<DirectoryObject> principal =
        DirectoryObject.isGuid(principalIdOrUpn)
            ? tenant.object(principalIdOrUpn)
            : tenant.user(principalIdOrUpn).map(DirectoryObject.class::cast);
    DirectoryObject found =
        principal.orElseThrow(
            () -> new IllegalArgumentException("no such principal: " + principalIdOrUpn));
    if (!(found instanceof FakeUser
        || found instanceof FakeGroup
        || found instanceof FakeServicePrincipal)) {
      throw new IllegalArgumentException(
          "only users, groups and service principals hold roles: " + principalIdOrUpn);
    }
    return found.id();
  }

  /**
   * An id shaped like Graph's: the role's and the principal's GUIDs, base64url without padding, and
   * a suffix ({@code -1} for an assignment, {@code -1-e} for an eligibility instance).
   */
  private static String assignmentId(String roleId, String principalId, String suffix) {
    ByteBuffer bytes = ByteBuffer.allocate(32);
    for (String id : new String[] {roleId, principalId}) {
      UUID uuid = UUID.fromString(id);
      bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array()) + suffix;
  }

  @Override
  public String toString() {
    return "FakeRoleManagement[definitions="
        + definitions.size()
        + ", assignments="
        + activeAssignments().size()
        + ", eligibilities="
        + eligibilities().size()
        + (pimLicensed ? "" : ", PIM not licensed")
        + "]";
  }
}
