/**
 * Guards on mass action: two-person approval of large events and restores, and the tenant-wide
 * brake on users per hour.
 */
package dev.offboarding.worker.guard;
