/**
 * The delivery flow, free of SDK types: one handler per queue runs each delivered message through
 * the domain, retries what is transient in-process under the intake backoff, and settles it once
 * (complete, dead-letter or abandon) after its audit is published. The Service Bus adapters feed it
 * and implement its ports.
 */
package dev.offboarding.worker.flow;
