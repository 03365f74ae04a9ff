package dev.offboarding.testkit.graph;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * A user in the fake tenant: the properties the worker reads, the state it writes ({@code
 * accountEnabled}, {@code signInSessionsValidFromDateTime}) and a test-only flag that makes every
 * write to the user answer 403 {@code Authorization_RequestDenied}, the way Graph treats an
 * application without the admin role needed for a privileged target.
 *
 * @param id object id (GUID, lower case)
 * @param userPrincipalName sign-in name; unique in the tenant, compared case-insensitively
 * @param displayName display name
 * @param accountEnabled whether the account can sign in
 * @param userType {@code Member} or {@code Guest}
 * @param mail mail address, may be null
 * @param department may be null
 * @param companyName may be null
 * @param officeLocation may be null
 * @param jobTitle may be null
 * @param employeeId may be null
 * @param city may be null
 * @param country may be null
 * @param signInSessionsValidFromDateTime tokens issued before this instant are invalid
 * @param writesForbidden when true, PATCH and revokeSignInSessions on this user answer 403
 * @param onPremisesSyncEnabled true for a user synchronised from on-premises Active Directory:
 *     Graph refuses to set its password ({@code passwordProfile})
 * @param federated true for a user of a federated domain, whose password lives with the identity
 *     provider: the fake refuses to set it, like a synchronised user's
 * @param lastPasswordChangeDateTime when the password was last set, or null when never
 */
