/**
 * The wire contracts, version 1: the CloudEvents records of events and audit messages, their JSON
 * Schemas and examples, and strict codecs that report every problem with its JSON path. Depends on
 * Jackson only; producers may depend on this package.
 */
package dev.offboarding.contracts;
