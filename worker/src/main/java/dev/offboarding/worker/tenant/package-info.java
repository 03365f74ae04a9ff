/**
 * The tenant as every step of the flow sees it: the directory port ({@link
 * dev.offboarding.worker.tenant.Directory}) with its users, account states and role assignments,
 * how a call to Graph fails ({@link dev.offboarding.worker.tenant.GraphFailure}), and how callers
 * wait between calls ({@link dev.offboarding.worker.tenant.Sleeper}). It depends on no other
 * package of the worker; planning, protection and verification depend on it alone among the steps.
 */
package dev.offboarding.worker.tenant;
