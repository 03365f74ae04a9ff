/**
 * Lifecycle Workflows: an event whose id names a task processing result ({@code
 * lcw/<workflow>/<task>/<result>}) is checked at intake, flagged while it waits, and, with {@code
 * LIFECYCLE_WORKFLOWS_RESUME}, answered once through Graph's resume call after its final summary,
 * by way of a pending resume on the worker's own queue.
 */
package dev.offboarding.worker.lifecycle;
