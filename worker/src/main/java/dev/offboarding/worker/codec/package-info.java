/**
 * Every JSON the stages read or write (follow-ups, cancellation markers, the brake ledger, the
 * intake policy file, a body's format), kept out of the stage packages.
 */
package dev.offboarding.worker.codec;
