package dev.offboarding.testkit.graph;

import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An object in the fake directory: a user, group, device, organisational contact or service
 * principal. Values are immutable; the tenant replaces them atomically when their state changes.
 */
public sealed interface DirectoryObject
    permits FakeUser, FakeGroup, FakeDevice, FakeOrgContact, FakeServicePrincipal {

  /** Object ids are GUIDs. */
  Pattern GUID =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  /** The object id, a lower-case GUID. */
  String id();

  /** The display name. */
  String displayName();

  /** The OData type Graph puts in {@code @odata.type}, e.g. {@code #microsoft.graph.user}. */
  String odataType();

  /** True when {@code value} looks like an object id. */
  static boolean isGuid(String value) {
    return value != null && GUID.matcher(value).matches();
  }

  /** Checks and normalises an object id to lower case. */
  static String requireGuid(String id, String what) {
    Objects.requireNonNull(id, what);
    if (!isGuid(id)) {
      throw new IllegalArgumentException(what + " must be a GUID: " + id);
    }
    return id.toLowerCase(Locale.ROOT);
  }

  /** A fresh random object id. */
  static String newId() {
    return UUID.randomUUID().toString();
  }
}
