package dev.offboarding.worker.domain;

import java.time.Instant;

/**
 * What the directory says now about the two properties the worker writes, read back to see
 * whether a write took effect.
 *
 * @param accountEnabled whether the account can sign in; null when the directory did not say
 * @param signInSessionsValidFrom {@code signInSessionsValidFromDateTime}: refresh tokens and
 *     session cookies issued before it are invalid (Graph reports whole seconds); null when the
 *     directory did not say
 */
public record AccountState(Boolean accountEnabled, Instant signInSessionsValidFrom) {}
