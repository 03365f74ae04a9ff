/**
 * The sign-in watch: after a revoke, reads the sign-in log for successful sign-ins until the user's
 * access window closes, and publishes what it saw ({@code dev.offboarding.audit.access.v1}). Its
 * state is messages on the worker's own queue ({@link dev.offboarding.worker.watch.WatchEntry});
 * its polls take turns across replicas under one lease ({@link
 * dev.offboarding.worker.watch.WatchLease}).
 */
package dev.offboarding.worker.watch;
