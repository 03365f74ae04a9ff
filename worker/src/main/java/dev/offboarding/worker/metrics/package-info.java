/**
 * The worker's metrics, with one owner: every exported name is a constant of {@link
 * dev.offboarding.worker.metrics.Metrics}, every label a closed set.
 */
package dev.offboarding.worker.metrics;
