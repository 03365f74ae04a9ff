/**
 * Execution: the writes to each planned user through the account-writes port, under the write
 * budget, retries and outage guard.
 */
package dev.offboarding.worker.execute;
