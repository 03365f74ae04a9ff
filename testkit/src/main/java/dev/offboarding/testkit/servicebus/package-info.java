/**
 * An embedded Service Bus emulator on Proton-J: AMQP 1.0 with Service Bus conventions (CBS, {@code
 * $management}, dispositions, dead-letter sub-queues, topics and filters, and, when configured,
 * shared access keys with their rights per entity), so the official SDKs run unmodified against it.
 */
package dev.offboarding.testkit.servicebus;
