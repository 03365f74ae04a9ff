package dev.offboarding.worker.tenant;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Port: the tenant's directory roles, read so that holders of privileged roles are never reached
 * through a group or an attribute ({@link PrivilegedRoles}). Implementations page through every
 * list, retry transient failures themselves and throw {@link GraphFailure} once they give up; they
 * are safe for concurrent use.
 */
public interface DirectoryRoles {

  /**
   * One role definition.
   *
   * @param id the id assignments name it by (a built-in role's is its template id)
   * @param templateId the id the role has in every tenant; null when the directory gives none
   * @param displayName for logs and {@code check}
   * @param builtIn whether the role is one of Entra's own rather than the tenant's custom role
   */
  record Definition(String id, String templateId, String displayName, boolean builtIn) {
    public Definition {
      Objects.requireNonNull(id, "id");
    }
  }

  /**
   * One principal holding one role.
   *
   * @param principalId the object id of the user, group or service principal
   * @param kind the principal's OData type without its namespace ({@code user}, {@code group},
   *     {@code servicePrincipal}, ...), or {@code unknown} when the directory did not say (a
   *     principal deleted since)
   * @param roleDefinitionId the {@link Definition#id()} of the role
   */
  record Holder(String principalId, String kind, String roleDefinitionId) {
    public Holder {
      Objects.requireNonNull(principalId, "principalId");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(roleDefinitionId, "roleDefinitionId");
    }
  }

  /** Every role definition of the tenant, built-in and custom. */
  List<Definition> definitions();

  /** Streams every active role assignment, whatever its scope. */
  void activeAssignments(Consumer<Holder> visitor);

  /**
   * Streams every eligible role assignment in force now (Privileged Identity Management).
   *
   * @return false, having streamed nothing, when the tenant is not licensed for Privileged Identity
   *     Management (Graph answers {@code AadPremiumLicenseRequired}, Entra ID P2 or ID Governance
   *     missing): such a tenant has no eligibilities to list, only active assignments
   */
  boolean eligibleAssignments(Consumer<Holder> visitor);
}
