/**
 * The Node project whose suites the Java tests run against the emulator and the worker ({@code
 * testkit/src/test/node}): its packages installed from the lock file where Node is there.
 */
package dev.offboarding.testkit.node;
