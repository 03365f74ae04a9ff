/**
 * Configuration, read once from environment variables into a validated, immutable record; every bad
 * variable named at start.
 */
package dev.offboarding.worker.config;
