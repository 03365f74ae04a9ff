/**
 * Continuation: bounds how much of an event one delivery does and carries the rest in follow-up
 * messages.
 */
package dev.offboarding.worker.continuation;
