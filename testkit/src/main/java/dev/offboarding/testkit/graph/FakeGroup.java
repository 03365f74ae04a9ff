package dev.offboarding.testkit.graph;

import java.util.Objects;

/**
 * A security group. Its members live in the {@link FakeTenant} (see {@link
 * FakeTenant#addMembers(String, java.util.Collection)}) so that large groups stay cheap.
 *
 * @param id object id (GUID)
 * @param displayName display name
 * @param description free text, may be null
 */
public record FakeGroup(String id, String displayName, String description)
    implements DirectoryObject {

  public FakeGroup {
    id = DirectoryObject.requireGuid(id, "group id");
    Objects.requireNonNull(displayName, "displayName");
  }

  /** A group with a random id. */
  public static FakeGroup named(String displayName) {
    return new FakeGroup(DirectoryObject.newId(), displayName, null);
  }

  @Override
  public String odataType() {
    return "#microsoft.graph.group";
  }
}
