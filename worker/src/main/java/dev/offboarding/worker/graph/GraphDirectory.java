package dev.offboarding.worker.graph;

import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.DirectoryObjectCollectionResponse;
import com.microsoft.graph.models.User;
import com.microsoft.graph.models.UserCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.offboarding.contracts.Target;
import dev.offboarding.worker.execute.Retries;
import dev.offboarding.worker.tenant.AccountState;
import dev.offboarding.worker.tenant.Directory;
import dev.offboarding.worker.tenant.DirectoryUser;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Directory reads through the Graph SDK v6: users by id or UPN, a user's account state (to read a
 * write back), a group's transitive members page by page (every {@code @odata.nextLink} followed),
 * and users by an allow-listed attribute. Each request is retried on its own under the read {@link
 * Retries} policy. Thread-safe.
 */
public final class GraphDirectory implements Directory {
  private static final String[] USER_FIELDS = {"id", "userPrincipalName", "userType"};

  /**
   * What reading a write back needs: the two properties the worker writes, and who the user is, so
   * that a user written by object id without a prior read gets its UPN and guest flag in the audit
   * at no extra request.
   */
  private static final String[] STATE_FIELDS = {
    "accountEnabled", "signInSessionsValidFromDateTime", "userPrincipalName", "userType"
  };

  /** Graph's largest page: fewest round trips (and resource units) per member. */
  public static final int MAX_PAGE_SIZE = 999;

  private static final String ODATA_PREFIX = "#microsoft.graph.";

  private final GraphServiceClient graph;
  private final URI baseUrl;
  private final Retries retryPolicy;
  private final Sleeper sleeper;
  private final Clock clock;
  private final int pageSize;

  /**
   * The directory read through {@code graph}, pages of Graph's largest size, reads retried under
   * {@code retryPolicy}.
   */
  public GraphDirectory(
      GraphServiceClient graph, URI baseUrl, Retries retryPolicy, Sleeper sleeper, Clock clock) {
    this(graph, baseUrl, retryPolicy, sleeper, clock, MAX_PAGE_SIZE);
  }

  /** With a page size ({@code $top}, 1..999) other than the largest, to exercise paging. */
  public GraphDirectory(
      GraphServiceClient graph,
      URI baseUrl,
      Retries retryPolicy,
      Sleeper sleeper,
      Clock clock,
      int pageSize) {
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("pageSize must be 1.." + MAX_PAGE_SIZE);
    }
    this.pageSize = pageSize;
    this.graph = graph;
    this.baseUrl = baseUrl;
    this.retryPolicy = retryPolicy;
    this.sleeper = sleeper;
    this.clock = clock;
  }

  @Override
  public Optional<DirectoryUser> user(String idOrUserPrincipalName) {
    return readUser(idOrUserPrincipalName, USER_FIELDS)
        .filter(user -> user.getId() != null)
        .map(GraphDirectory::toUser);
  }

  @Override
  public Optional<AccountState> accountState(String userId) {
    return readUser(userId, STATE_FIELDS)
        .map(
            user ->
                new AccountState(
                    user.getAccountEnabled(),
                    user.getSignInSessionsValidFromDateTime() == null
                        ? null
                        : user.getSignInSessionsValidFromDateTime().toInstant(),
                    user.getUserPrincipalName(),
                    user.getUserType()));
  }

  /** One user with these properties, retried like every read; empty on 404. */
  private Optional<User> readUser(String idOrUserPrincipalName, String[] fields) {
    try {
      User user;
      if (idOrUserPrincipalName.startsWith("$")) {
        // Graph reads a path segment starting with $ as a system segment; such UPNs must be
        // addressed as users('...'), with quotes doubled inside the literal.
        String url =
            baseUrl
                + "/users('"
                + PathEncoding.encode(idOrUserPrincipalName.replace("'", "''"))
                + "')?%24select="
                + String.join(",", fields);
        user = read(() -> graph.users().byUserId(idOrUserPrincipalName).withUrl(url).get());
      } else {
        // The SDK percent-encodes the path segment, so UPNs with ' # + & and non-ASCII arrive
        // intact.
        user =
            read(
                () ->
                    graph
                        .users()
                        .byUserId(idOrUserPrincipalName)
                        .get(rc -> rc.queryParameters.select = fields));
      }
      return Optional.ofNullable(user);
    } catch (GraphFailure e) {
      if (e.kind() == GraphFailure.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void transitiveMembers(String groupId, MemberVisitor visitor) {
    if (!Target.isGuid(groupId)) {
      throw new IllegalArgumentException("group id must be a GUID");
    }
    var members = graph.groups().byGroupId(groupId).transitiveMembers();
    DirectoryObjectCollectionResponse page =
        read(
            () ->
                members.get(
                    rc -> {
                      rc.queryParameters.select = USER_FIELDS;
                      rc.queryParameters.top = pageSize;
                    }));
    Set<String> seenLinks = new HashSet<>();
    while (page != null) {
      List<DirectoryObject> items = page.getValue() == null ? List.of() : page.getValue();
      for (DirectoryObject item : items) {
        if (item instanceof User user && user.getId() != null) {
          if (!visitor.user(toUser(user))) {
            return;
          }
        } else {
          visitor.other(kindOf(item.getOdataType()));
        }
      }
      String next = checkedNextLink(page.getOdataNextLink(), seenLinks);
      if (next == null) {
        return;
      }
      page = read(() -> members.withUrl(next).get());
    }
  }

  @Override
  public void usersWhere(String attribute, String value, MemberVisitor visitor) {
    if (!Target.ALLOWED_ATTRIBUTES.contains(attribute)) {
      throw new IllegalArgumentException("attribute is not allow-listed");
    }
    // The attribute is one of a fixed set; the value becomes an OData string literal with its
    // quotes doubled, so no event text can change the shape of the filter.
    String filter = attribute + " eq '" + value.replace("'", "''") + "'";
    UserCollectionResponse page =
        read(
            () ->
                graph
                    .users()
                    .get(
                        rc -> {
                          rc.queryParameters.filter = filter;
                          rc.queryParameters.select = USER_FIELDS;
                          rc.queryParameters.top = pageSize;
                          rc.queryParameters.count = true;
                          rc.headers.add("ConsistencyLevel", "eventual");
                        }));
    Set<String> seenLinks = new HashSet<>();
    while (page != null) {
      for (User user : page.getValue() == null ? List.<User>of() : page.getValue()) {
        if (user.getId() != null && !visitor.user(toUser(user))) {
          return;
        }
      }
      String next = checkedNextLink(page.getOdataNextLink(), seenLinks);
      if (next == null) {
        return;
      }
      page =
          read(
              () ->
                  graph
                      .users()
                      .withUrl(next)
                      .get(rc -> rc.headers.add("ConsistencyLevel", "eventual")));
    }
  }

  private String checkedNextLink(String next, Set<String> seen) {
    return NextLinks.checked(baseUrl, next, seen);
  }

  private <T> T read(Supplier<T> call) {
    return RetriedReads.read(retryPolicy, sleeper, clock, call);
  }

  private static DirectoryUser toUser(User user) {
    return new DirectoryUser(user.getId(), user.getUserPrincipalName(), user.getUserType());
  }

  private static String kindOf(String odataType) {
    if (odataType == null) {
      return "unknown";
    }
    return odataType.startsWith(ODATA_PREFIX)
        ? odataType.substring(ODATA_PREFIX.length())
        : odataType;
  }
}
