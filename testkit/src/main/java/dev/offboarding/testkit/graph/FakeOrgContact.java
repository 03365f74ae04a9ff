package dev.offboarding.testkit.graph;

import java.util.Objects;

/**
 * An organisational contact (an external address in the directory); never a sign-in principal.
 *
 * @param id object id (GUID)
 * @param displayName display name
 * @param mail mail address, may be null
 */
public record FakeOrgContact(String id, String displayName, String mail)
    implements DirectoryObject {

  public FakeOrgContact {
    id = DirectoryObject.requireGuid(id, "contact id");
    Objects.requireNonNull(displayName, "displayName");
  }

  /** A contact with a random id. */
  public static FakeOrgContact named(String displayName, String mail) {
    return new FakeOrgContact(DirectoryObject.newId(), displayName, mail);
  }

  @Override
  public String odataType() {
    return "#microsoft.graph.orgContact";
  }
}
