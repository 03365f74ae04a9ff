package dev.offboarding.testkit.graph;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The directory state of a fake Microsoft 365 tenant: users, groups and their members, devices,
 * organisational contacts and service principals, and the directory roles they hold ({@link
 * #roles()}).
 *
 * <p>Thread-safe: objects are immutable values replaced atomically per id, so a write to one user
 * never waits for another; group membership is guarded per group. Expanded membership lists are
 * cached per group and invalidated by any membership change, so paging a 100,000-member group costs
 * one expansion, not one per page.
 *
 * <p>Build one by hand ({@link #addUser(FakeUser)}, {@link #addGroup(String, DirectoryObject...)},
 * ...), from a JSON seed ({@link #fromJson(Path)}, format in {@code testkit/README.md}), or
 * generated ({@link #generate(int, long)}); serve it with {@link FakeGraphServer}.
 */
public final class FakeTenant {

  /** User attributes {@code GET /users?$filter=<attribute> eq '<value>'} accepts. */
  public static final List<String> FILTERABLE_ATTRIBUTES =
      List.of(
          "department",
          "companyName",
          "officeLocation",
          "jobTitle",
          "employeeId",
          "city",
          "country");

  private final ConcurrentSkipListMap<String, FakeUser> users = new ConcurrentSkipListMap<>();
  private final ConcurrentHashMap<String, String> userIdsByUpn = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, DirectoryObject> others = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Members> memberships = new ConcurrentHashMap<>();
  private final AtomicLong membershipVersion = new AtomicLong();
  private final ConcurrentHashMap<ViewKey, View> views = new ConcurrentHashMap<>();
  private final FakeRoleManagement roles = new FakeRoleManagement(this);
  private final FakeSecurityState security = new FakeSecurityState();

  /** An empty tenant. */
  public FakeTenant() {}

  /** Reads a tenant from a JSON seed file (format in {@code testkit/README.md}). */
  public static FakeTenant fromJson(Path seed) {
    try (InputStream in = Files.newInputStream(seed)) {
      return fromJson(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tenant seed " + seed, e);
    }
  }

  /** Reads a tenant from a JSON seed; the stream is read fully but not closed. */
  public static FakeTenant fromJson(InputStream seed) {
    return TenantSeed.read(seed);
  }

  /**
   * A generated tenant with {@code userCount} users (at least 30), the same for the same seed. See
   * {@link TenantGenerator} for its shape and the names of its groups.
   */
  public static FakeTenant generate(int userCount, long seed) {
    return TenantGenerator.generate(userCount, seed);
  }

  // ---------------------------------------------------------------------------------- adding

  /** Adds a user; fails if its id or UPN is taken. */
  public FakeUser addUser(FakeUser user) {
    Objects.requireNonNull(user, "user");
    String upn = upnKey(user.userPrincipalName());
    if (others.containsKey(user.id()) || userIdsByUpn.putIfAbsent(upn, user.id()) != null) {
      throw new IllegalArgumentException("user already exists: " + user.userPrincipalName());
    }
    if (users.putIfAbsent(user.id(), user) != null) {
      userIdsByUpn.remove(upn);
      throw new IllegalArgumentException("object id already exists: " + user.id());
    }
    return user;
  }

  /** Adds an enabled member user with this UPN and defaults for everything else. */
  public FakeUser addUser(String userPrincipalName) {
    return addUser(FakeUser.builder(userPrincipalName).build());
  }

  /** Adds a group with no members; fails if its id is taken. */
  public FakeGroup addGroup(FakeGroup group) {
    putOther(group);
    memberships.put(group.id(), new Members());
    return group;
  }

  /** Adds a group with a random id and these direct members (which must already exist). */
  public FakeGroup addGroup(String displayName, DirectoryObject... members) {
    FakeGroup group = addGroup(FakeGroup.named(displayName));
    addMembers(group.id(), members);
    return group;
  }

  /** Adds a device; fails if its id is taken. */
  public FakeDevice addDevice(FakeDevice device) {
    return putOther(device);
  }

  /** Adds an organisational contact; fails if its id is taken. */
  public FakeOrgContact addContact(FakeOrgContact contact) {
    return putOther(contact);
  }

  /** Adds a service principal; fails if its id is taken. */
  public FakeServicePrincipal addServicePrincipal(FakeServicePrincipal servicePrincipal) {
    return putOther(servicePrincipal);
  }

  /** Adds direct members to a group; members already present are ignored. */
  public void addMembers(String groupId, DirectoryObject... members) {
    addMembers(groupId, Arrays.stream(members).map(DirectoryObject::id).toList());
  }

  /**
   * Adds direct members, by object id, to a group; ids already present are ignored. Every id must
   * name an existing object; a group may not contain itself.
   */
  public void addMembers(String groupId, Collection<String> memberIds) {
    String gid = key(groupId);
    Members members = requireMembers(gid);
    List<String> ids = new ArrayList<>(memberIds.size());
    for (String memberId : memberIds) {
      String id = key(memberId);
      if (id.equals(gid)) {
        throw new IllegalArgumentException("a group cannot be its own member: " + groupId);
      }
      if (object(id).isEmpty()) {
        throw new IllegalArgumentException("no such directory object: " + memberId);
      }
      ids.add(id);
    }
    members.addAll(ids);
    membershipVersion.incrementAndGet();
  }

  /** Removes a direct member; true when it was a member. */
  public boolean removeMember(String groupId, String memberId) {
    boolean removed = requireMembers(key(groupId)).remove(key(memberId));
    if (removed) {
      membershipVersion.incrementAndGet();
    }
    return removed;
  }

  /**
   * Deletes any directory object (later reads and writes of it answer 404); memberships that named
   * it simply stop listing it. True when it existed.
   */
  public boolean delete(String id) {
    String k = key(id);
    FakeUser user = users.remove(k);
    boolean removed = user != null;
    if (user != null) {
      userIdsByUpn.remove(upnKey(user.userPrincipalName()));
    } else if (others.remove(k) != null) {
      memberships.remove(k);
      removed = true;
    }
    if (removed) {
      membershipVersion.incrementAndGet();
    }
    return removed;
  }

  /**
   * Adds one large group cheaply: {@code userCount} new users spread evenly over a two-level tree
   * of nested subgroups ({@code fanOut} subgroups, each with {@code fanOut} leaf groups holding the
   * users), plus one user in a hundred added directly to the top group as well, so transitive
   * expansion must deduplicate. UPNs are {@code <prefix>-<n>@contoso.com} with the prefix derived
   * from the display name; ids are deterministic for the seed. Returns the top group.
   */
  public FakeGroup addLargeGroup(String displayName, int userCount, int fanOut, long seed) {
    return TenantGenerator.addLargeGroup(this, displayName, userCount, fanOut, seed);
  }

  /**
   * Registered devices, ID Protection's risky users, the sign-in log, Lifecycle Workflows' task
   * processing results, and the app's licences and device role.
   */
  public FakeSecurityState security() {
    return security;
  }

  /** Adds a device registered by a user (its {@code /users/{id}/registeredDevices}). */
  public FakeDevice addDevice(FakeDevice device, String registeredByIdOrUpn) {
    FakeUser user = requireUser(registeredByIdOrUpn);
    FakeDevice added = putOther(device);
    security.registerDevice(user.id(), added.id());
    return added;
  }

  /** Replaces a device's {@code accountEnabled}; returns the updated device. */
  public FakeDevice setDeviceEnabled(String deviceId, boolean enabled) {
    String k = key(deviceId);
    DirectoryObject updated =
        others.computeIfPresent(
            k,
            (id, o) ->
                o instanceof FakeDevice d
                    ? new FakeDevice(
                        d.id(), d.displayName(), d.deviceId(), d.operatingSystem(), enabled)
                    : o);
    if (!(updated instanceof FakeDevice device)) {
      throw new IllegalArgumentException("no such device: " + deviceId);
    }
    return device;
  }

  /** The device with this object id. */
  public Optional<FakeDevice> device(String id) {
    return object(id).filter(FakeDevice.class::isInstance).map(FakeDevice.class::cast);
  }

  /**
   * Sets the user's password-change time (what a password reset leaves; the password is never
   * kept).
   */
  public FakeUser passwordChanged(String idOrUpn, Instant at) {
    return update(idOrUpn, u -> u.withPasswordChangedAt(at));
  }

  /** The tenant's directory roles: definitions, active assignments and eligibilities. */
  public FakeRoleManagement roles() {
    return roles;
  }

  // ---------------------------------------------------------------------------------- reading

  /** The user with this object id or UPN (both case-insensitive). */
  public Optional<FakeUser> user(String idOrUpn) {
    if (idOrUpn == null) {
      return Optional.empty();
    }
    FakeUser user = DirectoryObject.isGuid(idOrUpn) ? users.get(key(idOrUpn)) : null;
    if (user == null) {
      String id = userIdsByUpn.get(upnKey(idOrUpn));
      user = id == null ? null : users.get(id);
    }
    return Optional.ofNullable(user);
  }

  /** The user with this id or UPN, or an exception naming it. */
  public FakeUser requireUser(String idOrUpn) {
    return user(idOrUpn)
        .orElseThrow(() -> new IllegalArgumentException("no such user: " + idOrUpn));
  }

  /** Any directory object by id. */
  public Optional<DirectoryObject> object(String id) {
    if (id == null) {
      return Optional.empty();
    }
    String k = key(id);
    DirectoryObject user = users.get(k);
    return Optional.ofNullable(user != null ? user : others.get(k));
  }

  /** The group with this id. */
  public Optional<FakeGroup> group(String id) {
    return object(id).filter(FakeGroup.class::isInstance).map(FakeGroup.class::cast);
  }

  /** The first group with this display name (the generator's names are unique). */
  public Optional<FakeGroup> groupNamed(String displayName) {
    return others.values().stream()
        .filter(o -> o instanceof FakeGroup g && g.displayName().equals(displayName))
        .map(FakeGroup.class::cast)
        .sorted((a, b) -> a.id().compareTo(b.id()))
        .findFirst();
  }

  /** The group with this display name, or an exception naming it. */
  public FakeGroup requireGroupNamed(String displayName) {
    return groupNamed(displayName)
        .orElseThrow(() -> new IllegalArgumentException("no such group: " + displayName));
  }

  /** Every user, ordered by id (the order Graph-style listings use here). */
  public List<FakeUser> users() {
    return List.copyOf(users.values());
  }

  /** How many users the tenant has. */
  public int userCount() {
    return users.size();
  }

  /** Every object of a type other than user (groups, devices, contacts, service principals). */
  public <T extends DirectoryObject> List<T> objectsOfType(Class<T> type) {
    return others.values().stream()
        .filter(type::isInstance)
        .map(type::cast)
        .sorted((a, b) -> a.id().compareTo(b.id()))
        .toList();
  }

  /** Direct members of a group in the order they were added. */
  public List<DirectoryObject> members(String groupId) {
    return resolve(memberIds(groupId, false, null));
  }

  /**
   * Every object reachable through nested membership, each once, nested groups included: what
   * {@code /groups/{id}/transitiveMembers} lists.
   */
  public List<DirectoryObject> transitiveMembers(String groupId) {
    return resolve(memberIds(groupId, true, null));
  }

  /** The users among {@link #transitiveMembers(String)}. */
  public List<FakeUser> transitiveUsers(String groupId) {
    return resolve(memberIds(groupId, true, "#microsoft.graph.user")).stream()
        .map(FakeUser.class::cast)
        .toList();
  }

  /**
   * Users whose filterable attribute equals the value, compared case-insensitively as Graph does;
   * the attribute name is one of {@link #FILTERABLE_ATTRIBUTES} (case-insensitive).
   */
  public List<FakeUser> usersWhere(String attribute, String value) {
    Function<FakeUser, String> getter =
        attributeGetter(attribute)
            .orElseThrow(
                () -> new IllegalArgumentException("not a filterable attribute: " + attribute));
    return users.values().stream().filter(u -> attributeEquals(value, getter.apply(u))).toList();
  }

  // ---------------------------------------------------------------------------------- writing

  /** Sets {@code accountEnabled}; returns the updated user. */
  public FakeUser setAccountEnabled(String idOrUpn, boolean enabled) {
    return update(idOrUpn, u -> u.withAccountEnabled(enabled));
  }

  /** Moves the user's session watermark to {@code now}, as revokeSignInSessions does. */
  public FakeUser revokeSignInSessions(String idOrUpn, Instant now) {
    return update(idOrUpn, u -> u.withSignInSessionsValidFrom(now));
  }

  /** Marks a user so that writes to it answer 403, or clears the mark. */
  public FakeUser setWritesForbidden(String idOrUpn, boolean forbidden) {
    return update(idOrUpn, u -> u.toBuilder().writesForbidden(forbidden).build());
  }

  /** Atomically replaces a user; its id and UPN must not change. */
  public FakeUser update(String idOrUpn, UnaryOperator<FakeUser> change) {
    FakeUser current = requireUser(idOrUpn);
    FakeUser updated =
        users.computeIfPresent(
            current.id(),
            (id, u) -> {
              FakeUser next = change.apply(u);
              if (!next.id().equals(u.id())
                  || !upnKey(next.userPrincipalName()).equals(upnKey(u.userPrincipalName()))) {
                throw new IllegalArgumentException("a user's id and UPN cannot change");
              }
              return next;
            });
    if (updated == null) {
      throw new IllegalArgumentException("no such user: " + idOrUpn);
    }
    return updated;
  }

  // ---------------------------------------------------------------------------------- internal

  /** Attribute name (case-insensitive) to its getter, for the filterable attributes. */
  static Optional<Function<FakeUser, String>> attributeGetter(String attribute) {
    if (attribute == null) {
      return Optional.empty();
    }
    Function<FakeUser, String> getter =
        switch (attribute.toLowerCase(Locale.ROOT)) {
          case "department" -> FakeUser::department;
          case "companyname" -> FakeUser::companyName;
          case "officelocation" -> FakeUser::officeLocation;
          case "jobtitle" -> FakeUser::jobTitle;
          case "employeeid" -> FakeUser::employeeId;
          case "city" -> FakeUser::city;
          case "country" -> FakeUser::country;
          default -> null;
        };
    return Optional.ofNullable(getter);
  }

  /** Users in id order, for listings; a live view. */
  Collection<FakeUser> userValues() {
    return users.values();
  }

  /**
   * Member ids of a group, direct or transitive, optionally only those of one OData type; an
   * immutable list cached until membership changes. Empty when the group does not exist.
   */
  List<String> memberIds(String groupId, boolean transitive, String odataType) {
    String gid = key(groupId);
    ViewKey viewKey = new ViewKey(gid, transitive, odataType);
    long version = membershipVersion.get();
    View cached = views.get(viewKey);
    if (cached != null && cached.version == version) {
      return cached.ids;
    }
    List<String> ids = transitive ? flatten(gid) : snapshot(gid);
    if (odataType != null) {
      ids =
          ids.stream()
              .filter(id -> object(id).map(o -> o.odataType().equals(odataType)).orElse(false))
              .toList();
    } else {
      ids = ids.stream().filter(id -> object(id).isPresent()).toList();
    }
    views.put(viewKey, new View(version, ids));
    return ids;
  }

  private List<String> flatten(String rootId) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    seen.add(rootId);
    Deque<Iterator<String>> stack = new ArrayDeque<>();
    stack.push(snapshot(rootId).iterator());
    while (!stack.isEmpty()) {
      Iterator<String> it = stack.peek();
      if (!it.hasNext()) {
        stack.pop();
        continue;
      }
      String id = it.next();
      if (!seen.add(id)) {
        continue;
      }
      Optional<DirectoryObject> member = object(id);
      if (member.isEmpty()) {
        continue;
      }
      out.add(id);
      if (member.get() instanceof FakeGroup) {
        stack.push(snapshot(id).iterator());
      }
    }
    return out;
  }

  private List<String> snapshot(String groupId) {
    Members members = memberships.get(groupId);
    return members == null ? List.of() : members.snapshot();
  }

  private List<DirectoryObject> resolve(List<String> ids) {
    return ids.stream().map(this::object).flatMap(Optional::stream).toList();
  }

  private Members requireMembers(String groupId) {
    Members members = memberships.get(groupId);
    if (members == null) {
      throw new IllegalArgumentException("no such group: " + groupId);
    }
    return members;
  }

  private <T extends DirectoryObject> T putOther(T object) {
    Objects.requireNonNull(object, "object");
    if (users.containsKey(object.id()) || others.putIfAbsent(object.id(), object) != null) {
      throw new IllegalArgumentException("object id already exists: " + object.id());
    }
    return object;
  }

  /**
   * Whether a user's attribute value equals a {@code $filter} literal, ignoring case as Graph does:
   * both lower-cased whole, as UPNs are compared here. {@code equalsIgnoreCase} folds characters
   * through upper case, so it would take a dotless ı for an i (and ſ for an s) and match users
   * Graph would not.
   */
  static boolean attributeEquals(String wanted, String actual) {
    return actual != null
        && wanted.toLowerCase(Locale.ROOT).equals(actual.toLowerCase(Locale.ROOT));
  }

  private static String key(String id) {
    return id.toLowerCase(Locale.ROOT);
  }

  private static String upnKey(String upn) {
    return upn.toLowerCase(Locale.ROOT);
  }

  private record ViewKey(String groupId, boolean transitive, String odataType) {}

  private record View(long version, List<String> ids) {}

  /** The direct members of one group, in insertion order. */
  private static final class Members {
    private final LinkedHashSet<String> ids = new LinkedHashSet<>();
    private List<String> snapshot;

    synchronized List<String> snapshot() {
      if (snapshot == null) {
        snapshot = List.copyOf(ids);
      }
      return snapshot;
    }

    synchronized void addAll(Collection<String> added) {
      if (ids.addAll(added)) {
        snapshot = null;
      }
    }

    synchronized boolean remove(String id) {
      boolean removed = ids.remove(id);
      if (removed) {
        snapshot = null;
      }
      return removed;
    }
  }

  @Override
  public String toString() {
    return "FakeTenant[users=" + users.size() + ", otherObjects=" + others.size() + "]";
  }

  /** Counts of objects by kind, for logs and the command's banner. */
  public Map<String, Integer> summary() {
    return Map.of(
        "users", users.size(),
        "groups", objectsOfType(FakeGroup.class).size(),
        "devices", objectsOfType(FakeDevice.class).size(),
        "orgContacts", objectsOfType(FakeOrgContact.class).size(),
        "servicePrincipals", objectsOfType(FakeServicePrincipal.class).size());
  }
}
