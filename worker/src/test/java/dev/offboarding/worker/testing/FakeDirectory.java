package dev.offboarding.worker.testing;

import dev.offboarding.worker.tenant.AccountState;
import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.DirectoryUser;
import dev.offboarding.worker.tenant.GraphFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A hand-written directory for domain tests: users, groups with nested members, attributes. */
public final class FakeDirectory implements Directory {
  private final Map<String, DirectoryUser> users = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> attributes = new HashMap<>();
  private final Map<String, List<Object>> groups = new HashMap<>();
  private final Map<String, AccountState> accountStates = new HashMap<>();
  public final AtomicInteger memberListings = new AtomicInteger();

  /** Reads of one user: by id or UPN, and of its account state. */
  public final AtomicInteger userReads = new AtomicInteger();

  public GraphFailure failGroupsWith;

  public DirectoryUser addUser(String id, String upn) {
    return addUser(id, upn, "Member");
  }

  public DirectoryUser addUser(String id, String upn, String type) {
    DirectoryUser u = new DirectoryUser(id, upn, type);
    users.put(u.id(), u);
    return u;
  }

  /** What {@link #accountState} answers for a known user; until set, enabled with no watermark. */
  public void setAccountState(String userId, AccountState state) {
    accountStates.put(userId.toLowerCase(Locale.ROOT), state);
  }

  public void setAttribute(String userId, String attribute, String value) {
    attributes.computeIfAbsent(userId, k -> new HashMap<>()).put(attribute, value);
  }

  /** Members are user ids, nested group ids (prefixed "group:"), or other kinds ("device", ...). */
  public void addGroup(String id, String... members) {
    groups.put(id, new ArrayList<>(List.of((Object[]) members)));
  }

  @Override
  public Optional<DirectoryUser> user(String idOrUpn) {
    userReads.incrementAndGet();
    String key = idOrUpn.toLowerCase(Locale.ROOT);
    return users.values().stream()
        .filter(
            u ->
                u.id().equals(key)
                    || (u.userPrincipalName() != null
                        && u.userPrincipalName().equalsIgnoreCase(idOrUpn)))
        .findFirst();
  }

  @Override
  public Optional<AccountState> accountState(String userId) {
    userReads.incrementAndGet();
    String key = userId.toLowerCase(Locale.ROOT);
    if (!users.containsKey(key)) {
      return Optional.empty();
    }
    return Optional.of(accountStates.getOrDefault(key, new AccountState(true, null)));
  }

  @Override
  public void transitiveMembers(String groupId, MemberVisitor visitor) {
    memberListings.incrementAndGet();
    if (failGroupsWith != null) {
      throw failGroupsWith;
    }
    if (!groups.containsKey(groupId)) {
      throw new GraphFailure(
          GraphFailure.Kind.NOT_FOUND,
          404,
          "Request_ResourceNotFound",
          "no group",
          "r",
          null,
          null);
    }
    // Like Graph: a flat, deduplicated list; nested groups are themselves listed as groups.
    LinkedHashMap<String, String> flat = new LinkedHashMap<>();
    flatten(groupId, flat);
    for (Map.Entry<String, String> e : flat.entrySet()) {
      if (e.getValue().equals("user")) {
        if (!visitor.user(users.get(e.getKey()))) {
          return;
        }
      } else {
        visitor.other(e.getValue());
      }
    }
  }

  private void flatten(String groupId, Map<String, String> flat) {
    int other = 0;
    for (Object m : groups.get(groupId)) {
      String member = (String) m;
      if (member.startsWith("group:")) {
        String nested = member.substring(6);
        if (flat.put(nested, "group") == null) {
          flatten(nested, flat);
        }
      } else if (users.containsKey(member)) {
        flat.put(member, "user");
      } else {
        flat.put(groupId + "/" + member + "/" + other++, member);
      }
    }
  }

  @Override
  public void usersWhere(String attribute, String value, MemberVisitor visitor) {
    for (DirectoryUser u : users.values()) {
      if (value.equals(attributes.getOrDefault(u.id(), Map.of()).get(attribute))
          && !visitor.user(u)) {
        return;
      }
    }
  }
}
