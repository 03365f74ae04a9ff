/** Verification: reads each written account back to confirm the disable or revoke took effect. */
package dev.offboarding.worker.verify;
