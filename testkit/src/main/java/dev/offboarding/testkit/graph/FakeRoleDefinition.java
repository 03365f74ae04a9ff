package dev.offboarding.testkit.graph;

import java.util.List;
import java.util.Objects;

/**
 * A Microsoft Entra role definition as {@code GET /roleManagement/directory/roleDefinitions} lists
 * it. Built-in roles have their template id as their id, in every tenant; custom roles get an id of
 * their own.
 *
 * @param id the role definition's id (a GUID; a built-in role's is its template id)
 * @param templateId the template id, the same across tenants
 * @param displayName display name, e.g. {@code Global Administrator}
 * @param description free text
 * @param builtIn {@code isBuiltIn}: part of Entra's default set, not a tenant's custom role
 * @param allowedResourceActions the one permission set of {@code rolePermissions}
 */
public record FakeRoleDefinition(
    String id,
    String templateId,
    String displayName,
    String description,
    boolean builtIn,
    List<String> allowedResourceActions) {

  public FakeRoleDefinition {
    id = DirectoryObject.requireGuid(id, "role definition id");
    templateId = DirectoryObject.requireGuid(templateId, "role template id");
    Objects.requireNonNull(displayName, "displayName");
    description = description == null ? "" : description;
    allowedResourceActions = List.copyOf(allowedResourceActions);
  }

  /** A built-in role: its id is its template id. */
  static FakeRoleDefinition builtIn(
      String templateId, String displayName, String description, String... allowedResourceActions) {
    return new FakeRoleDefinition(
        templateId, templateId, displayName, description, true, List.of(allowedResourceActions));
  }

  /**
   * Some of Entra's built-in roles, with the template ids Microsoft publishes ("Microsoft Entra
   * built-in roles", learn.microsoft.com): privileged ones and ordinary ones, so a tenant can hold
   * both.
   */
  static final List<FakeRoleDefinition> BUILT_IN =
      List.of(
          builtIn(
              "62e90394-69f5-4237-9190-012177145e10",
              "Global Administrator",
              "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.",
              "microsoft.directory/users/allProperties/allTasks"),
          builtIn(
              "e8611ab8-c189-46e8-94e1-60213ab1f814",
              "Privileged Role Administrator",
              "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.",
              "microsoft.directory/roleAssignments/allProperties/allTasks"),
          builtIn(
              "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
              "Privileged Authentication Administrator",
              "Can access to view, set and reset authentication method information for any user (admin or non-admin).",
              "microsoft.directory/users/authenticationMethods/create"),
          builtIn(
              "fe930be7-5e62-47db-91af-98c3a49a38b1",
              "User Administrator",
              "Can manage all aspects of users and groups, including resetting passwords for limited admins.",
              "microsoft.directory/users/create"),
          builtIn(
              "729827e3-9c14-49f7-bb1b-9608f156bbb8",
              "Helpdesk Administrator",
              "Can reset passwords for non-administrators and Helpdesk Administrators.",
              "microsoft.directory/users/invalidateAllRefreshTokens"),
          builtIn(
              "966707d0-3269-4727-9be2-8c3a10f19b9d",
              "Password Administrator",
              "Can reset passwords for non-administrators and Password Administrators.",
              "microsoft.directory/users/password/update"),
          builtIn(
              "c4e39bd9-1100-46d3-8c65-fb160da0071f",
              "Authentication Administrator",
              "Can access to view, set and reset authentication method information for any non-admin user.",
              "microsoft.directory/users/authenticationMethods/basic/update"),
          builtIn(
              "194ae4cb-b126-40b2-bd5b-6091b380977d",
              "Security Administrator",
              "Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.",
              "microsoft.directory/policies/create"),
          builtIn(
              "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
              "Conditional Access Administrator",
              "Can manage Conditional Access capabilities.",
              "microsoft.directory/conditionalAccessPolicies/create"),
          builtIn(
              "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
              "Application Administrator",
              "Can create and manage all aspects of app registrations and enterprise apps.",
              "microsoft.directory/applications/create"),
          builtIn(
              "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
              "Global Reader",
              "Can read everything that a Global Administrator can, but not update anything.",
              "microsoft.directory/users/standard/read"),
          builtIn(
              "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",
              "Hybrid Identity Administrator",
              "Manage Active Directory to Microsoft Entra cloud provisioning, Microsoft Entra Connect and federation settings.",
              "microsoft.directory/domains/federation/update"),
          builtIn(
              "3a2c62db-5318-420d-8d74-23affee5d9d5",
              "Intune Administrator",
              "Can manage all aspects of the Intune product.",
              "microsoft.directory/devices/basic/update"),
          builtIn(
              "29232cdf-9323-42fd-ade2-1d097af3e4de",
              "Exchange Administrator",
              "Can manage all aspects of the Exchange product.",
              "microsoft.office365.exchange/allEntities/basic/allTasks"),
          builtIn(
              "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
              "SharePoint Administrator",
              "Can manage all aspects of the SharePoint service.",
              "microsoft.office365.sharePoint/allEntities/allTasks"),
          builtIn(
              "fdd7a751-b60b-444a-984c-02652fe8fa1c",
              "Groups Administrator",
              "Members of this role can create/manage groups, create/manage groups settings like naming and expiration"
                  + " policies, and view groups activity and audit reports.",
              "microsoft.directory/groups/create"),
          builtIn(
              "4d6ac14f-3453-41d0-bef9-a3e0c569773a",
              "License Administrator",
              "Can manage product licenses on users and groups.",
              "microsoft.directory/users/assignLicense"),
          builtIn(
              "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
              "Directory Readers",
              "Can read basic directory information. Commonly used to grant directory read access to applications and"
                  + " guests.",
              "microsoft.directory/users/standard/read"),
          builtIn(
              "4a5d8f65-41da-4de4-8968-e035b65339cf",
              "Reports Reader",
              "Can read sign-in and audit reports.",
              "microsoft.directory/auditLogs/allProperties/read"),
          builtIn(
              "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b",
              "Message Center Reader",
              "Can read messages and updates for their organization in Office 365 Message Center only.",
              "microsoft.office365.messageCenter/messages/read"));
}
