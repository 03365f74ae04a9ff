package dev.offboarding.worker.graph;

import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.UnifiedRoleAssignment;
import com.microsoft.graph.models.UnifiedRoleAssignmentCollectionResponse;
import com.microsoft.graph.models.UnifiedRoleDefinition;
import com.microsoft.graph.models.UnifiedRoleDefinitionCollectionResponse;
import com.microsoft.graph.models.UnifiedRoleEligibilityScheduleInstance;
import com.microsoft.graph.models.UnifiedRoleEligibilityScheduleInstanceCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.worker.execute.Retries;
import dev.offboarding.worker.tenant.DirectoryRoles;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The tenant's directory roles through Graph's role management API (v1.0): {@code GET
 * /roleManagement/directory/roleDefinitions}, {@code roleAssignments?$expand=principal} (active)
 * and {@code roleEligibilityScheduleInstances?$expand=principal} (eligible, Privileged Identity
 * Management), every {@code @odata.nextLink} followed; the expanded principal's {@code
 * @odata.type} says whether it is a user, a group or a service principal. Needs {@code
 * RoleManagement.Read.Directory}. Each request is retried on its own under the read {@link
 * Retries} policy. Thread-safe.
 */
public final class GraphDirectoryRoles implements DirectoryRoles {
  /** Graph's answer to the eligibility APIs in a tenant without Entra ID P2 or ID Governance. */
  static final String LICENSE_REQUIRED = "AadPremiumLicenseRequired";

  private static final String[] DEFINITION_FIELDS = {
    "id", "templateId", "displayName", "isBuiltIn"
  };
  private static final String[] ASSIGNMENT_FIELDS = {"id", "principalId", "roleDefinitionId"};
  private static final String[] EXPAND = {"principal"};
  private static final String ODATA_PREFIX = "#microsoft.graph.";

  private final GraphServiceClient graph;
  private final URI baseUrl;
  private final Retries retryPolicy;
  private final Sleeper sleeper;
  private final Clock clock;

  /** Role assignments read through {@code graph}, reads retried under {@code retryPolicy}. */
  public GraphDirectoryRoles(
      GraphServiceClient graph, URI baseUrl, Retries retryPolicy, Sleeper sleeper, Clock clock) {
    this.graph = graph;
    this.baseUrl = baseUrl;
    this.retryPolicy = retryPolicy;
    this.sleeper = sleeper;
    this.clock = clock;
  }

  @Override
  public List<Definition> definitions() {
    var requests = graph.roleManagement().directory().roleDefinitions();
    List<Definition> out = new ArrayList<>();
    Set<String> seenLinks = new HashSet<>();
    UnifiedRoleDefinitionCollectionResponse page =
        read(() -> requests.get(rc -> rc.queryParameters.select = DEFINITION_FIELDS));
    while (page != null) {
      for (UnifiedRoleDefinition role :
          page.getValue() == null ? List.<UnifiedRoleDefinition>of() : page.getValue()) {
        if (role.getId() != null) {
          out.add(
              new Definition(
                  role.getId(),
                  role.getTemplateId(),
                  role.getDisplayName(),
                  Boolean.TRUE.equals(role.getIsBuiltIn())));
        }
      }
      String next = checkedNextLink(page.getOdataNextLink(), seenLinks);
      if (next == null) {
        break;
      }
      page = read(() -> requests.withUrl(next).get());
    }
    return out;
  }

  @Override
  public void activeAssignments(Consumer<Holder> visitor) {
    var requests = graph.roleManagement().directory().roleAssignments();
    Set<String> seenLinks = new HashSet<>();
    UnifiedRoleAssignmentCollectionResponse page =
        read(
            () ->
                requests.get(
                    rc -> {
                      rc.queryParameters.select = ASSIGNMENT_FIELDS;
                      rc.queryParameters.expand = EXPAND;
                    }));
    while (page != null) {
      for (UnifiedRoleAssignment a :
          page.getValue() == null ? List.<UnifiedRoleAssignment>of() : page.getValue()) {
        holder(a.getPrincipalId(), a.getPrincipal(), a.getRoleDefinitionId(), visitor);
      }
      String next = checkedNextLink(page.getOdataNextLink(), seenLinks);
      if (next == null) {
        return;
      }
      page = read(() -> requests.withUrl(next).get());
    }
  }

  @Override
  public boolean eligibleAssignments(Consumer<Holder> visitor) {
    var requests = graph.roleManagement().directory().roleEligibilityScheduleInstances();
    Set<String> seenLinks = new HashSet<>();
    UnifiedRoleEligibilityScheduleInstanceCollectionResponse page;
    try {
      page =
          read(
              () ->
                  requests.get(
                      rc -> {
                        rc.queryParameters.select = ASSIGNMENT_FIELDS;
                        rc.queryParameters.expand = EXPAND;
                      }));
    } catch (GraphFailure e) {
      if (LICENSE_REQUIRED.equals(e.errorCode())) {
        return false;
      }
      throw e;
    }
    while (page != null) {
      for (UnifiedRoleEligibilityScheduleInstance i :
          page.getValue() == null
              ? List.<UnifiedRoleEligibilityScheduleInstance>of()
              : page.getValue()) {
        holder(i.getPrincipalId(), i.getPrincipal(), i.getRoleDefinitionId(), visitor);
      }
      String next = checkedNextLink(page.getOdataNextLink(), seenLinks);
      if (next == null) {
        return true;
      }
      page = read(() -> requests.withUrl(next).get());
    }
    return true;
  }

  private static void holder(
      String principalId,
      DirectoryObject principal,
      String roleDefinitionId,
      Consumer<Holder> visitor) {
    if (principalId == null || roleDefinitionId == null) {
      return;
    }
    String kind = principal == null ? "unknown" : kindOf(principal.getOdataType());
    visitor.accept(new Holder(principalId, kind, roleDefinitionId));
  }

  private static String kindOf(String odataType) {
    if (odataType == null) {
      return "unknown";
    }
    return odataType.startsWith(ODATA_PREFIX)
        ? odataType.substring(ODATA_PREFIX.length())
        : odataType;
  }

  /**
   * A next link must point back at the configured Graph root (it is followed with our credentials)
   * and must not repeat (a loop would never end).
   */
  private String checkedNextLink(String next, Set<String> seen) {
    return NextLinks.checked(baseUrl, next, seen);
  }

  private <T> T read(Supplier<T> call) {
    return RetriedReads.read(retryPolicy, sleeper, clock, call);
  }
}
