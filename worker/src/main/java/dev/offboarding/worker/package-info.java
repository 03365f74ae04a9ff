/**
 * The worker's composition root ({@link dev.offboarding.worker.Wiring}), its running service and
 * its command line.
 */
package dev.offboarding.worker;
