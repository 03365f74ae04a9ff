/** The commands of {@code offboarding-worker.jar}: run, send, validate, dry-run. */
package dev.offboarding.worker.cli;
