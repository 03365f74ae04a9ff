/**
 * Intake: classifies each message by the queue it arrived on and checks that queue's policy before
 * anything is planned.
 */
package dev.offboarding.worker.intake;
