package dev.offboarding.contracts;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** One thing an event asks the worker to act on; resolved to users during planning. */
public sealed interface Target permits Target.User, Target.Group, Target.Attribute {

  /** Directory object ids are GUIDs. */
  Pattern GUID =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  /**
   * A user principal name: local part and domain, no whitespace, separator, control or format
   * characters. Local parts may contain {@code ' # $ + &} and non-ASCII letters, so this is
   * deliberately permissive there; the domain must be dotted labels of letters and digits of the
   * Basic Multilingual Plane. The text is the event schema's {@code $defs/upn/pattern}, written
   * with explicit ranges (Unicode 16.0 categories Cc, Cf, Cs, Z, L and N) so that ECMA-262, Java,
   * .NET, Python and RE2 engines read it alike; {@link #isUpn} also applies the schema's {@code
   * not} pattern. Check {@link #MAX_UPN_LENGTH} before matching.
   */
  Pattern UPN = UpnPatterns.WHOLE;

  /** Entra ID caps a user principal name at 113 characters (Unicode code points here). */
  int MAX_UPN_LENGTH = 113;

  /** User attributes an event may select users by; anything else is rejected. */
  Set<String> ALLOWED_ATTRIBUTES =
      Set.of(
          "department",
          "companyName",
          "officeLocation",
          "jobTitle",
          "employeeId",
          "city",
          "country");

  /** A user by object id or user principal name. */
  record User(String user) implements Target {
    public User {
      Objects.requireNonNull(user, "user");
      if (!isGuid(user) && !isUpn(user)) {
        throw new IllegalArgumentException(
            "user must be an object id (GUID) or a user principal name");
      }
    }

    /** True when {@link #user()} is an object id rather than a UPN. */
    public boolean isObjectId() {
      return isGuid(user);
    }
  }

  /** Every transitive user member of a group, by group object id. */
  record Group(String group) implements Target {
    public Group {
      Objects.requireNonNull(group, "group");
      if (!isGuid(group)) {
        throw new IllegalArgumentException("group must be an object id (GUID)");
      }
      group = group.toLowerCase(Locale.ROOT);
    }
  }

  /** Every user whose allow-listed attribute equals a value exactly. */
  record Attribute(String attribute, String equals) implements Target {
    public static final int MAX_VALUE_LENGTH = 256;

    public Attribute {
      Objects.requireNonNull(attribute, "attribute");
      Objects.requireNonNull(equals, "equals");
      if (!ALLOWED_ATTRIBUTES.contains(attribute)) {
        throw new IllegalArgumentException("attribute is not one of " + ALLOWED_ATTRIBUTES);
      }
      // Code points, not UTF-16 units, as JSON Schema's maxLength counts them.
      if (equals.isBlank() || equals.codePointCount(0, equals.length()) > MAX_VALUE_LENGTH) {
        throw new IllegalArgumentException("equals must be 1.." + MAX_VALUE_LENGTH + " characters");
      }
      if (equals.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("equals must not contain control characters");
      }
    }
  }

  /** True when {@code s} is a directory object id. */
  static boolean isGuid(String s) {
    return s != null && GUID.matcher(s).matches();
  }

  /**
   * True when {@code s} is a user principal name. The length is checked first: it bounds the work
   * the regular expression can do on hostile input.
   */
  static boolean isUpn(String s) {
    return s != null
        && s.codePointCount(0, s.length()) <= MAX_UPN_LENGTH
        && UPN.matcher(s).matches()
        && !UpnPatterns.EXCLUDED.matcher(s).find();
  }
}
