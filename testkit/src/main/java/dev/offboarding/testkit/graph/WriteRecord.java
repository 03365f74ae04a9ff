package dev.offboarding.testkit.graph;

import java.time.Instant;
import java.util.Objects;

/**
 * One write a {@link FakeGraphServer} received, whatever its outcome.
 *
 * @param time when it was answered, by the server's clock
 * @param userId the user's object id, or the key as sent when no user matched; for a device write,
 *     the device's object id
 * @param kind what the write asked for
 * @param status the HTTP status it was answered with (2xx: applied)
 * @param requestId the {@code request-id} of its response
 * @param inBatch whether it arrived inside a {@code $batch}
 */
public record WriteRecord(
    Instant time, String userId, Kind kind, int status, String requestId, boolean inBatch) {

  /** What a write asked for. */
  public enum Kind {
    /** {@code PATCH /users/{id} {"accountEnabled": false}}. */
    DISABLE,
    /** {@code PATCH /users/{id} {"accountEnabled": true}}. */
    ENABLE,
    /** {@code POST /users/{id}/revokeSignInSessions}. */
    REVOKE,
    /**
     * {@code PATCH /users/{id}} setting no property, e.g. {@code {}}: answered 204, changes
     * nothing.
     */
    UPDATE,
    /**
     * {@code PATCH /users/{id} {"passwordProfile": {...}}} (the password itself is never recorded).
     */
    RESET_PASSWORD,
    /**
     * {@code POST /identityProtection/riskyUsers/confirmCompromised}: one record per user id it
     * names.
     */
    CONFIRM_COMPROMISED,
    /** {@code PATCH /devices/{id} {"accountEnabled": false}}. */
    DISABLE_DEVICE,
    /** {@code PATCH /devices/{id} {"accountEnabled": true}}. */
    ENABLE_DEVICE
  }

  public WriteRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(requestId, "requestId");
  }

  /** True when the write was applied (2xx). */
  public boolean accepted() {
    return status >= 200 && status < 300;
  }
}
