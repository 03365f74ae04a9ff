/**
 * The event flow: runs one delivery through intake, guards, planning, protection, execution,
 * verification, continuation and audit.
 */
package dev.offboarding.worker.process;
