/**
 * The Azure Service Bus adapters over the official SDK: intake (processor client), the audit sink,
 * follow-ups, clients and the event messages {@code send} enqueues.
 */
package dev.offboarding.worker.servicebus;
