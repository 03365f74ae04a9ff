/**
 * The tenant write governor: one token bucket per process that every Graph write passes, with
 * urgent writes served first and 429s slowing the pace.
 */
package dev.offboarding.worker.budget;
