/**
 * The resilience policies behind the domain's ports, on resilience4j: what is retried and how long
 * to wait, and the outage breaker on writes.
 */
package dev.offboarding.worker.resilience;
