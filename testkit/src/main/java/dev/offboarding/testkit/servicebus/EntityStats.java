package dev.offboarding.testkit.servicebus;

/**
 * Message counts of one queue or subscription, as the service's runtime properties report them.
 *
 * @param active receivable or locked messages (neither deferred nor scheduled)
 * @param locked the part of {@code active} a peek-lock receiver holds right now
 * @param deferred messages set aside for receive-by-sequence-number
 * @param scheduled messages waiting for their scheduled enqueue time
 * @param deadLettered messages in the entity's dead-letter subqueue
 */
public record EntityStats(
    long active, long locked, long deferred, long scheduled, long deadLettered) {}
