/**
 * Audit: event summaries, their publication through the audit port, and the settlement decided for
 * each delivery.
 */
package dev.offboarding.worker.audit;
