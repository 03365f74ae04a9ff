package dev.offboarding.testkit.graph;

import java.util.Objects;

/**
 * A registered device; groups may contain devices, which the worker must count but never act on.
 *
 * @param id object id (GUID)
 * @param displayName display name
 * @param deviceId the device's own id (GUID)
 * @param operatingSystem e.g. {@code Windows}
 * @param accountEnabled whether the device may sign in
 */
public record FakeDevice(
    String id, String displayName, String deviceId, String operatingSystem, boolean accountEnabled)
    implements DirectoryObject {

  public FakeDevice {
    id = DirectoryObject.requireGuid(id, "device id");
    Objects.requireNonNull(displayName, "displayName");
  }

  /** An enabled Windows device with random ids. */
  public static FakeDevice named(String displayName) {
    return new FakeDevice(
        DirectoryObject.newId(), displayName, DirectoryObject.newId(), "Windows", true);
  }

  @Override
  public String odataType() {
    return "#microsoft.graph.device";
  }
}
