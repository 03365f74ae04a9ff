package dev.offboarding.worker.graph;

import com.microsoft.graph.identityprotection.riskyusers.confirmcompromised.ConfirmCompromisedPostRequestBody;
import com.microsoft.graph.models.Device;
import com.microsoft.graph.models.DeviceCollectionResponse;
import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.DirectoryObjectCollectionResponse;
import com.microsoft.graph.models.PasswordProfile;
import com.microsoft.graph.models.RiskyUser;
import com.microsoft.graph.models.RiskyUserCollectionResponse;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.http.middleware.options.HeadersInspectionOption;
import dev.offboarding.contracts.Target;
import dev.offboarding.worker.execute.ContainmentWrites;
import dev.offboarding.worker.execute.Retries;
import dev.offboarding.worker.tenant.GraphFailure;
import dev.offboarding.worker.tenant.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;

/**
 * The containment requests through the Graph SDK v6, always by object id: a password reset ({@code
 * PATCH /users/{id}} with a {@code passwordProfile}), {@code confirmCompromised} and the paged list
 * of {@code riskyUsers}, a user's registered devices and {@code PATCH /devices/{id}}. Writes are
 * one attempt each and pass Graph's early throttling warning to the listener, as {@link
 * GraphAccountWrites} does; directory and device reads retry transient failures under the read
 * policy, as {@link GraphDirectory} does; Identity Protection reads are one attempt per page, paced
 * by the caller. SDK errors become {@link GraphFailure}s in {@link GraphErrors}. The password is
 * put into the request and dropped: it is never logged or kept. Thread-safe.
 */
public final class GraphContainmentWrites implements ContainmentWrites {
  private static final String[] PASSWORD_FIELDS = {
    "id", "onPremisesSyncEnabled", "lastPasswordChangeDateTime", "userPrincipalName"
  };
  private static final String[] DOMAIN_FIELDS = {"id", "authenticationType"};

  /**
   * By domain name: whether it is federated, read once per process (a domain's federation rarely
   * changes).
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Boolean> federatedDomains =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final String[] DEVICE_FIELDS = {"id", "accountEnabled"};
  private static final String[] RISK_FIELDS = {"id", "riskState", "riskLevel"};

  /** Graph allows at most 15 values in one {@code in} of a directory {@code $filter}. */
  static final int MAX_IN_VALUES = 15;

  /** The largest page of {@code riskyUsers} asked for. */
  static final int RISK_PAGE_SIZE = 500;

  private static final String DEVICE_TYPE = "#microsoft.graph.device";

  private final GraphServiceClient graph;
  private final URI baseUrl;
  private final Retries readPolicy;
  private final Sleeper sleeper;
  private final Clock clock;
  private final DoubleConsumer limitUse;

  /**
   * @param limitUse told the share of the tenant's write budget used when an accepted write says it
   */
  public GraphContainmentWrites(
      GraphServiceClient graph,
      URI baseUrl,
      Retries readPolicy,
      Sleeper sleeper,
      Clock clock,
      DoubleConsumer limitUse) {
    this.graph = graph;
    this.baseUrl = baseUrl;
    this.readPolicy = readPolicy;
    this.sleeper = sleeper;
    this.clock = clock;
    this.limitUse = limitUse;
  }

