package dev.offboarding.testkit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The password rules of {@code PATCH /users/{id}} with a {@code passwordProfile}, as Entra ID
 * applies them to cloud users: 8 to 256 characters from the allowed set (letters A-Z and a-z,
 * digits, the listed symbols and the blank), at least three of lower case, upper case, digits and
 * symbols. A user synchronised from on-premises (or of a federated domain) has its password managed
 * there: Graph refuses the update with 400 {@code Request_BadRequest}.
 *
 * <p>The password is checked and dropped: nothing here keeps, logs or repeats it.
 */
final class PasswordPolicy {

  static final int MIN_LENGTH = 8;
  static final int MAX_LENGTH = 256;
  static final String SYMBOLS = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ";
  static final String COMPLEXITY_MESSAGE =
      "The specified password does not comply with password complexity requirements. Please provide a different password.";
  static final String SYNCED_MESSAGE =
      "Unable to update the specified properties for on-premises mastered Directory Sync"
          + " objects or objects currently undergoing migration.";
  private static final Set<String> PROFILE_FIELDS =
      Set.of("password", "forceChangePasswordNextSignIn", "forceChangePasswordNextSignInWithMfa");

  private PasswordPolicy() {}

  /** A valid reset read from a request body; carries no password. */
  record Reset(boolean forceChangePasswordNextSignIn) {}

  /** Reads and checks a {@code passwordProfile}; throws Graph's 400 for anything else. */
  static Reset read(JsonNode profile) {
    if (profile == null || !profile.isObject()) {
      throw GraphException.badRequest(
          "Invalid value for property 'passwordProfile': an object is expected.");
    }
    boolean force = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = profile.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().startsWith("@odata.")) {
        continue; // the SDK sends the complex type's @odata.type
      }
      if (!PROFILE_FIELDS.contains(field.getKey())) {
        throw GraphException.badRequest(
            "Invalid property '" + field.getKey() + "' of 'passwordProfile'.");
      }
      if (field.getKey().startsWith("forceChange")) {
        if (!field.getValue().isBoolean()) {
          throw GraphException.badRequest(
              "Invalid value for property '" + field.getKey() + "': a boolean is expected.");
        }
        force |=
            field.getKey().equals("forceChangePasswordNextSignIn")
                && field.getValue().booleanValue();
      }
    }
    JsonNode password = profile.get("password");
    if (password == null || !password.isTextual()) {
      throw GraphException.badRequest(
          "Invalid value for property 'password': a string is expected.");
    }
    if (!complies(password.textValue())) {
      throw new GraphException(400, "Request_BadRequest", COMPLEXITY_MESSAGE);
    }
    return new Reset(force);
  }

  /** Throws Graph's 400 when the user's password is managed outside Entra ID. */
  static void requireSettable(FakeUser user) {
    if (user.onPremisesSyncEnabled() || user.federated()) {
      throw new GraphException(400, "Request_BadRequest", SYNCED_MESSAGE);
    }
  }

  static boolean complies(String password) {
    int length = password.codePointCount(0, password.length());
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return false;
    }
    boolean lower = false;
    boolean upper = false;
    boolean digit = false;
    boolean symbol = false;
    for (int i = 0; i < password.length(); i++) {
      char c = password.charAt(i);
      if (c >= 'a' && c <= 'z') {
        lower = true;
      } else if (c >= 'A' && c <= 'Z') {
        upper = true;
      } else if (c >= '0' && c <= '9') {
        digit = true;
      } else if (SYMBOLS.indexOf(c) >= 0) {
        symbol = true;
      } else {
        return false;
      }
    }
    int kinds = (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (symbol ? 1 : 0);
    return kinds >= 3;
  }
}
