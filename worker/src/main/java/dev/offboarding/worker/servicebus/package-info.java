/**
 * The Azure Service Bus adapters over the official SDK: intake (processor client), the audit sink,
 * follow-ups, the mass-action brake's counts (session state), clients and the event messages {@code
 * send} enqueues.
 */
package dev.offboarding.worker.servicebus;