public record FakeUser(
    String id,
    String userPrincipalName,
    String displayName,
    boolean accountEnabled,
    String userType,
    String mail,
    String department,
    String companyName,
    String officeLocation,
    String jobTitle,
    String employeeId,
    String city,
    String country,
    Instant signInSessionsValidFromDateTime,
    boolean writesForbidden,
    boolean onPremisesSyncEnabled,
    boolean federated,
    Instant lastPasswordChangeDateTime)
    implements DirectoryObject {

  /** {@code userType} of employees. */
  public static final String MEMBER = "Member";

  /** {@code userType} of B2B guests. */
  public static final String GUEST = "Guest";

  /** The session watermark users start with unless told otherwise. */
  public static final Instant DEFAULT_SESSIONS_VALID_FROM = Instant.parse("2024-01-01T00:00:00Z");

  public FakeUser {
    id = DirectoryObject.requireGuid(id, "user id");
    Objects.requireNonNull(userPrincipalName, "userPrincipalName");
    if (userPrincipalName.isBlank() || userPrincipalName.indexOf('@') < 1) {
      throw new IllegalArgumentException(
          "userPrincipalName must be name@domain: " + userPrincipalName);
    }
    Objects.requireNonNull(displayName, "displayName");
    if (!MEMBER.equals(userType) && !GUEST.equals(userType)) {
      throw new IllegalArgumentException("userType must be Member or Guest: " + userType);
    }
    Objects.requireNonNull(signInSessionsValidFromDateTime, "signInSessionsValidFromDateTime");
  }

  /** A builder for the user with this UPN; its id defaults to one derived from the UPN. */
  public static Builder builder(String userPrincipalName) {
    return new Builder(userPrincipalName);
  }

  /**
   * The id {@link #builder(String)} gives a user with this UPN unless told otherwise: a name-based
   * UUID, so seeds and tests get the same id on every run.
   */
  public static String idFor(String userPrincipalName) {
    return UUID.nameUUIDFromBytes(
            ("user:" + userPrincipalName.toLowerCase(Locale.ROOT)).getBytes(UTF_8))
        .toString();
  }

  @Override
  public String odataType() {
    return "#microsoft.graph.user";
  }

  /** True for B2B guests (revocation does not reach their home tenant). */
  public boolean isGuest() {
    return GUEST.equals(userType);
  }

  /** This user with {@code accountEnabled} changed. */
  public FakeUser withAccountEnabled(boolean enabled) {
    return toBuilder().accountEnabled(enabled).build();
  }

  /** This user with its session watermark moved. */
  public FakeUser withSignInSessionsValidFrom(Instant validFrom) {
    return toBuilder().signInSessionsValidFromDateTime(validFrom).build();
  }

  /** This user after a password was set at {@code at} (the password itself is never kept). */
  public FakeUser withPasswordChangedAt(Instant at) {
    return toBuilder().lastPasswordChangeDateTime(at).build();
  }

  /** A builder holding this user's values. */
  public Builder toBuilder() {
    return new Builder(userPrincipalName)
        .id(id)
        .displayName(displayName)
        .accountEnabled(accountEnabled)
        .userType(userType)
        .mail(mail)
        .department(department)
        .companyName(companyName)
        .officeLocation(officeLocation)
        .jobTitle(jobTitle)
        .employeeId(employeeId)
        .city(city)
        .country(country)
        .signInSessionsValidFromDateTime(signInSessionsValidFromDateTime)
        .writesForbidden(writesForbidden)
        .onPremisesSyncEnabled(onPremisesSyncEnabled)
        .federated(federated)
        .lastPasswordChangeDateTime(lastPasswordChangeDateTime);
  }

  /** Builds a {@link FakeUser}; only the UPN is required. Not thread-safe. */
  public static final class Builder {
    private final String userPrincipalName;
    private String id;
    private String displayName;
    private boolean accountEnabled = true;
    private String userType;
    private String mail;
    private String department;
    private String companyName;
    private String officeLocation;
    private String jobTitle;
    private String employeeId;
    private String city;
    private String country;
    private Instant signInSessionsValidFromDateTime = DEFAULT_SESSIONS_VALID_FROM;
    private boolean writesForbidden;
    private boolean onPremisesSyncEnabled;
    private boolean federated;
    private Instant lastPasswordChangeDateTime;

    private Builder(String userPrincipalName) {
      this.userPrincipalName = Objects.requireNonNull(userPrincipalName, "userPrincipalName");
    }

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder displayName(String displayName) {
      this.displayName = displayName;
      return this;
    }

    public Builder accountEnabled(boolean accountEnabled) {
      this.accountEnabled = accountEnabled;
      return this;
    }

    /** {@code Member} or {@code Guest}; defaults to Guest for {@code #EXT#} UPNs, else Member. */
    public Builder userType(String userType) {
      this.userType = userType;
      return this;
    }

    /** Shorthand for {@code userType("Guest")}. */
    public Builder guest() {
      return userType(GUEST);
    }

    public Builder mail(String mail) {
      this.mail = mail;
      return this;
    }

    public Builder department(String department) {
      this.department = department;
      return this;
    }

    public Builder companyName(String companyName) {
      this.companyName = companyName;
      return this;
    }

    public Builder officeLocation(String officeLocation) {
      this.officeLocation = officeLocation;
      return this;
    }

    public Builder jobTitle(String jobTitle) {
      this.jobTitle = jobTitle;
      return this;
    }

    public Builder employeeId(String employeeId) {
      this.employeeId = employeeId;
      return this;
    }

    public Builder city(String city) {
      this.city = city;
      return this;
    }

    public Builder country(String country) {
      this.country = country;
      return this;
    }

    public Builder signInSessionsValidFromDateTime(Instant validFrom) {
      this.signInSessionsValidFromDateTime = validFrom;
      return this;
    }

    /** Makes every write to this user answer 403 (e.g. a privileged admin the app cannot touch). */
    public Builder writesForbidden(boolean writesForbidden) {
      this.writesForbidden = writesForbidden;
      return this;
    }

    /**
     * Marks the user as synchronised from on-premises Active Directory (its password cannot be set
     * here).
     */
    public Builder onPremisesSyncEnabled(boolean synced) {
      this.onPremisesSyncEnabled = synced;
      return this;
    }

    /** Marks the user as one of a federated domain (its password cannot be set here). */
    public Builder federated(boolean federated) {
      this.federated = federated;
      return this;
    }

    public Builder lastPasswordChangeDateTime(Instant at) {
      this.lastPasswordChangeDateTime = at;
      return this;
    }

    public FakeUser build() {
      String type =
          userType != null ? userType : userPrincipalName.contains("#EXT#") ? GUEST : MEMBER;
      String name =
          displayName != null
              ? displayName
              : userPrincipalName.substring(0, Math.max(0, userPrincipalName.indexOf('@')));
      return new FakeUser(
          id != null ? id : idFor(userPrincipalName),
          userPrincipalName,
          name,
          accountEnabled,
          type,
          mail,
          department,
          companyName,
          officeLocation,
          jobTitle,
          employeeId,
          city,
          country,
          signInSessionsValidFromDateTime,
          writesForbidden,
          onPremisesSyncEnabled,
          federated,
          lastPasswordChangeDateTime);
    }
  }
}
