package dev.offboarding.worker.execute;

import dev.offboarding.contracts.ActionResult;
import java.time.Instant;

/**
 * A write's result, and when its last attempt was sent (null when nothing was sent, or nothing is
 * left to read back).
 */
record Sent(ActionResult result, Instant at) {}
