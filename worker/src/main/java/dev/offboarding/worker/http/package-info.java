/**
 * The HTTP endpoints for operators: {@code /health/live}, {@code /health/ready} and {@code
 * /metrics}.
 */
package dev.offboarding.worker.http;
