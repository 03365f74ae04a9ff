/**
 * The {@code local} command: the embedded Service Bus emulator, the fake tenant and the worker on
 * one machine, with sample events.
 */
package dev.offboarding.testkit.local;
