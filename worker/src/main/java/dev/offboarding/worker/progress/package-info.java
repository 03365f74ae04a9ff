/** Progress of long events: users remaining, and a log line every 30 seconds. */
package dev.offboarding.worker.progress;
