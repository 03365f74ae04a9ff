package dev.offboarding.testkit.graph;

import java.util.Objects;

/**
 * A service principal (an application's identity in the tenant); groups may contain them.
 *
 * @param id object id (GUID)
 * @param displayName display name
 * @param appId the application (client) id (GUID)
 */
public record FakeServicePrincipal(String id, String displayName, String appId)
    implements DirectoryObject {

  public FakeServicePrincipal {
    id = DirectoryObject.requireGuid(id, "service principal id");
    Objects.requireNonNull(displayName, "displayName");
  }

  /** A service principal with random ids. */
  public static FakeServicePrincipal named(String displayName) {
    return new FakeServicePrincipal(DirectoryObject.newId(), displayName, DirectoryObject.newId());
  }

  @Override
  public String odataType() {
    return "#microsoft.graph.servicePrincipal";
  }
}
