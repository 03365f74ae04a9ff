/**
 * A fake Microsoft Graph tenant: a stateful HTTP server that answers like Graph v1.0 for everything
 * the worker uses (users, groups, transitive members, filters, writes, {@code $batch}), with a
 * write budget, injectable faults and a write log.
 */
package dev.offboarding.testkit.graph;