  @Override
  public Optional<PasswordOwner> passwordOwner(String userId) {
    requireGuid(userId);
    try {
      User user =
          read(
              () ->
                  graph
                      .users()
                      .byUserId(userId)
                      .get(rc -> rc.queryParameters.select = PASSWORD_FIELDS));
      return Optional.ofNullable(user)
          .map(
              u ->
                  new PasswordOwner(
                      Boolean.TRUE.equals(u.getOnPremisesSyncEnabled()),
                      u.getLastPasswordChangeDateTime() == null
                          ? null
                          : u.getLastPasswordChangeDateTime().toInstant(),
                      federated(u.getUserPrincipalName())));
    } catch (GraphFailure e) {
      if (e.kind() == GraphFailure.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Whether the UPN's domain is federated ({@code GET /domains/{name}}, needs {@code
   * Domain.Read.All}); false when it is managed, or cannot be read (the reset is then sent, and
   * Graph refuses it for a federated user). Only successful reads are remembered.
   */
  private boolean federated(String userPrincipalName) {
    if (userPrincipalName == null || userPrincipalName.indexOf('@') < 0) {
      return false;
    }
    String domain =
        userPrincipalName
            .substring(userPrincipalName.lastIndexOf('@') + 1)
            .toLowerCase(Locale.ROOT);
    // A guest's UPN ends in the tenant's own domain; anything but a DNS name is not looked up.
    if (!domain.matches("[a-z0-9.-]{1,253}")) {
      return false;
    }
    Boolean known = federatedDomains.get(domain);
    if (known != null) {
      return known;
    }
    try {
      com.microsoft.graph.models.Domain found =
          read(
              () ->
                  graph
                      .domains()
                      .byDomainId(domain)
                      .get(rc -> rc.queryParameters.select = DOMAIN_FIELDS));
      boolean federated =
          found != null && "Federated".equalsIgnoreCase(found.getAuthenticationType());
      federatedDomains.put(domain, federated);
      return federated;
    } catch (GraphFailure e) {
      return false;
    }
  }

  @Override
  public String resetPassword(String userId, char[] password) {
    requireGuid(userId);
    HeadersInspectionOption inspection = new HeadersInspectionOption(false, true);
    User change = new User();
    PasswordProfile profile = new PasswordProfile();
    // The SDK's model holds a String: the one copy lives as long as this request.
    profile.setPassword(new String(password));
    profile.setForceChangePasswordNextSignIn(true);
    change.setPasswordProfile(profile);
    try {
      graph.users().byUserId(userId).patch(change, rc -> rc.options.add(inspection));
    } catch (RuntimeException e) {
      throw GraphErrors.translate(e, clock);
    } finally {
      profile.setPassword(null);
    }
    return accepted(inspection);
  }

  @Override
  public String confirmCompromised(List<String> userIds) {
    if (userIds.isEmpty() || userIds.size() > MAX_CONFIRM_USERS) {
      throw new IllegalArgumentException("1 to " + MAX_CONFIRM_USERS + " users per request");
    }
    userIds.forEach(GraphContainmentWrites::requireGuid);
    HeadersInspectionOption inspection = new HeadersInspectionOption(false, true);
    ConfirmCompromisedPostRequestBody body = new ConfirmCompromisedPostRequestBody();
    body.setUserIds(List.copyOf(userIds));
    try {
      graph
          .identityProtection()
          .riskyUsers()
          .confirmCompromised()
          .post(body, rc -> rc.options.add(inspection));
    } catch (RuntimeException e) {
      throw GraphErrors.translate(e, clock);
    }
    return GraphErrors.requestId(inspection);
  }

  @Override
  public Map<String, Risk> confirmedCompromised(Collection<String> userIds, Pace beforeEachRequest)
      throws InterruptedException {
    Set<String> wanted = new HashSet<>();
    userIds.forEach(id -> wanted.add(id.toLowerCase(Locale.ROOT)));
    Map<String, Risk> found = new HashMap<>();
    Set<String> seenLinks = new HashSet<>();
    var riskyUsers = graph.identityProtection().riskyUsers();
    beforeEachRequest.await();
    RiskyUserCollectionResponse page =
        once(
            () ->
                riskyUsers.get(
                    rc -> {
                      // A fixed filter: no event text reaches it.
                      rc.queryParameters.filter = "riskState eq 'confirmedCompromised'";
                      rc.queryParameters.select = RISK_FIELDS;
                      rc.queryParameters.top = RISK_PAGE_SIZE;
                    }));
    while (page != null) {
      for (RiskyUser user : page.getValue() == null ? List.<RiskyUser>of() : page.getValue()) {
        if (user.getId() != null && wanted.contains(user.getId().toLowerCase(Locale.ROOT))) {
          found.put(
              original(userIds, user.getId()),
              new Risk(
                  user.getRiskState() == null ? null : user.getRiskState().getValue(),
                  user.getRiskLevel() == null ? null : user.getRiskLevel().getValue()));
        }
      }
      String next = NextLinks.checked(baseUrl, page.getOdataNextLink(), seenLinks);
      if (next == null || found.size() == wanted.size()) {
        return found;
      }
      beforeEachRequest.await();
      page = once(() -> riskyUsers.withUrl(next).get());
    }
    return found;
  }

  private static String original(Collection<String> ids, String id) {
    return ids.stream().filter(i -> i.equalsIgnoreCase(id)).findFirst().orElse(id);
  }

  @Override
  public List<DeviceState> registeredDevices(String userId) {
    requireGuid(userId);
    var devices = graph.users().byUserId(userId).registeredDevices();
    DirectoryObjectCollectionResponse page =
        read(
            () ->
                devices.get(
                    rc -> {
                      rc.queryParameters.select = DEVICE_FIELDS;
                      rc.queryParameters.top = GraphDirectory.MAX_PAGE_SIZE;
                    }));
    List<DeviceState> found = new ArrayList<>();
    Set<String> seenLinks = new HashSet<>();
    while (page != null) {
      for (DirectoryObject item :
          page.getValue() == null ? List.<DirectoryObject>of() : page.getValue()) {
        // Registered "devices" may include other object kinds (an app registration's owner, say):
        // devices only.
        if (item instanceof Device device
            && device.getId() != null
            && Target.isGuid(device.getId())) {
          found.add(new DeviceState(device.getId(), device.getAccountEnabled()));
        } else if (DEVICE_TYPE.equals(item.getOdataType())
            && item.getId() != null
            && Target.isGuid(item.getId())) {
          found.add(new DeviceState(item.getId(), null));
        }
      }
      String next = NextLinks.checked(baseUrl, page.getOdataNextLink(), seenLinks);
      if (next == null) {
        return found;
      }
      page = read(() -> devices.withUrl(next).get());
    }
    return found;
  }

  @Override
  public String setDeviceEnabled(String deviceId, boolean enabled) {
    requireGuid(deviceId);
    HeadersInspectionOption inspection = new HeadersInspectionOption(false, true);
    Device change = new Device();
    change.setAccountEnabled(enabled);
    try {
      graph.devices().byDeviceId(deviceId).patch(change, rc -> rc.options.add(inspection));
    } catch (RuntimeException e) {
      throw GraphErrors.translate(e, clock);
    }
    return accepted(inspection);
  }

  @Override
  public Map<String, Boolean> devicesEnabled(Collection<String> deviceIds) {
    List<String> ids = new ArrayList<>(new LinkedHashSet<>(deviceIds));
    ids.forEach(GraphContainmentWrites::requireGuid);
    Map<String, Boolean> states = new HashMap<>();
    for (int from = 0; from < ids.size(); from += MAX_IN_VALUES) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_IN_VALUES));
      // Only GUIDs checked above reach the filter.
      String filter =
          "id in (" + String.join(",", chunk.stream().map(id -> "'" + id + "'").toList()) + ")";
      DeviceCollectionResponse page =
          read(
              () ->
                  graph
                      .devices()
                      .get(
                          rc -> {
                            rc.queryParameters.filter = filter;
                            rc.queryParameters.select = DEVICE_FIELDS;
                          }));
      for (Device device :
          page == null || page.getValue() == null ? List.<Device>of() : page.getValue()) {
        if (device.getId() != null) {
          states.put(original(chunk, device.getId()), device.getAccountEnabled());
        }
      }
    }
    return states;
  }

  private String accepted(HeadersInspectionOption inspection) {
    double use = GraphErrors.limitUse(inspection);
    if (!Double.isNaN(use)) {
      limitUse.accept(use);
    }
    return GraphErrors.requestId(inspection);
  }

  private static void requireGuid(String id) {
    if (id == null || !Target.isGuid(id)) {
      throw new IllegalArgumentException("an object id must be a GUID");
    }
  }

  /** One attempt, its failure translated. */
  private <T> T once(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw e instanceof GraphFailure g ? g : GraphErrors.translate(e, clock);
    }
  }

  /** Retried on transient failures under the read policy, as every directory read. */
  private <T> T read(Supplier<T> call) {
    return RetriedReads.read(readPolicy, sleeper, clock, call);
  }
}
