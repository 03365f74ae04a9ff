package dev.offboarding.testkit.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Generates deterministic tenants: the same user count and seed give the same ids, names and
 * memberships on every run.
 *
 * <p>Shape of {@link #generate(int, long)} (names are the constants of this class):
 *
 * <ul>
 *   <li>Users: {@link #HARD_UPNS} (six members whose UPNs contain {@code ' # $ +} and non-ASCII
 *       letters, department {@link #HARD_DEPARTMENT}); admins {@code admin<i>@contoso.com} (1 %, at
 *       least 2) with job title "Global Administrator" and writes forbidden (403); guests {@code
 *       guest<i>_fabrikam.com#EXT#@contoso.onmicrosoft.com} (5 %, at least 2, userType Guest); the
 *       rest {@code user<i>@contoso.com} with departments from {@link #DEPARTMENTS} and other
 *       filterable attributes filled in.
 *   <li>{@link #ORG_ROOT} → three divisions ({@code Division 1..3}) → three teams each ({@code Team
 *       d.t}) → two squads each ({@code Squad d.t.s}): four levels, no cycle. Regular users sit in
 *       one squad each; every tenth is also a direct member of its team (so expansion must
 *       deduplicate). Devices are spread over the teams.
 *   <li>{@link #SHARED_SERVICES}: guests, hard-UPN users, every contact and service principal and
 *       one device; nested in both Division 1 and Division 2 (a group nested twice).
 *   <li>{@link #BREAK_GLASS}: the admins; nested in Division 3. {@link #GUESTS}, {@link
 *       #HARD_UPN_USERS}: what their names say. {@link #ALL_EMPLOYEES}: every member user, direct.
 * </ul>
 *
 * <p>So {@code transitiveMembers} of {@link #ORG_ROOT} reaches every user once, plus devices,
 * contacts, service principals and 32 nested groups.
 */
public final class TenantGenerator {

  /** Top of the nested organisation tree. */
  public static final String ORG_ROOT = "Org Root";

  /** Every member (non-guest) user as a direct member. */
  public static final String ALL_EMPLOYEES = "All Employees";

  /** Nested in Division 1 and Division 2. */
  public static final String SHARED_SERVICES = "Shared Services";

  /** The admins whose writes answer 403; nested in Division 3. */
  public static final String BREAK_GLASS = "Break Glass Admins";

  /** Every guest. */
  public static final String GUESTS = "Guests";

  /** The users with hard UPNs. */
  public static final String HARD_UPN_USERS = "Hard UPNs";

  /** Department of the hard-UPN users: needs both URL encoding and OData quote escaping. */
  public static final String HARD_DEPARTMENT = "R&D O'Neill";

  /** UPNs that break naive URL building and OData quoting. */
  public static final List<String> HARD_UPNS =
      List.of(
          "o'brien@contoso.com",
          "hash#tag@contoso.com",
          "dollar$sign@contoso.com",
          "plus+tag@contoso.com",
          "zoë.müller@contoso.com",
          "josé.garcía@contoso.com");

  /** Departments of regular users. */
  public static final List<String> DEPARTMENTS =
      List.of(
          "Sales", "Engineering", "Finance", "HR", "Legal", "Marketing", "Operations", "Support");

  private static final List<String> CITIES =
      List.of("Seattle", "London", "Paris", "Berlin", "Tokyo", "Madrid");
  private static final List<String> COUNTRIES = List.of("US", "GB", "FR", "DE", "JP", "ES");
  private static final List<String> TITLES =
      List.of("Engineer", "Manager", "Analyst", "Director", "Associate");
  private static final List<String> OFFICES =
      List.of("Building 1", "Building 2", "Remote", "HQ 4th floor");
  private static final int DIVISIONS = 3;
  private static final int TEAMS_PER_DIVISION = 3;
  private static final int SQUADS_PER_TEAM = 2;

  private TenantGenerator() {}

  /** A generated tenant of {@code userCount} users (at least 30); see the class comment. */
  public static FakeTenant generate(int userCount, long seed) {
    if (userCount < 30) {
      throw new IllegalArgumentException(
          "a generated tenant needs at least 30 users, got " + userCount);
    }
    Random random = new Random(seed);
    FakeTenant tenant = new FakeTenant();
    int admins = Math.min(20, Math.max(2, userCount / 100));
    int guests = Math.max(2, userCount / 20);
    int regular = userCount - HARD_UPNS.size() - admins - guests;

    List<String> employees = new ArrayList<>();
    List<String> hard = new ArrayList<>();
    for (String upn : HARD_UPNS) {
      hard.add(
          tenant
              .addUser(
                  FakeUser.builder(upn)
                      .id(randomId(random))
                      .department(HARD_DEPARTMENT)
                      .companyName("Contoso")
                      .city("Dublin")
                      .country("IE")
                      .mail(upn)
                      .build())
              .id());
    }
    employees.addAll(hard);
    List<String> adminIds = new ArrayList<>();
    for (int i = 1; i <= admins; i++) {
      String upn = "admin" + i + "@contoso.com";
      adminIds.add(
          tenant
              .addUser(
                  FakeUser.builder(upn)
                      .id(randomId(random))
                      .displayName("Admin " + i)
                      .jobTitle("Global Administrator")
                      .department("IT")
                      .companyName("Contoso")
                      .mail(upn)
                      .writesForbidden(true)
                      .build())
              .id());
    }
    employees.addAll(adminIds);
    List<String> guestIds = new ArrayList<>();
    for (int i = 1; i <= guests; i++) {
      guestIds.add(
          tenant
              .addUser(
                  FakeUser.builder("guest" + i + "_fabrikam.com#EXT#@contoso.onmicrosoft.com")
                      .id(randomId(random))
                      .displayName("Guest " + i)
                      .userType(FakeUser.GUEST)
                      .companyName("Fabrikam")
                      .mail("guest" + i + "@fabrikam.com")
                      .build())
              .id());
    }
    List<String> regularIds = new ArrayList<>();
    for (int i = 1; i <= regular; i++) {
      String upn = "user" + i + "@contoso.com";
      int place = random.nextInt(CITIES.size());
      regularIds.add(
          tenant
              .addUser(
                  FakeUser.builder(upn)
                      .id(randomId(random))
                      .displayName("User " + i)
                      .department(DEPARTMENTS.get(random.nextInt(DEPARTMENTS.size())))
                      .companyName("Contoso")
                      .jobTitle(TITLES.get(random.nextInt(TITLES.size())))
                      .officeLocation(OFFICES.get(random.nextInt(OFFICES.size())))
                      .employeeId(String.format(Locale.ROOT, "E%06d", i))
                      .city(CITIES.get(place))
                      .country(COUNTRIES.get(place))
                      .mail(upn)
                      .build())
              .id());
    }
    employees.addAll(regularIds);

    int deviceCount = Math.max(2, userCount / 10);
    List<String> devices = new ArrayList<>();
    for (int i = 1; i <= deviceCount; i++) {
      devices.add(
          tenant
              .addDevice(
                  new FakeDevice(
                      randomId(random),
                      "DESKTOP-" + i,
                      randomId(random),
                      i % 3 == 0 ? "iOS" : "Windows",
                      true))
              .id());
    }
    List<String> contacts = new ArrayList<>();
    for (int i = 1; i <= Math.max(2, userCount / 50); i++) {
      contacts.add(
          tenant
              .addContact(
                  new FakeOrgContact(
                      randomId(random), "Contact " + i, "contact" + i + "@partner.example"))
              .id());
    }
    List<String> principals = new ArrayList<>();
    for (int i = 1; i <= Math.max(2, userCount / 100); i++) {
      principals.add(
          tenant
              .addServicePrincipal(
                  new FakeServicePrincipal(randomId(random), "App " + i, randomId(random)))
              .id());
    }

    FakeGroup root = group(tenant, random, ORG_ROOT);
    FakeGroup shared = group(tenant, random, SHARED_SERVICES);
    FakeGroup breakGlass = group(tenant, random, BREAK_GLASS);
    List<String> teams = new ArrayList<>();
    List<String> squads = new ArrayList<>();
    for (int d = 1; d <= DIVISIONS; d++) {
      FakeGroup division = group(tenant, random, "Division " + d);
      tenant.addMembers(root.id(), division);
      for (int t = 1; t <= TEAMS_PER_DIVISION; t++) {
        FakeGroup team = group(tenant, random, "Team " + d + "." + t);
        tenant.addMembers(division.id(), team);
        teams.add(team.id());
        for (int s = 1; s <= SQUADS_PER_TEAM; s++) {
          FakeGroup squad = group(tenant, random, "Squad " + d + "." + t + "." + s);
          tenant.addMembers(team.id(), squad);
          squads.add(squad.id());
        }
      }
      if (d <= 2) {
        tenant.addMembers(division.id(), shared);
      } else {
        tenant.addMembers(division.id(), breakGlass);
      }
    }
    List<List<String>> squadMembers = buckets(squads.size());
    List<List<String>> teamMembers = buckets(teams.size());
    for (int i = 0; i < regularIds.size(); i++) {
      int squad = i % squads.size();
      squadMembers.get(squad).add(regularIds.get(i));
      if (i % 10 == 0) {
        teamMembers.get(squad / SQUADS_PER_TEAM).add(regularIds.get(i));
      }
    }
    for (int i = 1; i < devices.size(); i++) {
      teamMembers.get(i % teams.size()).add(devices.get(i));
    }
    for (int i = 0; i < squads.size(); i++) {
      tenant.addMembers(squads.get(i), squadMembers.get(i));
    }
    for (int i = 0; i < teams.size(); i++) {
      tenant.addMembers(teams.get(i), teamMembers.get(i));
    }
    List<String> sharedMembers = new ArrayList<>(guestIds);
    sharedMembers.addAll(hard);
    sharedMembers.addAll(contacts);
    sharedMembers.addAll(principals);
    sharedMembers.add(devices.get(0));
    tenant.addMembers(shared.id(), sharedMembers);
    tenant.addMembers(breakGlass.id(), adminIds);
    tenant.addMembers(group(tenant, random, GUESTS).id(), guestIds);
    tenant.addMembers(group(tenant, random, HARD_UPN_USERS).id(), hard);
    tenant.addMembers(group(tenant, random, ALL_EMPLOYEES).id(), employees);
    return tenant;
  }

  /** See {@link FakeTenant#addLargeGroup(String, int, int, long)}. */
  static FakeGroup addLargeGroup(
      FakeTenant tenant, String displayName, int userCount, int fanOut, long seed) {
    if (userCount < 1 || fanOut < 1) {
      throw new IllegalArgumentException("userCount and fanOut must be positive");
    }
    Random random = new Random(seed);
    String prefix =
        displayName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    FakeGroup top = group(tenant, random, displayName);
    List<String> leaves = new ArrayList<>();
    for (int m = 1; m <= fanOut; m++) {
      FakeGroup mid = group(tenant, random, displayName + " / " + m);
      tenant.addMembers(top.id(), mid);
      for (int l = 1; l <= fanOut; l++) {
        FakeGroup leaf = group(tenant, random, displayName + " / " + m + "." + l);
        tenant.addMembers(mid.id(), leaf);
        leaves.add(leaf.id());
      }
    }
    List<List<String>> leafMembers = buckets(leaves.size());
    List<String> direct = new ArrayList<>();
    for (int i = 1; i <= userCount; i++) {
      String upn = prefix + "-" + i + "@contoso.com";
      FakeUser user =
          tenant.addUser(
              FakeUser.builder(upn)
                  .id(randomId(random))
                  .displayName(displayName + " member " + i)
                  .mail(upn)
                  .department("Bulk")
                  .companyName("Contoso")
                  .build());
      leafMembers.get(i % leaves.size()).add(user.id());
      if (i % 100 == 0) {
        direct.add(user.id());
      }
    }
    for (int i = 0; i < leaves.size(); i++) {
      tenant.addMembers(leaves.get(i), leafMembers.get(i));
    }
    tenant.addMembers(top.id(), direct);
    return top;
  }

  private static FakeGroup group(FakeTenant tenant, Random random, String name) {
    return tenant.addGroup(new FakeGroup(randomId(random), name, null));
  }

  private static List<List<String>> buckets(int n) {
    List<List<String>> buckets = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      buckets.add(new ArrayList<>());
    }
    return buckets;
  }

  /** A version-4-shaped GUID drawn from the seeded generator. */
  static String randomId(Random random) {
    long hi = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(hi, lo).toString();
  }
}
