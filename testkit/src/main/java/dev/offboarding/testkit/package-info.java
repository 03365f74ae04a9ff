/**
 * Test infrastructure that is real software in its own right, and its command line ({@code
 * offboarding-testkit.jar}).
 */
package dev.offboarding.testkit;
