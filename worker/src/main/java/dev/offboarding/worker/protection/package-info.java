/**
 * Protection: the accounts no event may write to (configured protected users and holders of
 * privileged roles).
 */
package dev.offboarding.worker.protection;
