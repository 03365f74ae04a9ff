/**
 * Scheduling and cancellation: events held until their effective time, cancels and the markers that
 * outlive them.
 */
package dev.offboarding.worker.scheduling;
