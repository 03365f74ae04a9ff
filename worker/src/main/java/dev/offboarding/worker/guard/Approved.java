package dev.offboarding.worker.guard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A second person's approval, as the event it released carries it: on the approved copy the worker
 * hands its own queue, and on every follow-up of that event, so that its later chunks are not held
 * again. Only the worker writes these (its own queue), and only after checking the approver is not
 * the requester.
 *
 * @param approvedBy who approved, as the approve event says
 * @param approvalId the approve event's id
 * @param users the users the approval names, each as a {@link #digest}: for a restore, those let
 *     through although their sessions were revoked recently ({@code RESTORE_COOLDOWN}). Digests,
 *     not the names, so that an approval of a thousand users stays small wherever it travels (an
 *     application property, a follow-up) and names no one there
 */
public record Approved(String approvedBy, String approvalId, Set<String> users) {
  /** The most users an approval names ({@code dev.offboarding.approve.v1}'s {@code maxItems}). */
  public static final int MAX_USERS = dev.offboarding.contracts.Approval.MAX_USERS;

  /** The longest approver and approval id, as the contract allows them. */
  static final int MAX_TEXT = 256;

  private static final Pattern DIGEST = Pattern.compile("[A-Za-z0-9_-]{11}");

  public Approved {
    if (approvedBy == null
        || approvedBy.isBlank()
        || approvedBy.length() > MAX_TEXT
        || approvedBy.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "approvedBy must be a requester as the contract allows one");
    }
    if (approvalId == null
        || approvalId.isBlank()
        || approvalId.length() > MAX_TEXT
        || approvalId.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "approvalId must be an event id as the contract allows one");
    }
    users =
        java.util.Collections.unmodifiableSet(
            new TreeSet<>(Objects.requireNonNull(users, "users")));
    if (users.size() > MAX_USERS
        || !users.stream().allMatch(u -> u != null && DIGEST.matcher(u).matches())) {
      throw new IllegalArgumentException("users must be at most " + MAX_USERS + " digests");
    }
  }

  /**
   * The approval of {@code approver} (approve event {@code approvalId}) naming {@code users}, ids
   * or UPNs.
   */
  public static Approved of(String approver, String approvalId, Collection<String> users) {
    Set<String> digests = new TreeSet<>();
    users.forEach(u -> digests.add(digest(u)));
    return new Approved(approver, approvalId, digests);
  }

  /** True when the approval names the user with this object id or UPN (either may be null). */
  public boolean names(String userId, String userPrincipalName) {
    return (userId != null && users.contains(digest(userId)))
        || (userPrincipalName != null && users.contains(digest(userPrincipalName)));
  }

  /**
   * A user's id or UPN as an approval carries it: the first 8 bytes of the SHA-256 of its
   * lower-case form, in base64url (11 characters). Object ids and UPNs are matched ignoring case,
   * as Entra does.
   */
  public static String digest(String idOrUserPrincipalName) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  idOrUserPrincipalName.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(java.util.Arrays.copyOf(hash, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The users as one application property value: digests separated by commas. */
  public String usersProperty() {
    return String.join(",", users);
  }

  /**
   * The users of an application property as {@link #usersProperty} writes it.
   *
   * @throws IllegalArgumentException when it is not such a list
   */
  public static Set<String> usersFromProperty(String value) {
    if (value == null || value.isEmpty()) {
      return Set.of();
    }
    if (value.length() > MAX_USERS * 12) {
      throw new IllegalArgumentException("too many approved users");
    }
    return new TreeSet<>(java.util.List.of(value.split(",", -1)));
  }
}
