/**
 * Planning: resolves an event's targets to users through the directory port, streaming, with the
 * blast radius bounded.
 */
package dev.offboarding.worker.plan;
