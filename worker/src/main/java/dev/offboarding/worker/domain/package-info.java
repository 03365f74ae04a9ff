/**
 * The domain, free of SDK types: planning (targets to users, protection, blast radius), execution
 * (writes, retries under policy, verification), continuation of unfinished users, audit results
 * and the settlement decided for each delivery. It reaches Graph, the broker and resilience
 * policies only through the ports defined here ({@code Directory}, {@code AccountWrites}, {@code
 * AuditSink}, {@code FollowUps}, {@code WriteBudget}, {@code Retries}, {@code OutageGuard}, {@code
 * MassActionBrake}).
 */
package dev.offboarding.worker.domain;
