package dev.offboarding.testkit.graph;

import java.time.Instant;
import java.util.Objects;

/**
 * One directory role held by one principal (a user, group or service principal), tenant-wide
 * ({@code directoryScopeId} {@code /}): active, as {@code GET
 * /roleManagement/directory/roleAssignments} lists it, or eligible (Privileged Identity
 * Management), as {@code roleEligibilityScheduleInstances} lists it while {@code now} lies between
 * its start and end.
 *
 * @param id the assignment's id; not a GUID in Graph either (e.g. {@code lAPpYvVp...-1})
 * @param principalId the object id of the user, group or service principal holding the role
 * @param roleDefinitionId the role definition's id (a built-in role's template id)
 * @param eligible true for an eligibility, false for an active assignment
 * @param start when an eligibility begins (null for an active assignment)
 * @param end when an eligibility ends; null for permanent eligibility and active assignments
 * @param scheduleId the eligibility's schedule id (null for an active assignment)
 */
public record FakeRoleAssignment(
    String id,
    String principalId,
    String roleDefinitionId,
    boolean eligible,
    Instant start,
    Instant end,
    String scheduleId) {

  public FakeRoleAssignment {
    Objects.requireNonNull(id, "id");
    principalId = DirectoryObject.requireGuid(principalId, "principal id");
    roleDefinitionId = DirectoryObject.requireGuid(roleDefinitionId, "role definition id");
    if (eligible && (start == null || scheduleId == null)) {
      throw new IllegalArgumentException("an eligibility needs a start and a schedule id");
    }
    if (start != null && end != null && end.isBefore(start)) {
      throw new IllegalArgumentException("an eligibility cannot end before it starts");
    }
  }

  /** True when an eligibility is in force at {@code now}: what an instance listing shows. */
  boolean inForceAt(Instant now) {
    return !eligible || (!now.isBefore(start) && (end == null || now.isBefore(end)));
  }
}
