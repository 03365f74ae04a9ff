/**
 * The throughput benchmark: bulk utilisation of the tenant write budget, urgent latency during
 * bulk, replicas sharing one budget, against the fake tenant with a Graph-like latency model.
 * Prints figures and appends them to a file; not part of the tests.
 */
package dev.offboarding.bench;
