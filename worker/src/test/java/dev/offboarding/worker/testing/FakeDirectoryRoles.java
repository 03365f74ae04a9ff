package dev.offboarding.worker.testing;

import dev.offboarding.worker.tenant.DirectoryRoles;
import dev.offboarding.worker.tenant.GraphFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A hand-written {@link DirectoryRoles} for domain tests: the built-in roles a test names, custom
 * roles, active and eligible holders, a tenant without a PIM licence, and a failure to throw.
 */
public final class FakeDirectoryRoles implements DirectoryRoles {
  public static final String GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";
  public static final String USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1";
  public static final String DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b";
  public static final String REPORTS_READER = "4a5d8f65-41da-4de4-8968-e035b65339cf";

  private final List<Definition> definitions =
      new ArrayList<>(
          List.of(
              builtIn(GLOBAL_ADMINISTRATOR, "Global Administrator"),
              builtIn(USER_ADMINISTRATOR, "User Administrator"),
              builtIn(DIRECTORY_READERS, "Directory Readers"),
              builtIn(REPORTS_READER, "Reports Reader")));
  private final List<Holder> active = new ArrayList<>();
  private final List<Holder> eligible = new ArrayList<>();
  public final AtomicInteger reads = new AtomicInteger();
  public boolean pimLicensed = true;
  public GraphFailure failWith;

  private static Definition builtIn(String id, String name) {
    return new Definition(id, id, name, true);
  }

  /** A tenant's own role; its id is its own. */
  public String addCustomRole(String id, String name) {
    definitions.add(new Definition(id, "c0000000-0000-4000-8000-000000000000", name, false));
    return id;
  }

  public FakeDirectoryRoles assign(String roleId, String principalId, String kind) {
    active.add(new Holder(principalId, kind, roleId));
    return this;
  }

  public FakeDirectoryRoles makeEligible(String roleId, String principalId, String kind) {
    eligible.add(new Holder(principalId, kind, roleId));
    return this;
  }

  @Override
  public List<Definition> definitions() {
    reads.incrementAndGet();
    fail();
    return List.copyOf(definitions);
  }

  @Override
  public void activeAssignments(Consumer<Holder> visitor) {
    fail();
    active.forEach(visitor);
  }

  @Override
  public boolean eligibleAssignments(Consumer<Holder> visitor) {
    fail();
    if (!pimLicensed) {
      return false;
    }
    eligible.forEach(visitor);
    return true;
  }

  private void fail() {
    if (failWith != null) {
      throw failWith;
    }
  }
}
